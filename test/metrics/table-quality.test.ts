// The quality report's metrics against values worked out by hand (and, for the binning, numpy's
// histogram_bin_edges + digitize, quoted in the comments).
import { describe, expect, it } from 'vitest';
import { contingencySimilarity, correlationSimilarity, cramersV, discretize, pearson } from '../../src/metrics/table/pairs.js';
import { qualityReport } from '../../src/metrics/table/quality.js';
import { ksComplement, tvComplement } from '../../src/metrics/table/shapes.js';
import type { Cell, ColumnSpec, Table } from '../../src/tables/types.js';

const spec = (name: string, kind: ColumnSpec['kind']): ColumnSpec => ({ name, kind, missingRate: 0 });
const table = (source: string, columns: ColumnSpec[], rows: Cell[][]): Table => ({ source, columns, rows });

describe('column shapes', () => {
  it('KS complement is 1 minus the largest gap between the two empirical CDFs', () => {
    // F_real - F_syn: 0.5 at x = 2 and again at x = 4.
    expect(ksComplement([1, 2, 3, 4], [3, 4, 5, 6])).toBe(0.5);
    // Ties step together: at 1 the CDFs are 2/3 and 1/3 (scipy's ks_2samp gives D = 1/3).
    expect(ksComplement([1, 1, 2], [1, 2, 2])).toBeCloseTo(2 / 3, 15);
    // Missing values are dropped first.
    expect(ksComplement([1, null, 2, 3, 4], [3, 4, null, 5, 6])).toBe(0.5);
    expect(ksComplement([1, 2], [1, 2])).toBe(1);
    expect(ksComplement([null], [1])).toBeNull();
  });

  it('TV complement is 1 minus half the summed share differences, with 1e-6 for unseen categories', () => {
    // real (nulls dropped): a 2/3, b 1/3, and c gets 1e-6; synthetic: a 1/4, b 1/2, c 1/4.
    const t = 3 + 1e-6;
    const want = 1 - 0.5 * (Math.abs(0.25 - 2 / t) + Math.abs(0.5 - 1 / t) + Math.abs(0.25 - 1e-6 / t));
    expect(tvComplement(['a', 'a', 'b', null], ['a', 'b', 'b', 'c'])).toBeCloseTo(want, 15);
    expect(want).toBeCloseTo(7 / 12, 6);
    expect(tvComplement(['a', 'b'], ['b', 'a'])).toBe(1);
    expect(tvComplement(['a'], [null])).toBeNull();
  });
});

describe('column pair trends', () => {
  it('correlation similarity is 1 - |r_real - r_syn| / 2 over complete pairs', () => {
    expect(pearson([1, 2, 3], [1, 3, 2])).toBeCloseTo(0.5, 15); // sxy 1, sxx 2, syy 2
    expect(correlationSimilarity([[1, 2, 3], [1, 2, 3]], [[1, 2, 3], [3, 2, 1]]).score).toBe(0);
    const r = correlationSimilarity(
      [
        [1, 2, 3, null],
        [1, 2, 3, 7],
      ],
      [
        [1, 2, 3],
        [1, 3, 2],
      ],
    );
    expect(r.real).toBeCloseTo(1, 15);
    expect(r.score).toBeCloseTo(0.75, 15);
    // A constant column has no correlation: no score.
    expect(correlationSimilarity([[1, 2], [5, 5]], [[1, 2], [1, 2]]).score).toBeNull();
  });

  it('bins a continuous column like numpy: 10 equal-width bins of its range, the maximum and missing values in bin 11', () => {
    expect(discretize([0, 1, 5, 10, null])).toEqual([1, 2, 6, 11, 11]);
    // np.digitize([1,2,3,4], np.histogram_bin_edges([1,2,3,4])) = [1 4 7 11]; a constant column spans +-0.5: [6 6].
    expect(discretize([1, 2, 3, 4])).toEqual([1, 4, 7, 11]);
    expect(discretize([1, 2, 3, 5])).toEqual([1, 3, 6, 11]);
    expect(discretize([3, 3])).toEqual([6, 6]);
  });

  it('contingency similarity is 1 minus the TV distance of the joint distributions, a missing value a value of its own', () => {
    // real: (a,x) 1/4, (a,y) 1/4, (b,x) 1/2; synthetic: (a,x) 1/2, (b,y) 1/2 -> TV = (1/4 + 1/4 + 1/2 + 1/2) / 2.
    expect(contingencySimilarity([['a', 'a', 'b', 'b'], ['x', 'y', 'x', 'x']], [['a', 'a', 'b', 'b'], ['x', 'x', 'y', 'y']])).toBe(0.25);
    expect(contingencySimilarity([['a', null], ['x', 'x']], [[null, 'a'], ['x', 'x']])).toBe(1);
    expect(contingencySimilarity([['a', null], ['x', 'x']], [['a', 'a'], ['x', 'x']])).toBe(0.5);
  });

  it("Cramer's V without correction (scipy's association: 0.5 for [[3,1],[1,3]])", () => {
    const a = ['p', 'p', 'p', 'p', 'q', 'q', 'q', 'q'];
    const b = ['u', 'u', 'u', 'v', 'u', 'v', 'v', 'v'];
    expect(cramersV(a, b)).toBeCloseTo(0.5, 15);
    expect(cramersV(['p', 'q'], ['u', 'u'])).toBeNull();
  });
});

describe('qualityReport', () => {
  const columns = [spec('x', 'continuous'), spec('c', 'categorical')];
  const real = table('real', columns, [
    [1, 'a'],
    [2, 'a'],
    [3, 'b'],
    [4, 'b'],
  ]);
  const synthetic = table('synthetic', columns, [
    [1, 'a'],
    [2, 'b'],
    [3, 'b'],
    [5, 'b'],
  ]);

  it('averages the column scores and the pair scores, and the two properties', () => {
    const q = qualityReport(real, synthetic);
    // x: the CDFs differ by 1/4 at 4; c: a 1/2 vs 1/4.
    expect(q.columnShapes.columns).toEqual([
      { column: 'x', metric: 'KSComplement', score: 0.75 },
      { column: 'c', metric: 'TVComplement', score: 0.75 },
    ]);
    // x binned by its own range: real bins 1,4,7,11 with a,a,b,b; synthetic 1,3,6,11 with a,b,b,b:
    // (1,a) and (11,b) agree, four cells of 1/4 differ -> TV 1/2.
    expect(q.columnPairTrends.pairs).toEqual([
      { columns: ['x', 'c'], metric: 'ContingencySimilarity', score: 0.5, realAssociation: 1, meetsThreshold: true },
    ]);
    expect(q.columnShapes.score).toBe(0.75);
    expect(q.columnPairTrends.score).toBe(0.5);
    expect(q.overall).toBe(0.625);
    expect(q.overallThresholded).toBe(0.625);
  });

  it('leaves a column with no values out of the means', () => {
    const cols = [spec('x', 'continuous'), spec('y', 'integer'), spec('gone', 'continuous')];
    const r = table('r', cols, [
      [1, 1, null],
      [2, 2, null],
      [3, 3, null],
    ]);
    const s = table('s', cols, [
      [1, 1, null],
      [2, 3, null],
      [3, 2, null],
    ]);
    const q = qualityReport(r, s);
    expect(q.columnShapes.columns.map((c) => c.score)).toEqual([1, 1, null]);
    expect(q.columnShapes.score).toBe(1);
    // x-y: r 1 vs 0.5 -> 0.75; pairs with "gone" have no complete rows -> no score.
    expect(q.columnPairTrends.pairs.map((p) => p.score)).toEqual([0.75, null, null]);
    expect(q.columnPairTrends.score).toBe(0.75);
    expect(q.overall).toBe(0.875);
  });

  it('reads datetimes as instants', () => {
    const cols = [spec('d', 'datetime')];
    const q = qualityReport(table('r', cols, [['2020-01-01'], ['2020-01-03']]), table('s', cols, [['2020-01-02'], ['2020-01-03']]));
    expect(q.columnShapes.columns[0]!.score).toBe(0.5);
  });

  it('refuses synthetic rows with other columns, naming both lists', () => {
    const other = table('fake.csv', [spec('x', 'continuous'), spec('c', 'boolean')], []);
    expect(() => qualityReport(real, other)).toThrow('synthetic table fake.csv has columns [x:continuous, c:boolean]; expected those of real: [x:continuous, c:categorical]');
  });

  it('names the cell that is not a number', () => {
    const bad = table('bad.csv', columns, [['oops', 'a']]);
    expect(() => qualityReport(real, bad)).toThrow('bad.csv: column "x" (continuous) holds "oops"; expected a number');
  });
});
