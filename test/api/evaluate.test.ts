// gan eval's distribution metrics for noise-to-image runs: FD, KID, precision/recall and
// density/coverage in a feature space (src/api/evaluate.ts, docs/metrics.md).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as E from '../../src/engine/index.js';
import { openRun, train } from '../../src/api/index.js';
import { loadRun } from '../../src/gan/trainer.js';
import { encodePng } from '../../src/run/png.js';
import { openFeatureSpace } from '../../src/metrics/features.js';
import { compareFeatures } from '../../src/metrics/distribution.js';
import { tempDir } from '../tempdir.js';
import { heldOutPairs } from '../../src/data/heldout.js';

const tiny = { steps: 4, batch: 4, checkpointEvery: 100000, sampleEvery: 100000 };

/** A folder of 12 deterministic 8x8 colour PNGs. */
function imageFolder(): string {
  const dir = join(tempDir('eval'), 'images');
  mkdirSync(dir);
  for (let k = 0; k < 12; k++) {
    const rgba = Uint8Array.from({ length: 8 * 8 * 4 }, (_, i) => (i % 4 === 3 ? 255 : (37 * k + 11 * i) % 256));
    writeFileSync(join(dir, `img${String(k).padStart(2, '0')}.png`), encodePng({ width: 8, height: 8, rgba }));
  }
  return dir;
}

/** A 3x4x4 projection to 5 features, symbolic batch. */
function featureNet(): string {
  const w = Array.from({ length: 48 * 5 }, (_, at) => ((5 * Math.floor(at / 5) + 3 * (at % 5)) % 7 - 3) / 7);
  const path = join(tempDir('eval'), 'proj.onnx');
  writeFileSync(path, E.lower({ outputs: { features: E.matmul(E.flatten(E.input('x', [1, 3, 4, 4])), E.constant(w, [48, 5])) } }, { dynamicBatch: true }).bytes);
  return path;
}

describe('gan eval on image data', () => {
  it('with --features NET.onnx: the generated samples against the training images in that network\'s features', async () => {
    const out = join(tempDir('eval'), 'run');
    await train({ data: { kind: 'images', path: imageFolder(), size: 8, channels: 3 }, model: { kind: 'mlp', latent: 4, gHidden: [16], dHidden: [16] }, train: tiny }, { out });
    const run = await openRun(out);
    const net = featureNet();
    const m = await run.evaluate({ count: 20, features: net });
    expect(m).toMatchObject({ samples: 20, feature_space: 'proj.onnx', real_images: 'training images (data.holdout left none out)', real_samples: 12, kid: { subsets: 100, subset_size: 12 } });
    // The same numbers from the run's own samples and images through the same network.
    const space = await openFeatureSpace(net);
    const { x } = await run.sample(20, { seed: 0 });
    const data = (await loadRun(out)).source.dataset!;
    const want = await compareFeatures(await space.embed(data.data, 12, [3, 8, 8]), await space.embed(x, 20, [3, 8, 8]), { seed: 0 });
    await space.release();
    expect(m.fd).toBeCloseTo(want.fd, 8);
    expect(m.kid).toEqual({ mean: want.kid.mean, std: want.kid.std, subsets: 100, subset_size: 12 });
    expect([m.precision, m.recall, m.density, m.coverage]).toEqual([want.precision, want.recall, want.density, want.coverage]);

    // No feature space of its own: the report says how to get one.
    expect(await run.evaluate({ count: 20 })).toMatchObject({
      feature_space: null,
      note: 'no shipped feature space for this data: pass --features NET.onnx for FD, KID, precision/recall and density/coverage',
    });
    await expect(run.evaluate({ count: 5, features: net })).rejects.toThrow('--count 5: the distribution metrics need at least 6 generated and real images (the run has 12 real ones)');
  });

  it('MNIST runs keep their classifier report and add the metrics in the shipped classifier\'s space against the test split', async () => {
    const out = join(tempDir('eval'), 'mnist');
    await train({ data: { kind: 'mnist' }, model: { kind: 'mlp', latent: 4, gHidden: [16], dHidden: [16] }, train: tiny }, { out });
    const m = await (await openRun(out)).evaluate({ count: 60 });
    expect(m).toMatchObject({ samples: 60, classifier: 'mnist', feature_space: 'mnist', real_images: 'test split', real_samples: 60, kid: { subsets: 1, subset_size: 60 } });
    expect((m.class_histogram as number[]).reduce((a, b) => a + b, 0)).toBe(60);
    for (const k of ['fcd', 'fd', 'precision', 'recall', 'density', 'coverage']) expect(Number.isFinite(m[k]), k).toBe(true);
    // Both sets whole (60 random test images): one KID subset. Four steps of training: far from the digits.
    expect(m.precision).toBeLessThan(0.5);
  });

  it('--features is refused for runs not measured in a feature space', async () => {
    const out = join(tempDir('eval'), 'ring');
    await train({ data: { kind: 'mixture', name: 'ring8' }, model: { kind: 'mlp' }, train: tiny }, { out });
    await expect((await openRun(out)).evaluate({ features: 'mnist' })).rejects.toThrow(`--features: run ${out} is not measured in a feature space (only runs that generate or translate images are)`);
  });
});

describe('gan eval on translation runs', () => {
  it('reports L1 (mean absolute difference on the [0, 1] scale) beside PSNR and SSIM', async () => {
    const out = join(tempDir('eval'), 'pix2pix');
    await train({ data: { kind: 'mnist', task: 'inpaint-bottom' }, model: { kind: 'pix2pix', width: 4 }, train: tiny }, { out });
    const run = await openRun(out);
    const m = (await run.evaluate({ count: 10 })) as { output: Record<string, number> };
    const { inputs, targets } = heldOutPairs((await loadRun(out)).source, 10);
    const { y } = await run.translate(inputs);
    let sum = 0;
    for (let i = 0; i < y.length; i++) sum += Math.abs(y[i]! - targets[i]!);
    expect(m.output.l1).toBeCloseTo(sum / y.length / 2, 6);
    expect(Object.keys(m.output).sort()).toEqual(['accuracy', 'fcd', 'l1', 'psnr', 'ssim']);
  });
});

describe('gan eval on emoji translation runs: distances in the emoji feature space', () => {
  it('super-resolution: FD and KID of the outputs and of bicubic upscaling against the held-out targets', async () => {
    const out = join(tempDir('eval'), 'sr');
    await train('emoji-srgan-16to64', { out, set: [{ path: ['model', 'width'], value: 4 }, { path: ['model', 'blocks'], value: 1 }, { path: ['train'], value: { ...tiny, batch: 2, stepsPerRun: 2 } }] });
    const m = (await (await openRun(out)).evaluate({ count: 12 })) as Record<string, Record<string, number> | string | number>;
    expect(m.feature_space).toBe('emoji');
    expect(m.images).toBe(12);
    const output = m.output as Record<string, number>;
    const bicubic = m.bicubic as Record<string, number>;
    expect(Object.keys(output).sort()).toEqual(['fd', 'kid', 'l1', 'psnr', 'ssim']);
    // Four steps of a width-4 G: far from the targets; bicubic upscaling is close to them.
    expect(output.fd).toBeGreaterThan(bicubic.fd!);
    expect(bicubic.psnr).toBeGreaterThan(15);
  });

  it('CycleGAN between vendors: distance to the other domain beside the untranslated images\' distance, and the category kept', async () => {
    const out = join(tempDir('eval'), 'cycle');
    await train('emoji-cyclegan-vendors', { out, set: [{ path: ['model', 'width'], value: 4 }, { path: ['train'], value: { ...tiny, batch: 2, stepsPerRun: 2 } }] });
    const m = (await (await openRun(out)).evaluate({ count: 12 })) as { a2b: Record<string, unknown>; b2a: Record<string, unknown>; feature_space: string };
    expect(m.feature_space).toBe('emoji');
    const toB = m.a2b.to_b as { fd: number; untranslated: { fd: number } };
    expect(Number.isFinite(toB.fd) && Number.isFinite(toB.untranslated.fd)).toBe(true);
    // Untranslated Google emoji are nearer Apple's than an untrained G's output is.
    expect(toB.untranslated.fd).toBeLessThan(toB.fd);
    const kept = m.a2b.category_kept as number;
    expect(kept).toBeGreaterThanOrEqual(0);
    expect(kept).toBeLessThanOrEqual(1);
    // The emoji network recognises most of the real inputs' categories.
    expect(m.a2b.input_category_accuracy as number).toBeGreaterThan(0.5);
  });
});

