// Every op's gradient against central finite differences, at several shapes and attribute settings.
// Tolerance: |fd - analytic| <= 2e-3 + 2e-3 * max(|fd|, |analytic|), eps = 1e-2, unless a case says otherwise.
import { afterAll, describe, expect, it } from 'vitest';
import * as E from '../../src/engine/index.js';
import { Rng, type Tensor } from '../../src/engine/index.js';
import { awayFromZero, coveredOps, distinct, gradCheck, positive, type InputSpec } from './gradcheck.js';

const shapeRng = new Rng(2024);
const dim = (lo: number, hi: number) => lo + shapeRng.int(hi - lo + 1);

interface Case {
  name: string;
  build: (...xs: Tensor[]) => Tensor;
  inputs: InputSpec[];
  eps?: number;
  rtol?: number;
  atol?: number;
}

const cases: Case[] = [];
const add = (c: Case) => cases.push(c);

// ---- elementwise binary, with broadcasting ----
for (const [a, b] of [
  [[3, 4], [3, 4]],
  [[2, 3, 4], [4]],
  [[5, 1], [1, 6]],
  [[dim(1, 4), dim(2, 5)], []],
] as number[][][]) {
  add({ name: `add ${a} ${b}`, build: (x, y) => E.add(x!, y!), inputs: [{ shape: a! }, { shape: b! }] });
  add({ name: `sub ${a} ${b}`, build: (x, y) => E.sub(x!, y!), inputs: [{ shape: a! }, { shape: b! }] });
  add({ name: `mul ${a} ${b}`, build: (x, y) => E.mul(x!, y!), inputs: [{ shape: a! }, { shape: b! }] });
  add({ name: `div ${a} ${b}`, build: (x, y) => E.div(x!, y!), inputs: [{ shape: a! }, { shape: b!, gen: awayFromZero(0.5, 2) }] });
  add({ name: `pow ${a} ${b}`, build: (x, y) => E.pow(x!, y!), inputs: [{ shape: a!, gen: positive() }, { shape: b! }] });
  add({ name: `maximum ${a} ${b}`, build: (x, y) => E.maximum(x!, E.add(y!, 0.05)), inputs: [{ shape: a!, gen: distinct }, { shape: b!, gen: distinct }], eps: 1e-3, atol: 6e-3 });
  add({ name: `minimum ${a} ${b}`, build: (x, y) => E.minimum(x!, E.add(y!, 0.05)), inputs: [{ shape: a!, gen: distinct }, { shape: b!, gen: distinct }], eps: 1e-3, atol: 6e-3 });
}
add({ name: 'pow constant exponent', build: (x) => E.pow(x!, 3), inputs: [{ shape: [4, 5], gen: positive() }] });
add({
  name: 'where broadcast',
  build: (x, y) => E.where(E.greater(x!, 0), E.mul(x!, 2), y!),
  inputs: [{ shape: [3, 4], gen: awayFromZero() }, { shape: [4] }],
});

// ---- unary ----
const unaries: [string, (x: Tensor) => Tensor, InputSpec['gen']?][] = [
  ['neg', E.neg],
  ['exp', E.exp],
  ['log', E.log, positive()],
  ['sqrt', E.sqrt, positive()],
  ['abs', E.abs, awayFromZero()],
  ['tanh', E.tanh],
  ['sigmoid', E.sigmoid],
  ['softplus', E.softplus],
  ['relu', E.relu, awayFromZero()],
  ['leakyRelu 0.2', (x) => E.leakyRelu(x, 0.2), awayFromZero()],
  ['leakyRelu 0.01', (x) => E.leakyRelu(x, 0.01), awayFromZero()],
  ['clip', (x) => E.clip(x, -1, 1), (rng, n) => Float32Array.from({ length: n }, () => [-1.5, -0.5, 0.4, 1.7][rng.int(4)]! + 0.05 * rng.uniform())],
  ['square', E.square],
  ['cast float32 identity', (x) => E.mul(E.cast(x, 'float32'), 2)],
];
for (const [name, fn, gen] of unaries) {
  add({ name, build: (x) => fn(x!), inputs: [{ shape: [dim(1, 4), dim(2, 6)], gen }] });
  add({ name: `${name} rank 3`, build: (x) => fn(x!), inputs: [{ shape: [2, dim(1, 3), 3], gen }] });
}

// ---- matmul ----
for (const [a, b] of [
  [[3, 4], [4, 5]],
  [[2, 3, 4], [4, 2]],
  [[2, 1, 3, 4], [3, 4, 2]],
  [[dim(1, 5), dim(1, 5)], null],
] as (number[] | null)[][]) {
  const bs = b ?? [a![1]!, dim(1, 4)];
  add({ name: `matmul ${a} ${bs}`, build: (x, y) => E.matmul(x!, y!), inputs: [{ shape: a! }, { shape: bs }] });
}

// ---- reductions ----
for (const [axes, keep] of [
  [undefined, false],
  [[1], false],
  [[0, 2], true],
  [-1, true],
] as [number[] | number | undefined, boolean][]) {
  const shape = [dim(2, 3), dim(2, 4), dim(2, 3)];
  add({ name: `sum ${axes} ${keep}`, build: (x) => E.reduceSum(x!, axes, keep), inputs: [{ shape }] });
  add({ name: `mean ${axes} ${keep}`, build: (x) => E.reduceMean(x!, axes, keep), inputs: [{ shape }] });
  add({ name: `max ${axes} ${keep}`, build: (x) => E.reduceMax(x!, axes, keep), inputs: [{ shape, gen: distinct }] });
  add({ name: `min ${axes} ${keep}`, build: (x) => E.reduceMin(x!, axes, keep), inputs: [{ shape, gen: distinct }] });
  add({ name: `sumSquare ${axes} ${keep}`, build: (x) => E.reduceSumSquare(x!, axes, keep), inputs: [{ shape }] });
  add({ name: `variance ${axes} ${keep}`, build: (x) => E.variance(x!, axes, keep), inputs: [{ shape }] });
}

// ---- shape ops ----
add({ name: 'reshape', build: (x) => E.reshape(x!, [6, -1]), inputs: [{ shape: [2, 3, 4] }] });
add({ name: 'flatten', build: (x) => E.flatten(x!), inputs: [{ shape: [2, 3, 2, 2] }] });
add({ name: 'transpose', build: (x) => E.transpose(x!, [2, 0, 1]), inputs: [{ shape: [2, 3, 4] }] });
add({ name: 'transpose reverse', build: (x) => E.transpose(x!), inputs: [{ shape: [3, 5] }] });
add({ name: 'expand', build: (x) => E.expand(x!, [3, 2, 4]), inputs: [{ shape: [2, 1] }] });
add({ name: 'concat axis 1', build: (x, y) => E.concat([x!, y!, x!], 1), inputs: [{ shape: [2, 3] }, { shape: [2, 4] }] });
add({ name: 'concat axis 0', build: (x, y) => E.concat([x!, y!], 0), inputs: [{ shape: [1, 3, 2] }, { shape: [2, 3, 2] }] });
add({ name: 'stack', build: (x, y) => E.stack([x!, y!], 1), inputs: [{ shape: [2, 3] }, { shape: [2, 3] }] });
add({ name: 'slice step 1', build: (x) => E.slice(x!, [1, 0], [3, 2], [0, 2]), inputs: [{ shape: [4, 3, 3] }] });
add({ name: 'slice step 2', build: (x) => E.slice(x!, [0, 1], [5, 6], [0, 1], [2, 3]), inputs: [{ shape: [5, 7] }] });
add({ name: 'slice negative bounds', build: (x) => E.slice(x!, [-3], [-1], [1]), inputs: [{ shape: [2, 6] }] });
add({ name: 'pad', build: (x) => E.pad(x!, [1, 0, 2, 3], 0.5), inputs: [{ shape: [3, 4] }] });
add({ name: 'pad negative (crop)', build: (x) => E.pad(x!, [-1, 1, 0, -2]), inputs: [{ shape: [4, 5] }] });
const idx = E.constant([2, 0, 2, 1], [4], 'int64');
add({ name: 'gather axis 0', build: (x) => E.gather(x!, idx, 0), inputs: [{ shape: [3, 5] }] });
add({ name: 'gather axis 1', build: (x) => E.gather(x!, E.constant([[1, 0], [3, 3]].flat(), [2, 2], 'int64'), 1), inputs: [{ shape: [2, 4, 3] }] });
add({ name: 'embedding', build: (x) => E.embedding(x!, idx), inputs: [{ shape: [3, 4] }] });
add({ name: 'scatterAdd', build: (u) => E.scatterAddRows(idx, u!, 3), inputs: [{ shape: [4, 2] }] });
add({ name: 'oneHot matmul', build: (x) => E.matmul(E.oneHot(idx, 3), x!), inputs: [{ shape: [3, 2] }] });

// ---- convolutions: several strides, paddings, dilations, groups ----
interface ConvCase {
  n: number; c: number; h: number; w: number; co: number; k: [number, number];
  o: E.ConvTransposeOptions;
}
const convCases: ConvCase[] = [
  { n: 2, c: 3, h: 6, w: 5, co: 4, k: [3, 3], o: {} },
  // Stride 1, ungrouped: the input gradient is a conv with the flipped kernel (asymmetric padding here).
  { n: 2, c: 3, h: 6, w: 5, co: 2, k: [3, 2], o: { padding: [1, 0, 2, 1] } },
  { n: 2, c: 2, h: 8, w: 8, co: 3, k: [4, 4], o: { stride: 2, padding: 1 } },
  { n: 1, c: 4, h: 7, w: 6, co: 4, k: [3, 2], o: { stride: [2, 1], padding: [1, 0, 2, 1], groups: 2 } },
  { n: 2, c: 2, h: 9, w: 9, co: 2, k: [3, 3], o: { dilation: 2, padding: 2 } },
  { n: 1, c: 3, h: 5, w: 5, co: 6, k: [1, 1], o: { groups: 3 } },
  { n: 1, c: dim(1, 3), h: dim(5, 8), w: dim(5, 8), co: dim(1, 3), k: [dim(1, 3), dim(1, 3)], o: { stride: dim(1, 2), padding: dim(0, 1) } },
];
for (const cc of convCases) {
  const g = cc.o.groups ?? 1;
  add({
    name: `conv2d ${JSON.stringify(cc)}`,
    build: (x, w) => E.conv2d(x!, w!, cc.o),
    inputs: [{ shape: [cc.n, cc.c, cc.h, cc.w] }, { shape: [cc.co, cc.c / g, ...cc.k] }],
  });
  add({
    name: `conv2dIm2col ${JSON.stringify(cc)}`,
    build: (x, w) => E.conv2dIm2col(x!, w!, cc.o),
    inputs: [{ shape: [cc.n, cc.c, cc.h, cc.w] }, { shape: [cc.co, cc.c / g, ...cc.k] }],
  });
  const strides = typeof cc.o.stride === 'object' ? cc.o.stride : [cc.o.stride ?? 1, cc.o.stride ?? 1];
  const ctOpts: E.ConvTransposeOptions = { ...cc.o, outputPadding: [strides[0]! > 1 ? 1 : 0, strides[1]! > 1 ? 1 : 0] };
  add({
    name: `convTranspose2d ${JSON.stringify(cc)}`,
    build: (x, w) => E.convTranspose2d(x!, w!, ctOpts),
    inputs: [{ shape: [cc.n, cc.c, Math.ceil(cc.h / 2), Math.ceil(cc.w / 2)] }, { shape: [cc.c, cc.co / g, ...cc.k] }],
  });
}
// Stride 1 but padding beyond k - 1: the input gradient stays a transposed conv.
add({ name: 'conv2d stride 1, padding beyond k - 1', build: (x, w) => E.conv2d(x!, w!, { padding: 2 }), inputs: [{ shape: [1, 2, 4, 4] }, { shape: [3, 2, 2, 2] }] });
add({ name: 'im2col', build: (x) => E.im2col(x!, [2, 3], { stride: [1, 2], padding: [1, 0, 0, 1], dilation: [1, 1] }), inputs: [{ shape: [2, 2, 5, 6] }] });
add({ name: 'avgPool2d', build: (x) => E.avgPool2d(x!, 2), inputs: [{ shape: [2, 3, 6, 4] }] });
add({ name: 'avgPool2d overlapping padded', build: (x) => E.avgPool2d(x!, 3, { stride: 2, padding: 1 }), inputs: [{ shape: [1, 2, 5, 5] }] });
add({ name: 'maxPool2d', build: (x) => E.maxPool2d(x!, 2), inputs: [{ shape: [2, 2, 4, 6], gen: distinct }] });
add({ name: 'maxPool2d overlapping padded', build: (x) => E.maxPool2d(x!, 3, { stride: 2, padding: 1 }), inputs: [{ shape: [1, 2, 5, 5], gen: distinct }] });

// ---- resize, pixel shuffle ----
add({ name: 'resize nearest x2', build: (x) => E.resize(x!, [6, 8], 'nearest'), inputs: [{ shape: [1, 2, 3, 4] }] });
add({ name: 'resize bilinear x2', build: (x) => E.resize(x!, [6, 8], 'bilinear'), inputs: [{ shape: [2, 1, 3, 4] }] });
add({ name: 'resize bilinear down', build: (x) => E.resize(x!, [3, 2], 'bilinear'), inputs: [{ shape: [1, 2, 7, 5] }] });
add({ name: 'upsample nearest', build: (x) => E.upsample(x!, 2), inputs: [{ shape: [1, 2, 3, 3] }] });
add({ name: 'pixelShuffle', build: (x) => E.pixelShuffle(x!, 2), inputs: [{ shape: [2, 8, 3, 2] }] });

// ---- softmax family, normalisation, losses ----
add({ name: 'softmax', build: (x) => E.softmax(x!, -1), inputs: [{ shape: [3, 5] }] });
add({ name: 'logSoftmax axis 0', build: (x) => E.logSoftmax(x!, 0), inputs: [{ shape: [4, 3] }] });
add({ name: 'logSumExp', build: (x) => E.logSumExp(x!, 1), inputs: [{ shape: [3, 4, 2] }] });
add({
  name: 'batchNorm training 2d',
  build: (x, g, b) => E.batchNorm(x!, { training: true, gamma: g, beta: b }).y,
  inputs: [{ shape: [4, 3, 2, 2] }, { shape: [3] }, { shape: [3] }],
});
add({
  name: 'batchNorm training 1d',
  build: (x, g, b) => E.batchNorm(x!, { training: true, gamma: g, beta: b }).y,
  inputs: [{ shape: [5, 4] }, { shape: [4] }, { shape: [4] }],
});
add({
  name: 'batchNorm inference',
  build: (x, g, b, m, v) => E.batchNorm(x!, { training: false, gamma: g, beta: b, runningMean: m, runningVar: v }).y,
  inputs: [{ shape: [3, 2, 2, 2] }, { shape: [2] }, { shape: [2] }, { shape: [2] }, { shape: [2], gen: positive() }],
});
add({
  name: 'layerNorm',
  build: (x, g, b) => E.layerNorm(x!, 2, g, b),
  inputs: [{ shape: [3, 2, 4] }, { shape: [2, 4] }, { shape: [2, 4] }],
});
add({
  name: 'instanceNorm',
  build: (x, g, b) => E.instanceNorm(x!, g, b),
  inputs: [{ shape: [2, 3, 3, 2] }, { shape: [3] }, { shape: [3] }],
});
add({ name: 'bceWithLogits', build: (x, y) => E.bceWithLogits(x!, E.sigmoid(y!)), inputs: [{ shape: [6, 1] }, { shape: [6, 1] }] });
add({
  name: 'dropout',
  build: (x) => E.dropout(x!, E.constant(new Rng(5).normal(12).map((v) => (v > 0 ? 0.9 : 0.1)), [3, 4]), 0.5),
  inputs: [{ shape: [3, 4] }],
});

describe('gradients match finite differences', () => {
  for (const c of cases) {
    it(c.name, async () => {
      const r = await gradCheck(c.build, c.inputs, { eps: c.eps, rtol: c.rtol, atol: c.atol, seed: cases.indexOf(c) + 1 });
      expect(r.checks.length).toBe(3);
      expect(r.maxError).toBeLessThanOrEqual(1);
    });
  }
});

// Primitive ops that have no gradient by design (bool/int outputs or piecewise-constant values).
// stopGradient's gradient is zero by definition, which finite differences cannot see: test/engine/autodiff.test.ts checks it.
const NON_DIFFERENTIABLE = new Set(['stopGradient', 'equal', 'less', 'lessEqual', 'greater', 'greaterEqual', 'and', 'or', 'not', 'sign', 'oneHot', 'input', 'state']);

afterAll(() => {
  // Each primitive op must have appeared in at least one gradient-checked graph.
  const all = Object.values(E)
    .filter((v): v is E.OpDef => typeof v === 'object' && v !== null && 'lower' in v && 'infer' in v && 'name' in v)
    .map((op) => op.name);
  const missing = all.filter((n) => !NON_DIFFERENTIABLE.has(n) && !coveredOps.has(n));
  expect(missing).toEqual([]);
});
