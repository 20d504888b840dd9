// Column pair trends as SDMetrics' quality report scores them (ColumnPairTrends with
// CorrelationSimilarity and ContingencySimilarity): whether a pair of columns moves together in the
// synthetic rows as it does in the real ones, 1 = identically.
import { countBy } from './shapes.js';

/** Pearson's r of paired values; null when either side is constant or there are fewer than 2 pairs. */
export function pearson(x: readonly number[], y: readonly number[]): number | null {
  const n = x.length;
  if (n < 2) return null;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i]!;
    my += y[i]!;
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i]! - mx;
    const dy = y[i]! - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  if (sxx === 0 || syy === 0) return null;
  return Math.max(-1, Math.min(1, sxy / Math.sqrt(sxx * syy)));
}

/** The rows where both columns have a value (SDMetrics drops a pair's incomplete rows before correlating). */
export function completePairs(a: readonly (number | null)[], b: readonly (number | null)[]): [number[], number[]] {
  const x: number[] = [];
  const y: number[] = [];
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== null && b[i] !== null) {
      x.push(a[i]!);
      y.push(b[i]!);
    }
  }
  return [x, y];
}

export interface CorrelationResult {
  /** 1 - |r_real - r_synthetic| / 2; null when either correlation is undefined (a constant column). */
  score: number | null;
  real: number | null;
  synthetic: number | null;
}

export function correlationSimilarity(
  real: [readonly (number | null)[], readonly (number | null)[]],
  synthetic: [readonly (number | null)[], readonly (number | null)[]],
): CorrelationResult {
  const r = pearson(...completePairs(...real));
  const s = pearson(...completePairs(...synthetic));
  return { score: r === null || s === null ? null : 1 - Math.abs(r - s) / 2, real: r, synthetic: s };
}

/**
 * A continuous column as 10 equal-width bins over its own range, as ColumnPairTrends discretises
 * each table separately: numpy's histogram_bin_edges (11 edges, min to max) and digitize, so bins
 * are 1..10, the maximum itself falls in bin 11, and so does a missing value (NaN sorts last).
 */
export function discretize(values: readonly (number | null)[]): number[] {
  const xs = values.filter((v): v is number => v !== null);
  if (xs.length === 0) return values.map(() => 11);
  let lo = Math.min(...xs);
  let hi = Math.max(...xs);
  if (lo === hi) {
    lo -= 0.5;
    hi += 0.5;
  }
  const step = (hi - lo) / 10;
  const edges = Array.from({ length: 11 }, (_, i) => (i === 10 ? hi : lo + i * step));
  return values.map((v) => {
    if (v === null) return 11;
    let bin = 0;
    while (bin < 11 && edges[bin]! <= v) bin++;
    return bin;
  });
}

type Key = string | number | null;
const MISSING_KEY = '\u0000missing';
const pairKey = (a: Key, b: Key): string => JSON.stringify([a ?? MISSING_KEY, b ?? MISSING_KEY]);

/**
 * 1 - TV distance between the two tables' joint distributions of a pair of discrete columns
 * (a missing value is a value of its own, as pandas' groupby(dropna=False) keeps it).
 */
export function contingencySimilarity(real: [readonly Key[], readonly Key[]], synthetic: [readonly Key[], readonly Key[]]): number | null {
  const nr = real[0].length;
  const ns = synthetic[0].length;
  if (nr === 0 || ns === 0) return null;
  const r = countBy(real[0].map((a, i) => pairKey(a, real[1][i]!)));
  const s = countBy(synthetic[0].map((a, i) => pairKey(a, synthetic[1][i]!)));
  let tv = 0;
  for (const [k, v] of r) tv += Math.abs(v / nr - (s.get(k) ?? 0) / ns);
  for (const [k, v] of s) if (!r.has(k)) tv += v / ns;
  return 1 - tv / 2;
}

/**
 * Cramer's V of a pair of discrete columns, sqrt(chi2 / (n (min(rows, cols) - 1))) without
 * continuity correction (scipy's association(method='cramer')); null when one column has a single value.
 */
export function cramersV(a: readonly Key[], b: readonly Key[]): number | null {
  const n = a.length;
  const rows = countBy(a.map((x) => x ?? MISSING_KEY));
  const cols = countBy(b.map((x) => x ?? MISSING_KEY));
  if (rows.size < 2 || cols.size < 2) return null;
  const joint = countBy(a.map((x, i) => pairKey(x, b[i]!)));
  let chi2 = 0;
  for (const [ra, rn] of rows) {
    for (const [cb, cn] of cols) {
      const expected = (rn * cn) / n;
      const observed = joint.get(pairKey(ra, cb)) ?? 0;
      chi2 += (observed - expected) ** 2 / expected;
    }
  }
  return Math.sqrt(chi2 / (n * (Math.min(rows.size, cols.size) - 1)));
}
