// The training images of a preset's (or config file's) data as a float32 .npy [N, C, H, W] in
// [-1, 1], for reference implementations (bench/torch_dcgan_images.py) to train on the same images.
// usage: npx tsx scripts/export-npy.ts PRESET|CONFIG.yaml OUT.npy
import * as E from '../src/engine/index.js';
import { loadConfigFile } from '../src/config/load.js';
import { preset, PRESET_NAMES } from '../src/config/presets.js';
import { copySamples } from '../src/data/datasets.js';
import { openSource } from '../src/data/source.js';
import { writeNpy } from '../src/run/npy.js';

const [what, out] = process.argv.slice(2);
if (!what || !out) {
  process.stderr.write('usage: npx tsx scripts/export-npy.ts PRESET|CONFIG.yaml OUT.npy\n');
  process.exit(2);
}
const cfg = PRESET_NAMES.includes(what) ? preset(what) : loadConfigFile(what);
const source = await openSource(cfg.data, new E.Rng(cfg.seed));
const d = source.dataset;
if (!d || source.kind !== 'image') throw new Error(`${what}: the data is not a finite image dataset`);
const x = new Float32Array(d.count * d.shape.reduce((a, b) => a * b, 1));
copySamples(d, 0, d.count, x, 0);
writeNpy(out, x, [d.count, ...d.shape]);
process.stdout.write(`${JSON.stringify({ data: cfg.data, images: d.count, shape: d.shape, out })}\n`);
