// Datasets from the user's files: a numeric CSV (image folders: ./images/).
import { readFileSync } from 'node:fs';
import { parseNumericCsv } from '../run/csv.js';
import type { Dataset } from './datasets.js';
import { InputError } from '../errors.js';

/**
 * A numeric CSV as vectors, each column standardised to zero mean and unit variance (samples are
 * mapped back with the stored mean and std). Errors name the file, the row and the column.
 */
export function loadCsvDataset(path: string): { dataset: Dataset; standardization: { mean: number[]; std: number[]; header: string[] } } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(`CSV file ${path} cannot be read${code === 'ENOENT' ? ': no such file' : `: ${(e as Error).message}`}`, { cause: e });
  }
  const { header, data, rows, cols } = parseNumericCsv(text, path);
  if (rows < 2) throw new InputError(`${path}: needs at least 2 data rows, has ${rows}`);
  const mean = new Array<number>(cols).fill(0);
  const std = new Array<number>(cols).fill(0);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) mean[c]! += data[r * cols + c]! / rows;
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) std[c]! += (data[r * cols + c]! - mean[c]!) ** 2 / (rows - 1);
  for (let c = 0; c < cols; c++) std[c] = Math.sqrt(std[c]!) || 1; // constant columns stay constant
  const z = new Float32Array(data.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) z[r * cols + c] = (data[r * cols + c]! - mean[c]!) / std[c]!;
  return { dataset: { name: `csv:${path}`, shape: [cols], count: rows, data: z }, standardization: { mean, std, header } };
}
