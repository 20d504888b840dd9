// Makes the generator that web/example.html ships: a short real mnist-cgan training run, exported
// as ONNX (weights baked in, the moving average of G) to web/public/models/mnist-cgan.onnx.
// usage: npx tsx scripts/make-web-example.ts [RUN_DIR] [STEPS]   (default /tmp/tsgan-web-example, 2000)
import { existsSync, rmSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { train } from '../src/api/index.js';

const dir = process.argv[2] ?? '/tmp/tsgan-web-example';
const steps = Number(process.argv[3] ?? 2000);
const out = fileURLToPath(new URL('../web/public/models/mnist-cgan.onnx', import.meta.url));
if (existsSync(dir)) rmSync(dir, { recursive: true });
const t0 = Date.now();
const run = await train('mnist-cgan', {
  out: dir,
  steps,
  seed: 1,
  // Shorter than the preset's schedule, so the weight average follows the few steps there are.
  set: [{ path: ['train', 'emaDecay'], value: 0.99 }, { path: ['train', 'checkpointEvery'], value: steps }, { path: ['train', 'sampleEvery'], value: steps }],
  onProgress: (p) => { if (p.step % 100 < 8) process.stderr.write(`step ${p.step}\n`); },
});
const meta = await run.export(out);
process.stderr.write(`trained ${run.result?.step ?? steps} steps in ${((Date.now() - t0) / 60000).toFixed(1)} min; wrote ${out} (${(statSync(out).size / 2 ** 20).toFixed(2)} MB)\n${JSON.stringify(meta, null, 2)}\n`);
