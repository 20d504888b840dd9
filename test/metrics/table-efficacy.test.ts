// ML efficacy: the scores against hand-worked cases, and the engine-trained classifiers on a
// separable toy table (seconds).
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/engine/random.js';
import { mlEfficacy } from '../../src/metrics/table/efficacy.js';
import { fitFeatures } from '../../src/metrics/table/features.js';
import { accuracy, aucFromProbs, f1Of, macroF1, rocAuc } from '../../src/metrics/table/scores.js';
import type { Cell, ColumnSpec, Table } from '../../src/tables/types.js';

describe('classification scores', () => {
  it('F1 of the positive class is 2TP / (2TP + FP + FN)', () => {
    // TP 2, FP 1, FN 1.
    expect(f1Of([1, 1, 0, 0, 1], [1, 0, 0, 1, 1], 1)).toBeCloseTo(2 / 3, 15);
    expect(f1Of([0, 0], [0, 0], 1)).toBe(0);
    expect(accuracy([1, 1, 0, 0, 1], [1, 0, 0, 1, 1])).toBe(0.6);
  });

  it('macro F1 averages over the labels in the truth or the predictions', () => {
    // class 0: 2/3; class 1: TP 1, FP 2 -> 1/2; class 2: never predicted -> 0.
    expect(macroF1([0, 0, 1, 2], [0, 1, 1, 1])).toBeCloseTo((2 / 3 + 1 / 2 + 0) / 3, 15);
  });

  it('ROC AUC is the share of positive-negative pairs ranked right, ties one half', () => {
    // pairs (0.9 > 0.8), (0.9 > 0.1), (0.3 < 0.8), (0.3 > 0.1).
    expect(rocAuc([true, false, true, false], [0.9, 0.8, 0.3, 0.1])).toBe(0.75);
    expect(rocAuc([true, false, true, false], [0.5, 0.5, 0.5, 0.1])).toBe(0.75); // (.5~.5) = 1/2 twice, (.5>.1) twice
    expect(rocAuc([true, true], [0.1, 0.2])).toBeNull();
  });

  it('one-vs-rest AUC averages the per-class AUCs', () => {
    // 3 rows, 3 classes, probabilities [n, 3]; class 0 ranked perfectly, class 1 perfectly, class 2 backwards.
    const probs = Float32Array.from([0.8, 0.1, 0.1, 0.1, 0.8, 0.1, 0.4, 0.4, 0.2]);
    // class 2: its row scores 0.2, the others 0.1 and 0.1 -> AUC 1. class 0: row 0 0.8 vs 0.1, 0.4 -> 1. class 1: 0.8 vs 0.1, 0.4 -> 1.
    expect(aucFromProbs([0, 1, 2], probs, 3)).toBe(1);
    const backwards = Float32Array.from([0.8, 0.1, 0.1, 0.1, 0.8, 0.1, 0.4, 0.5, 0.05]);
    // class 2 now scores 0.05 against 0.1 and 0.1 -> 0; mean (1 + 1 + 0) / 3.
    expect(aucFromProbs([0, 1, 2], backwards, 3)).toBeCloseTo(2 / 3, 6);
    expect(aucFromProbs([0, 1, 2], backwards, 3, 2)).toBe(0);
  });
});

const columns: ColumnSpec[] = [
  { name: 'x', kind: 'continuous', missingRate: 0.1 },
  { name: 'colour', kind: 'categorical', missingRate: 0 },
  { name: 'label', kind: 'categorical', missingRate: 0 },
];

/** y = "yes" when 2x + (colour is red) > 0.5: separable by a linear model on the features. */
function toy(n: number, seed: number, flip = false): Table {
  const rng = new Rng(seed);
  const rows: Cell[][] = [];
  for (let i = 0; i < n; i++) {
    const x = rng.uniform() * 2 - 1;
    const colour = ['red', 'green', 'blue'][rng.int(3)]!;
    const yes = 2 * x + (colour === 'red' ? 1 : 0) > 0.5;
    rows.push([i % 10 === 0 ? null : x, colour, yes !== flip ? 'yes' : 'no']);
  }
  // A missing x makes the row's label unknowable from x: give those rows the majority label.
  for (const r of rows) if (r[0] === null) r[2] = flip ? 'yes' : 'no';
  return { source: `toy-${seed}`, columns, rows };
}

describe('feature encoding', () => {
  it('standardises numbers, adds a missing indicator, and one-hots labels (unseen ones as zeros)', () => {
    const t: Table = { source: 't', columns, rows: [[1, 'red', 'a'], [3, 'blue', 'b'], [null, 'red', 'a']] };
    const f = fitFeatures(t, 2);
    expect(f.width).toBe(4); // x, x missing, blue, red
    const other: Table = { ...t, rows: [[2, 'green', 'a']] };
    // mean 2, sd 1 over the present values.
    expect(Array.from(f.encode(t))).toEqual([-1, 0, 0, 1, 1, 0, 1, 0, 0, 1, 0, 1]);
    expect(Array.from(f.encode(other))).toEqual([0, 0, 0, 0]);
  });
});

describe('mlEfficacy', () => {
  const train = toy(300, 1);
  const holdout = toy(150, 2);

  it('classifiers trained on faithful rows score high on held-out rows, on flipped labels low', async () => {
    const r = await mlEfficacy(train, holdout, toy(300, 3), 'label', { seed: 0 });
    expect(r.classes).toEqual(['no', 'yes']);
    expect(r.f1).toBe('binary');
    expect(r.positive).toBe('yes'); // the rarer class in the training rows
    for (const kind of ['logistic', 'mlp'] as const) {
      expect(r.classifiers[kind].real.accuracy).toBeGreaterThanOrEqual(0.93);
      expect(r.classifiers[kind].synthetic.accuracy).toBeGreaterThanOrEqual(0.93);
      expect(r.classifiers[kind].synthetic.auc!).toBeGreaterThanOrEqual(0.97);
      expect(r.classifiers[kind].synthetic.f1).toBeGreaterThanOrEqual(0.9);
    }
    const flipped = await mlEfficacy(train, holdout, toy(300, 3, true), 'label', { seed: 0, mlp: { epochs: 10, minSteps: 100 } });
    expect(flipped.classifiers.logistic.synthetic.accuracy).toBeLessThanOrEqual(0.1);
    expect(flipped.classifiers.logistic.synthetic.auc!).toBeLessThanOrEqual(0.05);
  });

  it('gives the same numbers for the same seed', async () => {
    const fast = { seed: 4, logistic: { epochs: 5, minSteps: 40 }, mlp: { epochs: 5, minSteps: 40 } };
    const a = await mlEfficacy(train, holdout, toy(300, 3), 'label', fast);
    const b = await mlEfficacy(train, holdout, toy(300, 3), 'label', fast);
    expect(b).toEqual(a);
  });

  it('refuses a numeric target and a missing column, naming them', async () => {
    await expect(mlEfficacy(train, holdout, train, 'x')).rejects.toThrow('target column "x" is continuous; ML efficacy needs a categorical or boolean target');
    await expect(mlEfficacy(train, holdout, train, 'size')).rejects.toThrow('column "size" is not in toy-1; its columns are: x, colour, label');
  });
});
