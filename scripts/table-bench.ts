// Scores one model's synthetic rows on the benchmark tables of bench/tables/ and prints a markdown
// table for BENCHMARKS.md: fit time (from MODEL.json, as scripts/ctgan-reference.py prints it),
// quality, ML efficacy (real and synthetic F1) and privacy. Writes TABLE/MODEL-report.json.
//
//   npx tsx scripts/table-bench.ts --model ctgan penguins:Species cars:Origin seattle-weather:weather
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { atomicWriteFile } from '../src/run/atomic.js';
import { tableReport } from '../src/metrics/table/report.js';
import { readTable } from '../src/tables/index.js';
import { readColumnKinds } from './table-io.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { model: { type: 'string', default: 'ctgan' }, dir: { type: 'string', default: 'bench/tables' }, seed: { type: 'string', default: '0' } },
});
const f3 = (x: number | null | undefined) => (x === null || x === undefined ? 'n/a' : x.toFixed(3));
const rows: string[] = [
  '| table (target) | rows train / holdout | epochs | fit s (CPU s) | quality (holdout) | F1 LR real / syn | F1 MLP real / syn | identical | DCR median syn / holdout | DCR p5 syn / holdout |',
  '|---|---|---|---|---|---|---|---|---|---|',
];
for (const spec of positionals) {
  const [name, target] = spec.split(':') as [string, string];
  const dir = join(values.dir, name);
  const options = { keepIds: true, columns: Object.fromEntries(readColumnKinds(join(dir, 'columns.json')).map((k) => [k.name, k.kind])) };
  const fit = JSON.parse(readFileSync(join(dir, `${values.model}.json`), 'utf8')) as { epochs: number; fit_seconds: number; fit_cpu_seconds?: number };
  const report = await tableReport({
    train: await readTable(join(dir, 'train.csv'), options),
    holdout: await readTable(join(dir, 'holdout.csv'), options),
    synthetic: await readTable(join(dir, `${values.model}.csv`), options),
    target,
    seed: Number(values.seed),
  });
  atomicWriteFile(join(dir, `${values.model}-report.json`), JSON.stringify({ fit, report }, null, 2) + '\n');
  const e = report.efficacy!;
  const p = report.privacy;
  rows.push(
    `| ${name} (${target}, ${e.classes.length} classes) | ${report.rows.train} / ${report.rows.holdout} | ${fit.epochs} | ${fit.fit_seconds.toFixed(0)} (${fit.fit_cpu_seconds?.toFixed(0) ?? 'n/a'}) |` +
      ` ${f3(report.quality.overall)} (${f3(report.holdoutQuality)}) | ${f3(e.classifiers.logistic.real.f1)} / ${f3(e.classifiers.logistic.synthetic.f1)} |` +
      ` ${f3(e.classifiers.mlp.real.f1)} / ${f3(e.classifiers.mlp.synthetic.f1)} | ${(100 * p.identicalShare).toFixed(1)}% |` +
      ` ${f3(p.dcr.synthetic.median)} / ${f3(p.dcr.holdout.median)} | ${f3(p.dcr.synthetic.p5)} / ${f3(p.dcr.holdout.p5)} |`,
  );
}
console.log(rows.join('\n'));
