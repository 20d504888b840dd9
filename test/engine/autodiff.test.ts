import { describe, expect, it } from 'vitest';
import * as E from '../../src/engine/index.js';
import { coveredOps, gradCheck } from './gradcheck.js';

async function evaluate(outputs: Record<string, E.Tensor>, feeds: Record<string, Float32Array> = {}) {
  const prog = await E.Program.compile({ outputs }, new E.StateStore(), { threads: 1 });
  const r = await prog.run(feeds);
  await prog.release();
  return Object.fromEntries(Object.entries(r).map(([k, v]) => [k, Array.from(v.data as Float32Array)]));
}

describe('autodiff', () => {
  it('stopGradient passes values and blocks gradients: d/dx [sg(x)*x + x] = x + 1', async () => {
    const x = E.input('x', [4]);
    const y = E.reduceSum(E.add(E.mul(E.stopGradient(x), x), x));
    const [g] = E.grad(y, [x]);
    const xs = Float32Array.from([-1, 0.5, 2, 3]);
    const r = await evaluate({ y, g: g! }, { x: xs });
    expect(r.y![0]).toBeCloseTo(1 + 0.25 + 4 + 9 + 4.5, 5);
    expect(r.g).toEqual([0, 1.5, 3, 4]);
  });

  it('gives zero gradients for tensors the output does not depend on', async () => {
    const x = E.input('x', [2, 3]);
    const unused = E.input('u', [5]);
    const [gu] = E.grad(E.reduceSum(E.exp(x)), [unused]);
    const r = await evaluate({ gu: gu! });
    expect(r.gu).toEqual([0, 0, 0, 0, 0]);
  });

  it('accumulates gradients over every path: d/dx [x*x + x*3] = 2x + 3', async () => {
    const x = E.input('x', [3]);
    const [g] = E.grad(E.reduceSum(E.add(E.mul(x, x), E.mul(x, 3))), [x]);
    const r = await evaluate({ g: g! }, { x: Float32Array.from([1, -2, 0.5]) });
    expect(r.g).toEqual([5, -1, 4]);
  });

  it('differentiates a gradient: d/dx of (d/dx x^3)^2 summed = 36 x^3', async () => {
    const x = E.input('x', [3]);
    const [g1] = E.grad(E.reduceSum(E.pow(x, 3)), [x]);
    const [g2] = E.grad(E.reduceSum(E.mul(g1!, g1!)), [x]);
    const r = await evaluate({ g2: g2! }, { x: Float32Array.from([1, 2, -1]) });
    expect(r.g2![0]).toBeCloseTo(36, 4);
    expect(r.g2![1]).toBeCloseTo(288, 3);
    expect(r.g2![2]).toBeCloseTo(-36, 4);
  });

  it('second order: the gradient of a WGAN-GP style penalty through a conv critic matches finite differences', async () => {
    // penalty(x, W, V) = sum over samples of (||d critic / d x|| - 1)^2, critic = sum(V * tanh(softplus(conv(x, W)))).
    // Smooth activations: a leaky ReLU's kink makes the penalty discontinuous, which finite differences cannot follow.
    const build = (x: E.Tensor, w: E.Tensor, v: E.Tensor) => {
      const h = E.softplus(E.conv2d(x, w, { stride: 2, padding: 1 }));
      const critic = E.reduceSum(E.mul(E.tanh(h), v));
      const [gx] = E.grad(critic, [x]);
      const norms = E.sqrt(E.add(E.reduceSum(E.mul(gx!, gx!), [1, 2, 3]), 1e-12));
      return E.reduceSum(E.square(E.sub(norms, 1)));
    };
    const r = await gradCheck(build as (...xs: E.Tensor[]) => E.Tensor, [{ shape: [2, 2, 6, 6] }, { shape: [3, 2, 4, 4] }, { shape: [1, 3, 3, 3] }], {
      directions: 4,
      rtol: 5e-3,
    });
    expect(r.checks).toHaveLength(4);
    expect(coveredOps.has('convTranspose2d')).toBe(true);
  });

  it('second order through a stride-1 conv, whose input gradient is itself a conv with the flipped kernel', async () => {
    const build = (x: E.Tensor, w: E.Tensor, v: E.Tensor) => {
      const critic = E.reduceSum(E.mul(E.tanh(E.softplus(E.conv2d(x, w, { padding: 1 }))), v));
      const [gx] = E.grad(critic, [x]);
      return E.reduceSum(E.square(E.sub(E.sqrt(E.add(E.reduceSum(E.mul(gx!, gx!), [1, 2, 3]), 1e-12)), 1)));
    };
    const r = await gradCheck(build as (...xs: E.Tensor[]) => E.Tensor, [{ shape: [2, 2, 5, 5] }, { shape: [3, 2, 3, 3] }, { shape: [1, 3, 5, 5] }], { directions: 4, rtol: 5e-3 });
    expect(r.checks).toHaveLength(4);
  });

  it('second order through a transposed-conv generator and batch norm (R1-style penalty on x)', async () => {
    const build = (z: E.Tensor, w: E.Tensor, v: E.Tensor) => {
      const x = E.tanh(E.convTranspose2d(z, w, { stride: 2, padding: 1 }));
      const bn = E.batchNorm(x, { training: true }).y;
      const critic = E.reduceSum(E.mul(E.softplus(bn), v));
      const [gx] = E.grad(critic, [x]);
      return E.reduceSum(E.mul(gx!, gx!));
    };
    const r = await gradCheck(build as (...xs: E.Tensor[]) => E.Tensor, [{ shape: [2, 3, 3, 3] }, { shape: [3, 2, 4, 4] }, { shape: [2, 2, 6, 6] }], {
      directions: 4,
      rtol: 5e-3,
    });
    expect(r.checks).toHaveLength(4);
  });

  it('rejects a non-scalar output without a seed, naming the shape', () => {
    const x = E.input('x', [2, 3]);
    expect(() => E.grad(x, [x])).toThrow('grad: y must be a scalar, got shape [2, 3]; pass a seed gradient for non-scalar outputs');
  });
});

describe('broadcasting is undone once, in grad', () => {
  const checkerboard = E.greater(E.constant([1, -1, 1, -1, -1, 1, -1, 1, 1, -1, 1, -1], [3, 4]), 0);
  // Each case: the inputs' shapes and an op that broadcasts them. Every gradient must come back in
  // its input's shape (summed over the broadcast axes) and match finite differences.
  const cases: [string, number[][], (...xs: E.Tensor[]) => E.Tensor][] = [
    ['add [3, 1] + [1, 4]', [[3, 1], [1, 4]], (a, b) => E.add(a!, b!)],
    ['mul [2, 3, 4] * [4]', [[2, 3, 4], [4]], (a, b) => E.mul(a!, b!)],
    ['div [3] / [2, 1, 3]', [[3], [2, 1, 3]], (a, b) => E.div(a!, E.add(E.square(b!), 0.5))],
    ['where, a [3, 4] condition picking from a [4] and a [3, 1] branch', [[4], [3, 1]], (a, b) => E.where(checkerboard, a!, b!)],
    ['expand [2, 1] to [3, 2, 4]', [[2, 1]], (x) => E.expand(x!, [3, 2, 4])],
    ['matmul [2, 3, 4] @ [4, 5] (b shared by the batch)', [[2, 3, 4], [4, 5]], (a, b) => E.matmul(a!, b!)],
    ['matmul [3, 4] @ [2, 4, 5] (a shared by the batch)', [[3, 4], [2, 4, 5]], (a, b) => E.matmul(a!, b!)],
    ['matmul [2, 1, 3, 4] @ [3, 4, 2] (both batch axes broadcast)', [[2, 1, 3, 4], [3, 4, 2]], (a, b) => E.matmul(a!, b!)],
    // A gradient of a gradient: the inner gradient of y is summed over x's broadcast axis, and the outer one again.
    [
      'second order: d/dx of ||d/dy sum(x * y)||^2 with x [3, 1], y [1, 4]',
      [[3, 1], [1, 4]],
      (x, y) => {
        const [gy] = E.grad(E.reduceSum(E.mul(E.tanh(x!), y!)), [y!]);
        return E.mul(gy!, gy!);
      },
    ],
  ];
  for (const [name, shapes, build] of cases) {
    it(name, async () => {
      const xs = shapes.map((s, i) => E.input(`x${i}`, s));
      const grads = E.grad(E.reduceSum(build(...xs)), xs);
      expect(grads.map((g) => g.shape)).toEqual(shapes);
      const r = await gradCheck(build, shapes.map((shape) => ({ shape })));
      expect(r.maxError).toBeLessThanOrEqual(1);
    });
  }

  it('sums [3, 1] + [1, 4] to the inputs: d/da sum((a + b) * R) = R summed over axis 1, d/db = R summed over axis 0', async () => {
    const a = E.input('a', [3, 1]);
    const b = E.input('b', [1, 4]);
    const R = E.constant([1, 2, 3, 4, 10, 20, 30, 40, 100, 200, 300, 400], [3, 4]);
    const [ga, gb] = E.grad(E.reduceSum(E.mul(E.add(a, b), R)), [a, b]);
    const r = await evaluate({ ga: ga!, gb: gb! });
    expect(r.ga).toEqual([10, 100, 1000]);
    expect(r.gb).toEqual([111, 222, 333, 444]);
  });

  it('refuses a gradient rule whose result the input does not broadcast to, naming the op and both shapes', () => {
    const bad: E.OpDef<Record<string, never>> = {
      name: 'badGrad',
      infer: ([x]) => ({ shape: x!.shape, dtype: x!.dtype }),
      grad: ({ g }) => [E.reshape(g, [2, 3])],
      lower: (ctx, ins) => ctx.node('Identity', ins),
    };
    const x = E.input('x', [3, 2]);
    expect(() => E.grad(E.reduceSum(E.apply(bad, [x], {})), [x])).toThrow('grad: badGrad produced a gradient of shape [2, 3] for an input of shape [3, 2]');
  });
});

describe('build-time errors name the op, the shapes and the caller', () => {
  it('matmul with mismatched inner dimensions', () => {
    const a = E.input('a', [2, 3]);
    const b = E.input('b', [4, 5]);
    expect(() => E.matmul(a, b)).toThrow(
      /^matmul: inner dimensions differ: \[2, 3\] @ \[4, 5\] \(3 vs 4\) \(inputs \[2, 3\]:float32, \[4, 5\]:float32; called at .*autodiff\.test\.ts:\d+:\d+\)$/,
    );
  });

  it('broadcasting failure', () => {
    expect(() => E.add(E.input('a', [2, 3]), E.input('b', [4]))).toThrow(
      /^add: shapes \[2, 3\] and \[4\] do not broadcast \(dimension 1: 3 vs 4\) \(inputs \[2, 3\]:float32, \[4\]:float32; called at .*autodiff\.test\.ts/,
    );
  });

  it('conv channel mismatch', () => {
    expect(() => E.conv2d(E.input('x', [1, 3, 8, 8]), E.input('w', [4, 2, 3, 3]))).toThrow(
      /^conv2d: weight expects 2 input channels \(groups 1\), input has 3 \(inputs \[1, 3, 8, 8\]:float32, \[4, 2, 3, 3\]:float32; called at/,
    );
  });

  it('dtype mismatch', () => {
    expect(() => E.add(E.input('a', [2]), E.input('b', [2], 'int64'))).toThrow(/^add: dtypes differ: float32 vs int64/);
  });

  it('reshape to a different size', () => {
    expect(() => E.reshape(E.input('a', [2, 3]), [4, 2])).toThrow(/^reshape: cannot reshape \[2, 3\] \(6 values\) to \[4, 2\]/);
  });

  it('reduction over an axis that does not exist', () => {
    expect(() => E.reduceSum(E.input('a', [2, 3]), 2)).toThrow(/^sum: axis 2 is out of range for rank 2/);
  });
});
