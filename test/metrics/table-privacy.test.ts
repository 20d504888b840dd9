// Privacy: identical rows and distances to the closest record on tables small enough to work by hand.
import { describe, expect, it } from 'vitest';
import { closestDistances, identicalShare, privacyReport, quantile } from '../../src/metrics/table/privacy.js';
import type { Cell, ColumnSpec, Table } from '../../src/tables/types.js';

const columns: ColumnSpec[] = [
  { name: 'x', kind: 'integer', missingRate: 0 },
  { name: 'c', kind: 'categorical', missingRate: 0 },
];
const table = (source: string, rows: Cell[][]): Table => ({ source, columns, rows });
// Training range of x: 0..10.
const train = table('train', [
  [0, 'a'],
  [10, 'b'],
]);

describe('privacy', () => {
  it('counts synthetic rows identical to a training row', () => {
    expect(identicalShare(train, table('s', [[0, 'a'], [0, 'b'], [10, 'b'], [10, null]]))).toBe(0.5);
    expect(identicalShare(table('t', [[null, 'a']]), table('s', [[null, 'a']]))).toBe(1);
  });

  it("measures Gower's distance: |dx| / range and 0/1 for labels, averaged over columns", () => {
    const s = table('s', [
      [0, 'a'], // identical: 0
      [5, 'a'], // to (0, a): (0.5 + 0) / 2
      [null, 'b'], // to (10, b): (1 + 0) / 2
      [40, 'c'], // to (10, b): (min(1, 3) + 1) / 2
    ]);
    expect(Array.from(closestDistances(train, s))).toEqual([0, 0.25, 0.5, 1]);
  });

  it('summarises synthetic and held-out distances by their median and 5th percentile', () => {
    const r = privacyReport(train, table('h', [[2, 'a'], [10, 'b']]), table('s', [[0, 'a'], [5, 'a'], [null, 'b']]));
    expect(r.identicalShare).toBeCloseTo(1 / 3, 15);
    expect(r.holdoutIdenticalShare).toBe(0.5);
    // synthetic DCRs 0, 0.25, 0.5: p5 at 0.05 * 2 = 0.1 of the way from 0 to 0.25.
    expect(r.dcr.synthetic).toEqual({ rows: 3, median: 0.25, p5: 0.025 });
    // holdout DCRs 0.1 and 0: median 0.05, p5 0.005.
    expect(r.dcr.holdout.median).toBeCloseTo(0.05, 15);
    expect(r.dcr.holdout.p5).toBeCloseTo(0.005, 15);
  });

  it('interpolates quantiles like numpy', () => {
    expect(quantile(Float64Array.from([1, 2, 3, 4]), 0.5)).toBe(2.5);
    expect(quantile(Float64Array.from([7]), 0.05)).toBe(7);
  });
});
