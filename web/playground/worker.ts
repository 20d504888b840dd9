// The playground's training worker: the same TrainingSession the Node trainer runs (src/gan/session.ts),
// on onnxruntime-web, so the page stays responsive while ONNX Runtime's run blocks this thread.
import * as E from '../../src/engine/index.js';
import { setOrtBackend } from '../../src/engine/runtime.js';
import { validateConfig, type GanConfig } from '../../src/config/schema.js';
import { DatasetSource } from '../../src/data/dataset-source.js';
import { mixtureSource, type MixtureName } from '../../src/data/mixture-source.js';
import { GRID25, RING8, sampleMixture, sampleSpiral, type Mixture } from '../../src/data/mixtures.js';
import type { DataSource } from '../../src/data/types.js';
import { generatorOnnx, useEma } from '../../src/gan/export.js';
import { compileSampler } from '../../src/gan/sampler.js';
import { runRngs, TrainingSession } from '../../src/gan/session.js';
import { modeMetrics } from '../../src/metrics/modes.js';
import { version } from '../../package.json';
import { webBackend, wasmThreads } from './ort-web.js';
import { decodeMnistSubset } from './mnist-subset.js';
import { Probe, type Extent } from './probe.js';
import { checkpointFileName, decodeCheckpointWeb, encodeCheckpointWeb } from './run-files.js';
import type { FromWorker, InitMessage, SetupName, ToWorker, ViewsMsg } from './protocol.js';
import { pageConfig } from './setups.js';

const port = self as unknown as { postMessage(m: FromWorker, transfer?: Transferable[]): void; onmessage: ((e: MessageEvent<ToWorker>) => void) | null };

const MIXTURES: Partial<Record<MixtureName, Mixture>> = { ring8: RING8, grid25: GRID25 };
const EXTENTS: Record<string, Extent> = { ring8: { lo: -1.5, hi: 1.5 }, grid25: { lo: -5.5, hi: 5.5 }, spiral: { lo: -1.25, hi: 1.25 }, moons: { lo: -1.5, hi: 1.5 }, drawn: { lo: -1, hi: 1 } };

interface Live {
  session: TrainingSession;
  setup: SetupName;
  probe?: Probe;
  real?: Float32Array;
  mixture?: Mixture;
  images?: { sampler: E.Program; z: Float32Array; y?: BigInt64Array; n: number; cols: number };
}

let live: Live | undefined;

function openSource(cfg: GanConfig, m: InitMessage, rng: E.Rng): DataSource {
  if (m.setup === 'drawn') {
    if (!m.points || m.points.length < 2) throw new Error('draw some points first (click or drag on the plane)');
    return new DatasetSource({ name: 'drawn', shape: [2], count: m.points.length / 2, data: m.points }, rng);
  }
  if (m.setup === 'images') {
    if (!m.images || m.images.length === 0) throw new Error('drop some images on the page first');
    return new DatasetSource({ name: 'dropped', shape: [3, 32, 32], count: m.images.length / 3072, data: m.images }, rng);
  }
  if (cfg.data.kind === 'mixture') return mixtureSource(cfg.data.name, rng);
  if (cfg.data.kind === 'mnist') {
    if (!m.mnist) throw new Error('the MNIST subset was not loaded');
    return new DatasetSource(decodeMnistSubset(m.mnist), rng);
  }
  throw new Error(`the playground trains on 2-D mixtures, drawn points, its MNIST subset or dropped images, not data of kind "${cfg.data.kind}"`);
}

async function init(m: InitMessage): Promise<void> {
  await live?.session.close();
  setOrtBackend(webBackend(m.threads));
  const cfg = m.resume ? validateConfig(JSON.parse(m.resume.config), 'config.json') : pageConfig(m.setup, m.seed);
  const rngs = runRngs(cfg.seed);
  const source = openSource(cfg, m, rngs.data);
  const device: E.Device = m.device === 'webgpu' ? 'webgpu' : 'cpu';
  const session = new TrainingSession(cfg, source, rngs, device);
  if (m.resume) session.restore(await decodeCheckpointWeb(m.resume.checkpoint, 'the loaded checkpoint'));
  else session.initialize();
  const next: Live = { session, setup: m.setup };
  if (source.kind === 'vector') {
    const name = m.setup === 'drawn' ? 'drawn' : cfg.data.kind === 'mixture' ? cfg.data.name : 'drawn';
    const extent = EXTENTS[name]!;
    next.mixture = cfg.data.kind === 'mixture' && m.setup !== 'drawn' ? MIXTURES[cfg.data.name] : undefined;
    const rng = new E.Rng(cfg.seed + 2);
    next.real = m.setup === 'drawn' ? m.points! : next.mixture ? sampleMixture(next.mixture, rng, 1000) : sampleSpiral(rng, 1000);
    next.probe = await Probe.compile(session.recipe, cfg.train.loss, session.store, extent, { surface: 48, lines: 11, perLine: 41, range: 2.5, samples: 1000 }, new E.Rng(cfg.seed + 1), device);
  } else {
    const classes = session.recipe.sampler?.labels?.classes;
    const n = classes ? 8 * classes : 64;
    const latent = session.recipe.sampler!.latent.reduce((a, b) => a * b, 1);
    const sampler = await compileSampler(session.recipe, n, session.store, { ema: useEma(session.store, true), device });
    const y = classes ? BigInt64Array.from({ length: n }, (_, i) => BigInt(Math.floor(i / 8))) : undefined;
    next.images = { sampler, z: new E.Rng(cfg.seed).fork(6).normal(n * latent), y, n, cols: 8 };
  }
  live = next;
  port.postMessage({
    type: 'ready',
    step: session.step,
    config: `${JSON.stringify(cfg, null, 2)}\n`,
    backend: 'onnxruntime-web',
    threads: wasmThreads(),
    device: m.device,
    views: await views(next),
    checkpointable: m.setup !== 'drawn' && m.setup !== 'images',
  });
}

async function views(l: Live): Promise<ViewsMsg> {
  if (l.probe) {
    const v = await l.probe.run();
    const s = l.probe.sizes;
    const out: ViewsMsg = { plane: { ...v, real: l.real!, extent: l.probe.extent, surfaceSide: s.surface, lines: s.lines, perLine: s.perLine } };
    if (l.mixture) {
      const m = modeMetrics(v.samples, l.mixture);
      out.modes = { captured: m.modesCaptured, modes: m.modes, highQuality: m.highQualityFraction };
    }
    return out;
  }
  const im = l.images!;
  const x = (await im.sampler.run(im.y ? { z: im.z, y: im.y } : { z: im.z })).x!.data as Float32Array;
  return { images: { x: x.slice(), n: im.n, shape: l.session.recipe.sampler!.output, cols: im.cols } };
}

async function step(steps: number): Promise<void> {
  const l = live;
  if (!l) throw new Error('nothing to train: choose a setup first');
  const t0 = performance.now();
  const rows = await l.session.run(steps);
  const ms = performance.now() - t0;
  port.postMessage({ type: 'stepped', rows, step: l.session.step, ms, views: await views(l) });
}

async function exportGenerator(): Promise<void> {
  const s = live!.session;
  const { bytes } = generatorOnnx(s, true, 'a2b', version);
  port.postMessage({ type: 'file', name: 'generator.onnx', bytes, mime: 'application/octet-stream' });
}

async function exportCheckpoint(): Promise<void> {
  const s = live!.session;
  const config = new TextEncoder().encode(`${JSON.stringify(s.cfg, null, 2)}\n`);
  const ckpt = await encodeCheckpointWeb(s.checkpoint());
  port.postMessage({
    type: 'files',
    files: [
      { name: 'config.json', bytes: config, mime: 'application/json' },
      { name: checkpointFileName(s.step), bytes: ckpt, mime: 'application/octet-stream' },
    ],
  });
}

// One message at a time, in order: a step never overlaps another or an export.
let queue: Promise<void> = Promise.resolve();
port.onmessage = (e) => {
  const m = e.data;
  queue = queue.then(async () => {
    try {
      if (m.type === 'init') await init(m);
      else if (m.type === 'step') await step(m.steps);
      else if (m.type === 'export-generator') await exportGenerator();
      else await exportCheckpoint();
    } catch (err) {
      port.postMessage({ type: 'error', message: (err as Error).message });
    }
  });
};
