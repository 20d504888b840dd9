// Where a LAPGAN run's distance comes from: FCD of 5,000 MNIST test images rebuilt from real or
// generated pyramid levels with the run's generators (docs/gans/lapgan.md).
// usage: npx tsx scripts/lapgan-levels.ts RUN_DIR
import * as E from '../src/engine/index.js';
import { loadRun } from '../src/gan/trainer.js';
import { loadMnist, sampleRange } from '../src/data/datasets.js';
import { classifierMetrics } from '../src/metrics/frechet.js';
import { StateTrace } from '../src/engine/index.js';
import { emaName } from '../src/gan/step.js';

const dir = process.argv[2];
if (!dir) {
  process.stderr.write('usage: npx tsx scripts/lapgan-levels.ts RUN_DIR\n');
  process.exit(2);
}
const r = await loadRun(dir);
const B = 500;
const N = 5000;
const G = (r.recipe.G as any).parts;
const down = (x: E.Tensor) => E.avgPool2d(x, 2, { stride: 2 });
const up = (x: E.Tensor) => E.upsample(x, 2, 'bilinear');
const lat = (r.cfg.model as any).latent as number;
const ema = r.store.names().some((n) => n.endsWith('/ema'));
const trace = new StateTrace(false, ema ? emaName : undefined);
const real = E.input('real', [B, 1, 28, 28]);
const n1 = E.input('n1', [B, 1, 14, 14]);
const n2 = E.input('n2', [B, 1, 28, 28]);
const z0 = E.input('z0', [B, lat]);
const refine = (l: number, cond: E.Tensor, n: E.Tensor) => E.add(cond, G[`level${l}`].call(E.concat([cond, n], 1), trace));
const r7 = down(down(real)), r14 = down(real);
const g7 = G.level0.call(z0, trace);
const outs: Record<string, E.Tensor> = {
  upReal7: up(up(r7)),
  upReal14: up(r14),
  real7_G1_G2: E.clip(refine(2, up(E.clip(refine(1, up(r7), n1), -1, 1)), n2), -1, 1),
  real14_G2: E.clip(refine(2, up(r14), n2), -1, 1),
  gen7_up_up: up(up(g7)),
  gen7_G1_up: up(E.clip(refine(1, up(g7), n1), -1, 1)),
  full: E.clip(refine(2, up(E.clip(refine(1, up(g7), n1), -1, 1)), n2), -1, 1),
};
const prog = await E.Program.compile({ outputs: outs }, r.store, {});
const test = loadMnist('test');
const rng = new E.Rng(7);
const acc: Record<string, Float32Array> = {};
for (const k of Object.keys(outs)) acc[k] = new Float32Array(N * 784);
for (let i = 0; i < N; i += B) {
  const feeds = { real: sampleRange(test, i, B), n1: rng.normal(B * 196), n2: rng.normal(B * 784), z0: rng.normal(B * lat) };
  const o = await prog.run(feeds as any);
  for (const k of Object.keys(outs)) acc[k]!.set(o[k]!.data as Float32Array, i * 784);
}
for (const k of Object.keys(outs)) {
  const m = await classifierMetrics('mnist', acc[k]!, N);
  console.log(k.padEnd(14), 'fcd', m.fcd.toFixed(2), 'entropy', m.classEntropy.toFixed(3));
}
