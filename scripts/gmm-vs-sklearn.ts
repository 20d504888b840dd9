// Checks src/tables/gmm.ts against sklearn's BayesianGaussianMixture (the model CTGAN uses) on the
// same values from the same start: both get our k-means labels, sklearn through an overridden
// _initialize_parameters, and the standardised values (so reg_covar means the same on both sides).
// Prints both fits' weights, means and sds (sorted by weight) and the largest differences.
//
//   npx tsx scripts/gmm-vs-sklearn.ts [--data mixture|penguins|seattle] [--seed N] [--iters N]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Rng } from '../src/engine/random.js';
import { distinctWithCounts, fitMixture, kmeans1d, MIXTURE_DEFAULTS } from '../src/tables/gmm.js';
import { readTable } from '../src/tables/read.js';

const { values: args } = parseArgs({
  options: {
    data: { type: 'string', default: 'mixture' },
    seed: { type: 'string', default: '5' },
    iters: { type: 'string', default: '100' },
  },
});
const seed = Number(args.seed);
const maxIter = Number(args.iters);

async function column(): Promise<Float64Array> {
  if (args.data === 'mixture') {
    const rng = new Rng(11);
    const z = rng.normal(3000);
    return Float64Array.from(z, (zi) => {
      const u = rng.uniform();
      return u < 0.5 ? -5 + zi : u < 0.8 ? 3 + 0.5 * zi : 10 + 2 * zi;
    });
  }
  const [file, name] = args.data === 'penguins' ? ['penguins.json', 'Body Mass (g)'] : ['seattle-weather.csv', 'temp_max'];
  const t = await readTable(`node_modules/vega-datasets/data/${file}`);
  const c = t.columns.findIndex((s) => s.name === name);
  return Float64Array.from(t.rows.flatMap((r) => (r[c] === null ? [] : [r[c] as number])));
}

const x = await column();
const n = x.length;
if (n > MIXTURE_DEFAULTS.maxRows) throw new Error('this script compares whole columns: use one of at most maxRows values');
const t0 = performance.now();
const ours = fitMixture(x, { seed, maxIter });
const oursMs = performance.now() - t0;

// The same start fitMixture makes: standardise, distinct values with counts, k-means on them.
const mean = x.reduce((a, b) => a + b, 0) / n;
const sd = Math.sqrt(x.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
const { values: distinct, counts } = distinctWithCounts(x);
const labels = kmeans1d(
  distinct.map((v) => (v - mean) / sd),
  counts,
  MIXTURE_DEFAULTS.components,
  new Rng(seed),
);
const labelOf = new Map(Array.from(distinct, (v, i) => [v, labels[i]!]));

const dir = mkdtempSync(join(tmpdir(), 'tsgan-gmm-'));
writeFileSync(join(dir, 'x.txt'), Array.from(x, (v) => `${(v - mean) / sd} ${labelOf.get(v)}`).join('\n'));
const python = `
import sys, time, json, warnings
import numpy as np
from sklearn.mixture import BayesianGaussianMixture
warnings.filterwarnings('ignore')
d = np.loadtxt(sys.argv[1]); z = d[:, :1]; labels = d[:, 1].astype(int)
class Started(BayesianGaussianMixture):
    def _initialize_parameters(self, X, random_state):
        resp = np.zeros((len(X), self.n_components)); resp[np.arange(len(X)), labels] = 1
        self._initialize(X, resp)
gm = Started(n_components=10, weight_concentration_prior_type='dirichlet_process', weight_concentration_prior=0.001, n_init=1, max_iter=${maxIter})
t = time.time(); gm.fit(z); ms = (time.time() - t) * 1000
plain = BayesianGaussianMixture(n_components=10, weight_concentration_prior_type='dirichlet_process', weight_concentration_prior=0.001, n_init=1, random_state=0)
t = time.time(); plain.fit(z); plain_ms = (time.time() - t) * 1000
print(json.dumps({'weights': gm.weights_.tolist(), 'means': gm.means_.ravel().tolist(), 'sds': np.sqrt(gm.covariances_.ravel()).tolist(), 'iters': int(gm.n_iter_), 'ms': ms, 'plain_ms': plain_ms}))
`;
writeFileSync(join(dir, 'fit.py'), python);
const sk = JSON.parse(execFileSync('/usr/bin/python3', [join(dir, 'fit.py'), join(dir, 'x.txt')], { encoding: 'utf8' })) as {
  weights: number[];
  means: number[];
  sds: number[];
  iters: number;
  ms: number;
  plain_ms: number;
};
rmSync(dir, { recursive: true, force: true });

const skMeans = sk.means.map((m) => mean + sd * m);
const skSds = sk.sds.map((s) => sd * s);
const rows = (w: number[], m: number[], s: number[]) =>
  w
    .map((wk, k) => [wk, m[k]!, s[k]!] as const)
    .sort((a, b) => b[0] - a[0])
    .map(([wk, mk, sk2]) => `${wk.toFixed(4).padStart(8)} ${mk.toFixed(3).padStart(10)} ${sk2.toFixed(3).padStart(9)}`);
const a = rows(ours.weights, ours.means, ours.sds);
const b = rows(sk.weights, skMeans, skSds);
console.log(`${args.data}: ${n} values, seed ${seed}; tsgan ${ours.state.iterations} iterations, sklearn ${sk.iters}`);
console.log('            tsgan (weight mean sd)         sklearn, same start');
a.forEach((line, i) => console.log(`${line}    ${b[i]}`));
let dw = 0;
let dm = 0;
for (let k = 0; k < 10; k++) {
  dw = Math.max(dw, Math.abs(ours.weights[k]! - sk.weights[k]!));
  dm = Math.max(dm, Math.abs(ours.means[k]! - skMeans[k]!) / sd);
}
console.log(`largest difference, component by component: weight ${dw.toExponential(2)}, mean ${dm.toExponential(2)} column sds`);
console.log(
  `time: tsgan ${oursMs.toFixed(0)} ms; sklearn same start ${sk.ms.toFixed(0)} ms, sklearn with its own k-means start ${sk.plain_ms.toFixed(0)} ms`,
);
