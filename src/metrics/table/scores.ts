// Classification scores as scikit-learn computes them: accuracy, F1 (of one positive class for a
// binary target, as SDGym's f1_score(average='binary'); macro over the labels present in either
// the truth or the predictions otherwise) and ROC AUC (one-vs-rest, macro, otherwise).

export function accuracy(truth: ArrayLike<number>, predicted: ArrayLike<number>): number {
  let right = 0;
  for (let i = 0; i < truth.length; i++) if (truth[i] === predicted[i]) right++;
  return right / truth.length;
}

/** F1 of one class: 2 TP / (2 TP + FP + FN); 0 when the class is neither true nor predicted (sklearn's zero_division=0). */
export function f1Of(truth: ArrayLike<number>, predicted: ArrayLike<number>, positive: number): number {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (let i = 0; i < truth.length; i++) {
    const t = truth[i] === positive;
    const p = predicted[i] === positive;
    if (t && p) tp++;
    else if (p) fp++;
    else if (t) fn++;
  }
  return tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn);
}

export function macroF1(truth: ArrayLike<number>, predicted: ArrayLike<number>): number {
  const labels = new Set<number>([...Array.from(truth), ...Array.from(predicted)]);
  let sum = 0;
  for (const l of labels) sum += f1Of(truth, predicted, l);
  return sum / labels.size;
}

/**
 * ROC AUC of scores for a yes/no truth: the chance that a random positive scores above a random
 * negative, ties counting one half (the Mann-Whitney U statistic over n+ n-). null without both.
 */
export function rocAuc(isPositive: ArrayLike<boolean>, score: ArrayLike<number>): number | null {
  const order = Array.from({ length: score.length }, (_, i) => i).sort((a, b) => score[a]! - score[b]!);
  let pos = 0;
  let rankSum = 0;
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j < order.length && score[order[j]!] === score[order[i]!]) j++;
    const midRank = (i + 1 + j) / 2; // 1-based ranks i+1..j share their mean
    for (let k = i; k < j; k++) {
      if (isPositive[order[k]!]) {
        pos++;
        rankSum += midRank;
      }
    }
    i = j;
  }
  const neg = order.length - pos;
  if (pos === 0 || neg === 0) return null;
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}

/**
 * AUC from class probabilities [n, k]: binary targets score the positive class's probability;
 * otherwise the mean one-vs-rest AUC over the classes present in the truth (with rows of other classes too).
 */
export function aucFromProbs(truth: ArrayLike<number>, probs: Float32Array, k: number, positive?: number): number | null {
  const n = truth.length;
  const column = (c: number) => Array.from({ length: n }, (_, i) => probs[i * k + c]!);
  const vsRest = (c: number) => rocAuc(Array.from(truth, (t) => t === c), column(c));
  if (positive !== undefined) return vsRest(positive);
  const aucs: number[] = [];
  for (let c = 0; c < k; c++) {
    const a = vsRest(c);
    if (a !== null) aucs.push(a);
  }
  return aucs.length ? aucs.reduce((a, b) => a + b, 0) / aucs.length : null;
}
