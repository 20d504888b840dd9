import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/engine/index.js';
import { featureSet } from '../../src/metrics/gram.js';
import { kthNeighbourSquaredDistances, manifoldMetrics } from '../../src/metrics/manifold.js';

const points = (xs: number[], d = 1) => featureSet(Float32Array.from(xs), xs.length / d, d);

// One dimension, worked by hand below.
const real = points([0, 1, 2, 3, 10]);
const fake = points([0.5, 2.9, 6, 6.5, -20]);

describe('k-NN ball metrics', () => {
  it('finds each point\'s k-th nearest other point', async () => {
    // k = 1: 1, 1, 1, 1, 7; k = 2: 2, 1, 1, 2, 8 (distances; squared below).
    const [k1, k2] = await kthNeighbourSquaredDistances(real, [1, 2]);
    expect(Array.from(k1!)).toEqual([1, 1, 1, 1, 49]);
    expect(Array.from(k2!)).toEqual([4, 1, 1, 4, 64]);
  });

  it('precision, recall, density and coverage of a small set, by hand (k = 1 and k = 2)', async () => {
    // Real balls (k = 1): radius 1 around 0, 1, 2, 3 and 7 around 10. Fake balls: 2.4 around 0.5
    // and 2.9, 0.5 around 6 and 6.5, 20.5 around -20.
    // precision: all but -20 lie in a real ball -> 4/5.  recall: all but 10 lie in a fake ball -> 4/5.
    // density (k = 2; real radii 2, 1, 1, 2, 8): 0.5 in the balls of 0 and 1; 2.9 of 2, 3 and 10;
    // 6 and 6.5 of 10; -20 none: 7 / (2 * 5) = 0.7.  coverage: every real ball holds a fake -> 1.
    expect(await manifoldMetrics(real, fake, { kPrecision: 1, kDensity: 2 })).toEqual({ precision: 0.8, recall: 0.8, density: 0.7, coverage: 1 });
    // k = 1 density: 0.5 in 2 balls (0, 1), 2.9 in 2 (2, 3), 6 and 6.5 in 1 (10): 6 / 5.
    expect((await manifoldMetrics(real, fake, { kPrecision: 1, kDensity: 1 })).density).toBeCloseTo(1.2, 12);
  });

  it('a point exactly on a ball\'s edge is outside (strict comparison, as the authors\' code)', async () => {
    // Real 0 and 2 have radius 2 (k = 1); the fake at 4 is at distance 2 from 2.
    expect(await manifoldMetrics(points([0, 2]), points([4, 100]), { kPrecision: 1, kDensity: 1 })).toMatchObject({ precision: 0, coverage: 0 });
  });

  it('of two large samples of one distribution: all near 1 (defaults k = 3 and k = 5)', async () => {
    const g = (seed: number) => featureSet(new Rng(seed).normal(2000 * 4), 2000, 4);
    const m = await manifoldMetrics(g(1), g(2));
    for (const v of [m.precision, m.recall, m.coverage]) expect(v).toBeGreaterThan(0.9);
    expect(Math.abs(m.density - 1)).toBeLessThan(0.1);
    // Shifted by 3 standard deviations in every coordinate: next to nothing in common.
    const far = featureSet(Float32Array.from(new Rng(3).normal(2000 * 4), (v) => v + 3), 2000, 4);
    const f = await manifoldMetrics(g(1), far);
    for (const v of Object.values(f)) expect(v).toBeLessThan(0.05);
  });

  it('needs more samples than k', async () => {
    await expect(manifoldMetrics(points([0, 1, 2]), points([0, 1, 2, 3]))).rejects.toThrow('k-nearest-neighbour balls with k = 5 need more than 5 samples, got 3');
  });
});
