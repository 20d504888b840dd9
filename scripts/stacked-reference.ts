// The Stacked MNIST metrics of real data (the reference in docs/metrics.md): 26,000 real samples
// measured as `gan eval` measures a run, and by their true labels; the share of triples the
// classifier reads right.
// usage: npx tsx scripts/stacked-reference.ts [SEED]   (default seed 7)
import { Rng } from '../src/engine/index.js';
import { openSource } from '../src/data/source.js';
import { STACKED_CHANNELS } from '../src/data/stacked.js';
import { STACKED_EVAL_SAMPLES } from '../src/api/evaluate.js';
import { channelOf, stackedModeMetrics } from '../src/metrics/stacked.js';
import { classifierMetrics } from '../src/metrics/frechet.js';

const seed = Number(process.argv[2] ?? 7);
const n = STACKED_EVAL_SAMPLES;
const src = await openSource({ kind: 'stacked-mnist' }, new Rng(seed));
const x = new Float32Array(n * STACKED_CHANNELS * 784);
const y = new BigInt64Array(n);
src.next({ x, y }, n);
const digits: Int32Array[] = [];
const fcd: number[] = [];
for (let c = 0; c < STACKED_CHANNELS; c++) {
  const m = await classifierMetrics('mnist', channelOf(x, n, STACKED_CHANNELS, c), n);
  digits.push(m.predicted);
  fcd.push(m.fcd);
}
const read = stackedModeMetrics(digits, n);
const trueDigits = [0, 1, 2].map((c) => Int32Array.from(y, (v) => Math.floor(Number(v) / 10 ** (2 - c)) % 10));
const truth = stackedModeMetrics(trueDigits, n);
const right = read.modeOf.filter((mode, i) => mode === Number(y[i])).length;
console.log(JSON.stringify({ seed, samples: n, classified: { modes: read.modesCaptured, kl: read.klToUniform }, true_labels: { modes: truth.modesCaptured, kl: truth.klToUniform }, read_right: right / n, channel_fcd: fcd }, null, 2));
