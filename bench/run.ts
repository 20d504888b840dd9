// Benchmark harness: `npm run bench -- [--json] [--only mlp,dcgan] [--steps N] [--warmup N] [--no-torch] [--device cpu|webgpu|cuda]`.
// Each benchmark times one whole GAN training step (one program run, noise generation included)
// and reports the median. When PyTorch is installed (/usr/bin/python3 -c "import torch"), the same
// networks and step are measured in the same run by bench/torch_reference.py and the ratio reported.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as E from '../src/engine/index.js';
import { buildTrainStep, type BuiltStep, type StepConfig } from '../src/gan/step.js';
import type { GanRecipe } from '../src/gan/recipe.js';
import { gan } from '../src/gan/types/gan.js';
import { dcganDiscriminator, dcganDiscriminator28, dcganGenerator, dcganGenerator28, mlpDiscriminator, mlpGenerator, resnetDiscriminator, resnetGenerator } from '../src/gan/nets.js';
import { countFlops } from './flops.js';

export interface BenchCase {
  name: string;
  nets: () => GanRecipe;
  sampleShape: number[];
  /** Noise size (default 100). */
  latent?: number;
  step: Partial<StepConfig>;
}

const adam = { kind: 'adam' as const, lr: 2e-4, beta1: 0.5, beta2: 0.999 };

export const CASES: BenchCase[] = [
  {
    name: 'mlp',
    nets: () => gan({
      G: mlpGenerator(100, 784, { hidden: [256, 512], slope: 0.2 }).named('G'),
      D: mlpDiscriminator(784, { hidden: [512, 256], slope: 0.2 }).named('D'),
      latent: 100,
      sampleShape: [784],
      range: '[-1, 1]',
    }),
    sampleShape: [784],
    step: {},
  },
  {
    name: 'dcgan',
    nets: () => gan({
      G: dcganGenerator28(100).named('G'),
      D: dcganDiscriminator28().named('D'),
      latent: 100,
      sampleShape: [1, 28, 28],
      range: '[-1, 1]',
    }),
    sampleShape: [1, 28, 28],
    step: {},
  },
  {
    // The PyTorch DCGAN example's 64x64x3 networks (ngf = ndf = 64, no biases, N(0, 0.02) init), BCE.
    name: 'dcgan64',
    nets: () => gan({
      G: dcganGenerator(100, 64, { channels: 3 }).named('G'),
      D: dcganDiscriminator(64, { channels: 3, batchNormD: true }).named('D'),
      latent: 100,
      sampleShape: [3, 64, 64],
      range: '[-1, 1]',
      batchStatsD: true,
    }),
    sampleShape: [3, 64, 64],
    step: {},
  },
  {
    // The CIFAR-10 SNGAN ResNet (G 256 channels, D 128, spectral norm on every D layer), hinge loss.
    name: 'sngan32',
    nets: () => gan({
      G: resnetGenerator(128, 32, { channels: 3 }).named('G'),
      D: resnetDiscriminator(32, { channels: 3 }).named('D'),
      latent: 128,
      sampleShape: [3, 32, 32],
      range: '[-1, 1]',
    }),
    sampleShape: [3, 32, 32],
    latent: 128,
    step: { loss: 'hinge' },
  },
];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export interface OursResult {
  ms: number;
  flops: number;
  nodes: number;
  compileMs: number;
}

/** A case's training step (non-saturating BCE, Adam 2e-4 / 0.5 / 0.999 unless the case says otherwise) and its initial state (seed 0). */
export function buildBenchStep(c: BenchCase, batch: number, overrides: Partial<StepConfig> = {}): { built: BuiltStep; store: E.StateStore } {
  const cfg: StepConfig = {
    batch,
    loss: 'nonsaturating',
    dSteps: 1,
    realLabel: 1,
    gpWeight: 10,
    r1Gamma: 0,
    weightClip: 0,
    emaDecay: 0,
    optG: adam,
    optD: adam,
    ...c.step,
    ...overrides,
  };
  const built = buildTrainStep(c.nets(), { x: { shape: c.sampleShape, dtype: 'float32' } }, cfg);
  const store = new E.StateStore();
  E.initState(store, built.trace.declared(), new E.Rng(0));
  return { built, store };
}

export async function benchOurs(
  c: BenchCase,
  batch: number,
  steps: number,
  warmup: number,
  overrides: Partial<StepConfig> = {},
  stepsPerRun = 1,
): Promise<OursResult> {
  const t0 = performance.now();
  const { built, store } = buildBenchStep(c, batch, overrides);
  const loop = stepsPerRun > 1 ? { steps: stepsPerRun, perStep: ['x', 'z'] } : undefined;
  const prog = await E.Program.compile(built.spec, store, { loop });
  const compileMs = performance.now() - t0;
  const rng = new E.Rng(1);
  const sampleSize = c.sampleShape.reduce((a, b) => a * b, 1);
  const pool = Array.from({ length: 8 }, () => rng.fillUniform(new Float32Array(stepsPerRun * batch * sampleSize), -1, 1));
  const z = new Float32Array(stepsPerRun * batch * (c.latent ?? 100));
  const times: number[] = [];
  const runs = Math.ceil(steps / stepsPerRun);
  const warmRuns = Math.ceil(warmup / stepsPerRun);
  for (let i = 0; i < warmRuns + runs; i++) {
    const s = performance.now();
    rng.fillNormal(z);
    await prog.run({ x: pool[i % pool.length]!, z, lr_G: 2e-4, lr_D: 2e-4 });
    if (i >= warmRuns) times.push((performance.now() - s) / stepsPerRun);
  }
  await prog.release();
  return { ms: median(times), flops: countFlops(built.spec), nodes: prog.model.nodeCount, compileMs };
}

interface TorchResult {
  config: string;
  ms_per_step: number;
  torch: string;
}

function benchTorch(names: string[], batch: number, steps: number, warmup: number): Map<string, TorchResult> {
  const script = fileURLToPath(new URL('./torch_reference.py', import.meta.url));
  const out = new Map<string, TorchResult>();
  try {
    const text = execFileSync('/usr/bin/python3', [script, `only=${names.join(',')}`, `batch=${batch}`, `steps=${steps}`, `warmup=${warmup}`, 'threads=2'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    for (const line of text.trim().split('\n')) {
      const r = JSON.parse(line) as TorchResult;
      out.set(r.config, r);
    }
  } catch (e) {
    process.stderr.write(`PyTorch reference unavailable (${(e as Error).message.split('\n')[0]}); reporting tsgan alone\n`);
  }
  return out;
}

async function main(): Promise<void> {
  // The other benchmarks, by flag: in-page training against TensorFlow.js, sweep throughput, and what crosses to a GPU device per call.
  if (process.argv.includes('--browser')) return void (await import('./browser/run.js'));
  if (process.argv.includes('--sweep')) return void (await import('./sweep-throughput.js'));
  if (process.argv.includes('--device-transfer')) return void (await import('./device-transfer.js'));
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      json: { type: 'boolean', default: false },
      only: { type: 'string' },
      steps: { type: 'string', default: '100' },
      warmup: { type: 'string', default: '10' },
      batch: { type: 'string', default: '64' },
      'no-torch': { type: 'boolean', default: false },
      'steps-per-run': { type: 'string', default: '8' },
      memory: { type: 'boolean', default: false },
      device: { type: 'string', default: 'cpu' },
    },
  });
  // Every program of the run compiles for this device (docs/scale.md); PyTorch's reference stays on the CPU.
  E.setDefaultDevice(values.device as E.Device);
  if (values.memory) return memorySoak(Number(values.steps === '100' ? 10000 : values.steps), values.json ?? false);
  const only = values.only?.split(',').map((s) => s.trim());
  const unknown = only?.filter((n) => !CASES.some((c) => c.name === n)) ?? [];
  if (unknown.length) {
    process.stderr.write(`unknown benchmark ${unknown.join(', ')}; available: ${CASES.map((c) => c.name).join(', ')}\n`);
    process.exit(2);
  }
  const cases = CASES.filter((c) => !only || only.includes(c.name));
  const steps = Number(values.steps);
  const warmup = Number(values.warmup);
  const batch = Number(values.batch);
  const torch = values['no-torch'] ? new Map<string, TorchResult>() : benchTorch(cases.map((c) => c.name), batch, Math.min(steps, 50), warmup);
  const perRun = Number(values['steps-per-run']);
  for (const c of cases) {
    const single = perRun > 1 ? await benchOurs(c, batch, Math.min(steps, 50), warmup, {}, 1) : undefined;
    const r = await benchOurs(c, batch, steps, warmup, {}, perRun);
    const t = torch.get(c.name);
    const row = {
      config: c.name,
      batch,
      ms_per_step: round(r.ms),
      steps_per_run: perRun,
      ms_per_step_one_per_run: single ? round(single.ms) : round(r.ms),
      steps_per_s: round(1000 / r.ms),
      gflop_per_step: round(r.flops / 1e9),
      gflop_per_s: round(r.flops / 1e9 / (r.ms / 1000)),
      device: values.device,
      torch_ms_per_step: t ? t.ms_per_step : null,
      speedup_vs_torch: t ? round(t.ms_per_step / r.ms) : null,
      onnx_nodes: r.nodes,
      compile_ms: Math.round(r.compileMs),
      steps,
    };
    if (values.json) console.log(JSON.stringify(row));
    else console.log(`${c.name.padEnd(8)} ${row.ms_per_step.toFixed(2)} ms/step  ${row.steps_per_s} steps/s  ${row.gflop_per_s} GFLOP/s` + (t ? `  torch ${t.ms_per_step} ms  x${row.speedup_vs_torch}` : ''));
  }
}

const round = (x: number) => Math.round(x * 1000) / 1000;

/** Trains the mlp benchmark for many steps and reports resident memory along the way. */
async function memorySoak(steps: number, json: boolean): Promise<void> {
  const c = CASES.find((x) => x.name === 'mlp')!;
  const nets = c.nets();
  const built = buildTrainStep(nets, { x: { shape: c.sampleShape, dtype: 'float32' } }, {
    batch: 64, loss: 'nonsaturating', dSteps: 1, realLabel: 1, gpWeight: 10, r1Gamma: 0, weightClip: 0, emaDecay: 0.999,
    optG: adam, optD: adam,
  });
  const store = new E.StateStore();
  E.initState(store, built.trace.declared(), new E.Rng(0));
  const perRun = 8;
  const prog = await E.Program.compile(built.spec, store, { loop: { steps: perRun, perStep: ['x', 'z'] } });
  const rng = new E.Rng(1);
  const real = rng.fillUniform(new Float32Array(perRun * 64 * 784), -1, 1);
  const z = new Float32Array(perRun * 64 * 100);
  const rss: Record<number, number> = {};
  for (let i = 1; i <= steps / perRun; i++) {
    rng.fillNormal(z);
    await prog.run({ x: real, z, lr_G: 2e-4, lr_D: 2e-4 });
    const step = i * perRun;
    if (step === 1000 || step === steps || step % 2000 === 0) {
      global.gc?.();
      rss[step] = Math.round(process.memoryUsage().rss / 2 ** 20);
    }
  }
  await prog.release();
  const first = rss[1000]!;
  const last = rss[steps]!;
  const row = { config: 'mlp-memory', steps, rss_mb: rss, growth_mb_after_step_1000: last - first };
  console.log(json ? JSON.stringify(row) : `memory: rss ${JSON.stringify(rss)} MB; growth after step 1000: ${last - first} MB`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
