// The arithmetic counter behind the benchmarks' GFLOP/s and `gan train`'s model summary.
import { describe, expect, it } from 'vitest';
import * as E from '../../src/engine/index.js';
import { countFlops } from '../../src/nn/index.js';

const x8 = () => E.input('x', [1, 2, 8, 8]);

describe('countFlops', () => {
  it('counts 2 FLOPs per multiply-add of matrix products, convolutions and transposed convolutions, and nothing elementwise', () => {
    const a = E.input('a', [5, 3]);
    const w = E.input('w', [3, 4]);
    const x = E.input('x', [2, 3, 8, 8]);
    const k = E.input('k', [6, 3, 3, 3]);
    const kt = E.input('kt', [3, 4, 4, 4]);
    const mm = E.relu(E.matmul(a, w)); // [5, 4], 3 multiply-adds each
    const conv = E.conv2d(x, k, { padding: 1 }); // [2, 6, 8, 8], 3 * 3 * 3 each
    const convT = E.convTranspose2d(x, kt, { stride: 2, padding: 1 }); // every input element into 4 * 4 * 4 outputs
    expect(countFlops({ outputs: { mm } })).toBe(2 * 5 * 4 * 3);
    expect(countFlops({ outputs: { conv } })).toBe(2 * (2 * 6 * 8 * 8) * 27);
    expect(countFlops({ outputs: { convT } })).toBe(2 * (2 * 3 * 8 * 8) * 64);
    expect(countFlops({ outputs: { mm, conv, convT, sum: E.add(E.reduceSum(conv), E.reduceSum(convT)) } })).toBe(2 * 60 + 2 * 768 * 27 + 2 * 384 * 64);
  });

  it('leaves out products with fixed matrices (resampling), also in gradients, where the fixed operand is transposed', () => {
    const up = E.upsample(x8(), 2, 'nearest'); // two products with constant interpolation matrices
    const pooled = E.avgPool2d(x8(), 2); // a depthwise conv with a constant kernel
    expect(countFlops({ outputs: { up, pooled } })).toBe(0);
    const x = x8();
    const [g] = E.grad(E.reduceSum(E.mul(E.upsample(x, 2, 'nearest'), E.upsample(x, 2, 'nearest'))), [x]);
    expect(countFlops({ outputs: { g: g! } })).toBe(0);
    // Weights are states, not constants: their products count.
    expect(countFlops({ outputs: { y: E.matmul(E.relu(E.input('a', [2, 3])), E.state('w', [3, 4])) } })).toBe(2 * 2 * 4 * 3);
  });
});
