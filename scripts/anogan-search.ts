// Scoring speed of an f-AnoGAN run against AnoGAN-style scoring (Schlegl et al. 2017), which
// searches each image's z by gradient descent through the frozen G and D: `steps` Adam steps on
// (1 - lambda) ||x - G(z)||_1 + lambda ||f(x) - f(G(z))||_1 (f: D's features), the final value
// being the score. Both score the same images in one batch, timed without compilation; the AUROC
// of each on those images (half normal, half anomalous, from the test split) is printed beside.
// usage: npx tsx scripts/anogan-search.ts --run DIR [--count 64] [--steps 500] [--lambda 0.1] [--lr 0.01]
import { parseArgs } from 'node:util';
import * as E from '../src/engine/index.js';
import { loadRun } from '../src/gan/trainer.js';
import { frozenCtx } from '../src/gan/step.js';
import { adam } from '../src/optim/optimizers.js';
import { anomalyScores } from '../src/api/score.js';
import { useEma } from '../src/api/outputs.js';
import { auroc } from '../src/metrics/anomaly.js';
import { copySamples, loadFashionMnist, loadMnist } from '../src/data/datasets.js';
import { resolveClasses } from '../src/data/subset.js';
import type { Module } from '../src/nn/module.js';

const { values } = parseArgs({ options: { run: { type: 'string' }, count: { type: 'string', default: '64' }, steps: { type: 'string', default: '500' }, lambda: { type: 'string', default: '0.1' }, lr: { type: 'string', default: '0.01' } } });
if (!values.run) throw new Error('usage: npx tsx scripts/anogan-search.ts --run DIR [--count 64] [--steps 500] [--lambda 0.1] [--lr 0.01]');
const count = Number(values.count);
const steps = Number(values.steps);
const lambda = Number(values.lambda);
const r = await loadRun(values.run);
const kind = r.cfg.data.kind;
if (kind !== 'mnist' && kind !== 'fashion') throw new Error('this script takes MNIST or Fashion-MNIST anomaly runs');
const test = kind === 'mnist' ? loadMnist('test') : loadFashionMnist('test');
const normal = new Set(resolveClasses((r.cfg.data as { classes: number[] }).classes, test.classNames!, kind));

// The first count/2 normal and count/2 anomalous test images.
const picked = [...test.labels!.keys()].filter((i) => normal.has(test.labels![i]!)).slice(0, count / 2);
picked.push(...[...test.labels!.keys()].filter((i) => !normal.has(test.labels![i]!)).slice(0, count / 2));
const labels = picked.map((i) => (normal.has(test.labels![i]!) ? 0 : 1));
const x = new Float32Array(count * 784);
picked.forEach((j, k) => copySamples(test, j, 1, x, k));

// f-AnoGAN: one pass (compiled once first, then timed).
await anomalyScores(r, x);
let t0 = performance.now();
const fast = await anomalyScores(r, x);
const fastSeconds = (performance.now() - t0) / 1000;

// AnoGAN: z per image, Adam through the frozen networks, all `steps` in one program call (an ONNX Loop).
const latent = r.recipe.sampler!.latent[0]!;
const body = r.recipe.D.childModules().find(([n]) => n === 'body')![1] as Module;
const trace = frozenCtx(r.recipe, useEma(r.store, true));
const xIn = E.input('x', [count, 1, 28, 28]);
const z = trace.read('anogan/z', [count, latent], (rng, shape) => rng.normal(shape.reduce((a, b) => a * b, 1)));
const gz = r.recipe.G.call(z, trace);
const l1 = (t: E.Tensor) => E.reduceSum(E.abs(E.reshape(t, [count, -1])), [1], false);
const perImage = E.add(E.mul(l1(E.sub(xIn, gz)), 1 - lambda), E.mul(l1(E.sub(body.call(xIn, trace), body.call(gz, trace))), lambda));
const [gradZ] = E.grad(E.reduceSum(perImage), [z]);
adam(trace, [{ name: 'anogan/z', shape: [count, latent] }], [gradZ!], { lr: Number(values.lr), name: 'anogan.opt' });
E.initState(r.store, trace.declared(), new E.Rng(0));
const zStart = r.store.floats('anogan/z').slice();
const search = await E.Program.compile({ outputs: { loss: perImage }, updates: trace.updates() }, r.store, { loop: { steps, perStep: [] } });
t0 = performance.now();
const out = await search.run({ x });
const slowSeconds = (performance.now() - t0) / 1000;
const losses = out.loss!.data as Float32Array;
const slow = losses.subarray((steps - 1) * count, steps * count);
r.store.set('anogan/z', zStart, [count, latent]);

const report = {
  run: values.run,
  images: count,
  fanogan: { seconds: fastSeconds, images_per_second: count / fastSeconds, auroc: auroc(fast, labels) },
  anogan: { steps, lambda, seconds: slowSeconds, images_per_second: count / slowSeconds, auroc: auroc(slow, labels) },
  speedup: slowSeconds / fastSeconds,
};
process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
