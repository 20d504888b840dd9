// Mode coverage of samples from a mixture with known modes, as in the VEEGAN and PacGAN papers:
// - a sample is high quality when it lies within 3 standard deviations of its nearest mode;
// - a mode is captured when at least 20 of 2,500 samples (the same share of other counts) are
//   high-quality samples nearest to it;
// - reverse KL = KL(generated mode histogram || uniform), over the high-quality samples.
import type { Mixture } from '../data/mixtures.js';

export interface ModeMetrics {
  samples: number;
  modes: number;
  modesCaptured: number;
  highQualityFraction: number;
  reverseKL: number;
  /** High-quality samples nearest to each mode. */
  histogram: number[];
}

export function modeMetrics(points: Float32Array, m: Mixture): ModeMetrics {
  const n = points.length / 2;
  const k = m.centers.length;
  const hist = new Array<number>(k).fill(0);
  const radius2 = (3 * m.sd) ** 2;
  let good = 0;
  for (let i = 0; i < n; i++) {
    const x = points[2 * i]!;
    const y = points[2 * i + 1]!;
    let best = 0;
    let bestD = Infinity;
    m.centers.forEach(([cx, cy], j) => {
      const d = (x - cx) ** 2 + (y - cy) ** 2;
      if (d < bestD) {
        bestD = d;
        best = j;
      }
    });
    if (bestD <= radius2) {
      hist[best]!++;
      good++;
    }
  }
  const threshold = Math.max(1, Math.round((20 * n) / 2500));
  return {
    samples: n,
    modes: k,
    modesCaptured: hist.filter((h) => h >= threshold).length,
    highQualityFraction: good / n,
    reverseKL: good === 0 ? Infinity : klToUniform(hist),
    histogram: hist,
  };
}

/** KL(histogram normalised || uniform over its bins) = sum_b p_b ln(bins p_b); the histogram must not be empty. */
export function klToUniform(hist: ArrayLike<number>): number {
  let total = 0;
  for (let b = 0; b < hist.length; b++) total += hist[b]!;
  let kl = 0;
  for (let b = 0; b < hist.length; b++) {
    const p = hist[b]! / total;
    if (p > 0) kl += p * Math.log(p * hist.length);
  }
  return kl;
}

/** The index of the nearest mode of each point [n, 2] (the "class" of a 2-D sample). */
export function nearestModes(points: Float32Array, m: Mixture): Int32Array {
  const n = points.length / 2;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let bestD = Infinity;
    m.centers.forEach(([cx, cy], j) => {
      const d = (points[2 * i]! - cx) ** 2 + (points[2 * i + 1]! - cy) ** 2;
      if (d < bestD) {
        bestD = d;
        out[i] = j;
      }
    });
  }
  return out;
}
