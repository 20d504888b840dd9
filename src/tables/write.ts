// Rows out: a table's rows as CSV/TSV (csv-stringify), a JSON array of records or JSON lines,
// chosen by the file's extension and written atomically.
import { extname } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { InputError } from '../errors.js';
import { atomicWriteFile } from '../run/atomic.js';
import type { Cell, ColumnSpec } from './types.js';

/** The rows as text in the format `file`'s extension names (.csv .tsv .json .jsonl .ndjson). */
export function formatRows(file: string, columns: readonly Pick<ColumnSpec, 'name'>[], rows: readonly (readonly Cell[])[]): string {
  const names = columns.map((c) => c.name);
  rows.forEach((row, i) => {
    if (row.length !== names.length) throw new Error(`writeRows: row ${i + 1} has ${row.length} cells, expected ${names.length}`);
  });
  const ext = extname(file).toLowerCase();
  if (ext === '.csv' || ext === '.tsv') {
    // Missing cells are empty fields; booleans are written true/false (csv-stringify's default is 1/'').
    const text = rows.map((row) => row.map((cell) => (cell === null ? '' : typeof cell === 'boolean' ? String(cell) : cell)));
    return stringify([names, ...text], { delimiter: ext === '.tsv' ? '\t' : ',' });
  }
  const record = (row: readonly Cell[]) => Object.fromEntries(names.map((n, j) => [n, row[j]]));
  if (ext === '.json') return JSON.stringify(rows.map(record), null, 1) + '\n';
  if (ext === '.jsonl' || ext === '.ndjson') return rows.map((row) => JSON.stringify(record(row)) + '\n').join('');
  throw new InputError(
    `${file}: cannot tell which format to write rows in from its extension (expected .csv, .tsv, .json, .jsonl or .ndjson)`,
  );
}

/** Writes rows to a .csv, .tsv, .json or .jsonl file atomically (a reader never sees half a file). */
export function writeRows(file: string, columns: readonly Pick<ColumnSpec, 'name'>[], rows: readonly (readonly Cell[])[]): void {
  atomicWriteFile(file, formatRows(file, columns, rows));
}
