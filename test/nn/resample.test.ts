// Nearest upsampling and block average pooling written with reshapes: the same values as the
// engine's general resize and pooling, and their gradients against finite differences.
import { describe, expect, it } from 'vitest';
import * as E from '../../src/engine/index.js';
import { avgPoolBlocks, sumOverSpace, upsampleNearest } from '../../src/nn/index.js';
import { gradCheck } from '../engine/gradcheck.js';

async function values(outputs: Record<string, E.Tensor>, x: Float32Array) {
  const p = await E.Program.compile({ outputs }, new E.StateStore(), { threads: 1 });
  const r = await p.run({ x });
  await p.release();
  return Object.fromEntries(Object.entries(r).map(([k, v]) => [k, Array.from(v.data as Float32Array)]));
}

describe('resampling by reshapes', () => {
  const xv = new E.Rng(3).normal(2 * 3 * 4 * 6);
  const x = E.input('x', [2, 3, 4, 6]);

  it('nearest x2 and x3 upsampling equal E.upsample (nearest); 2x2 block pooling equals E.avgPool2d', async () => {
    const up2 = upsampleNearest(x, 2);
    const up3 = upsampleNearest(x, 3);
    expect(up2.shape).toEqual([2, 3, 8, 12]);
    const pool = avgPoolBlocks(x, 2);
    expect(pool.shape).toEqual([2, 3, 2, 3]);
    const v = await values({ up2, up3, pool, ref2: E.upsample(x, 2, 'nearest'), ref3: E.upsample(x, 3, 'nearest'), refPool: E.avgPool2d(x, 2) }, xv);
    expect(v.up2).toEqual(v.ref2);
    expect(v.up3).toEqual(v.ref3);
    v.pool!.forEach((p, i) => expect(p).toBeCloseTo(v.refPool![i]!, 6));
    // Pixel (1, 2) of sample 1, channel 2: the mean of rows 2-3, columns 4-5.
    const at = (r: number, c: number) => xv[((1 * 3 + 2) * 4 + r) * 6 + c]!;
    expect(v.pool![(1 * 3 + 2) * 6 + 1 * 3 + 2]).toBeCloseTo((at(2, 4) + at(2, 5) + at(3, 4) + at(3, 5)) / 4, 6);
  });

  it('sums over space to [N, C]', async () => {
    const v = await values({ s: sumOverSpace(x) }, xv);
    let want = 0;
    for (let i = 0; i < 24; i++) want += xv[(1 * 3 + 1) * 24 + i]!;
    expect(v.s!).toHaveLength(6);
    expect(v.s![1 * 3 + 1]).toBeCloseTo(want, 4);
  });

  it('gradients match finite differences', async () => {
    // gradCheck throws on a mismatch (|fd - analytic| > 2e-3 + 2e-3 * max of their sizes).
    for (const build of [(t: E.Tensor) => upsampleNearest(t, 2), (t: E.Tensor) => avgPoolBlocks(t, 2), sumOverSpace]) {
      const r = await gradCheck(build, [{ shape: [2, 2, 4, 4] }]);
      expect(r.checks.length).toBeGreaterThan(0);
    }
  });

  it('refuses a size that does not divide into blocks', () => {
    expect(() => avgPoolBlocks(E.input('x', [1, 1, 5, 4]), 2)).toThrow('avgPoolBlocks: 5x4 is not divisible into 2x2 blocks');
  });
});
