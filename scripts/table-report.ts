// Prints the table report of synthetic rows and writes it (report.json) with its pictures.
//
//   npx tsx scripts/table-report.ts --train bench/tables/penguins/train.csv --holdout bench/tables/penguins/holdout.csv \
//     --synthetic bench/tables/penguins/ctgan.csv --target Species --out runs/penguins-report
//
// Tables are read with the library's readTable. Column kinds come from --columns FILE (a
// columns.json as scripts/table-split.ts writes) or, by default, from a columns.json beside the train
// file, else readTable infers them from the training rows; the holdout and synthetic rows are read
// with the training rows' kinds.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { evaluateTable } from '../src/metrics/table/report.js';
import { readTable } from '../src/tables/index.js';
import type { ColumnKind } from '../src/tables/types.js';
import { readColumnKinds } from './table-io.js';

const { values } = parseArgs({
  options: {
    train: { type: 'string' },
    holdout: { type: 'string' },
    synthetic: { type: 'string' },
    target: { type: 'string' },
    columns: { type: 'string' },
    out: { type: 'string' },
    seed: { type: 'string', default: '0' },
  },
});
if (!values.train || !values.holdout || !values.synthetic) {
  throw new Error('usage: table-report.ts --train A.csv --holdout B.csv --synthetic C.csv [--target COL] [--columns columns.json] [--out DIR] [--seed N]');
}
const beside = join(dirname(values.train), 'columns.json');
const columnsFile = values.columns ?? (existsSync(beside) ? beside : undefined);
const asOptions = (kinds: { name: string; kind: ColumnKind }[]) => ({ keepIds: true, columns: Object.fromEntries(kinds.map((k) => [k.name, k.kind])) });
const train = await readTable(values.train, columnsFile ? asOptions(readColumnKinds(columnsFile)) : {});
const same = asOptions(train.columns.map((c) => ({ name: c.name, kind: c.kind })));
const t0 = performance.now();
const { summary, files, report } = await evaluateTable({
  train,
  holdout: await readTable(values.holdout, same),
  synthetic: await readTable(values.synthetic, same),
  target: values.target,
  seed: Number(values.seed),
  out: values.out,
});
console.log(summary);
if (values.out) console.log(`wrote ${files.length} files to ${values.out} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
else console.log(JSON.stringify(report));
