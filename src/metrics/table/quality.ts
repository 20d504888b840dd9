// The quality report as SDMetrics' single-table QualityReport computes it: Column Shapes (the mean
// of a score per column) and Column Pair Trends (the mean of a score per pair of columns), and the
// overall score, the mean of the two. Pairs: two continuous columns by correlation similarity,
// otherwise contingency similarity, a continuous column binned into 10 equal-width bins of each
// table's own range. Scores that cannot be computed (a column with no values, a constant column in a
// correlation) are null and left out of the means, as pandas' mean skips NaN.
//
// SDMetrics 0.27 and later also report a thresholded pair score: only pairs whose real data are
// correlated (|r| > 0.5) or associated (Cramer's V > 0.3) count. It is given as
// `columnPairTrends.thresholdedScore` (and `overallThresholded`); `score` is the classic, all-pairs one.
import type { Table } from '../../tables/types.js';
import { checkSameColumns, columnShape, labelColumn, numericColumn } from './columns.js';
import { contingencySimilarity, correlationSimilarity, cramersV, discretize } from './pairs.js';
import { ksComplement, tvComplement } from './shapes.js';

export interface ColumnShapeScore {
  column: string;
  metric: 'KSComplement' | 'TVComplement';
  score: number | null;
}

export interface PairTrendScore {
  columns: [string, string];
  metric: 'CorrelationSimilarity' | 'ContingencySimilarity';
  score: number | null;
  /** Correlation similarity: Pearson's r in the real and synthetic rows. */
  realCorrelation?: number | null;
  syntheticCorrelation?: number | null;
  /** Contingency similarity: Cramer's V of the pair in the real rows. */
  realAssociation?: number | null;
  /** Whether the pair counts in SDMetrics 0.27's thresholded score. */
  meetsThreshold: boolean;
}

export interface QualityReport {
  /** Mean of the two property scores. */
  overall: number | null;
  columnShapes: { score: number | null; columns: ColumnShapeScore[] };
  columnPairTrends: { score: number | null; thresholdedScore: number | null; pairs: PairTrendScore[] };
  overallThresholded: number | null;
}

export const CORRELATION_THRESHOLD = 0.5;
export const ASSOCIATION_THRESHOLD = 0.3;

/** Mean of the scores that exist; null when none does. */
export function meanOf(xs: readonly (number | null)[]): number | null {
  const present = xs.filter((x): x is number => x !== null);
  return present.length ? present.reduce((a, b) => a + b, 0) / present.length : null;
}

/** A table's columns in the two forms the pair metrics take: values (continuous) or labels, and bins. */
function prepared(table: Table) {
  return table.columns.map((spec, c) => {
    if (columnShape(spec.kind) === 'discrete') return { discrete: labelColumn(table, c) };
    const values = numericColumn(table, c);
    return { values, discrete: discretize(values) };
  });
}

export function qualityReport(real: Table, synthetic: Table): QualityReport {
  checkSameColumns(real, synthetic, 'synthetic');
  const columns: ColumnShapeScore[] = real.columns.map((spec, c) =>
    columnShape(spec.kind) === 'continuous'
      ? { column: spec.name, metric: 'KSComplement', score: ksComplement(numericColumn(real, c), numericColumn(synthetic, c)) }
      : { column: spec.name, metric: 'TVComplement', score: tvComplement(labelColumn(real, c), labelColumn(synthetic, c)) },
  );

  const r = prepared(real);
  const s = prepared(synthetic);
  const pairs: PairTrendScore[] = [];
  for (let i = 0; i < real.columns.length; i++) {
    for (let j = i + 1; j < real.columns.length; j++) {
      const names: [string, string] = [real.columns[i]!.name, real.columns[j]!.name];
      const [ri, rj, si, sj] = [r[i]!, r[j]!, s[i]!, s[j]!];
      if (ri.values && rj.values && si.values && sj.values) {
        const c = correlationSimilarity([ri.values, rj.values], [si.values, sj.values]);
        pairs.push({
          columns: names,
          metric: 'CorrelationSimilarity',
          score: c.score,
          realCorrelation: c.real,
          syntheticCorrelation: c.synthetic,
          meetsThreshold: c.real !== null && Math.abs(c.real) > CORRELATION_THRESHOLD,
        });
      } else {
        const association = cramersV(ri.discrete, rj.discrete);
        pairs.push({
          columns: names,
          metric: 'ContingencySimilarity',
          score: contingencySimilarity([ri.discrete, rj.discrete], [si.discrete, sj.discrete]),
          realAssociation: association,
          meetsThreshold: association !== null && association > ASSOCIATION_THRESHOLD,
        });
      }
    }
  }
  const shapes = meanOf(columns.map((c) => c.score));
  const trends = meanOf(pairs.map((p) => p.score));
  const thresholded = meanOf(pairs.filter((p) => p.meetsThreshold).map((p) => p.score));
  return {
    overall: meanOf([shapes, trends]),
    columnShapes: { score: shapes, columns },
    columnPairTrends: { score: trends, thresholdedScore: thresholded, pairs },
    overallThresholded: meanOf([shapes, thresholded]),
  };
}
