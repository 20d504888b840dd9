// Splits a table into train and holdout rows (80 / 20, seeded) for the table benchmarks, and fixes
// its column kinds in columns.json so every model is fitted and scored with the same ones.
//
//   npx tsx scripts/table-split.ts node_modules/vega-datasets/data/penguins.json --out bench/tables/penguins
//   options: --seed N (default 0), --holdout SHARE (default 0.2), --drop COL[,COL...], --kind COL=KIND ...
import { parseArgs } from 'node:util';
import { join } from 'node:path';
import { atomicWriteFile } from '../src/run/atomic.js';
import { splitTable } from '../src/tables/split.js';
import type { ColumnKind } from '../src/tables/types.js';
import { readTableFile, writeTableCsv } from './table-io.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    out: { type: 'string' },
    seed: { type: 'string', default: '0' },
    holdout: { type: 'string', default: '0.2' },
    drop: { type: 'string', default: '' },
    kind: { type: 'string', multiple: true, default: [] },
  },
});
const [input] = positionals;
if (!input || !values.out) throw new Error('usage: table-split.ts TABLE.json|.csv --out DIR [--seed N] [--holdout SHARE] [--drop COLS] [--kind COL=KIND]');
const drop = values.drop ? values.drop.split(',') : [];
const guessed = readTableFile(input, undefined, drop);
const kinds = guessed.columns.map((c) => ({ name: c.name, kind: c.kind }));
for (const k of values.kind) {
  const [name, kind] = k.split('=');
  const entry = kinds.find((c) => c.name === name);
  if (!entry) throw new Error(`--kind ${k}: no column "${name}"`);
  entry.kind = kind as ColumnKind;
}
const table = readTableFile(input, kinds);
const { train, holdout } = splitTable(table, { seed: Number(values.seed), holdout: Number(values.holdout) });
writeTableCsv(join(values.out, 'train.csv'), train);
writeTableCsv(join(values.out, 'holdout.csv'), holdout);
atomicWriteFile(join(values.out, 'columns.json'), JSON.stringify(kinds, null, 2) + '\n');
console.log(`${input}: ${table.rows.length} rows -> ${train.rows.length} train, ${holdout.rows.length} holdout (seed ${values.seed})`);
for (const c of table.columns) console.log(`  ${c.name}: ${c.kind}${c.missingRate ? `, ${(100 * c.missingRate).toFixed(1)}% missing` : ''}`);
