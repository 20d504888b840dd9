// From raw cells (text from CSV, JSON values) to typed columns: each column's kind (declared in the
// options or inferred), its missing values and rate, ID-like columns dropped, the category limit.
import { InputError } from '../errors.js';
import { DATETIME_FORMATS, datetimeFormat, inferDatetimeFormat, type DatetimeFormat } from './datetime.js';
import { columnOptions, type ColumnOptions, type TableOptions } from './options.js';
import type { Cell, ColumnKind, ColumnSpec, Table } from './types.js';

/** A cell as a file gives it: CSV gives text, JSON and Parquet give values; undefined = absent key. */
export type RawCell = string | number | boolean | null | undefined;

export interface RawTable {
  source: string;
  names: string[];
  rows: RawCell[][];
  /** Where row i is in the source, for messages: "line 12", "record 3". */
  where(row: number): string;
}

/** Decimal numbers only: Number() alone would also accept '', ' ', '0x1f' and 'Infinity'. */
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const BOOLEAN = /^(true|false)$/i;
/** Names that say a column is a key (with all-unique integers, a row number or an id). */
const ID_NAME = /^(id|uuid|guid|key|index|row|rownum|row_?number|row_?id)$|[_\s-]id$|[a-z]Id$|ID$/i;
/** Fewer rows than this and an all-unique column is not taken for an ID (small hand-made tables). */
const MIN_ROWS_FOR_ID = 10;
const MAX_DECIMALS = 12;

function asNumber(v: string | number | boolean): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string') {
    const t = v.trim();
    return NUMBER.test(t) && Number.isFinite(Number(t)) ? Number(t) : undefined;
  }
  return undefined;
}

function asBoolean(v: string | number | boolean): boolean | undefined {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string' && BOOLEAN.test(v.trim())) return v.trim().toLowerCase() === 'true';
  return undefined;
}

/** Decimal places a number is written with ("39.10" -> 2, 1.5e-3 -> 4). */
function decimalsOf(v: string | number): number {
  const text = typeof v === 'number' ? String(v) : v.trim();
  const m = /^[+-]?\d*(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (!m) return 0;
  const places = (m[1]?.length ?? 0) - Number(m[2] ?? 0);
  return Math.min(MAX_DECIMALS, Math.max(0, places));
}

const show = (v: RawCell) => (typeof v === 'string' ? JSON.stringify(v) : String(v));

interface Present {
  row: number;
  value: string | number | boolean;
}

type ColumnResult = { spec: ColumnSpec; cells: Cell[] } | { dropped: string };

class ColumnReader {
  constructor(
    private readonly raw: RawTable,
    private readonly name: string,
    private readonly declared: ColumnOptions,
    private readonly options: TableOptions,
  ) {}

  private fail(p: Present, expected: string): never {
    throw new InputError(`${this.raw.source}: ${this.raw.where(p.row)}, column "${this.name}": ${show(p.value)} ${expected}`);
  }

  read(column: number, missing: Set<string>): ColumnResult {
    const n = this.raw.rows.length;
    const present: Present[] = [];
    for (let r = 0; r < n; r++) {
      const v = this.raw.rows[r]![column];
      if (v === null || v === undefined) continue;
      if (typeof v === 'number' && Number.isNaN(v)) continue;
      if (typeof v === 'string' && missing.has(v.trim())) continue;
      present.push({ row: r, value: v });
    }
    if (this.declared.drop) return { dropped: 'dropped by the options' };
    if (present.length === 0) return { dropped: 'all values missing' };
    const kind = this.declared.kind ?? this.guessKind(present);
    const missingRate = (n - present.length) / n;
    const cells: Cell[] = new Array<Cell>(n).fill(null);
    const spec: ColumnSpec = { name: this.name, kind, missingRate };
    switch (kind) {
      case 'continuous':
      case 'integer':
        this.readNumbers(present, spec, cells);
        if (kind === 'integer' && this.looksLikeId(present, n, spec)) return { dropped: `ID-like: ${n} distinct integers, one per row` };
        break;
      case 'boolean':
        this.readBooleans(present, spec, cells);
        break;
      case 'datetime':
        this.readDatetimes(present, spec, cells);
        break;
      case 'categorical': {
        if (this.looksLikeId(present, n, spec)) return { dropped: `ID-like: ${n} distinct values, one per row` };
        this.readCategories(present, spec, cells);
        break;
      }
    }
    return { spec, cells };
  }

  private guessKind(present: Present[]): ColumnKind {
    if (present.every((p) => asBoolean(p.value) !== undefined)) return 'boolean';
    if (present.every((p) => asNumber(p.value) !== undefined)) {
      return present.every((p) => Number.isInteger(asNumber(p.value))) ? 'integer' : 'continuous';
    }
    if (present.every((p) => typeof p.value === 'string')) {
      const texts = present.map((p) => (p.value as string).trim());
      if (
        this.declared.format ? texts.every((t) => datetimeFormat(this.declared.format!).parse(t) !== undefined) : inferDatetimeFormat(texts)
      ) {
        return 'datetime';
      }
    }
    return 'categorical';
  }

  /** All-unique values in every row of an undeclared column: a key, not data (unless keepIds). */
  private looksLikeId(present: Present[], n: number, spec: ColumnSpec): boolean {
    if (this.declared.kind || this.options.keepIds || present.length < n || n < MIN_ROWS_FOR_ID) return false;
    const distinct = new Set(present.map((p) => String(p.value)));
    if (distinct.size < n) return false;
    if (spec.kind === 'categorical') return present.every((p) => typeof p.value === 'string');
    // All-unique integers are an ID when named like one or numbering the rows (a consecutive run).
    return ID_NAME.test(this.name) || spec.max! - spec.min! + 1 === n;
  }

  private readNumbers(present: Present[], spec: ColumnSpec, cells: Cell[]): void {
    let min = Infinity;
    let max = -Infinity;
    let decimals = 0;
    for (const p of present) {
      const v = asNumber(p.value);
      if (v === undefined) this.fail(p, `is not a number (the column is declared ${spec.kind})`);
      if (spec.kind === 'integer' && !Number.isInteger(v)) this.fail(p, 'is not an integer (the column is declared integer)');
      if (spec.kind === 'continuous') decimals = Math.max(decimals, decimalsOf(p.value as string | number));
      cells[p.row] = v;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    spec.min = min;
    spec.max = max;
    if (spec.kind === 'continuous') spec.decimals = decimals;
  }

  private readBooleans(present: Present[], spec: ColumnSpec, cells: Cell[]): void {
    const seen = new Set<string>();
    for (const p of present) {
      const v = asBoolean(p.value);
      if (v === undefined) this.fail(p, 'is not a boolean (expected true or false; the column is declared boolean)');
      cells[p.row] = v;
      seen.add(String(v));
    }
    spec.categories = ['false', 'true'].filter((c) => seen.has(c));
  }

  private readDatetimes(present: Present[], spec: ColumnSpec, cells: Cell[]): void {
    const notText = present.find((p) => typeof p.value !== 'string');
    if (notText) this.fail(notText, 'is not a datetime (expected text such as 2024-01-31; the column is declared datetime)');
    const texts = present.map((p) => (p.value as string).trim());
    let format: DatetimeFormat | undefined;
    if (this.declared.format) {
      try {
        format = datetimeFormat(this.declared.format);
      } catch (err) {
        throw new InputError(`${this.raw.source}: column "${this.name}": ${(err as Error).message}`);
      }
    } else {
      format = inferDatetimeFormat(texts);
      if (!format) {
        throw new InputError(
          `${this.raw.source}: column "${this.name}" is declared datetime, but its values (such as ${JSON.stringify(texts[0])}) match none of the formats ${DATETIME_FORMATS.join(', ')}; give its format with columns: { "${this.name}": { kind: "datetime", format: "..." } }`,
        );
      }
    }
    let min = Infinity;
    let max = -Infinity;
    present.forEach((p, i) => {
      const ms = format.parse(texts[i]!);
      if (ms === undefined) this.fail(p, `is not a datetime in the format ${format.pattern}`);
      cells[p.row] = texts[i]!;
      if (ms < min) min = ms;
      if (ms > max) max = ms;
    });
    Object.assign(spec, { min, max, format: format.pattern });
  }

  private readCategories(present: Present[], spec: ColumnSpec, cells: Cell[]): void {
    const numeric = present.every((p) => asNumber(p.value) !== undefined);
    const label = (v: string | number | boolean) => (numeric ? String(asNumber(v)) : String(v));
    const counts = new Map<string, number>();
    for (const p of present) {
      const l = label(p.value);
      counts.set(l, (counts.get(l) ?? 0) + 1);
    }
    const byLabel = (a: string, b: string) => (numeric ? Number(a) - Number(b) : a < b ? -1 : a > b ? 1 : 0);
    let categories = [...counts.keys()].sort(byLabel);
    let kept: Set<string> | undefined;
    const limit = this.declared.maxCategories ?? this.options.maxCategories;
    const other = this.declared.otherLabel ?? this.options.otherLabel;
    if (categories.length > limit) {
      if (other === undefined) {
        throw new InputError(
          `${this.raw.source}: column "${this.name}" has ${categories.length.toLocaleString('en-US')} distinct values, more than the limit of ${limit.toLocaleString('en-US')} (maxCategories); set otherLabel to keep the ${limit.toLocaleString('en-US')} most frequent and map the rest to it, or drop the column (columns: { "${this.name}": "drop" })`,
        );
      }
      const top = [...categories].sort((a, b) => counts.get(b)! - counts.get(a)! || byLabel(a, b)).slice(0, limit);
      kept = new Set(top);
      categories = [...top.filter((c) => c !== other).sort(byLabel), other];
    }
    const asCell = (l: string): Cell => (kept && !kept.has(l) ? other! : numeric && !(kept && l === other) ? Number(l) : l);
    for (const p of present) cells[p.row] = asCell(label(p.value));
    spec.categories = categories;
    if (numeric && !kept) spec.numericCategories = true;
  }
}

/** Types the raw table's columns (see docs/data.md, "Tables"). */
export function inferTable(raw: RawTable, options: TableOptions): Table {
  const declared = options.columns ?? {};
  const unknown = Object.keys(declared).filter((name) => !raw.names.includes(name));
  if (unknown.length > 0) {
    throw new InputError(
      `${raw.source}: the options name ${unknown.length > 1 ? 'columns' : 'a column'} ${unknown.map((u) => `"${u}"`).join(', ')} that the table does not have (its columns: ${raw.names.join(', ')})`,
    );
  }
  if (raw.rows.length === 0) throw new InputError(`${raw.source}: no rows (expected a header and at least one row of values)`);
  const missing = new Set(options.missingValues);
  const columns: ColumnSpec[] = [];
  const cellsByColumn: Cell[][] = [];
  const dropped: { name: string; reason: string }[] = [];
  raw.names.forEach((name, j) => {
    const result = new ColumnReader(raw, name, columnOptions(declared[name]), options).read(j, missing);
    if ('dropped' in result) dropped.push({ name, reason: result.dropped });
    else {
      columns.push(result.spec);
      cellsByColumn.push(result.cells);
    }
  });
  if (columns.length === 0) {
    throw new InputError(`${raw.source}: no columns left to model (${dropped.map((d) => `"${d.name}": ${d.reason}`).join('; ')})`);
  }
  const rows = raw.rows.map((_, r) => cellsByColumn.map((cells) => cells[r]!));
  return { source: raw.source, columns, rows, ...(dropped.length > 0 ? { dropped } : {}) };
}
