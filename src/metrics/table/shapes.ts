// Column shapes as SDMetrics scores them (sdmetrics.single_column: KSComplement, TVComplement):
// how alike one column's real and synthetic distributions are, 1 = identical. Missing values are
// dropped first; a column with no values on either side has no score (null).

const present = <T>(xs: readonly (T | null)[]): T[] => xs.filter((x): x is T => x !== null);

/**
 * 1 - D, with D the two-sample Kolmogorov-Smirnov statistic: the largest gap between the two
 * empirical distribution functions (scipy's ks_2samp statistic).
 */
export function ksComplement(real: readonly (number | null)[], synthetic: readonly (number | null)[]): number | null {
  const a = Float64Array.from(present(real)).sort();
  const b = Float64Array.from(present(synthetic)).sort();
  if (a.length === 0 || b.length === 0) return null;
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < a.length && j < b.length) {
    // Step past every copy of the smaller value on both sides before comparing the two CDFs.
    const x = Math.min(a[i]!, b[j]!);
    while (i < a.length && a[i] === x) i++;
    while (j < b.length && b[j] === x) j++;
    d = Math.max(d, Math.abs(i / a.length - j / b.length));
  }
  return 1 - d;
}

/**
 * 1 - TV, with TV = 1/2 sum over categories |share in synthetic - share in real|. As SDMetrics'
 * get_frequencies does, a category only the synthetic rows have gets a count of 1e-6 on the real side.
 */
export function tvComplement(real: readonly (string | null)[], synthetic: readonly (string | null)[]): number | null {
  const r = present(real);
  const s = present(synthetic);
  if (r.length === 0 || s.length === 0) return null;
  const realCounts = countBy(r);
  const synCounts = countBy(s);
  for (const k of synCounts.keys()) if (!realCounts.has(k)) realCounts.set(k, 1e-6);
  let realTotal = 0;
  for (const v of realCounts.values()) realTotal += v;
  let tv = 0;
  for (const [k, v] of realCounts) tv += Math.abs((synCounts.get(k) ?? 0) / s.length - v / realTotal);
  return 1 - 0.5 * tv;
}

export function countBy<T>(xs: readonly T[]): Map<T, number> {
  const m = new Map<T, number>();
  for (const x of xs) m.set(x, (m.get(x) ?? 0) + 1);
  return m;
}
