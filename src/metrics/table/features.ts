// Table rows as feature vectors for the ML-efficacy classifiers: numeric and datetime columns
// standardised (mean 0, sd 1 over the rows the encoder is fitted on), a missing value as the mean
// plus a 0/1 missing indicator, categorical and boolean columns one-hot with a slot for missing;
// a category the fitted rows never had encodes as all zeros (scikit-learn's handle_unknown='ignore').
import type { Table } from '../../tables/types.js';
import { columnShape, labelColumn, numericColumn } from './columns.js';

type ColumnEncoder =
  | { kind: 'numeric'; column: number; mean: number; sd: number; missingSlot: boolean }
  | { kind: 'onehot'; column: number; slots: Map<string | null, number> };

export interface FeatureEncoder {
  width: number;
  /** Rows as an [n, width] float32 matrix. */
  encode(table: Table): Float32Array;
}

/** Fits the encoding on `table`'s rows, over every column except `exclude` (the target). */
export function fitFeatures(table: Table, exclude: number): FeatureEncoder {
  const encoders: ColumnEncoder[] = [];
  let width = 0;
  table.columns.forEach((spec, c) => {
    if (c === exclude) return;
    if (columnShape(spec.kind) === 'continuous') {
      const values = numericColumn(table, c);
      const xs = values.filter((v): v is number => v !== null);
      const mean = xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0;
      const sd = xs.length ? Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length) : 0;
      const missingSlot = xs.length < values.length;
      encoders.push({ kind: 'numeric', column: c, mean, sd: sd > 0 ? sd : 1, missingSlot });
      width += missingSlot ? 2 : 1;
    } else {
      const labels = [...new Set(labelColumn(table, c))].sort((a, b) => (a === null ? 1 : b === null ? -1 : a < b ? -1 : a > b ? 1 : 0));
      encoders.push({ kind: 'onehot', column: c, slots: new Map(labels.map((l, i) => [l, i])) });
      width += labels.length;
    }
  });
  return {
    width,
    encode(t: Table): Float32Array {
      const n = t.rows.length;
      const out = new Float32Array(n * width);
      let offset = 0;
      for (const e of encoders) {
        if (e.kind === 'numeric') {
          numericColumn(t, e.column).forEach((v, i) => {
            out[i * width + offset] = v === null ? 0 : (v - e.mean) / e.sd;
            if (e.missingSlot) out[i * width + offset + 1] = v === null ? 1 : 0;
          });
          offset += e.missingSlot ? 2 : 1;
        } else {
          labelColumn(t, e.column).forEach((l, i) => {
            const slot = e.slots.get(l);
            if (slot !== undefined) out[i * width + offset + slot] = 1;
          });
          offset += e.slots.size;
        }
      }
      return out;
    },
  };
}
