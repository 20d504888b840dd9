// Reading and encoding a table: tsgan's readTable + fitEncoding + encode against the authors'
// DataTransformer (bench/ctgan_transformer.py) on the same seeded 10,000 x 15 CSV, side by side
// in one run.
//
//   npx tsx bench/table-encoding.ts [--rows 10000] [--seed 1] [--reps 1] [--no-ctgan]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Rng } from '../src/engine/random.js';
import { fitEncoding, readTable, writeRows, type Cell } from '../src/tables/index.js';

const { values: args } = parseArgs({
  options: {
    rows: { type: 'string', default: '10000' },
    seed: { type: 'string', default: '1' },
    reps: { type: 'string', default: '1' },
    'no-ctgan': { type: 'boolean', default: false },
  },
});
const n = Number(args.rows);
const reps = Number(args.reps);

const COLUMNS = [
  'age',
  'income',
  'balance',
  'score',
  'visits',
  'height_cm',
  'weight_kg',
  'signup',
  'duration_s',
  'region',
  'plan',
  'device',
  'city',
  'channel',
  'churned',
];
const DISCRETE = ['region', 'plan', 'device', 'city', 'channel', 'churned'];

/** A seeded table of mixed kinds: skewed, multi-modal and correlated numbers, a date, categories of 3 to 200 values, gaps. */
function makeTable(rows: number, seed: number): Cell[][] {
  const rng = new Rng(seed);
  const normal = () => rng.normal(1)[0]!;
  const pick = <T>(values: readonly T[], weights: readonly number[]) => {
    let u = rng.uniform() * weights.reduce((a, b) => a + b, 0);
    return values.find((_, i) => (u -= weights[i]!) < 0) ?? values[values.length - 1]!;
  };
  const cities = Array.from({ length: 200 }, (_, i) => `city${String(i).padStart(3, '0')}`);
  const zipf = cities.map((_, i) => 1 / (i + 1));
  const start = Date.UTC(2015, 0, 1);
  return Array.from({ length: rows }, () => {
    const young = rng.uniform() < 0.4;
    const age = Math.round(Math.min(90, Math.max(18, young ? 27 + 4 * normal() : 52 + 11 * normal())));
    const height = 170 + 9 * normal();
    const plan = pick(['free', 'basic', 'pro', 'team'], [50, 30, 15, 5]);
    return [
      age,
      Number(Math.exp(10.3 + 0.6 * normal() + (plan === 'pro' ? 0.4 : 0)).toFixed(2)),
      Number(
        (rng.uniform() < 0.3 ? 0.01 * Math.abs(normal()) : rng.uniform() < 0.7 ? 1500 + 400 * normal() : 9000 + 2500 * normal()).toFixed(2),
      ),
      Number((0.5 + 0.15 * normal()).toFixed(3)),
      Math.floor(-Math.log(1 - rng.uniform()) * 4),
      Number(height.toFixed(1)),
      Number((height - 100 + 12 * normal()).toFixed(1)),
      new Date(start + Math.floor(rng.uniform() * 3650) * 86_400_000).toISOString().slice(0, 10),
      rng.uniform() < 0.05 ? null : Number((-Math.log(1 - rng.uniform()) * 300).toFixed(1)),
      pick(['north', 'south', 'east', 'west', 'centre', 'islands', 'coast', 'mountains'], [20, 18, 15, 15, 12, 5, 10, 5]),
      plan,
      pick(['mobile', 'desktop', 'tablet'], [60, 32, 8]),
      pick(cities, zipf),
      rng.uniform() < 0.03 ? null : pick(['search', 'ads', 'social', 'email', 'referral', 'direct'], [30, 20, 15, 10, 10, 15]),
      rng.uniform() < (plan === 'free' ? 0.3 : 0.1),
    ];
  });
}

const dir = mkdtempSync(join(tmpdir(), 'tsgan-table-bench-'));
const csv = join(dir, 'table.csv');
writeRows(
  csv,
  COLUMNS.map((name) => ({ name })),
  makeTable(n, Number(args.seed)),
);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
type Times = Record<'read' | 'fit' | 'encode', { wall: number[]; cpu: number[] }>;
const times = (): Times => ({ read: { wall: [], cpu: [] }, fit: { wall: [], cpu: [] }, encode: { wall: [], cpu: [] } });
const ours = times();
const theirs = times();
/** Runs f, recording its wall-clock and CPU (user + system) time in ms. */
function timed<T>(into: { wall: number[]; cpu: number[] }, f: () => T): T {
  const cpu = process.cpuUsage();
  const t = performance.now();
  const out = f();
  into.wall.push(performance.now() - t);
  const used = process.cpuUsage(cpu);
  into.cpu.push((used.user + used.system) / 1000);
  return out;
}
let width = 0;
let theirWidth = 0;
let modes = '';
let theirRss = 0;
for (let rep = 0; rep < reps; rep++) {
  // readTable is async only for Parquet; a CSV is read synchronously inside it.
  const cpu = process.cpuUsage();
  const t = performance.now();
  const table = await readTable(csv);
  ours.read.wall.push(performance.now() - t);
  const used = process.cpuUsage(cpu);
  ours.read.cpu.push((used.user + used.system) / 1000);
  const enc = timed(ours.fit, () => fitEncoding(table, { seed: rep }));
  timed(ours.encode, () => enc.encode(table.rows, new Rng(rep)));
  width = enc.encoding.width;
  modes = table.columns.map((c, i) => `${c.name}:${enc.mixture(i)?.kept.length ?? c.categories!.length}`).join(' ');
  if (!args['no-ctgan']) {
    const out = JSON.parse(
      execFileSync('/usr/bin/python3', [join(import.meta.dirname, 'ctgan_transformer.py'), csv, DISCRETE.join(','), 'signup'], {
        encoding: 'utf8',
        maxBuffer: 1 << 26,
      })
        .trim()
        .split('\n')
        .pop()!,
    ) as Record<
      'read_ms' | 'fit_ms' | 'transform_ms' | 'read_cpu_ms' | 'fit_cpu_ms' | 'transform_cpu_ms' | 'width' | 'peak_rss_mb',
      number
    >;
    theirs.read.wall.push(out.read_ms);
    theirs.read.cpu.push(out.read_cpu_ms);
    theirs.fit.wall.push(out.fit_ms);
    theirs.fit.cpu.push(out.fit_cpu_ms);
    theirs.encode.wall.push(out.transform_ms);
    theirs.encode.cpu.push(out.transform_cpu_ms);
    theirWidth = out.width;
    theirRss = Math.max(theirRss, out.peak_rss_mb);
  }
}
rmSync(dir, { recursive: true, force: true });

const rss = process.resourceUsage().maxRSS / 1024;
const fmt = (xs: number[]) => (xs.length ? `${(median(xs) / 1000).toFixed(2)} s` : '-');
const line = (label: string, key: keyof Times) =>
  `${label.padEnd(18)}${fmt(ours[key].wall).padStart(8)} ${fmt(ours[key].cpu).padStart(8)}     ${fmt(theirs[key].wall).padStart(8)} ${fmt(theirs[key].cpu).padStart(8)}`;
console.log(`table: ${n} rows x ${COLUMNS.length} columns (seed ${args.seed}), median of ${reps} run(s)`);
console.log(`modes/categories (tsgan): ${modes}`);
console.log('                     tsgan (wall, CPU)     CTGAN DataTransformer (wall, CPU)');
console.log(line('read', 'read'));
console.log(line('fit encoding', 'fit'));
console.log(line('encode all rows', 'encode'));
console.log(`encoded width     ${String(width).padStart(8)}              ${String(theirWidth || '-').padStart(8)}`);
console.log(`peak RSS          ${rss.toFixed(0).padStart(5)} MB              ${theirRss ? theirRss.toFixed(0).padStart(5) + ' MB' : '-'}`);
