// A seeded synthetic table for the CTGAN benchmarks: N rows x 15 columns, no missing values (the
// authors' CTGAN takes none). A latent group (4 values) drives every column, so columns correlate:
// 8 continuous (bimodal by group, two of them skewed), 2 integer counts, 4 categorical (3-8 values), 1 boolean.
//   npx tsx bench/make-table.ts --rows 10000 --out table.csv
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Rng } from '../src/engine/index.js';

const { values } = parseArgs({ options: { rows: { type: 'string', default: '10000' }, out: { type: 'string' }, seed: { type: 'string', default: '1' } } });
if (!values.out) throw new Error('--out FILE.csv is required');
const rng = new Rng(Number(values.seed));
const gauss = () => rng.normal(1)[0]!;
const pick = (k: number, g: number) => (rng.uniform() < 0.7 ? (g * 7 + 3) % k : rng.int(k));
const header = ['c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7', 'c8', 'n1', 'n2', 'k1', 'k2', 'k3', 'k4', 'b1'];
const lines = [header.join(',')];
for (let i = 0; i < Number(values.rows); i++) {
  const g = rng.int(4);
  const cont = Array.from({ length: 8 }, (_, j) => {
    const mode = rng.uniform() < 0.5 + 0.1 * g ? 1 : -1;
    const v = mode * (2 + j) + g + gauss() * (0.5 + j / 8);
    return (j >= 6 ? Math.exp(v / 4) : v).toFixed(3);
  });
  const counts = [Math.floor(-Math.log(1 - rng.uniform()) * (2 + g)), rng.int(5 + 5 * g)];
  const cats = [3, 5, 6, 8].map((k, j) => `${String.fromCharCode(97 + j)}${pick(k, g)}`);
  lines.push([...cont, ...counts, ...cats, rng.uniform() < 0.2 + 0.2 * g ? 'true' : 'false'].join(','));
}
writeFileSync(values.out, `${lines.join('\n')}\n`);
