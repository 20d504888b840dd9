// Privacy checks of synthetic rows against the rows the model was fitted on:
// - the share of synthetic rows identical to a training row (every cell equal, missing = missing);
// - the distance to the closest record (DCR) of each synthetic row among the training rows, set
//   beside the DCR of held-out real rows (rows the model never saw): synthetic rows much closer to
//   the training rows than fresh real rows are suggest copying. The distance is Gower's: the mean
//   over columns of |a - b| / (the column's range in the training rows), capped at 1, for numeric and
//   datetime columns, and 0 / 1 (equal or not) for categorical ones; a missing value is at distance 0
//   from a missing value and 1 from any other.
import { Rng } from '../../engine/random.js';
import type { Table } from '../../tables/types.js';
import { checkSameColumns, columnShape, labelColumn, numericColumn } from './columns.js';

export interface DcrSummary {
  rows: number;
  median: number;
  p5: number;
}

export interface PrivacyReport {
  /** Share of synthetic rows equal to some training row. */
  identicalShare: number;
  /** The same share for the held-out real rows (duplicates the data itself has). */
  holdoutIdenticalShare: number;
  dcr: { synthetic: DcrSummary; holdout: DcrSummary };
}

export interface PrivacyOptions {
  /** Rows of each side measured (a seeded subset of more; default 5,000). */
  maxRows?: number;
  seed?: number;
}

/** The p-th quantile of sorted values with linear interpolation (numpy's default). */
export function quantile(sorted: Float64Array, p: number): number {
  const at = p * (sorted.length - 1);
  const lo = Math.floor(at);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (at - lo) * (sorted[hi]! - sorted[lo]!);
}

const rowKey = (row: readonly unknown[]): string => JSON.stringify(row.map((c) => (c === null || c === undefined ? null : String(c))));

/** Share of `rows`' rows equal to a row of `reference`. */
export function identicalShare(reference: Table, rows: Table): number {
  const seen = new Set(reference.rows.map(rowKey));
  return rows.rows.length ? rows.rows.filter((r) => seen.has(rowKey(r))).length / rows.rows.length : 0;
}

/** Columns as numbers the distance reads: numeric ones divided by their training range, labels as codes; NaN / -1 when missing. */
function encoder(train: Table) {
  const plans = train.columns.map((spec, c) => {
    if (columnShape(spec.kind) === 'continuous') {
      const xs = numericColumn(train, c).filter((v): v is number => v !== null);
      const range = xs.length ? Math.max(...xs) - Math.min(...xs) : 0;
      return { numeric: true, scale: range > 0 ? 1 / range : 0, codes: new Map<string, number>() };
    }
    return { numeric: false, scale: 0, codes: new Map<string, number>() };
  });
  return (t: Table): Float64Array[] =>
    plans.map((plan, c) => {
      if (plan.numeric) return Float64Array.from(numericColumn(t, c), (v) => (v === null ? NaN : v * plan.scale));
      return Float64Array.from(labelColumn(t, c), (l) => {
        if (l === null) return -1;
        if (!plan.codes.has(l)) plan.codes.set(l, plan.codes.size);
        return plan.codes.get(l)!;
      });
    });
}

function cellDistance(a: number, b: number, numeric: boolean): number {
  if (numeric) {
    if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b) ? 0 : 1;
    return Math.min(1, Math.abs(a - b));
  }
  return a === b ? 0 : 1;
}

/** Each query row's Gower distance to its nearest reference row. */
export function closestDistances(reference: Table, queries: Table): Float64Array {
  checkSameColumns(reference, queries, 'compared');
  const encode = encoder(reference);
  const ref = encode(reference);
  const q = encode(queries);
  const numeric = reference.columns.map((s) => columnShape(s.kind) === 'continuous');
  const cols = numeric.length;
  const out = new Float64Array(queries.rows.length);
  for (let i = 0; i < out.length; i++) {
    let best = Infinity;
    for (let j = 0; j < reference.rows.length && best > 0; j++) {
      let sum = 0;
      for (let c = 0; c < cols && sum < best * cols; c++) sum += cellDistance(q[c]![i]!, ref[c]![j]!, numeric[c]!);
      if (sum / cols < best) best = sum / cols;
    }
    out[i] = best;
  }
  return out;
}

function subset(t: Table, max: number, rng: Rng): Table {
  if (t.rows.length <= max) return t;
  const pick = Array.from(rng.permutation(t.rows.length).subarray(0, max)).sort((a, b) => a - b);
  return { ...t, rows: pick.map((i) => t.rows[i]!) };
}

function summarise(d: Float64Array): DcrSummary {
  const sorted = Float64Array.from(d).sort();
  return { rows: d.length, median: quantile(sorted, 0.5), p5: quantile(sorted, 0.05) };
}

export function privacyReport(train: Table, holdout: Table, synthetic: Table, o: PrivacyOptions = {}): PrivacyReport {
  const rng = new Rng(o.seed ?? 0);
  const max = o.maxRows ?? 5000;
  return {
    identicalShare: identicalShare(train, synthetic),
    holdoutIdenticalShare: identicalShare(train, holdout),
    dcr: {
      synthetic: summarise(closestDistances(train, subset(synthetic, max, rng.fork(1)))),
      holdout: summarise(closestDistances(train, subset(holdout, max, rng.fork(2)))),
    },
  };
}
