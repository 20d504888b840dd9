// The arithmetic counter behind the benchmarks' GFLOP/s and `gan train`'s model summary.
import { describe, expect, it } from 'vitest';
import * as E from '../../src/engine/index.js';
import { countFlops } from '../../src/nn/index.js';

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
});
