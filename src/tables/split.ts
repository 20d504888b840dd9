// A seeded train / holdout split of a table's rows (80 / 20 by default), so every model compared
// on a table is fitted on the same rows and tested on the same held-out rows.
import { Rng } from '../engine/random.js';
import { InputError } from '../errors.js';
import type { Table } from './types.js';

export interface SplitOptions {
  /** Share of rows held out (default 0.2). */
  holdout?: number;
  seed?: number;
}

/** Rows drawn by a seeded permutation; each part keeps the table's row order. */
export function splitTable(table: Table, o: SplitOptions = {}): { train: Table; holdout: Table } {
  const share = o.holdout ?? 0.2;
  if (!(share > 0 && share < 1)) throw new InputError(`holdout share must be between 0 and 1 (exclusive), got ${share}`);
  const n = table.rows.length;
  const nHoldout = Math.round(n * share);
  if (nHoldout < 1 || nHoldout >= n) throw new InputError(`${table.source}: ${n} rows are too few to hold out ${share * 100}% and keep the rest`);
  const order = new Rng(o.seed ?? 0).permutation(n);
  const held = new Uint8Array(n);
  for (let i = 0; i < nHoldout; i++) held[order[i]!] = 1;
  const part = (flag: number, name: string): Table => ({
    ...table,
    source: `${table.source} (${name})`,
    rows: table.rows.filter((_, i) => held[i] === flag),
  });
  return { train: part(0, 'train'), holdout: part(1, 'holdout') };
}
