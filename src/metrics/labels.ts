// How well generated samples carry the label they were drawn with (docs/metrics.md):
// - label accuracy (CGAN, ACGAN): the share of samples the classifier assigns the drawn label;
// - code accuracy (InfoGAN): the categorical code has no fixed meaning, so each code value is first
//   matched one-to-one to a class, by the matching that maximises the number of agreements (an
//   exact assignment over the k x k contingency table), and the accuracy is read under that matching.

/** Share of samples whose predicted class equals the label they were drawn with. */
export function labelAccuracy(predicted: Int32Array, labels: BigInt64Array): number {
  if (predicted.length !== labels.length) throw new Error(`labelAccuracy: ${predicted.length} predictions for ${labels.length} labels`);
  let hits = 0;
  for (let i = 0; i < labels.length; i++) if (BigInt(predicted[i]!) === labels[i]) hits++;
  return hits / labels.length;
}

/** counts[code][class]: how often a sample drawn with each code was classified as each class. */
export function contingency(predicted: Int32Array, codes: BigInt64Array, k: number): number[][] {
  const t = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  codes.forEach((c, i) => t[Number(c)]![predicted[i]!]!++);
  return t;
}

/**
 * The one-to-one code -> class matching with the most agreements, exactly, by dynamic programming
 * over the subsets of classes already used (k * 2^k steps; k = 10 takes ~10,000).
 */
export function bestMatching(counts: number[][]): { mapping: number[]; agreements: number } {
  const k = counts.length;
  if (k > 20) throw new Error(`bestMatching: ${k} codes are too many for the exact matching (at most 20)`);
  const size = 1 << k;
  const best = new Float64Array(size).fill(-1);
  const choice = new Int32Array(size).fill(-1);
  best[0] = 0;
  for (let mask = 0; mask < size; mask++) {
    if (best[mask]! < 0) continue;
    const code = popcount(mask);
    if (code >= k) continue;
    for (let cls = 0; cls < k; cls++) {
      if (mask & (1 << cls)) continue;
      const next = mask | (1 << cls);
      const v = best[mask]! + counts[code]![cls]!;
      if (v > best[next]!) {
        best[next] = v;
        choice[next] = cls;
      }
    }
  }
  const mapping = new Array<number>(k);
  let mask = size - 1;
  for (let code = k - 1; code >= 0; code--) {
    const cls = choice[mask]!;
    mapping[code] = cls;
    mask &= ~(1 << cls);
  }
  return { mapping, agreements: best[size - 1]! };
}

function popcount(x: number): number {
  let n = 0;
  for (let v = x; v; v &= v - 1) n++;
  return n;
}

/** InfoGAN: accuracy of the categorical code as a class predictor under the best one-to-one matching. */
export function codeAccuracy(predicted: Int32Array, codes: BigInt64Array, k: number): { accuracy: number; mapping: number[] } {
  const { mapping, agreements } = bestMatching(contingency(predicted, codes, k));
  return { accuracy: agreements / codes.length, mapping };
}
