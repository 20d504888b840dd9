// What each continuous InfoGAN code varies: one picture per code, one row per categorical value,
// columns sweeping that code from -2 to 2 while the noise and the other codes stay fixed.
// usage: npx tsx scripts/infogan-sweep.ts RUN_DIR OUT_PREFIX   (writes OUT_PREFIX-c1.png, -c2.png, ...)
import * as E from '../src/engine/index.js';
import { writeSamplePicture } from '../src/gan/artifacts.js';
import { compileSampler } from '../src/gan/sampler.js';
import { loadRun } from '../src/gan/trainer.js';

const [dir, prefix] = process.argv.slice(2);
if (!dir || !prefix) {
  process.stderr.write('usage: npx tsx scripts/infogan-sweep.ts RUN_DIR OUT_PREFIX\n');
  process.exit(2);
}
const r = await loadRun(dir);
const cfg = r.cfg.model;
if (!('variant' in cfg) || cfg.variant !== 'infogan' || cfg.codes === 0) {
  process.stderr.write(`${dir}: not an InfoGAN run with continuous codes\n`);
  process.exit(2);
}
const rows = r.recipe.sampler!.labels!.classes;
const cols = 9;
const latent = r.recipe.sampler!.latent[0]!;
const sampler = await compileSampler(r.recipe, rows * cols, r.store, { ema: r.store.names().some((n) => n.endsWith('/ema')) });
const noise = new E.Rng(1).normal(latent);
for (let code = 0; code < cfg.codes; code++) {
  const z = new Float32Array(rows * cols * latent);
  const y = new BigInt64Array(rows * cols);
  for (let row = 0; row < rows; row++) {
    for (let col = 0; col < cols; col++) {
      const i = row * cols + col;
      z.set(noise, i * latent);
      for (let c = 0; c < cfg.codes; c++) z[i * latent + latent - cfg.codes + c] = 0;
      z[i * latent + latent - cfg.codes + code] = -2 + (4 * col) / (cols - 1);
      y[i] = BigInt(row);
    }
  }
  const x = (await sampler.run({ z, y })).x!.data as Float32Array;
  const out = `${prefix}-c${code + 1}.png`;
  writeSamplePicture(out, x, rows * cols, r.source, undefined, cols);
  process.stderr.write(`wrote ${out}\n`);
}
await sampler.release();
