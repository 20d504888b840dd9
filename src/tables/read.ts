// readTable: a CSV, TSV, JSON (array of records), JSON-lines or Parquet file, or records in
// memory, to a typed Table. This file only gets the cells out of each format, with where each row
// is for messages; infer.ts types the columns.
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parse as parseCsv, CsvError } from 'csv-parse/sync';
import { asyncBufferFromFile, parquetReadObjects } from 'hyparquet';
import { InputError } from '../errors.js';
import { inferTable, type RawCell, type RawTable } from './infer.js';
import { parseTableOptions, type ReadTableOptions, type TableOptions } from './options.js';
import type { Table } from './types.js';

export type TableFormat = NonNullable<TableOptions['format']>;

const FORMAT_BY_EXTENSION: Record<string, TableFormat> = {
  '.csv': 'csv',
  '.tsv': 'tsv',
  '.tab': 'tsv',
  '.json': 'json',
  '.jsonl': 'jsonl',
  '.ndjson': 'jsonl',
  '.parquet': 'parquet',
};

/** Reads a table file (or takes records) and types its columns; every problem is one InputError. */
export async function readTable(input: string | readonly Record<string, unknown>[], options: ReadTableOptions = {}): Promise<Table> {
  const opts = parseTableOptions(options);
  const raw = typeof input === 'string' ? await readRaw(input, opts) : fromRecords(input, 'records', (i) => `record ${i + 1}`, opts.limit);
  return inferTable(raw, opts);
}

async function readRaw(file: string, opts: TableOptions): Promise<RawTable> {
  const format = opts.format ?? FORMAT_BY_EXTENSION[extname(file).toLowerCase()];
  if (!format) {
    throw new InputError(
      `${file}: cannot tell the table's format from its extension (expected .csv, .tsv, .json, .jsonl, .ndjson or .parquet, or give options.format)`,
    );
  }
  if (format === 'parquet') return readParquet(file, opts.limit);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new InputError(`${file}: cannot read the table: ${(err as Error).message}`, { cause: err });
  }
  if (text.replace(/^\uFEFF/, '').trim() === '') throw new InputError(`${file}: the file is empty (expected a table)`);
  if (format === 'json') return readJson(file, text, opts.limit);
  if (format === 'jsonl') return readJsonLines(file, text, opts.limit);
  return readDelimited(file, text, opts.delimiter ?? (format === 'tsv' ? '\t' : sniffDelimiter(text)), opts.limit);
}

const DELIMITERS = [',', ';', '\t', '|'];

/** The candidate delimiter the header line uses most (outside quotes); a comma when none appears. */
export function sniffDelimiter(text: string): string {
  const counts = new Map(DELIMITERS.map((d) => [d, 0]));
  let quoted = false;
  for (const ch of text.replace(/^\uFEFF/, '')) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '\n' || ch === '\r')) break;
    else if (!quoted && counts.has(ch)) counts.set(ch, counts.get(ch)! + 1);
  }
  let best = ',';
  for (const d of DELIMITERS) if (counts.get(d)! > counts.get(best)!) best = d;
  return best;
}

function readDelimited(file: string, text: string, delimiter: string, limit: number | undefined): RawTable {
  let parsed: { record: string[]; info: { lines: number } }[];
  try {
    parsed = parseCsv(text, {
      bom: true,
      delimiter,
      skip_empty_lines: true,
      trim: true,
      info: true,
      ...(limit ? { to: limit + 1 } : {}),
    }) as unknown as typeof parsed;
  } catch (err) {
    if (!(err instanceof CsvError)) throw err;
    const e = err as CsvError & { lines?: number; record?: string[] };
    if (e.code === 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH' && e.record) {
      const expected = /expect (\d+)/.exec(e.message)?.[1];
      throw new InputError(`${file}: line ${e.lines} has ${e.record.length} fields, expected ${expected} (as many as the header)`, {
        cause: err,
      });
    }
    throw new InputError(`${file}: line ${e.lines}: ${e.message.replace(/ (on|at) line \d+/, '')}`, { cause: err });
  }
  const [header, ...records] = parsed;
  const names = header!.record;
  checkNames(file, names);
  // A quoted field may span lines; csv-parse gives the line a record ends on, messages want its first.
  const startLine = records.map((r) => r.info.lines - r.record.reduce((sum, f) => sum + (f.match(/\n/g)?.length ?? 0), 0));
  return { source: file, names, rows: records.map((r) => r.record), where: (i) => `line ${startLine[i]}` };
}

function checkNames(source: string, names: string[]): void {
  const seen = new Set<string>();
  names.forEach((name, j) => {
    if (name === '') throw new InputError(`${source}: column ${j + 1} of the header has no name`);
    if (seen.has(name)) throw new InputError(`${source}: the header names column "${name}" twice`);
    seen.add(name);
  });
}

function readJson(file: string, text: string, limit: number | undefined): RawTable {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new InputError(`${file}: not valid JSON (${(err as Error).message}); expected an array of records`, { cause: err });
  }
  if (!Array.isArray(data)) throw new InputError(`${file}: expected a JSON array of records (objects), got ${describeJson(data)}`);
  return fromRecords(data, file, (i) => `record ${i + 1}`, limit);
}

function readJsonLines(file: string, text: string, limit: number | undefined): RawTable {
  const records: unknown[] = [];
  const lines: number[] = [];
  const all = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  for (let i = 0; i < all.length && (limit === undefined || records.length < limit); i++) {
    if (all[i]!.trim() === '') continue;
    try {
      records.push(JSON.parse(all[i]!));
    } catch (err) {
      throw new InputError(`${file}: line ${i + 1} is not valid JSON (${(err as Error).message}); expected one record (object) per line`, {
        cause: err,
      });
    }
    lines.push(i + 1);
  }
  return fromRecords(records, file, (i) => `line ${lines[i]}`, limit);
}

function describeJson(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

/** Records to raw rows: the columns are the keys in the order they first appear; an absent key is missing. */
function fromRecords(records: readonly unknown[], source: string, where: (i: number) => string, limit: number | undefined): RawTable {
  const taken = limit === undefined ? records : records.slice(0, limit);
  const index = new Map<string, number>();
  taken.forEach((rec, i) => {
    if (rec === null || typeof rec !== 'object' || Array.isArray(rec)) {
      throw new InputError(`${source}: ${where(i)} is ${describeJson(rec)}, expected a record (an object of column: value)`);
    }
    for (const key of Object.keys(rec)) if (!index.has(key)) index.set(key, index.size);
  });
  const names = [...index.keys()];
  const rows = taken.map((rec, i) => {
    const row: RawCell[] = new Array<RawCell>(names.length).fill(undefined);
    for (const [key, value] of Object.entries(rec as Record<string, unknown>)) {
      row[index.get(key)!] = toRawCell(value, () => `${source}: ${where(i)}, column "${key}"`);
    }
    return row;
  });
  return { source, names, rows, where };
}

/** A JSON or Parquet value as a cell: numbers, text, booleans, null; dates as ISO text; nothing nested. */
function toRawCell(value: unknown, at: () => string): RawCell {
  if (value === null || value === undefined || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
    return value;
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof Date) return value.toISOString();
  throw new InputError(`${at()}: ${describeJson(value)} (expected a number, text, true/false or null)`);
}

async function readParquet(file: string, limit: number | undefined): Promise<RawTable> {
  let records: Record<string, unknown>[];
  try {
    const buffer = await asyncBufferFromFile(file);
    records = await parquetReadObjects({ file: buffer, ...(limit ? { rowEnd: limit } : {}) });
  } catch (err) {
    throw new InputError(`${file}: cannot read it as Parquet: ${(err as Error).message}`, { cause: err });
  }
  if (records.length === 0) throw new InputError(`${file}: no rows (expected a table)`);
  return fromRecords(records, file, (i) => `row ${i + 1}`, undefined);
}
