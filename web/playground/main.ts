// The playground page: controls, the views and the files; training runs in ./worker.ts.
import { drawImages, drawPlane, drawPoints, toPlane } from './draw.js';
import { PAGE_SETUPS, type FromWorker, type InitMessage, type SetupName, type StepRowMsg, type ToWorker, type ViewsMsg, type WebDevice } from './protocol.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const plane = $<HTMLCanvasElement>('plane');
const imagesCanvas = $<HTMLCanvasElement>('images');
const setupSelect = $<HTMLSelectElement>('setup');
const deviceSelect = $<HTMLSelectElement>('device');
const status = $<HTMLParagraphElement>('status');
const DRAW_EXTENT = { lo: -1, hi: 1 };

/** What the page knows, also read by scripts and the browser tests (window.tsganPlayground). */
const state = {
  ready: false,
  /** Sessions started (each start or loaded checkpoint). */
  starts: 0,
  /** The setup of the session started last. */
  setup: '' as SetupName | '',
  playing: false,
  busy: false,
  step: 0,
  rows: [] as StepRowMsg[],
  stepsPerSecond: 0,
  threads: 0,
  device: 'wasm' as WebDevice,
  config: '',
  modes: undefined as ViewsMsg['modes'],
  /** The generated points the 2-D views show (G of the views' fixed noise). */
  samples: undefined as Float32Array | undefined,
  views: 0,
  error: '',
  drawn: [] as number[],
  dropped: [] as Float32Array[],
  lastFiles: [] as { name: string; bytes: Uint8Array }[],
};
(window as unknown as { tsganPlayground: unknown }).tsganPlayground = {
  state,
  start: (o: Partial<InitMessage> = {}) => start(o),
  step: (n: number) => requestStep(n),
  exportGenerator: () => request({ type: 'export-generator' }),
  exportCheckpoint: () => request({ type: 'export-checkpoint' }),
};

for (const [name, s] of Object.entries(PAGE_SETUPS)) setupSelect.add(new Option(s.label, name));
if ('gpu' in navigator) deviceSelect.add(new Option('WebGPU', 'webgpu'));

let worker: Worker | undefined;
let lastViews: ViewsMsg | undefined;
let filesWanted: ((f: { name: string; bytes: Uint8Array }[]) => void) | undefined;

function post(m: ToWorker, transfer: Transferable[] = []): void {
  worker!.postMessage(m, transfer);
}

let mnist: Promise<Uint8Array> | undefined;
const loadMnist = () => (mnist ??= fetch(new URL('./data/mnist-1000.bin', document.baseURI)).then(async (r) => new Uint8Array(await r.arrayBuffer())));

async function start(o: Partial<InitMessage> = {}): Promise<void> {
  worker?.terminate();
  worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
  worker.onmessage = (e: MessageEvent<FromWorker>) => onMessage(e.data);
  Object.assign(state, { ready: false, playing: false, busy: true, rows: [], error: '', step: 0 });
  const setup = (o.setup ?? setupSelect.value) as SetupName;
  setupSelect.value = setup;
  state.setup = setup;
  const m: InitMessage = {
    type: 'init',
    setup,
    seed: o.seed ?? (Number($<HTMLInputElement>('seed').value) || 0),
    device: o.device ?? (deviceSelect.value as WebDevice),
    threads: o.threads ?? Number($<HTMLSelectElement>('threads').value),
    resume: o.resume,
  };
  if (setup === 'drawn') m.points = Float32Array.from(state.drawn);
  if (setup === 'images') m.images = concat(state.dropped);
  if (PAGE_SETUPS[setup].data === 'mnist' || o.resume) m.mnist = await loadMnist();
  status.textContent = 'compiling the training step...';
  post(m);
}

function concat(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function requestStep(n: number): void {
  if (!state.ready || state.busy) return;
  state.busy = true;
  post({ type: 'step', steps: n });
}

function request(m: ToWorker): Promise<{ name: string; bytes: Uint8Array }[]> {
  return new Promise((resolve) => {
    filesWanted = resolve;
    post(m);
  });
}

function onMessage(m: FromWorker): void {
  switch (m.type) {
    case 'ready':
      Object.assign(state, { ready: true, busy: false, step: m.step, threads: m.threads, device: m.device, config: m.config, starts: state.starts + 1 });
      $('stat-runtime').textContent = `${m.backend}, ${m.device === 'webgpu' ? 'WebGPU' : `wasm, ${m.threads} thread${m.threads > 1 ? 's' : ''}`}${crossOriginIsolated ? '' : ' (not cross-origin isolated)'}`;
      for (const id of ['play', 'step', 'export-generator']) $<HTMLButtonElement>(id).disabled = false;
      $<HTMLButtonElement>('export-checkpoint').disabled = !m.checkpointable;
      status.textContent = '';
      show(m.views);
      break;
    case 'stepped':
      state.rows.push(...m.rows);
      state.step = m.step;
      state.stepsPerSecond = (1000 * m.rows.length) / m.ms;
      state.busy = false;
      show(m.views);
      stats(m.rows.at(-1)!);
      if (state.playing) requestAnimationFrame(() => requestStep(Number($<HTMLSelectElement>('speed').value)));
      break;
    case 'file':
    case 'files': {
      const files = m.type === 'file' ? [m] : m.files;
      state.lastFiles = files;
      if (filesWanted) {
        filesWanted(files);
        filesWanted = undefined;
      }
      for (const f of files) download(f.name, f.bytes, f.mime);
      break;
    }
    case 'error':
      Object.assign(state, { error: m.message, busy: false, playing: false });
      status.textContent = m.message;
      break;
  }
}

function show(v: ViewsMsg): void {
  lastViews = v;
  state.views++;
  plane.hidden = !v.plane;
  imagesCanvas.hidden = !v.images;
  $('layers').hidden = !v.plane;
  if (v.plane) drawPlane(plane, v.plane, layers());
  if (v.images) drawImages(imagesCanvas, v.images);
  state.modes = v.modes;
  state.samples = v.plane?.samples;
  $('stat-modes').textContent = v.modes ? `${v.modes.captured} of ${v.modes.modes} (${(100 * v.modes.highQuality).toFixed(1)}% high quality)` : '-';
}

const layers = () => ({
  surface: $<HTMLInputElement>('show-surface').checked,
  grid: $<HTMLInputElement>('show-grid').checked,
  real: $<HTMLInputElement>('show-real').checked,
  fake: $<HTMLInputElement>('show-fake').checked,
  arrows: $<HTMLInputElement>('show-arrows').checked,
});
for (const id of ['show-surface', 'show-grid', 'show-real', 'show-fake', 'show-arrows']) $(id).addEventListener('change', () => lastViews?.plane && drawPlane(plane, lastViews.plane, layers()));

function stats(r: StepRowMsg): void {
  $('stat-step').textContent = String(state.step);
  $('stat-speed').textContent = state.stepsPerSecond.toFixed(1);
  $('stat-loss').textContent = `${r.loss_D!.toFixed(4)} / ${r.loss_G!.toFixed(4)}`;
  $('stat-d').textContent = `${r.d_real!.toFixed(3)} / ${r.d_fake!.toFixed(3)}`;
}

function download(name: string, bytes: Uint8Array, mime: string): void {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: mime }));
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}

$('start').addEventListener('click', () => void start());
$('step').addEventListener('click', () => requestStep(1));
$('play').addEventListener('click', () => {
  state.playing = !state.playing;
  $('play').textContent = state.playing ? 'pause' : 'play';
  if (state.playing) requestStep(Number($<HTMLSelectElement>('speed').value));
});
$('export-generator').addEventListener('click', () => void request({ type: 'export-generator' }));
$('export-checkpoint').addEventListener('click', () => void request({ type: 'export-checkpoint' }));

// Loading a Node run: its config.json and one of its checkpoints/step-*.ckpt.
$<HTMLInputElement>('load').addEventListener('change', async (e) => {
  const files = [...((e.target as HTMLInputElement).files ?? [])];
  const config = files.find((f) => f.name.endsWith('.json'));
  const ckpt = files.find((f) => f.name.endsWith('.ckpt'));
  if (!config || !ckpt) {
    status.textContent = 'pick both files of a run: its config.json and a checkpoints/step-*.ckpt';
    return;
  }
  const text = await config.text();
  const cfg = JSON.parse(text) as { data?: { kind?: string; name?: string }; model?: { variant?: string } };
  const setup: SetupName = cfg.data?.kind === 'mnist' ? (cfg.model?.variant === 'cgan' ? 'mnist-cgan' : 'mnist-dcgan') : ((cfg.data?.name ?? 'ring8') as SetupName);
  await start({ setup: setup in PAGE_SETUPS ? setup : 'ring8', resume: { config: text, checkpoint: new Uint8Array(await ckpt.arrayBuffer()) } });
});

// Drawing points: click or drag on the plane (setup "drawn", before starting).
let drawing = false;
const addPoint = (e: PointerEvent) => {
  // Drawing is for the next session: not over a session trained on drawn points.
  if (setupSelect.value !== 'drawn' || (state.ready && state.setup === 'drawn')) return;
  const r = plane.getBoundingClientRect();
  const [x, y] = toPlane(DRAW_EXTENT, plane.width, ((e.clientX - r.left) * plane.width) / r.width, ((e.clientY - r.top) * plane.height) / r.height);
  // A small spray around the pointer, so a drag makes a band of data.
  for (let i = 0; i < 4; i++) state.drawn.push(x + (Math.random() - 0.5) * 0.04, y + (Math.random() - 0.5) * 0.04);
  drawPoints(plane, DRAW_EXTENT, state.drawn);
};
plane.addEventListener('pointerdown', (e) => ((drawing = true), addPoint(e)));
plane.addEventListener('pointermove', (e) => drawing && addPoint(e));
addEventListener('pointerup', () => (drawing = false));

// Dropped images: resized to 32x32 RGB in the page with a canvas.
addEventListener('dragover', (e) => e.preventDefault());
addEventListener('drop', async (e) => {
  e.preventDefault();
  const files = [...(e.dataTransfer?.files ?? [])].filter((f) => f.type.startsWith('image/'));
  for (const f of files) state.dropped.push(await imageToTensor(f, 32));
  setupSelect.value = 'images';
  $('hint').textContent = `${state.dropped.length} image(s) dropped; press start to train on them`;
});

async function imageToTensor(file: Blob, side: number): Promise<Float32Array> {
  const bitmap = await createImageBitmap(file, { resizeWidth: side, resizeHeight: side, resizeQuality: 'high' });
  const c = new OffscreenCanvas(side, side);
  const ctx = c.getContext('2d')!;
  ctx.drawImage(bitmap, 0, 0);
  const px = ctx.getImageData(0, 0, side, side).data;
  const out = new Float32Array(3 * side * side);
  for (let p = 0; p < side * side; p++) for (let ch = 0; ch < 3; ch++) out[ch * side * side + p] = px[4 * p + ch]! / 127.5 - 1;
  return out;
}

setupSelect.addEventListener('change', () => {
  $('hint').textContent = setupSelect.value === 'drawn' ? 'click or drag on the plane to draw data, then press start' : setupSelect.value === 'images' ? 'drop image files on the page, then press start' : '';
  if (setupSelect.value === 'drawn') {
    plane.hidden = false;
    imagesCanvas.hidden = true;
    drawPoints(plane, DRAW_EXTENT, state.drawn);
  }
});
