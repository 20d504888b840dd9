// Reading a Table's columns the way the table metrics compare them: SDMetrics splits columns into
// continuous ones (numerical and datetime: compared by value) and discrete ones (categorical and
// boolean: compared by label). Missing cells are null here, never NaN or "".
import { InputError } from '../../errors.js';
import type { Cell, ColumnKind, ColumnSpec, Table } from '../../tables/types.js';

export type ColumnShape = 'continuous' | 'discrete';

export function columnShape(kind: ColumnKind): ColumnShape {
  return kind === 'categorical' || kind === 'boolean' ? 'discrete' : 'continuous';
}

/** A cell of a continuous column as a number (datetimes as ms since the epoch); null when missing. */
export function numericCell(cell: Cell, spec: ColumnSpec, where: string): number | null {
  if (cell === null) return null;
  if (typeof cell === 'number') {
    if (!Number.isFinite(cell)) throw new InputError(`${where}: column "${spec.name}" holds ${cell}; expected a finite number or a missing value`);
    return cell;
  }
  if (spec.kind === 'datetime' && typeof cell === 'string') {
    const ms = Date.parse(cell);
    if (!Number.isNaN(ms)) return ms;
  }
  throw new InputError(`${where}: column "${spec.name}" (${spec.kind}) holds ${JSON.stringify(cell)}; expected ${spec.kind === 'datetime' ? 'a date' : 'a number'}`);
}

/** A cell of a discrete column as its label (booleans as "true"/"false", numbers in their shortest form); null when missing. */
export function labelCell(cell: Cell): string | null {
  return cell === null ? null : String(cell);
}

/** One column of a table: numbers (continuous) or labels (discrete), null where missing. */
export function numericColumn(table: Table, c: number): (number | null)[] {
  const spec = table.columns[c]!;
  return table.rows.map((row) => numericCell(row[c] ?? null, spec, table.source));
}

export function labelColumn(table: Table, c: number): (string | null)[] {
  return table.rows.map((row) => labelCell(row[c] ?? null));
}

/** Checks that `other` has the columns of `reference` (same names and kinds, same order). */
export function checkSameColumns(reference: Table, other: Table, role: string): void {
  const want = reference.columns.map((s) => `${s.name}:${s.kind}`);
  const got = other.columns.map((s) => `${s.name}:${s.kind}`);
  if (want.join('\u0000') !== got.join('\u0000')) {
    throw new InputError(`${role} table ${other.source} has columns [${got.join(', ')}]; expected those of ${reference.source}: [${want.join(', ')}]`);
  }
}

/** The index of a column by name, or one message naming the column and the table's columns. */
export function columnIndex(table: Table, name: string): number {
  const i = table.columns.findIndex((s) => s.name === name);
  if (i < 0) throw new InputError(`column "${name}" is not in ${table.source}; its columns are: ${table.columns.map((s) => s.name).join(', ')}`);
  return i;
}
