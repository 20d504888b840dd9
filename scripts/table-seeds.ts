// Mean ± standard deviation over seeds of the benchmark tables' scores, two models side by side:
// reads TABLE/MODEL-sN-report.json (scripts/table-bench.ts --model MODEL-sN writes them, with the fit
// record of scripts/table-fit.ts or scripts/ctgan-reference.py) and prints a markdown table.
//
//   npx tsx scripts/table-seeds.ts --models tsgan,ctgan --seeds 0,1,2 penguins cars seattle-weather
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { models: { type: 'string', default: 'tsgan,ctgan' }, seeds: { type: 'string', default: '0,1,2' }, dir: { type: 'string', default: 'bench/tables' } },
});
const [ours, theirs] = values.models.split(',') as [string, string];
const seeds = values.seeds.split(',').map(Number);

interface Scores {
  quality: number;
  f1Logistic: number;
  f1Mlp: number;
  cpu: number;
  wall: number;
}

function scores(table: string, model: string): Scores {
  const r = JSON.parse(readFileSync(join(values.dir, table, `${model}-report.json`), 'utf8')) as {
    fit: { fit_seconds: number; fit_cpu_seconds: number };
    report: { quality: { overall: number }; efficacy: { classifiers: Record<'logistic' | 'mlp', { synthetic: { f1: number } }> } };
  };
  const c = r.report.efficacy.classifiers;
  return { quality: r.report.quality.overall, f1Logistic: c.logistic.synthetic.f1, f1Mlp: c.mlp.synthetic.f1, cpu: r.fit.fit_cpu_seconds, wall: r.fit.fit_seconds };
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
/** Sample standard deviation (n - 1). */
const sd = (xs: number[]) => Math.sqrt(xs.reduce((a, x) => a + (x - mean(xs)) ** 2, 0) / Math.max(xs.length - 1, 1));
const ms = (xs: number[], d: number) => `${mean(xs).toFixed(d)} ± ${sd(xs).toFixed(d)}`;

const rows = [
  `| table | ${ours} quality | ${theirs} quality | ${ours} F1 LR | ${theirs} F1 LR | ${ours} F1 MLP | ${theirs} F1 MLP | ${ours} fit CPU s | ${theirs} fit CPU s | ${ours} fit wall s | ${theirs} fit wall s |`,
  '|---|---|---|---|---|---|---|---|---|---|---|',
];
for (const table of positionals) {
  const a = seeds.map((s) => scores(table, `${ours}-s${s}`));
  const b = seeds.map((s) => scores(table, `${theirs}-s${s}`));
  const cell = (k: keyof Scores, d: number) => [ms(a.map((x) => x[k]), d), ms(b.map((x) => x[k]), d)];
  rows.push(`| ${table} | ${[...cell('quality', 3), ...cell('f1Logistic', 3), ...cell('f1Mlp', 3), ...cell('cpu', 1), ...cell('wall', 1)].join(' | ')} |`);
}
console.log(rows.join('\n'));
