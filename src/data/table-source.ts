// Batches of encoded table rows by CTGAN's training-by-sampling (Xu et al. 2019; the authors'
// conditional.py and sampler.py): for each row of a batch, a discrete column is picked uniformly
// and one of its categories by log-frequency (log(count + 1), normalised), which sets the one-hot
// of the generator's conditional vector ("cond"). The real rows are drawn, with replacement, among
// the training rows having those categories, in a shuffled order, each beside its own conditional
// vector ("realCond"): so D sees real and generated rows under the same conditions but not
// side by side in the same packs. A third field, "gCond", holds conditions drawn afresh the same
// way (with no real rows) for the generator's step, as the authors' loop draws new ones for it.
// A table without discrete columns gives uniform draws of rows.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Rng } from '../engine/index.js';
import { InputError } from '../errors.js';
import { readTable } from '../tables/read.js';
import { splitTable } from '../tables/split.js';
import type { Table } from '../tables/types.js';
import { fitEncoding, rowsByCategory, type TableEncoder } from '../tables/encode.js';
import type { DataConfig } from './config.js';
import { floatField, type DataSource, type EncodedTable, type FieldBuffers, type FieldInfo, type SourceState } from './types.js';

/** Log-frequency probabilities of a column's categories: log(count + 1) / sum (a category never seen is never asked for). */
export function logFrequencies(counts: readonly number[]): number[] {
  const logs = counts.map((c) => Math.log(c + 1));
  const total = logs.reduce((a, b) => a + b, 0);
  return logs.map((l) => l / total);
}

/** Index of the first cumulative probability above u (inverse CDF; u in [0, 1)). */
function pick(cumulative: Float64Array, u: number): number {
  for (let i = 0; i < cumulative.length; i++) if (u < cumulative[i]!) return i;
  return cumulative.length - 1;
}

export class TableSource implements DataSource {
  readonly kind = 'table' as const;
  readonly shape: number[];
  readonly fields: Record<string, FieldInfo>;
  private readonly byCategory: Int32Array[][];
  private readonly cumulative: Float64Array[];

  /** Files the run keeps beside its config: the fitted encoding, so samples decode without the data. */
  readonly runFiles?: Record<string, string>;

  constructor(
    readonly table: EncodedTable,
    private readonly rng: Rng,
    readonly encoder?: TableEncoder,
    readonly notes?: string[],
  ) {
    if (encoder) this.runFiles = { [ENCODER_FILE]: `${JSON.stringify(encoder.toJSON())}\n` };
    const { encoding: enc, data, rows } = table;
    if (rows < 1) throw new InputError('the table has no rows to train on');
    if (data.length !== rows * enc.width) throw new Error(`encoded table holds ${data.length} values, not ${rows} rows of ${enc.width}`);
    this.shape = [enc.width];
    this.fields = { x: { shape: [enc.width], dtype: 'float32' } };
    if (enc.condWidth > 0) {
      this.fields.cond = { shape: [enc.condWidth], dtype: 'float32' };
      this.fields.realCond = { shape: [enc.condWidth], dtype: 'float32' };
      this.fields.gCond = { shape: [enc.condWidth], dtype: 'float32' };
    }
    this.byCategory = rowsByCategory(enc, data, rows);
    this.cumulative = enc.discrete.map((d, i) => {
      const p = logFrequencies(d.counts);
      const lists = this.byCategory[i]!;
      p.forEach((pk, k) => {
        // The encoding's counts and the encoded rows must agree, or a category would be asked for that no row has.
        if (pk > 0 && lists[k]!.length === 0) throw new Error(`discrete column ${d.column}: category ${k} has count ${d.counts[k]} in the encoding but no encoded row`);
      });
      const c = new Float64Array(p.length);
      p.reduce((acc, pk, k) => (c[k] = acc + pk), 0);
      return c;
    });
  }

  /**
   * The conditions of n generated rows: per row a discrete column (uniform) and a category
   * (log-frequency), and their one-hot conditional vectors [n, condWidth].
   */
  drawConditions(n: number): { column: Int32Array; category: Int32Array; cond: Float32Array } {
    const { discrete, condWidth } = this.table.encoding;
    const column = new Int32Array(n);
    const category = new Int32Array(n);
    const cond = new Float32Array(n * condWidth);
    for (let i = 0; i < n; i++) {
      const c = this.rng.int(discrete.length);
      const k = pick(this.cumulative[c]!, this.rng.uniform());
      column[i] = c;
      category[i] = k;
      cond[i * condWidth + discrete[c]!.condOffset + k] = 1;
    }
    return { column, category, cond };
  }

  next(out: FieldBuffers, n: number, offset = 0): void {
    const { encoding: enc, data } = this.table;
    const w = enc.width;
    const cw = enc.condWidth;
    const x = floatField(out, 'x');
    const writeRow = (r: number, i: number) => x?.set(data.subarray(r * w, (r + 1) * w), (offset + i) * w);
    if (enc.discrete.length === 0) {
      for (let i = 0; i < n; i++) writeRow(this.rng.int(this.table.rows), i);
      return;
    }
    const { column, category, cond } = this.drawConditions(n);
    floatField(out, 'cond')?.set(cond, offset * cw);
    const realCond = floatField(out, 'realCond');
    const perm = this.rng.permutation(n);
    for (let i = 0; i < n; i++) {
      const j = perm[i]!;
      const rowsOf = this.byCategory[column[j]!]![category[j]!]!;
      writeRow(rowsOf[this.rng.int(rowsOf.length)]!, i);
      realCond?.set(cond.subarray(j * cw, (j + 1) * cw), (offset + i) * cw);
    }
    // The generator step's conditions: drawn after the critic step's rows, so asking for them leaves those draws as they were.
    const gCond = floatField(out, 'gCond');
    if (gCond) gCond.set(this.drawConditions(n).cond, offset * cw);
  }

  getState(): SourceState {
    return { rng: this.rng.getState() };
  }

  setState(s: SourceState): void {
    this.rng.setState(s.rng);
  }
}

/** Where a run keeps its table's fitted encoding. */
export const ENCODER_FILE = 'encoder.json';

type TableConfig = Extract<DataConfig, { kind: 'table' }>;

/** A table's path: a file, or "vega-datasets:NAME", a table of the vega-datasets package (for examples and presets). */
export function resolveTablePath(path: string): string {
  const m = /^vega-datasets:(.+)$/.exec(path);
  if (!m) return path;
  const file = join(dirname(createRequire(import.meta.url).resolve('vega-datasets')), '..', 'data', m[1]!);
  if (!existsSync(file)) throw new InputError(`data.path ${path}: vega-datasets has no table ${m[1]}`);
  return file;
}

/**
 * Reads a table, fits its encoding and encodes its rows. The encoding and the rows' sampled modes
 * draw from their own sub-streams of the source's generator, so a resumed run refits the same.
 */
/** A table config's rows: the training rows and, when data.holdout > 0, the held-out ones (chosen from `rng`, the run's data stream). */
export async function readTableRows(cfg: TableConfig, rng: Rng): Promise<{ train: Table; holdout?: Table }> {
  const { kind: _kind, path, holdout, ...options } = cfg;
  const table = await readTable(resolveTablePath(path), options);
  return holdout > 0 ? splitTable(table, { holdout, seed: rng.fork(3).nextU32() }) : { train: table };
}

/**
 * Reads a table (its training rows: data.holdout's share is left out),
 * fits its encoding and encodes its rows.
 */
export async function openTableSource(cfg: TableConfig, rng: Rng): Promise<TableSource> {
  const table = (await readTableRows(cfg, rng)).train;
  const encoder = fitEncoding(table, { seed: rng.fork(1).nextU32() });
  const data = encoder.encode(table.rows, rng.fork(2));
  const notes = (table.dropped ?? []).map((d) => `${table.source}: column "${d.name}" left out (${d.reason})`);
  return new TableSource({ encoding: encoder.encoding, data, rows: table.rows.length }, rng, encoder, notes);
}
