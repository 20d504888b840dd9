// TensorBoard's smoothing: an exponential moving average, debiased so the first points are not
// pulled towards zero; gaps (null) stay gaps and do not reset it.
export function smooth(values: (number | null)[], weight: number): (number | null)[] {
  if (weight <= 0) return values;
  let last = 0;
  let debias = 0;
  return values.map((v) => {
    if (v === null || !Number.isFinite(v)) return null;
    last = last * weight + (1 - weight) * v;
    debias = debias * weight + (1 - weight);
    return last / debias;
  });
}
