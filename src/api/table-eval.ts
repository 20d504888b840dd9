// `gan eval` for table runs: the run's training rows, held-out real rows (the run's data.holdout
// share, or a file) and as many synthetic rows as there are training rows, measured by the table
// report (src/metrics/table: SDMetrics' quality score, ML efficacy on a target column, privacy).
import type { GanConfig } from '../config/schema.js';
import { readTableRows } from '../data/table-source.js';
import { InputError } from '../errors.js';
import { runRngs } from '../gan/session.js';
import { evaluateTable, type EvaluateTableResult } from '../metrics/table/report.js';
import { readTable } from '../tables/read.js';
import type { ColumnKind, Table } from '../tables/types.js';
import { loadTable } from './table.js';

export interface TableEvalOptions {
  /** Real rows the model never saw (a table file of the same columns); default: the run's data.holdout rows. */
  holdout?: string;
  /** A categorical or boolean column to measure ML efficacy on. */
  target?: string;
  /** Synthetic rows to draw (default: as many as the training rows). */
  count?: number;
  seed?: number;
  /** A folder for report.json and the pictures (per-column histograms, association matrices). */
  out?: string;
}

export async function evaluateTableRun(dir: string, o: TableEvalOptions = {}): Promise<EvaluateTableResult> {
  const synth = await loadTable(dir);
  const data = synth.config.data as Extract<GanConfig['data'], { kind: 'table' }>;
  const { train, holdout: heldOut } = await readTableRows(data, runRngs(synth.config.seed).data);
  let holdout = heldOut;
  if (o.holdout !== undefined) {
    // Read with the training table's kinds (a small file would infer its own) and its dropped columns left out.
    const kinds: Record<string, ColumnKind | 'drop'> = Object.fromEntries(train.columns.map((c) => [c.name, c.kind]));
    for (const d of train.dropped ?? []) kinds[d.name] = 'drop';
    holdout = await readTable(o.holdout, { columns: kinds, keepIds: true });
  }
  if (!holdout) {
    throw new InputError(`run ${dir}: table runs are measured against real rows the model never saw; give --holdout FILE (a table of the same columns) or train with data.holdout (e.g. 0.2)`);
  }
  const names = train.columns.map((c) => c.name).join(', ');
  if (o.target !== undefined && !train.columns.some((c) => c.name === o.target)) throw new InputError(`--target ${o.target}: the table has no such column; its columns are ${names}`);
  const cells = await synth.sampleCells(o.count ?? train.rows.length, { seed: o.seed });
  const synthetic: Table = { source: `${dir} (synthetic)`, columns: train.columns, rows: cells };
  return evaluateTable({ train, holdout, synthetic, target: o.target, seed: o.seed, out: o.out });
}
