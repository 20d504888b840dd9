// Tables for the table scripts (table-split.ts, table-report.ts): records from a JSON array or a CSV
// (csv-parse), column kinds from a columns.json or a minimal guess, CSV out (csv-stringify).
// A stand-in until the library's table reader is on this branch; the kinds a benchmark uses are
// fixed in its columns.json, so every model compared on it is scored with the same kinds.
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { InputError } from '../src/errors.js';
import { atomicWriteFile } from '../src/run/atomic.js';
import { COLUMN_KINDS, type Cell, type ColumnKind, type ColumnSpec, type Table } from '../src/tables/types.js';

type Raw = string | number | boolean | null | undefined;
type RawRecord = Record<string, Raw>;

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const DATE = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

const isMissing = (v: Raw): boolean => v === null || v === undefined || (typeof v === 'string' && v.trim() === '');

function readRecords(path: string): RawRecord[] {
  const text = readFileSync(path, 'utf8');
  if (path.endsWith('.json')) {
    const data = JSON.parse(text) as unknown;
    if (!Array.isArray(data)) throw new InputError(`${path}: expected a JSON array of records`);
    return data as RawRecord[];
  }
  return parse(text, { columns: true, skip_empty_lines: true, bom: true }) as RawRecord[];
}

/** The kind a column's present values suggest: numbers (integer or not), booleans, ISO dates, else labels. */
function guessKind(values: Raw[]): ColumnKind {
  const present = values.filter((v) => !isMissing(v));
  const all = (test: (v: Raw) => boolean) => present.length > 0 && present.every(test);
  if (all((v) => typeof v === 'number' || (typeof v === 'string' && NUMBER.test(v.trim())))) {
    return present.every((v) => Number.isInteger(Number(v))) ? 'integer' : 'continuous';
  }
  if (all((v) => typeof v === 'boolean' || v === 'true' || v === 'false')) return 'boolean';
  if (all((v) => typeof v === 'string' && DATE.test(v.trim()))) return 'datetime';
  return 'categorical';
}

function toCell(v: Raw, kind: ColumnKind, where: string): Cell {
  if (isMissing(v)) return null;
  switch (kind) {
    case 'continuous':
    case 'integer': {
      const x = typeof v === 'number' ? v : Number(String(v).trim());
      if (!Number.isFinite(x)) throw new InputError(`${where}: ${JSON.stringify(v)} is not a number`);
      return kind === 'integer' ? Math.round(x) : x;
    }
    case 'boolean':
      if (v === true || v === 'true') return true;
      if (v === false || v === 'false') return false;
      throw new InputError(`${where}: ${JSON.stringify(v)} is not true or false`);
    default:
      return String(v);
  }
}

/** Column specs as a columns.json gives them: [{ name, kind }], the rest measured from the rows. */
export function readColumnKinds(path: string): { name: string; kind: ColumnKind }[] {
  const list = JSON.parse(readFileSync(path, 'utf8')) as { name?: unknown; kind?: unknown }[];
  return list.map((c, i) => {
    if (typeof c.name !== 'string' || !COLUMN_KINDS.includes(c.kind as ColumnKind)) {
      throw new InputError(`${path}: entry ${i} must be { name, kind } with kind one of ${COLUMN_KINDS.join(', ')}`);
    }
    return { name: c.name, kind: c.kind as ColumnKind };
  });
}

function describeColumn(name: string, kind: ColumnKind, cells: Cell[]): ColumnSpec {
  const present = cells.filter((c) => c !== null);
  const spec: ColumnSpec = { name, kind, missingRate: cells.length ? 1 - present.length / cells.length : 0 };
  if (kind === 'categorical' || kind === 'boolean') spec.categories = [...new Set(present.map(String))].sort();
  else {
    const xs = present.map((c) => (kind === 'datetime' ? Date.parse(String(c)) : (c as number)));
    spec.min = Math.min(...xs);
    spec.max = Math.max(...xs);
    if (kind === 'datetime') spec.format = present.every((c) => String(c).length === 10) ? 'date' : 'iso';
  }
  return spec;
}

/** Reads a table; `kinds` (a columns.json) fixes the columns and their kinds, otherwise every column is guessed. */
export function readTableFile(path: string, kinds?: { name: string; kind: ColumnKind }[], drop: string[] = []): Table {
  const records = readRecords(path);
  if (records.length === 0) throw new InputError(`${path}: no rows`);
  const names = kinds?.map((k) => k.name) ?? Object.keys(records[0]!).filter((n) => !drop.includes(n));
  const kindOf = (name: string): ColumnKind => kinds?.find((k) => k.name === name)?.kind ?? guessKind(records.map((r) => r[name]));
  const columnKinds = names.map(kindOf);
  const rows = records.map((r, i) => names.map((n, c) => toCell(r[n], columnKinds[c]!, `${path} row ${i + 1} column "${n}"`)));
  const columns = names.map((n, c) => describeColumn(n, columnKinds[c]!, rows.map((row) => row[c]!)));
  return { source: path, columns, rows };
}

/** Writes a table as CSV (missing cells empty), atomically. */
export function writeTableCsv(path: string, table: Table): void {
  const header = table.columns.map((c) => c.name);
  atomicWriteFile(path, stringify([header, ...table.rows.map((r) => r.map((c) => (c === null ? '' : String(c))))]));
}
