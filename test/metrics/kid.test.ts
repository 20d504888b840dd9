import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/engine/index.js';
import { featureSet } from '../../src/metrics/gram.js';
import { kernelInceptionDistance, unbiasedMmd2 } from '../../src/metrics/kid.js';

const points = (xs: number[], d = 1) => featureSet(Float32Array.from(xs), xs.length / d, d);

describe('KID', () => {
  it('is the unbiased MMD^2 with the cubic kernel (x.y/d + 1)^3, by hand for two pairs of points', async () => {
    // X = {0, 1}, Y = {1, 2}, d = 1: k(0,1) = 1; k(1,2) = 27; cross k(0,1) = k(0,2) = 1, k(1,1) = 8, k(1,2) = 27.
    // (2 * 1 + 2 * 27) / (2 * 1) - 2 * 37 / 4 = 28 - 18.5 = 9.5; both sets whole, so one subset.
    expect(await kernelInceptionDistance(points([0, 1]), points([1, 2]))).toEqual({ mean: 9.5, std: 0, subsets: 1, subsetSize: 2 });
    expect(unbiasedMmd2(2 + 1 + 8, 1 + 8, 2 * 27 + 1 + 64, 1 + 64, 37, 2)).toBe(9.5);
  });

  it('divides the kernel by the dimension', async () => {
    // d = 2: X = {(0, 0), (2, 0)}, Y = {(2, 0), (0, 2)}: k within X = 1; within Y (x.y = 0) = 1;
    // cross: 1, 1, (4/2 + 1)^3 = 27, 1 -> 30. (2 + 2) / 2 - 2 * 30 / 4 = 2 - 15 = -13.
    expect((await kernelInceptionDistance(points([0, 0, 2, 0], 2), points([2, 0, 0, 2], 2))).mean).toBe(-13);
  });

  const gaussian = (n: number, mean: number, seed: number) => points(Array.from(new Rng(seed).normal(n), (v) => v + mean));

  it('of two samples of one distribution is about 0, well within its spread over subsets', async () => {
    const kid = await kernelInceptionDistance(gaussian(3000, 0, 1), gaussian(3000, 0, 2), { subsets: 50, subsetSize: 500 });
    expect(kid).toMatchObject({ subsets: 50, subsetSize: 500 });
    expect(Math.abs(kid.mean)).toBeLessThan(kid.std / 2);
    expect(kid.std).toBeGreaterThan(0);
  });

  it('of N(0, 1) and N(1, 1) in one dimension matches the closed form MMD^2 = 22', async () => {
    // E k(x, y) = E(xy)^3 + 3 E(xy)^2 + 3 E(xy) + 1 with independent x ~ N(a, 1), y ~ N(b, 1):
    // E(xy)^3 = (a^3 + 3a)(b^3 + 3b), E(xy)^2 = (1 + a^2)(1 + b^2), E(xy) = ab.
    // a = b = 0: 4; a = b = 1: 16 + 12 + 3 + 1 = 32; a = 0, b = 1: 6 + 1 = 7. MMD^2 = 4 + 32 - 14 = 22.
    const kid = await kernelInceptionDistance(gaussian(20000, 0, 3), gaussian(20000, 1, 4), { subsets: 100, subsetSize: 1000 });
    expect(Math.abs(kid.mean - 22)).toBeLessThan(3 * kid.std / Math.sqrt(100) + 0.5);
  });

  it('draws the same subsets for the same seed', async () => {
    const a = gaussian(300, 0, 5);
    const b = gaussian(300, 0.5, 6);
    const k1 = await kernelInceptionDistance(a, b, { subsets: 5, subsetSize: 100, seed: 3 });
    expect(await kernelInceptionDistance(a, b, { subsets: 5, subsetSize: 100, seed: 3 })).toEqual(k1);
    expect((await kernelInceptionDistance(a, b, { subsets: 5, subsetSize: 100, seed: 4 })).mean).not.toBe(k1.mean);
  });

  it('refuses sets of fewer than 2 samples and of different dimensions', async () => {
    await expect(kernelInceptionDistance(points([0]), points([1, 2]))).rejects.toThrow('KID needs at least 2 samples in each set, got 1 and 2');
    await expect(kernelInceptionDistance(points([0, 1], 2), points([1, 2]))).rejects.toThrow('KID: feature vectors of dimension 2 and 1 cannot be compared');
  });
});
