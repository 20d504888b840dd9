// Samples from anywhere (a .npy of float32 [N, C, H, W] in [-1, 1]) measured as `gan eval` measures
// a run: for MNIST/Fashion digits the Frechet classifier distance and class statistics; with a
// preset, FD, KID, precision/recall and density/coverage in a feature space against the preset's
// data's held-out images (as gan eval reports them).
// usage: npx tsx scripts/eval-npy.ts FILE.npy mnist|fashion
//        npx tsx scripts/eval-npy.ts FILE.npy --against PRESET [--features NAME|NET.onnx]
import { parseArgs } from 'node:util';
import * as E from '../src/engine/index.js';
import { preset } from '../src/config/presets.js';
import { openSource } from '../src/data/source.js';
import { classifierMetrics } from '../src/metrics/frechet.js';
import { compareFeatures } from '../src/metrics/distribution.js';
import { DEFAULT_FEATURE_SPACES, openFeatureSpace, type ImageShape } from '../src/metrics/features.js';
import { readNpy } from '../src/run/npy.js';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { against: { type: 'string' }, features: { type: 'string' }, seed: { type: 'string', default: '0' } } });
const [file, kind] = positionals;
const usage = 'usage: npx tsx scripts/eval-npy.ts FILE.npy mnist|fashion  |  FILE.npy --against PRESET [--features NAME|NET.onnx]\n';
if (!file || (!values.against && kind !== 'mnist' && kind !== 'fashion')) {
  process.stderr.write(usage);
  process.exit(2);
}
const { data, shape } = readNpy(file);
if (shape.length !== 4 || !(data instanceof Float32Array)) {
  process.stderr.write(`${file}: expected float32 [N, C, H, W], got [${shape.join(', ')}]\n`);
  process.exit(2);
}
const n = shape[0]!;
if (!values.against) {
  const m = await classifierMetrics(kind as 'mnist' | 'fashion', data, n);
  process.stdout.write(`${JSON.stringify({ file, samples: n, fcd: m.fcd, class_histogram: m.classHistogram, class_entropy: m.classEntropy, mean_max_prob: m.meanMaxProb })}\n`);
} else {
  const cfg = preset(values.against);
  const source = await openSource(cfg.data, new E.Rng(cfg.seed));
  const held = source.heldOut!;
  const real = new Float32Array(held.count * shape.slice(1).reduce((a, b) => a * b, 1));
  held.read({ x: real }, 0, held.count);
  const spec = values.features ?? DEFAULT_FEATURE_SPACES[cfg.data.kind];
  if (!spec) throw new Error(`no feature space for data of kind ${cfg.data.kind}: pass --features`);
  const space = await openFeatureSpace(spec);
  const s = shape.slice(1) as unknown as ImageShape;
  const d = await compareFeatures(await space.embed(real, held.count, s), await space.embed(data, n, s), { seed: Number(values.seed) });
  await space.release();
  process.stdout.write(`${JSON.stringify({ file, samples: n, feature_space: space.name, real_images: held.name, real_samples: held.count, fd: d.fd, kid: d.kid, precision: d.precision, recall: d.recall, density: d.density, coverage: d.coverage })}\n`);
}
