import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/engine/index.js';
import { bestMatching, codeAccuracy, contingency, labelAccuracy } from '../../src/metrics/labels.js';

/** The best matching by trying every permutation (k! of them). */
function bruteForce(counts: number[][]): number {
  const k = counts.length;
  let best = -1;
  const perm = [...Array(k).keys()];
  const visit = (i: number, used: number, total: number) => {
    if (i === k) {
      best = Math.max(best, total);
      return;
    }
    for (let j = 0; j < k; j++) if (!(used & (1 << j))) visit(i + 1, used | (1 << j), total + counts[i]![perm[j]!]!);
  };
  visit(0, 0, 0);
  return best;
}

describe('label metrics', () => {
  it('label accuracy is the share of predictions equal to the drawn label', () => {
    expect(labelAccuracy(Int32Array.from([0, 1, 2, 2]), BigInt64Array.from([0n, 1n, 1n, 2n]))).toBe(0.75);
  });

  it('the best code-to-class matching equals the brute-force optimum on random tables', () => {
    const rng = new Rng(4);
    for (const k of [1, 2, 3, 5, 7]) {
      for (let trial = 0; trial < 20; trial++) {
        const counts = Array.from({ length: k }, () => Array.from({ length: k }, () => rng.int(50)));
        const { mapping, agreements } = bestMatching(counts);
        expect(new Set(mapping).size).toBe(k); // one-to-one
        expect(agreements).toBe(mapping.reduce((s, cls, code) => s + counts[code]![cls]!, 0));
        expect(agreements).toBe(bruteForce(counts));
      }
    }
  });

  it('code accuracy reads a permuted code perfectly, and a 25-way one too', () => {
    const k = 25;
    const codes = BigInt64Array.from({ length: 1000 }, (_, i) => BigInt(i % k));
    const shift = (c: number) => (c * 7 + 3) % k; // a permutation of 0..24
    const predicted = Int32Array.from(codes, (c) => shift(Number(c)));
    const r = codeAccuracy(predicted, codes, k);
    expect(r.accuracy).toBe(1);
    expect(r.mapping).toEqual([...Array(k).keys()].map(shift));
    predicted[0] = (predicted[0]! + 1) % k;
    expect(codeAccuracy(predicted, codes, k).accuracy).toBe(999 / 1000);
    expect(contingency(predicted, codes, k)[0]![shift(0) + 1]).toBe(1);
  });
});
