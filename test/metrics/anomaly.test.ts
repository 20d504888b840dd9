// AUROC, average precision and the FPR threshold against values worked out by hand.
import { describe, expect, it } from 'vitest';
import { auroc, averagePrecision, thresholdAtFpr } from '../../src/metrics/anomaly.js';
import { InputError } from '../../src/errors.js';

// Anomalies (1) score 0.35, 0.8, 0.4; normal samples (0) 0.1, 0.4: one tie across the classes.
const scores = [0.1, 0.4, 0.35, 0.8, 0.4];
const labels = [0, 0, 1, 1, 1];

describe('AUROC', () => {
  it('is the Mann-Whitney statistic with a tie counted as one half', () => {
    // (anomaly, normal) pairs: (0.35, 0.1) 1, (0.35, 0.4) 0, (0.8, 0.1) 1, (0.8, 0.4) 1, (0.4, 0.1) 1, (0.4, 0.4) 1/2.
    expect(auroc(scores, labels)).toBeCloseTo(4.5 / 6, 12);
  });

  it('is 1 when every anomaly scores above every normal sample, 0 when below, 1/2 when all tie', () => {
    expect(auroc([3, 4, 1, 2], [1, 1, 0, 0])).toBe(1);
    expect(auroc([3, 4, 1, 2], [0, 0, 1, 1])).toBe(0);
    expect(auroc([2, 2, 2], [0, 1, 0])).toBe(0.5);
  });

  it('does not depend on the order of the samples', () => {
    expect(auroc([0.4, 0.8, 0.1, 0.4, 0.35], [1, 1, 0, 0, 1])).toBeCloseTo(0.75, 12);
  });
});

describe('average precision (AUPRC)', () => {
  it('sums precision times the recall gained at each distinct threshold, ties entering together', () => {
    // Thresholds high to low: 0.8 (1 of 1 flagged are anomalies, recall 1/3), 0.4 (both 0.4s: 2 of 3,
    // recall 2/3), 0.35 (3 of 4, recall 1), 0.1 (no recall gained): 1/3 + 2/9 + 1/4 = 29/36.
    expect(averagePrecision(scores, labels)).toBeCloseTo(29 / 36, 12);
  });

  it('is 1 for a perfect ranking and the anomalies\' share when every score ties', () => {
    expect(averagePrecision([3, 4, 1, 2], [1, 1, 0, 0])).toBe(1);
    expect(averagePrecision([5, 5, 5, 5], [1, 0, 0, 0])).toBe(0.25);
    // Worst ranking of 1 anomaly among 4: found last, precision 1/4.
    expect(averagePrecision([1, 2, 3, 4], [1, 0, 0, 0])).toBe(0.25);
  });
});

describe('bad input', () => {
  it('names what is wrong', () => {
    expect(() => auroc([1, 2], [0])).toThrow(new InputError('anomaly metrics: 2 scores but 1 labels'));
    expect(() => auroc([1, 2], [0, 2])).toThrow(new InputError('anomaly metrics: label 1 is 2; expected 0 (normal) or 1 (anomalous)'));
    expect(() => averagePrecision([1, 2], [1, 1])).toThrow(new InputError('anomaly metrics need normal and anomalous samples; got 0 normal and 2 anomalous'));
    expect(() => auroc([1, NaN], [0, 1])).toThrow(new InputError('anomaly metrics: score 1 is NaN; expected a finite number'));
  });
});

describe('threshold at a false-positive rate', () => {
  // The normal scores 1..20, shuffled.
  const normal = [7, 13, 1, 20, 4, 16, 10, 19, 2, 11, 5, 18, 8, 14, 3, 17, 6, 12, 9, 15];
  const flagged = (t: number) => normal.filter((s) => s > t).length / normal.length;

  it('flags at most the asked share of the normal scores', () => {
    expect(thresholdAtFpr(normal, 0.05)).toBe(19);
    expect(flagged(19)).toBe(0.05);
    expect(thresholdAtFpr(normal, 0.1)).toBe(18);
    // 12% of 20 is 2.4 samples: 2 are flagged (10%), never 3.
    expect(thresholdAtFpr(normal, 0.12)).toBe(18);
    expect(thresholdAtFpr(normal, 0)).toBe(20);
    expect(flagged(20)).toBe(0);
    expect(thresholdAtFpr(normal, 1)).toBe(-Infinity);
  });

  it('flags fewer when scores tie at the threshold', () => {
    expect(thresholdAtFpr([1, 1, 1, 2], 0.5)).toBe(1);
    expect([1, 1, 1, 2].filter((s) => s > 1).length).toBe(1);
  });

  it('refuses a rate outside [0, 1] and an empty set', () => {
    expect(() => thresholdAtFpr(normal, 1.5)).toThrow(new InputError('--fpr 1.5: expected a false-positive rate from 0 to 1'));
    expect(() => thresholdAtFpr([], 0.05)).toThrow(new InputError('a threshold needs held-out normal scores; there are none'));
  });
});
