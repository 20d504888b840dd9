// CTGAN's reversible encoding of a table (its DataTransformer): mode-specific normalisation of
// every continuous, integer and datetime column, one-hot categories, and the missing values of both.
//
//   numeric column:   [value (tanh)] [mode one-hot (softmax, one unit per kept mode)] [present, missing (softmax)]?
//   discrete column:  [category one-hot (softmax; a last slot for "missing" when the column has gaps)]
//
// A numeric value x is encoded against a mode k SAMPLED from the mixture's posterior for x (as the
// authors do, so a value between two modes is spread over both): (x - mean_k) / (4 sd_k), clipped
// to [-0.99, 0.99]. Decoding takes the argmax mode and inverts it, clips to the column's range,
// rounds integers, continuous values to the source's decimals and datetimes to the format's unit.
import { z } from 'zod';
import { Rng } from '../engine/random.js';
import { InputError } from '../errors.js';
import { datetimeFormat } from './datetime.js';
import { BayesianMixture, fitMixture, type MixtureOptions, type MixtureState } from './gmm.js';
import type { Cell, ColumnSpec, DiscreteColumn, Span, Table, TableEncoding } from './types.js';

/** Modes whose weight is below this are dropped (CTGAN's epsilon). */
export const MODE_WEIGHT_THRESHOLD = 0.005;

export interface FitEncodingOptions {
  seed: number;
  mixture?: Omit<MixtureOptions, 'seed'>;
}

interface NumericPlan {
  type: 'numeric';
  spec: ColumnSpec;
  value: Span;
  mode: Span;
  missing?: Span;
  mixture: BayesianMixture;
  /** The kept components (indexes into the mixture's), their means and standard deviations. */
  kept: number[];
  means: number[];
  sds: number[];
  /** The kept mode a missing value is encoded with (the heaviest: any would do, decoding ignores it). */
  restingMode: number;
  /** Scratch space for one value's posterior. */
  buffer: Float64Array;
}

interface DiscretePlan {
  type: 'discrete';
  spec: ColumnSpec;
  span: Span;
  slots: Map<string, number>;
  /** The slot of "missing", when the column has missing values. */
  missingSlot?: number;
}

type ColumnPlan = NumericPlan | DiscretePlan;

const isNumeric = (spec: ColumnSpec) => spec.kind === 'continuous' || spec.kind === 'integer' || spec.kind === 'datetime';

/** A category cell's label: booleans and numbers declared categorical as text. */
const labelOf = (cell: Exclude<Cell, null>) => String(cell);

/** A numeric cell as the number the mixture sees (datetimes: ms since the epoch). */
function numericValue(spec: ColumnSpec, cell: Exclude<Cell, null>): number | undefined {
  if (spec.kind === 'datetime') return typeof cell === 'string' ? datetimeFormat(spec.format!).parse(cell) : undefined;
  return typeof cell === 'number' && Number.isFinite(cell) ? cell : undefined;
}

/** A decoded number back as the column's cell: clipped to the range seen, rounded as the source wrote it. */
function numericCell(spec: ColumnSpec, v: number): Cell {
  const clipped = Math.min(spec.max!, Math.max(spec.min!, v));
  // (+ 0 turns the -0 that rounding a small negative value gives into 0.)
  if (spec.kind === 'integer') return Math.round(clipped) + 0;
  if (spec.kind === 'datetime') {
    const f = datetimeFormat(spec.format!);
    return f.format(Math.round(clipped / f.unit) * f.unit);
  }
  return Number(clipped.toFixed(spec.decimals ?? 6)) + 0;
}

function argmax(data: Float32Array, from: number, width: number): number {
  let best = 0;
  for (let i = 1; i < width; i++) if (data[from + i]! > data[from + best]!) best = i;
  return best;
}

export class TableEncoder {
  readonly encoding: TableEncoding;

  private constructor(
    readonly columns: ColumnSpec[],
    private readonly plans: ColumnPlan[],
    discreteCounts: number[][],
  ) {
    const spans = plans.flatMap((p) => (p.type === 'numeric' ? [p.value, p.mode, ...(p.missing ? [p.missing] : [])] : [p.span]));
    let condOffset = 0;
    const discrete: DiscreteColumn[] = plans
      .filter((p): p is DiscretePlan => p.type === 'discrete')
      .map((p, i) => {
        const d = { column: p.span.column, offset: p.span.offset, condOffset, width: p.span.width, counts: discreteCounts[i]! };
        condOffset += p.span.width;
        return d;
      });
    const last = spans[spans.length - 1]!;
    this.encoding = { width: last.offset + last.width, spans, discrete, condWidth: condOffset };
  }

  /** Fits the encoding to a table (its mixtures seeded from `seed`, one stream per column). */
  static fit(table: Table, options: FitEncodingOptions): TableEncoder {
    const seeds = new Rng(options.seed);
    const plans: ColumnPlan[] = [];
    const counts: number[][] = [];
    let offset = 0;
    table.columns.forEach((spec, c) => {
      const cells = table.rows.map((row) => row[c]!);
      const fail = (r: number, what: string): never => {
        throw new InputError(`fitEncoding: ${table.source}: row ${r + 1}, column "${spec.name}": ${what}`);
      };
      if (isNumeric(spec)) {
        const values = cells.flatMap((cell, r) => {
          if (cell === null) return [];
          const v = numericValue(spec, cell);
          return v === undefined
            ? fail(r, `${JSON.stringify(cell)} is not a ${spec.kind === 'datetime' ? `datetime in the format ${spec.format}` : 'number'}`)
            : [v];
        });
        if (values.length === 0) throw new InputError(`fitEncoding: ${table.source}: column "${spec.name}" has no values (all missing)`);
        const mixture = fitMixture(values, { ...options.mixture, seed: seeds.fork(c).nextU32() });
        const plan = numericPlan(spec, c, offset, mixture);
        offset = planEnd(plan);
        plans.push(plan);
      } else {
        const plan = discretePlan(spec, c, offset);
        const n = new Array<number>(plan.span.width).fill(0);
        cells.forEach((cell, r) => {
          const slot = cell === null ? plan.missingSlot : plan.slots.get(labelOf(cell));
          if (slot === undefined)
            fail(
              r,
              cell === null ? "is missing, but the column's missingRate is 0" : `${JSON.stringify(cell)} is not one of its categories`,
            );
          n[slot!]! += 1;
        });
        counts.push(n);
        offset += plan.span.width;
        plans.push(plan);
      }
    });
    return new TableEncoder(table.columns, plans, counts);
  }

  /** Rebuilds an encoder saved with toJSON. */
  static fromJSON(json: unknown): TableEncoder {
    const saved = SavedEncoder.safeParse(json);
    if (!saved.success)
      throw new InputError(
        `table encoder: not a saved encoder (${saved.error.issues.map((i) => `${i.path.join('.') || 'top level'}: ${i.message}`).join('; ')})`,
      );
    const { columns, mixtures, kept, counts } = saved.data;
    if (mixtures.length !== columns.length || kept.length !== columns.length)
      throw new InputError('table encoder: its mixtures and modes do not match its columns');
    const plans: ColumnPlan[] = [];
    let offset = 0;
    columns.forEach((spec, c) => {
      const plan = isNumeric(spec)
        ? numericPlan(spec as ColumnSpec, c, offset, new BayesianMixture(mixtures[c] as MixtureState), kept[c]!)
        : discretePlan(spec as ColumnSpec, c, offset);
      offset = plan.type === 'numeric' ? planEnd(plan) : offset + plan.span.width;
      plans.push(plan);
    });
    return new TableEncoder(columns as ColumnSpec[], plans, counts);
  }

  /** Encoded rows (n x width, row-major); the modes are drawn from `rng`. */
  encode(rows: readonly (readonly Cell[])[], rng: Rng): Float32Array {
    const width = this.encoding.width;
    const out = new Float32Array(rows.length * width);
    rows.forEach((row, r) => {
      if (row.length !== this.columns.length)
        throw new InputError(`encode: row ${r + 1} has ${row.length} cells, expected ${this.columns.length}`);
      const base = r * width;
      this.plans.forEach((plan, c) => {
        const cell = row[c]!;
        const fail = (what: string): never => {
          throw new InputError(`encode: row ${r + 1}, column "${plan.spec.name}": ${what}`);
        };
        const canBeMissing = plan.type === 'numeric' ? plan.missing !== undefined : plan.missingSlot !== undefined;
        if (cell === null && !canBeMissing) fail('is missing, but the column had no missing values when the encoding was fitted');
        if (plan.type === 'discrete') {
          const slot = cell === null ? plan.missingSlot! : plan.slots.get(labelOf(cell));
          if (slot === undefined)
            fail(
              `${JSON.stringify(cell)} is not one of its categories (${plan.spec.categories!.slice(0, 10).join(', ')}${plan.spec.categories!.length > 10 ? ', ...' : ''})`,
            );
          out[base + plan.span.offset + slot!] = 1;
          return;
        }
        if (cell === null) {
          out[base + plan.mode.offset + plan.restingMode] = 1;
          out[base + plan.missing!.offset + 1] = 1;
          return;
        }
        const x = numericValue(plan.spec, cell);
        if (x === undefined)
          fail(
            `${JSON.stringify(cell)} is not a ${plan.spec.kind === 'datetime' ? `datetime in the format ${plan.spec.format}` : 'number'}`,
          );
        const k = this.sampleMode(plan, x!, rng);
        out[base + plan.value.offset] = Math.min(0.99, Math.max(-0.99, (x! - plan.means[k]!) / (4 * plan.sds[k]!)));
        out[base + plan.mode.offset + k] = 1;
        if (plan.missing) out[base + plan.missing.offset] = 1;
      });
    });
    return out;
  }

  /** A kept mode drawn from the posterior restricted to the kept modes (plus 1e-6 each, as CTGAN). */
  private sampleMode(plan: NumericPlan, x: number, rng: Rng): number {
    const post = plan.mixture.posterior(x, plan.buffer);
    let total = 0;
    for (const k of plan.kept) total += post[k]! + 1e-6;
    let u = rng.uniform() * total;
    for (let j = 0; j < plan.kept.length - 1; j++) {
      u -= post[plan.kept[j]!]! + 1e-6;
      if (u < 0) return j;
    }
    return plan.kept.length - 1;
  }

  /** Rows back from n encoded rows (generator outputs or encoded real rows). */
  decode(data: Float32Array, n: number): Cell[][] {
    const width = this.encoding.width;
    if (data.length < n * width) throw new Error(`decode: ${data.length} values cannot hold ${n} rows of width ${width}`);
    const rows: Cell[][] = [];
    for (let r = 0; r < n; r++) {
      const base = r * width;
      rows.push(
        this.plans.map((plan): Cell => {
          if (plan.type === 'discrete') {
            const slot = argmax(data, base + plan.span.offset, plan.span.width);
            if (slot === plan.missingSlot) return null;
            const label = plan.spec.categories![slot]!;
            if (plan.spec.kind === 'boolean') return label === 'true';
            return plan.spec.numericCategories ? Number(label) : label;
          }
          if (plan.missing && argmax(data, base + plan.missing.offset, 2) === 1) return null;
          const k = argmax(data, base + plan.mode.offset, plan.mode.width);
          const u = Math.min(1, Math.max(-1, data[base + plan.value.offset]!));
          return numericCell(plan.spec, u * 4 * plan.sds[k]! + plan.means[k]!);
        }),
      );
    }
    return rows;
  }

  /** The fitted mixture of a numeric column (by index), and its kept modes. */
  mixture(column: number): { mixture: BayesianMixture; kept: number[]; means: number[]; sds: number[] } | undefined {
    const plan = this.plans[column];
    return plan?.type === 'numeric' ? { mixture: plan.mixture, kept: plan.kept, means: plan.means, sds: plan.sds } : undefined;
  }

  toJSON(): SavedEncoder {
    return {
      format: 'tsgan-table-encoder',
      version: 1,
      columns: this.columns,
      mixtures: this.plans.map((p) => (p.type === 'numeric' ? p.mixture.toJSON() : null)),
      kept: this.plans.map((p) => (p.type === 'numeric' ? p.kept : null)),
      counts: this.encoding.discrete.map((d) => d.counts),
    };
  }
}

function numericPlan(spec: ColumnSpec, column: number, offset: number, mixture: BayesianMixture, keptGiven?: number[]): NumericPlan {
  const weights = mixture.weights;
  const kept = keptGiven ?? weights.flatMap((w, k) => (w > MODE_WEIGHT_THRESHOLD ? [k] : []));
  const [allMeans, allSds] = [mixture.means, mixture.sds];
  const means = kept.map((k) => allMeans[k]!);
  const sds = kept.map((k) => allSds[k]!);
  const restingMode = kept.reduce((best, k, j) => (weights[k]! > weights[kept[best]!]! ? j : best), 0);
  const mode: Span = { activation: 'softmax', offset: offset + 1, width: kept.length, column, role: 'mode' };
  const missing: Span | undefined =
    spec.missingRate > 0 ? { activation: 'softmax', offset: offset + 1 + kept.length, width: 2, column, role: 'missing' } : undefined;
  const value: Span = { activation: 'tanh', offset, width: 1, column, role: 'value' };
  return {
    type: 'numeric',
    spec,
    value,
    mode,
    ...(missing ? { missing } : {}),
    mixture,
    kept,
    means,
    sds,
    restingMode,
    buffer: new Float64Array(mixture.components),
  };
}

function planEnd(plan: NumericPlan): number {
  return plan.missing ? plan.missing.offset + 2 : plan.mode.offset + plan.mode.width;
}

function discretePlan(spec: ColumnSpec, column: number, offset: number): DiscretePlan {
  const categories = spec.categories ?? [];
  const slots = new Map(categories.map((c, i) => [c, i]));
  const missingSlot = spec.missingRate > 0 ? categories.length : undefined;
  const width = categories.length + (missingSlot === undefined ? 0 : 1);
  return {
    type: 'discrete',
    spec,
    span: { activation: 'softmax', offset, width, column, role: 'category' },
    slots,
    ...(missingSlot === undefined ? {} : { missingSlot }),
  };
}

const SavedMixture = z.object({
  shift: z.number(),
  scale: z.number(),
  alpha: z.array(z.number()),
  beta: z.array(z.number()),
  meanPrecision: z.array(z.number()),
  means: z.array(z.number()),
  dof: z.array(z.number()),
  variances: z.array(z.number()),
  iterations: z.number(),
  converged: z.boolean(),
  fitRows: z.number(),
});

const SavedEncoder = z.object({
  format: z.literal('tsgan-table-encoder'),
  version: z.literal(1),
  columns: z.array(
    z.object({
      name: z.string(),
      kind: z.enum(['continuous', 'integer', 'categorical', 'boolean', 'datetime']),
      missingRate: z.number(),
      categories: z.array(z.string()).optional(),
      min: z.number().optional(),
      max: z.number().optional(),
      format: z.string().optional(),
      decimals: z.number().optional(),
      numericCategories: z.boolean().optional(),
    }),
  ),
  mixtures: z.array(SavedMixture.nullable()),
  kept: z.array(z.array(z.number().int()).nullable()),
  counts: z.array(z.array(z.number())),
});
export type SavedEncoder = z.infer<typeof SavedEncoder>;

/** Fits CTGAN's encoding to a table. */
export function fitEncoding(table: Table, options: FitEncodingOptions): TableEncoder {
  return TableEncoder.fit(table, options);
}

/** An encoder from its toJSON() (a parsed object or the JSON text). */
export function loadEncoder(json: unknown): TableEncoder {
  return TableEncoder.fromJSON(typeof json === 'string' ? JSON.parse(json) : json);
}

/**
 * For each discrete column (in encoding.discrete's order), the indexes of the encoded rows having
 * each category slot: what training-by-sampling draws a real row from once it has picked a category.
 */
export function rowsByCategory(encoding: TableEncoding, data: Float32Array, n: number): Int32Array[][] {
  return encoding.discrete.map((d) => {
    const lists: number[][] = Array.from({ length: d.width }, () => []);
    for (let r = 0; r < n; r++) lists[argmax(data, r * encoding.width + d.offset, d.width)]!.push(r);
    return lists.map((l) => Int32Array.from(l));
  });
}
