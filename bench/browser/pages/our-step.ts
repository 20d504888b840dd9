// Our compiled `mlp` training step (written by step-files.ts in Node) run by onnxruntime-web: the
// state goes in, its next value comes out and is fed back, as the engine's Program does in Node.
// The real batches and the noise are drawn as bench/run.ts draws them (Rng(1): a pool of 8 uniform
// batches, fresh normal noise every call), so the first call's losses can be checked against Node's.
import type * as OrtWasm from 'onnxruntime-web/wasm';
import { Rng } from '../../../src/engine/random.js';
import type { StepManifest } from '../step-files.js';
import { median, params, type PageResult } from './result.js';

type Ort = typeof OrtWasm;
type Tensor = OrtWasm.Tensor;

async function fetchOk(url: string): Promise<Response> {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`${url}: HTTP ${r.status}`);
  return r;
}

export async function benchOurStep(ort: Ort, ep: 'wasm' | 'webgpu'): Promise<Omit<PageResult, 'crossOriginIsolated'>> {
  const q = params();
  const threads = Number(q.get('threads') ?? 1);
  const perRun = Number(q.get('perRun') ?? 8);
  const steps = Number(q.get('steps') ?? 64);
  const warmup = Number(q.get('warmup') ?? 16);
  ort.env.wasm.numThreads = threads;
  // onnxruntime-web's threads load its glue file as workers; re-bundled into this page's chunk it
  // cannot, so the runner serves the package's own dist/ at /ort/ and the glue comes from there.
  ort.env.wasm.wasmPaths = new URL('/ort/', location.href).href;
  const manifest = (await (await fetchOk('../step/manifest.json')).json()) as StepManifest;
  const model = manifest.models.find((m) => m.stepsPerRun === perRun);
  if (!model) throw new Error(`no step model with ${perRun} steps per call`);
  const bytes = new Uint8Array(await (await fetchOk(`../step/${model.file}`)).arrayBuffer());
  const all = new Float32Array(await (await fetchOk('../step/state.bin')).arrayBuffer());
  // On WebGPU the state stays on the device between calls; only the metrics come back.
  const keepOnGpu = ep === 'webgpu' ? Object.fromEntries(Object.keys(model.updates).map((o) => [o, 'gpu-buffer' as const])) : undefined;
  // ?spin=0: worker threads sleep instead of spinning between operators (ONNX Runtime's
  // session.intra_op.allow_spinning), which matters when the page shares its cores.
  const spin = q.get('spin') === '0' ? { extra: { session: { intra_op: { allow_spinning: '0' } } } } : {};
  const session = await ort.InferenceSession.create(bytes, {
    executionProviders: [ep],
    graphOptimizationLevel: 'all',
    ...spin,
    ...(keepOnGpu ? { preferredOutputLocation: keepOnGpu } : {}),
  });
  const state = new Map<string, Tensor>();
  for (const s of manifest.state) state.set(s.name, new ort.Tensor('float32', all.slice(s.offset, s.offset + s.length), s.shape));
  const shape = (name: string) => model.inputs.find((i) => i.name === name)!.shape as number[];
  const rng = new Rng(1);
  const size = perRun * manifest.batch * manifest.sampleSize;
  const pool = Array.from({ length: 8 }, () => rng.fillUniform(new Float32Array(size), -1, 1));
  const z = new Float32Array(perRun * manifest.batch * manifest.latent);
  const lr = new ort.Tensor('float32', Float32Array.of(2e-4), []);
  const runs = Math.ceil(steps / perRun);
  const warmRuns = Math.ceil(warmup / perRun);
  const times: number[] = [];
  let first: Record<string, number> | undefined;
  let last: Record<string, number> = {};
  for (let i = 0; i < warmRuns + runs; i++) {
    const t0 = performance.now();
    rng.fillNormal(z);
    const feeds: Record<string, Tensor> = { x: new ort.Tensor('float32', pool[i % pool.length]!, shape('x')), z: new ort.Tensor('float32', z, shape('z')), lr_G: lr, lr_D: lr };
    for (const s of model.stateInputs) feeds[s.name] = state.get(s.name)!;
    const out = await session.run(feeds);
    for (const [o, name] of Object.entries(model.updates)) {
      const previous = state.get(name)!;
      state.set(name, out[o]!);
      if (previous.location === 'gpu-buffer') previous.dispose();
    }
    last = Object.fromEntries(await Promise.all(model.metrics.map(async (m) => [m, Number((await out[m]!.getData())[0])] as const)));
    if (i >= warmRuns) times.push((performance.now() - t0) / perRun);
    first ??= last;
  }
  await session.release();
  return { ok: true, msPerStep: median(times), timedSteps: runs * perRun, first, last, threads, backend: `onnxruntime-web ${ort.env.versions.web} ${ep}` };
}
