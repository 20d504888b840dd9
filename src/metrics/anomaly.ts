// Anomaly detection metrics over scores where higher means more anomalous, and labels 1 for an
// anomaly, 0 for a normal sample: AUROC (the Mann-Whitney statistic, ties counted as half), AUPRC
// as average precision (the anomalies are the positive class), and the threshold that flags a
// chosen share of normal samples.
import { InputError } from '../errors.js';

function check(scores: ArrayLike<number>, labels: ArrayLike<number>): { pos: number; neg: number } {
  if (scores.length !== labels.length) throw new InputError(`anomaly metrics: ${scores.length} scores but ${labels.length} labels`);
  let pos = 0;
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i]!;
    if (l !== 0 && l !== 1) throw new InputError(`anomaly metrics: label ${i} is ${l}; expected 0 (normal) or 1 (anomalous)`);
    if (!Number.isFinite(scores[i]!)) throw new InputError(`anomaly metrics: score ${i} is ${scores[i]}; expected a finite number`);
    pos += l;
  }
  const neg = labels.length - pos;
  if (pos === 0 || neg === 0) throw new InputError(`anomaly metrics need normal and anomalous samples; got ${neg} normal and ${pos} anomalous`);
  return { pos, neg };
}

/** Indices ordered by score, and the runs of equal scores in that order as [start, end). */
function tiedGroups(scores: ArrayLike<number>, descending: boolean): { order: number[]; groups: [number, number][] } {
  const order = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => (descending ? scores[b]! - scores[a]! : scores[a]! - scores[b]!));
  const groups: [number, number][] = [];
  for (let i = 0; i < order.length; ) {
    let j = i + 1;
    while (j < order.length && scores[order[j]!] === scores[order[i]!]) j++;
    groups.push([i, j]);
    i = j;
  }
  return { order, groups };
}

/**
 * Area under the ROC curve: the probability that a random anomaly scores above a random normal
 * sample, a tie counting one half (the Mann-Whitney U statistic over pos * neg), from average ranks.
 */
export function auroc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const { pos, neg } = check(scores, labels);
  const { order, groups } = tiedGroups(scores, false);
  let rankSum = 0;
  for (const [a, b] of groups) {
    const rank = (a + 1 + b) / 2; // the average of ranks a + 1 .. b
    for (let k = a; k < b; k++) if (labels[order[k]!] === 1) rankSum += rank;
  }
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}

/**
 * Area under the precision-recall curve as average precision: the sum over distinct score
 * thresholds t (high to low) of (recall(t) - recall(previous t)) * precision(t), each sample with a
 * score >= t flagged; tied scores enter together (as scikit-learn's average_precision_score).
 */
export function averagePrecision(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const { pos } = check(scores, labels);
  const { order, groups } = tiedGroups(scores, true);
  let tp = 0;
  let ap = 0;
  for (const [a, b] of groups) {
    let gained = 0;
    for (let k = a; k < b; k++) gained += labels[order[k]!]!;
    tp += gained;
    ap += (gained / pos) * (tp / b);
  }
  return ap;
}

/**
 * The threshold that flags at most a share `fpr` of these normal scores: a sample is anomalous when
 * its score is above it. It is the ceil(n (1 - fpr))-th smallest score (-Infinity for fpr 1).
 */
export function thresholdAtFpr(normalScores: ArrayLike<number>, fpr: number): number {
  if (!(fpr >= 0 && fpr <= 1)) throw new InputError(`--fpr ${fpr}: expected a false-positive rate from 0 to 1`);
  const n = normalScores.length;
  if (n === 0) throw new InputError('a threshold needs held-out normal scores; there are none');
  const sorted = Float64Array.from(normalScores).sort();
  // The small allowance keeps n (1 - fpr) from rounding up past a whole number (20 * 0.95).
  const k = Math.ceil(n * (1 - fpr) - 1e-9);
  return k === 0 ? -Infinity : sorted[k - 1]!;
}
