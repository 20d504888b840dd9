// What readTable can be told: the file's format and delimiter, per-column kinds and their details,
// the category limit, which texts mean "missing", and whether ID-like columns are kept.
import { z } from 'zod';
import { InputError } from '../errors.js';
import { COLUMN_KINDS } from './types.js';

/** Texts that mean a missing value (besides JSON null, an absent key and NaN), compared after trimming. */
export const DEFAULT_MISSING = ['', 'NA', 'N/A', 'n/a', 'na', 'NaN', 'nan', 'null', 'NULL', 'Null', '?'];
export const DEFAULT_MAX_CATEGORIES = 1000;

export const ColumnOption = z.union([
  z.enum([...COLUMN_KINDS, 'drop']),
  z
    .object({
      kind: z.enum(COLUMN_KINDS).optional(),
      /** Datetime columns: the pattern (see datetime.ts), e.g. "DD/MM/YYYY". */
      format: z.string().optional(),
      maxCategories: z.number().int().positive().optional(),
      otherLabel: z.string().optional(),
      drop: z.boolean().optional(),
    })
    .strict(),
]);
export type ColumnOption = z.infer<typeof ColumnOption>;

export const ReadTableOptions = z
  .object({
    /** The file's format; by default from its extension (.csv .tsv .json .jsonl/.ndjson .parquet). */
    format: z.enum(['csv', 'tsv', 'json', 'jsonl', 'parquet']).optional(),
    /** CSV: the field delimiter; by default the one of , ; tab | that the header line uses most. */
    delimiter: z.string().length(1).optional(),
    columns: z.record(z.string(), ColumnOption).optional(),
    /** The most distinct values a categorical column may have (per-column `maxCategories` overrides it). */
    maxCategories: z.number().int().positive().default(DEFAULT_MAX_CATEGORIES),
    /** When set, a column over its limit keeps its most frequent `maxCategories` values and the rest become this label. */
    otherLabel: z.string().optional(),
    /** Keep ID-like columns (all-unique strings, row numbers) instead of dropping them. */
    keepIds: z.boolean().default(false),
    missingValues: z.array(z.string()).default(DEFAULT_MISSING),
    /** Read at most this many rows. */
    limit: z.number().int().positive().optional(),
  })
  .strict();
export type ReadTableOptions = z.input<typeof ReadTableOptions>;
export type TableOptions = z.output<typeof ReadTableOptions>;

/** One column's resolved option, object form. */
export interface ColumnOptions {
  kind?: (typeof COLUMN_KINDS)[number];
  format?: string;
  maxCategories?: number;
  otherLabel?: string;
  drop?: boolean;
}

export function columnOptions(option: ColumnOption | undefined): ColumnOptions {
  if (option === undefined) return {};
  if (option === 'drop') return { drop: true };
  if (typeof option === 'string') return { kind: option };
  return option;
}

/** The options with their defaults; one InputError listing every problem, each with its key and value. */
export function parseTableOptions(raw: unknown): TableOptions {
  const r = ReadTableOptions.safeParse(raw ?? {});
  if (r.success) return r.data;
  const problems = r.error.issues.map((issue) => {
    const key = issue.path.length ? `"${issue.path.join('.')}"` : 'the options';
    let value: unknown = raw;
    for (const p of issue.path) value = (value as Record<PropertyKey, unknown> | undefined)?.[p];
    const got = value === undefined ? '' : `, got ${JSON.stringify(value)}`;
    // zod's "Invalid input" for a column option does not say what a column option may be.
    const message =
      issue.code === 'invalid_union' && issue.path[0] === 'columns'
        ? `expected one of ${[...COLUMN_KINDS, 'drop'].join(', ')} or { kind, format, maxCategories, otherLabel, drop }`
        : issue.message;
    return `${key}: ${message}${got}`;
  });
  throw new InputError(`table options: ${problems.join('; ')}`);
}
