// Frechet classifier distance and class statistics of samples from anywhere (a .npy of
// [N, 1, 28, 28] float32 in [-1, 1]), with the same metric as `gan eval`.
// usage: npx tsx scripts/eval-npy.ts FILE.npy mnist|fashion
import { classifierMetrics } from '../src/metrics/frechet.js';
import { readNpy } from '../src/run/npy.js';

const [file, kind] = process.argv.slice(2);
if (!file || (kind !== 'mnist' && kind !== 'fashion')) {
  process.stderr.write('usage: npx tsx scripts/eval-npy.ts FILE.npy mnist|fashion\n');
  process.exit(2);
}
const { data, shape } = readNpy(file);
if (shape.length !== 4 || shape[1] !== 1 || shape[2] !== 28 || shape[3] !== 28 || !(data instanceof Float32Array)) {
  process.stderr.write(`${file}: expected float32 [N, 1, 28, 28], got [${shape.join(', ')}]\n`);
  process.exit(2);
}
const m = await classifierMetrics(kind, data, shape[0]!);
process.stdout.write(`${JSON.stringify({ file, samples: shape[0], fcd: m.fcd, class_histogram: m.classHistogram, class_entropy: m.classEntropy, mean_max_prob: m.meanMaxProb })}\n`);
