// Kernel Inception Distance (Binkowski et al. 2018, "Demystifying MMD GANs"), in any feature space:
// the unbiased estimate of the squared maximum mean discrepancy between two feature sets with the
// cubic polynomial kernel k(x, y) = (x . y / d + 1)^3, averaged over random subsets of both sets
// (as the authors' code and torch-fidelity compute it), with the standard deviation over subsets.
import { Rng } from '../engine/index.js';
import { compileGram, type FeatureSet } from './gram.js';

export interface KidOptions {
  /** Subsets drawn (default 100); 1 when both sets are no larger than a subset. */
  subsets?: number;
  /** Samples per subset from each set (default 1000, at most the smaller set's size). */
  subsetSize?: number;
  /** Seed of the subsets' draws (default 0). */
  seed?: number;
}

export interface Kid {
  mean: number;
  /** Standard deviation of the subsets' estimates (population, as torch-fidelity reports it). */
  std: number;
  subsets: number;
  subsetSize: number;
}

/** Row indices of f as a new feature set. */
function rows(f: FeatureSet, idx: ArrayLike<number>): FeatureSet {
  const values = new Float32Array(idx.length * f.d);
  for (let i = 0; i < idx.length; i++) values.set(f.values.subarray(idx[i]! * f.d, (idx[i]! + 1) * f.d), i * f.d);
  return { values, n: idx.length, d: f.d };
}

/**
 * Unbiased MMD^2 of two sets of m vectors from their kernel sums: the within-set sums leave out
 * k(x_i, x_i) and divide by m (m - 1); the cross sum keeps every pair and divides by m^2.
 */
export function unbiasedMmd2(sumXX: number, diagXX: number, sumYY: number, diagYY: number, sumXY: number, m: number): number {
  return (sumXX - diagXX + sumYY - diagYY) / (m * (m - 1)) - (2 * sumXY) / (m * m);
}

/** Sum of k over an m x m block of dot products, and over its diagonal, in float64 (a plain loop: this is the hot part). */
function cubicKernelSums(dots: Float32Array, m: number, invD: number): { sum: number; diag: number } {
  let sum = 0;
  for (let i = 0; i < m * m; i++) {
    const t = dots[i]! * invD + 1;
    sum += t * t * t;
  }
  let diag = 0;
  for (let i = 0; i < m; i++) {
    const t = dots[i * m + i]! * invD + 1;
    diag += t * t * t;
  }
  return { sum, diag };
}

/** KID of two feature sets (mean and standard deviation over subsets). */
export async function kernelInceptionDistance(a: FeatureSet, b: FeatureSet, o: KidOptions = {}): Promise<Kid> {
  if (a.d !== b.d) throw new Error(`KID: feature vectors of dimension ${a.d} and ${b.d} cannot be compared`);
  const m = Math.min(o.subsetSize ?? 1000, a.n, b.n);
  if (m < 2) throw new Error(`KID needs at least 2 samples in each set, got ${a.n} and ${b.n}`);
  const subsets = m === a.n && m === b.n ? 1 : (o.subsets ?? 100);
  const d = a.d;
  const gram = await compileGram(m, m, d);
  const rng = new Rng(o.seed ?? 0);
  const kernelSum = async (x: FeatureSet, y: FeatureSet) => {
    let sums = { sum: 0, diag: 0 };
    await gram.blocks(x, y, (_start, _rows, dots) => (sums = cubicKernelSums(dots, m, 1 / d)));
    return sums;
  };
  const estimates: number[] = [];
  try {
    for (let s = 0; s < subsets; s++) {
      const x = rows(a, rng.permutation(a.n).subarray(0, m));
      const y = rows(b, rng.permutation(b.n).subarray(0, m));
      const xx = await kernelSum(x, x);
      const yy = await kernelSum(y, y);
      const xy = await kernelSum(x, y);
      estimates.push(unbiasedMmd2(xx.sum, xx.diag, yy.sum, yy.diag, xy.sum, m));
    }
  } finally {
    await gram.release();
  }
  const mean = estimates.reduce((p, q) => p + q, 0) / subsets;
  const std = Math.sqrt(estimates.reduce((p, q) => p + (q - mean) ** 2, 0) / subsets);
  return { mean, std, subsets, subsetSize: m };
}
