// Mode coverage of 2-D samples against hand-computed cases: high quality within 3 sd of the
// nearest centre, modes counted at 20 high-quality samples per 2,500, reverse KL over those.
import { describe, expect, it } from 'vitest';
import { modeMetrics, nearestModes } from '../../src/metrics/modes.js';
import type { Mixture } from '../../src/data/mixtures.js';

const two: Mixture = { name: 'two', centers: [[0, 0], [10, 0]], sd: 1 };

describe('mode metrics on 2-D mixtures', () => {
  it('counts high-quality samples, captured modes and the reverse KL by hand', () => {
    // 125 samples: 75 at (0, 2.9) (within 3 sd of mode 0), 25 at (10, -3) (exactly 3 sd from mode 1),
    // 25 at (5, 0.5) (nearest mode 0 but 5 sd away: low quality).
    const pts: number[] = [];
    for (let i = 0; i < 75; i++) pts.push(0, 2.9);
    for (let i = 0; i < 25; i++) pts.push(10, -3);
    for (let i = 0; i < 25; i++) pts.push(5.01, 0.5);
    const m = modeMetrics(Float32Array.from(pts), two);
    expect(m.samples).toBe(125);
    expect(m.histogram).toEqual([75, 25]);
    expect(m.highQualityFraction).toBe(100 / 125);
    // Threshold round(20 * 125 / 2500) = 1 sample: both modes captured.
    expect(m.modesCaptured).toBe(2);
    // q = (0.75, 0.25) over the 100 high-quality samples.
    expect(m.reverseKL).toBeCloseTo(0.75 * Math.log(0.75 * 2) + 0.25 * Math.log(0.25 * 2), 12);
    expect(Array.from(nearestModes(Float32Array.of(4.9, 0, 5.1, 0), two))).toEqual([0, 1]);
  });

  it('a mode needs 20 of 2,500 high-quality samples; no high-quality sample gives an infinite KL', () => {
    const pts = new Float32Array(2 * 2500); // all at mode 0 ...
    for (let i = 0; i < 19; i++) pts[2 * i] = 10; // ... except 19 at mode 1: below the threshold of 20
    const m = modeMetrics(pts, two);
    expect(m.histogram).toEqual([2481, 19]);
    expect(m.modesCaptured).toBe(1);
    pts[2 * 19] = 10; // the 20th
    expect(modeMetrics(pts, two).modesCaptured).toBe(2);
    const far = modeMetrics(Float32Array.of(5, 40, 5, -40), two);
    expect(far.highQualityFraction).toBe(0);
    expect(far.reverseKL).toBe(Infinity);
  });
});
