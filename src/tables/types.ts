// What a table is once read, and the contract between the table's reader (read/infer), its
// reversible encoding for the networks (CTGAN's mode-specific normalisation and one-hot columns)
// and the model that generates encoded rows. The encoding's layout is a list of spans: each span is
// a run of consecutive output units the generator activates one way (tanh or Gumbel-softmax).

/** What a column holds, as inferred from its values or declared in the config. */
export const COLUMN_KINDS = ['continuous', 'integer', 'categorical', 'boolean', 'datetime'] as const;
export type ColumnKind = (typeof COLUMN_KINDS)[number];

/**
 * One cell as the table gives it back: numbers for continuous and integer columns, strings for
 * categorical ones, booleans, datetimes as ISO 8601 strings in the source's own form, null when missing.
 */
export type Cell = number | string | boolean | null;

export interface ColumnSpec {
  name: string;
  kind: ColumnKind;
  /** Share of the training rows where this column is missing (reproduced when sampling). */
  missingRate: number;
  /** Categorical and boolean columns: the values, in a fixed order (one-hot position = index). */
  categories?: string[];
  /** Continuous, integer and datetime columns: the observed range (datetimes in ms since the epoch); samples are clipped to it. */
  min?: number;
  max?: number;
  /** Datetime columns: how the source wrote them (so samples come back in the same form): e.g. "date" (YYYY-MM-DD) or "iso". */
  format?: string;
  /** Continuous columns: decimal places seen in the source (samples are rounded to them). */
  decimals?: number;
  /** Categorical columns whose values are all numbers (declared categorical): their cells are numbers, not strings. */
  numericCategories?: boolean;
}

/** A table read from a file or given as records: its columns and rows (cells in column order). */
export interface Table {
  /** Where it came from, for messages: a path, or "records". */
  source: string;
  columns: ColumnSpec[];
  rows: Cell[][];
  /** Columns dropped when reading (ID-like columns), with why, for the fit summary. */
  dropped?: { name: string; reason: string }[];
}

/** A run of the encoded row that the generator activates together. */
export interface Span {
  /** tanh: one unit in [-1, 1] (a continuous value within its mode); softmax: a one-hot group (Gumbel-softmax). */
  activation: 'tanh' | 'softmax';
  /** Index of the encoded row's first unit of this span. */
  offset: number;
  width: number;
  /** The table column this span encodes. */
  column: number;
  /** value: the normalised scalar; mode: the mixture component; category: the category (missing: its own last slot); missing: present/absent flag. */
  role: 'value' | 'mode' | 'category' | 'missing';
}

/** A categorical span the conditional vector can select (training-by-sampling, conditional sampling). */
export interface DiscreteColumn {
  column: number;
  /** Offset of the span in the encoded row. */
  offset: number;
  /** Offset of this column's block in the conditional vector. */
  condOffset: number;
  width: number;
  /** Training rows per category (for the log-frequency sampling and for picking rows by category). */
  counts: number[];
}

/** A fitted, serialisable encoding of a table: rows <-> float vectors of `width` units. */
export interface TableEncoding {
  width: number;
  spans: Span[];
  /** The categorical spans in column order; the conditional vector is their one-hots side by side. */
  discrete: DiscreteColumn[];
  /** Sum of the discrete columns' widths. */
  condWidth: number;
}
