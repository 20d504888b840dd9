// tsgan's CTGAN on the benchmark tables of bench/tables/ (the side of scripts/ctgan-reference.py):
// fits TABLE/train.csv with the kinds of TABLE/columns.json, samples as many rows as the training
// split has into TABLE/tsgan.csv and records the fit time in TABLE/tsgan.json, for scripts/table-bench.ts.
//
//   npx tsx scripts/table-fit.ts --epochs 300 penguins cars [--seed 0] [--name tsgan-s0] [--threads 1]
//
// --name: the files' base name (default tsgan: TABLE/tsgan.csv, TABLE/tsgan.json); --threads:
// onnxruntime's threads (default 0: its own choice, every core); --set KEY=JSON (repeatable): a
// config change as `gan train --set`, e.g. --set model.outputPrior=false.
import { mkdtempSync } from 'node:fs';
import { tmpdir, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fitTable } from '../src/api/table.js';
import { setDefaultThreads } from '../src/engine/index.js';
import { atomicWriteFile } from '../src/run/atomic.js';
import { readTable } from '../src/tables/index.js';
import { readColumnKinds } from './table-io.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    epochs: { type: 'string', default: '300' },
    seed: { type: 'string', default: '0' },
    dir: { type: 'string', default: 'bench/tables' },
    name: { type: 'string', default: 'tsgan' },
    threads: { type: 'string', default: '0' },
    set: { type: 'string', multiple: true, default: [] },
  },
});
setDefaultThreads(Number(values.threads));
const set = values.set.map((text) => {
  const at = text.indexOf('=');
  const raw = text.slice(at + 1);
  let value: unknown = raw;
  try {
    value = JSON.parse(raw);
  } catch {
    // not JSON: the text itself
  }
  return { path: text.slice(0, at).split('.'), value };
});
for (const name of positionals) {
  const dir = join(values.dir, name);
  const columns = Object.fromEntries(readColumnKinds(join(dir, 'columns.json')).map((k) => [k.name, k.kind]));
  const epochs = Number(values.epochs);
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const synth = await fitTable(join(dir, 'train.csv'), { columns, read: { keepIds: true }, epochs, seed: Number(values.seed), set, out: join(mkdtempSync(join(tmpdir(), 'table-fit-')), 'run') });
  const fitSeconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const rows = (await readTable(join(dir, 'train.csv'), { columns, keepIds: true })).rows.length;
  const t1 = performance.now();
  await synth.writeRows(join(dir, `${values.name}.csv`), rows, { seed: Number(values.seed) });
  const record = {
    model: 'tsgan ctgan',
    train: join(dir, 'train.csv'),
    epochs,
    steps: synth.step,
    seed: Number(values.seed),
    threads: Number(values.threads),
    rows,
    fit_seconds: +fitSeconds.toFixed(1),
    fit_cpu_seconds: +((cpu.user + cpu.system) / 1e6).toFixed(2),
    load_average: +loadavg()[0]!.toFixed(1),
    sample_seconds: +((performance.now() - t1) / 1000).toFixed(3),
  };
  atomicWriteFile(join(dir, `${values.name}.json`), JSON.stringify(record) + '\n');
  console.log(JSON.stringify(record));
}
