// Numeric CSV for 2-D data (toy datasets in, generated points out). Deliberately minimal: no
// quoting or escaping, because every field is a number and column names are plain identifiers.
import { InputError } from '../errors.js';

/** Decimal numbers only: Number() alone would also accept '', ' ', '0x1f' and 'Infinity'. */
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function parseField(text: string): number | undefined {
  return NUMBER.test(text) && Number.isFinite(Number(text)) ? Number(text) : undefined;
}

/** Rows of an [n, d] array as CSV with a header line; up to 7 significant digits (float32). */
export function formatCsv(data: Float32Array, shape: [n: number, d: number], header: string[]): string {
  const [n, d] = shape;
  if (header.length !== d) throw new Error(`csv: header has ${header.length} names but rows have ${d} values`);
  if (data.length !== n * d) throw new Error(`csv: ${data.length} values do not fill shape [${shape}]`);
  const bad = header.find((h) => /[,\r\n]/.test(h));
  if (bad !== undefined) throw new Error(`csv: column name ${JSON.stringify(bad)} contains a comma or line break`);
  const lines = [header.join(',')];
  for (let r = 0; r < n; r++) {
    const row: string[] = [];
    for (let c = 0; c < d; c++) row.push(Number(data[r * d + c]!.toPrecision(7)).toString());
    lines.push(row.join(','));
  }
  return lines.join('\n') + '\n';
}

/**
 * Parse a CSV of numbers. The first non-blank line is a header if any of its fields is not a
 * number; otherwise it is data and the columns are named c0..c{d-1}. Blank lines are skipped.
 * `source` (usually the file path) starts every error message; line numbers are 1-based lines
 * of the file.
 */
export function parseNumericCsv(text: string, source: string): { header: string[]; data: Float32Array; rows: number; cols: number } {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/); // tolerate a BOM and CRLF (Excel)
  let header: string[] | undefined;
  const values: number[] = [];
  let rows = 0;
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    const fields = line.split(',').map((f) => f.trim());
    if (header === undefined) {
      if (fields.some((f) => parseField(f) === undefined)) {
        header = fields.map((f) => f.replace(/^"(.*)"$/, '$1'));
        return;
      }
      header = fields.map((_, j) => `c${j}`);
    }
    if (fields.length !== header.length) {
      throw new InputError(`${source}: row ${i + 1} has ${fields.length} fields, expected ${header.length}`);
    }
    fields.forEach((f, j) => {
      const v = parseField(f);
      if (v === undefined) throw new InputError(`${source}: row ${i + 1}, column "${header![j]}": "${f}" is not a number`);
      values.push(v);
    });
    rows++;
  });
  if (header === undefined || rows === 0) throw new InputError(`${source}: no data rows`);
  return { header, data: Float32Array.from(values), rows, cols: header.length };
}
