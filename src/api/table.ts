// fitTable / loadTable: synthetic tables with CTGAN, for a program. fitTable trains the
// "table-ctgan" preset on a file or on records through the same Trainer as every GAN type (so
// checkpoints, resume and exact seeds are the same), and gives back a Synth: sample(n, { where })
// draws rows in the table's own types, save(dir) keeps what sampling needs (config, fitted
// encoding, weights) and loadTable(dir) opens it again, without the training data.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import * as E from '../engine/index.js';
import { InputError } from '../errors.js';
import type { Override } from '../config/merge.js';
import type { GanConfig } from '../config/schema.js';
import { ENCODER_FILE } from '../data/table-source.js';
import type { FieldInfo } from '../data/types.js';
import { buildRecipe } from '../gan/registry.js';
import type { GanRecipe } from '../gan/recipe.js';
import { compileSampler } from '../gan/sampler.js';
import type { TrainOptions } from '../gan/trainer.js';
import { atomicWriteFile } from '../run/atomic.js';
import { RunDir } from '../run/rundir.js';
import { loadEncoder, type TableEncoder } from '../tables/encode.js';
import type { ReadTableOptions } from '../tables/options.js';
import type { Cell, ColumnSpec, DiscreteColumn, TableEncoding } from '../tables/types.js';
import { writeRows } from '../tables/write.js';
import { train, type TrainRunOptions } from './train.js';

/** The preset fitTable starts from: CTGAN's defaults. */
export const TABLE_PRESET = 'table-ctgan';

export interface FitTableOptions {
  /** Column kinds and details (readTable's `columns`): e.g. { zip: 'categorical', id: 'drop' }. */
  columns?: ReadTableOptions['columns'];
  /** readTable's other options (format, delimiter, category limit, missing texts, ...). */
  read?: Omit<ReadTableOptions, 'columns'>;
  /** Share of the rows held out (a seeded choice) and not fitted on, for evaluation (default 0: every row is fitted). */
  holdout?: number;
  /** Passes over the rows (default 300, the authors'); each is max(1, floor(rows / batch)) steps. */
  epochs?: number;
  /** Stop after this many minutes of training (with a checkpoint); the Synth samples from there. */
  minutes?: number;
  seed?: number;
  onProgress?: TrainOptions['onProgress'];
  /** The run directory (default: a new folder in the system's temporary directory). */
  out?: string;
  /** Continue the fit in `out` from its last good checkpoint. */
  resume?: boolean;
  /** Other config keys to change (model.*, train.*), as `gan train --set`. */
  set?: Override[];
  signal?: AbortSignal;
  log?: (msg: string) => void;
}

export interface TableSampleOptions {
  /** Conditional sampling: rows whose categorical (or boolean) column has this value, e.g. { species: 'Adelie' }. */
  where?: Record<string, Cell>;
  /** Seed of the noise and of the draws (default 0): the same seed gives the same rows. */
  seed?: number;
}

/** A record per row, keyed by column name. */
export type TableRow = Record<string, Cell>;

/** The categorical column and category a `where` asks for. */
interface Condition {
  discrete: DiscreteColumn;
  category: number;
}

/**
 * Rows of the sampler per run when G's batch norm is in inference mode (rows do not depend on
 * their batch). Without `where`, CTGAN samples as the authors' code does: with each batch's own
 * statistics, in batches of train.batch (500). With `where`, every row of a batch has the same
 * conditional vector, and batch statistics would cancel it in each batch norm (in the small table
 * of test/api/table.test.ts, `where colour = blue` gave sizes of 23-26 on average, against 29-31 with the
 * running statistics and 30 in the data): conditional sampling, which CTGAN 0.2.1 does not
 * have, uses the running statistics.
 */
const SAMPLE_BATCH = 1000;
/** Conditional sampling keeps the rows G made with the asked value; it gives up after this many draws per row asked for. */
const MAX_DRAWS_PER_ROW = 100;

/** A fitted table synthesizer: its config, fitted encoding and generator weights. */
export class Synth {
  private constructor(
    readonly dir: string,
    readonly config: GanConfig,
    readonly encoder: TableEncoder,
    private readonly recipe: GanRecipe,
    private readonly store: E.StateStore,
    /** The training step its weights are from. */
    readonly step: number,
  ) {}

  /** Opens a fitted table run, or a folder a Synth was saved to, at its latest good checkpoint. */
  static async open(dir: string, log: (m: string) => void = () => {}): Promise<Synth> {
    const run = new RunDir(dir);
    const config = run.readConfig();
    const encoderPath = join(dir, ENCODER_FILE);
    if (config.data.kind !== 'table' || !existsSync(encoderPath)) throw new InputError(`${dir} holds no table run (no ${ENCODER_FILE}); open other runs with openRun`);
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(encoderPath, 'utf8'));
    } catch (e) {
      throw new InputError(`${encoderPath} is not valid JSON: ${(e as Error).message}`);
    }
    const encoder = loadEncoder(json);
    const enc = encoder.encoding;
    const recipe = buildRecipe(config.model, { kind: 'table', fields: tableFields(enc), shape: [enc.width], table: enc });
    const found = run.latestGoodCheckpoint(log);
    if (!found) throw new InputError(`run ${dir} has no usable checkpoint`);
    const store = new E.StateStore();
    for (const [name, t] of Object.entries(found.checkpoint.tensors)) store.set(name, t.data, t.shape, t.dtype);
    return new Synth(dir, config, encoder, recipe, store, found.step);
  }

  /** The table's columns: names, kinds, categories and ranges. */
  get columns(): ColumnSpec[] {
    return this.encoder.columns;
  }

  /** n rows as records, in the table's own types (numbers, category labels, booleans, datetimes, null). */
  async sample(n: number, o: TableSampleOptions = {}): Promise<TableRow[]> {
    const names = this.columns.map((c) => c.name);
    return (await this.sampleCells(n, o)).map((row) => Object.fromEntries(row.map((cell, i) => [names[i]!, cell])));
  }

  /** n rows as cells in column order. */
  async sampleCells(n: number, o: TableSampleOptions = {}): Promise<Cell[][]> {
    if (!Number.isInteger(n) || n < 1) throw new InputError(`sample: the number of rows must be a whole number >= 1, got ${n}`);
    const condition = this.condition(o.where ?? {});
    const enc = this.encoder.encoding;
    const rng = new E.Rng(o.seed ?? 0);
    const [noise, conds, draws] = [rng.fork(1), rng.fork(2), rng.fork(3)];
    const batchStatistics = !condition && (this.recipe.sampler!.batchStatistics ?? false);
    const batch = batchStatistics ? this.config.train.batch : SAMPLE_BATCH;
    const sampler = await compileSampler(this.recipe, batch, this.store, { ema: this.config.train.emaDecay > 0, batchStatistics });
    const embedding = this.recipe.sampler!.latent[0]! - enc.condWidth;
    const kept = new Float32Array(n * enc.width);
    let count = 0;
    let drawn = 0;
    try {
      while (count < n) {
        if (drawn >= MAX_DRAWS_PER_ROW * n) {
          const column = this.columns[condition!.discrete.column]!;
          throw new InputError(`sample: the generator made ${count} of ${drawn} rows with ${column.name} = ${categoryLabel(column, condition!.category)}; it has not learnt that value well enough (train longer, or sample without where)`);
        }
        const z = new Float32Array(batch * (embedding + enc.condWidth));
        for (let i = 0; i < batch; i++) {
          noise.fillNormal(z.subarray(i * (embedding + enc.condWidth), i * (embedding + enc.condWidth) + embedding));
          const c = condition ?? empiricalCondition(enc, conds);
          if (c) z[i * (embedding + enc.condWidth) + embedding + c.discrete.condOffset + c.category] = 1;
        }
        const probs = (await sampler.run({ z })).x!.data as Float32Array;
        const rows = drawCategories(probs, batch, enc, draws);
        for (let i = 0; i < batch && count < n; i++) {
          drawn++;
          const row = rows.subarray(i * enc.width, (i + 1) * enc.width);
          // Conditional sampling keeps the rows whose drawn category is the one asked for.
          if (condition && row[condition.discrete.offset + condition.category] !== 1) continue;
          kept.set(row, count * enc.width);
          count++;
        }
      }
    } finally {
      await sampler.release();
    }
    return this.encoder.decode(kept, n);
  }

  /** Draws n rows into a .csv, .json or .jsonl file. */
  async writeRows(path: string, n: number, o: TableSampleOptions = {}): Promise<{ rows: number; columns: string[] }> {
    const rows = await this.sampleCells(n, o);
    writeRows(path, this.columns, rows);
    return { rows: rows.length, columns: this.columns.map((c) => c.name) };
  }

  /**
   * Keeps what sampling needs in `dir` (which loadTable opens): config.json, the fitted encoding
   * and the checkpoint of the weights. Not the training rows.
   */
  save(dir: string): void {
    const target = new RunDir(dir);
    if (resolve(dir) === resolve(this.dir)) return;
    if (target.hasRun()) throw new InputError(`${dir} already holds a run; save to another folder`);
    const source = new RunDir(this.dir);
    mkdirSync(target.checkpointDir, { recursive: true });
    copyFileSync(source.checkpointPath(this.step), target.checkpointPath(this.step));
    atomicWriteFile(join(dir, ENCODER_FILE), readFileSync(join(this.dir, ENCODER_FILE)));
    // The config last: a folder with config.json is a run.
    target.writeConfig(this.config);
  }

  /** The category a `where` asks for, or one message naming what was wrong and what the table has. */
  private condition(where: Record<string, Cell>): Condition | undefined {
    const entries = Object.entries(where);
    if (entries.length === 0) return undefined;
    if (entries.length > 1) throw new InputError(`where: conditional sampling takes one column, got ${entries.map(([k]) => k).join(', ')}`);
    const [name, value] = entries[0]!;
    const columns = this.columns;
    const index = columns.findIndex((c) => c.name === name);
    if (index < 0) throw new InputError(`where: the table has no column "${name}"; its columns are ${columns.map((c) => c.name).join(', ')}`);
    const discrete = this.encoder.encoding.discrete.find((d) => d.column === index);
    const col = columns[index]!;
    if (!discrete) {
      const choices = this.encoder.encoding.discrete.map((d) => columns[d.column]!.name);
      throw new InputError(`where: column "${name}" is ${col.kind}; conditional sampling takes a categorical or boolean column (${choices.join(', ') || 'this table has none'})`);
    }
    const labels = Array.from({ length: discrete.width }, (_, k) => categoryLabel(col, k));
    const category = labels.indexOf(value === null ? 'null' : String(value));
    if (category < 0 || discrete.counts[category] === 0) throw new InputError(`where: column "${name}" has no value ${JSON.stringify(value)}; its values are ${labels.filter((_, k) => discrete.counts[k]! > 0).join(', ')}`);
    return { discrete, category };
  }
}

/** Category k of a column as `where` names it: its label, or "null" for the missing values' slot. */
function categoryLabel(col: ColumnSpec, k: number): string {
  return col.categories?.[k] ?? 'null';
}

/** What G was not told: a discrete column uniformly and one of its categories by its frequency in the data (the authors' sample_zero). */
function empiricalCondition(enc: TableEncoding, rng: E.Rng): Condition | undefined {
  if (enc.discrete.length === 0) return undefined;
  const discrete = enc.discrete[rng.int(enc.discrete.length)]!;
  const total = discrete.counts.reduce((a, b) => a + b, 0);
  let u = rng.uniform() * total;
  let category = 0;
  while (category < discrete.width - 1 && u >= discrete.counts[category]!) u -= discrete.counts[category++]!;
  return { discrete, category };
}

/**
 * Encoded rows from the sampler's output: tanh units as they are, and in each softmax span a
 * category drawn from its probabilities (what argmax of a Gumbel-softmax draws), one-hot.
 */
export function drawCategories(probs: Float32Array, n: number, enc: TableEncoding, rng: E.Rng): Float32Array {
  const out = new Float32Array(n * enc.width);
  for (let i = 0; i < n; i++) {
    const at = i * enc.width;
    for (const s of enc.spans) {
      if (s.activation === 'tanh') {
        out.set(probs.subarray(at + s.offset, at + s.offset + s.width), at + s.offset);
        continue;
      }
      let u = rng.uniform();
      let k = 0;
      while (k < s.width - 1 && u >= probs[at + s.offset + k]!) u -= probs[at + s.offset + k++]!;
      out[at + s.offset + k] = 1;
    }
  }
  return out;
}

/** The fields of a table source's batches, for building the recipe without the data. */
function tableFields(enc: TableEncoding): Record<string, FieldInfo> {
  const f = (d: number): FieldInfo => ({ shape: [d], dtype: 'float32' });
  return enc.condWidth > 0 ? { x: f(enc.width), cond: f(enc.condWidth), realCond: f(enc.condWidth), gCond: f(enc.condWidth) } : { x: f(enc.width) };
}

/**
 * Fits CTGAN to a table (a file path, "vega-datasets:NAME", or records) and returns the fitted
 * Synth. Records are kept in the run directory as table.json, so the fit can resume.
 */
export async function fitTable(input: string | readonly Record<string, unknown>[], o: FitTableOptions = {}): Promise<Synth> {
  const out = o.out ?? mkdtempSync(join(tmpdir(), 'tsgan-table-'));
  const run = new RunDir(out);
  if (!o.resume && run.hasRun()) throw new InputError(`run directory ${out} already holds a run; pass resume to continue it or choose another out`);
  let path: string;
  if (typeof input === 'string') path = input.startsWith('vega-datasets:') ? input : resolve(input);
  else {
    if (input.length === 0) throw new InputError('fitTable: no records to fit');
    path = resolve(out, 'table.json');
    if (!o.resume) atomicWriteFile(path, JSON.stringify(input));
  }
  const config = {
    preset: TABLE_PRESET,
    data: { kind: 'table', path, ...o.read, ...(o.columns ? { columns: o.columns } : {}), holdout: o.holdout ?? 0 },
    ...(o.epochs !== undefined ? { train: { epochs: o.epochs } } : {}),
  };
  const trainOptions: TrainRunOptions = { out, minutes: o.minutes, seed: o.seed, resume: o.resume, set: o.set, signal: o.signal, onProgress: o.onProgress, log: o.log, source: typeof input === 'string' ? `fitTable ${basename(input)}` : 'fitTable records' };
  await train(config, trainOptions);
  return Synth.open(out, o.log);
}

/** Whether a folder holds a table run (or a saved Synth): a config and a fitted encoding. */
export const isTableRun = (dir: string): boolean => new RunDir(dir).hasRun() && existsSync(join(dir, ENCODER_FILE));

/** Opens a fitted table run, or a folder a Synth was saved to. */
export const loadTable = (dir: string, log?: (m: string) => void): Promise<Synth> => Synth.open(dir, log);
