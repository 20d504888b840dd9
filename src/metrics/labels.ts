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
 * The one-to-one code -> class matching with the most agreements, exactly: the Hungarian algorithm
 * (Kuhn-Munkres with potentials, O(k^3)) on the costs -counts.
 */
export function bestMatching(counts: number[][]): { mapping: number[]; agreements: number } {
  const k = counts.length;
  const cost = (i: number, j: number) => -counts[i - 1]![j - 1]!;
  // 1-based arrays as in the textbook formulation; column 0 is a virtual start.
  const u = new Float64Array(k + 1);
  const v = new Float64Array(k + 1);
  const rowOf = new Int32Array(k + 1); // rowOf[j]: the code matched to class j
  const way = new Int32Array(k + 1);
  for (let i = 1; i <= k; i++) {
    rowOf[0] = i;
    let j0 = 0;
    const minv = new Float64Array(k + 1).fill(Infinity);
    const used = new Uint8Array(k + 1);
    do {
      used[j0] = 1;
      const i0 = rowOf[j0]!;
      let delta = Infinity;
      let j1 = 0;
      for (let j = 1; j <= k; j++) {
        if (used[j]) continue;
        const cur = cost(i0, j) - u[i0]! - v[j]!;
        if (cur < minv[j]!) {
          minv[j] = cur;
          way[j] = j0;
        }
        if (minv[j]! < delta) {
          delta = minv[j]!;
          j1 = j;
        }
      }
      for (let j = 0; j <= k; j++) {
        if (used[j]) {
          u[rowOf[j]!]! += delta;
          v[j]! -= delta;
        } else {
          minv[j]! -= delta;
        }
      }
      j0 = j1;
    } while (rowOf[j0] !== 0);
    do {
      const j1 = way[j0]!;
      rowOf[j0] = rowOf[j1]!;
      j0 = j1;
    } while (j0 !== 0);
  }
  const mapping = new Array<number>(k);
  let agreements = 0;
  for (let j = 1; j <= k; j++) {
    mapping[rowOf[j]! - 1] = j - 1;
    agreements += counts[rowOf[j]! - 1]![j - 1]!;
  }
  return { mapping, agreements };
}

/** InfoGAN: accuracy of the categorical code as a class predictor under the best one-to-one matching. */
export function codeAccuracy(predicted: Int32Array, codes: BigInt64Array, k: number): { accuracy: number; mapping: number[] } {
  const { mapping, agreements } = bestMatching(contingency(predicted, codes, k));
  return { accuracy: agreements / codes.length, mapping };
}
