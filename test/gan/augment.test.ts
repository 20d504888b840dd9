// DiffAugment: each op's output for given draws, its gradient, and training with it (src/gan/augment.ts).
import { describe, expect, it } from 'vitest';
import * as E from '../../src/engine/index.js';
import type { Tensor } from '../../src/engine/index.js';
import { color, cutout, diffAugment, translation } from '../../src/gan/augment.js';
import { validateConfig, type GanConfig } from '../../src/config/schema.js';
import { preset, PRESET_NAMES } from '../../src/config/presets.js';
import { Trainer } from '../../src/gan/trainer.js';
import { readCheckpoint } from '../../src/run/checkpoint.js';
import { RunDir } from '../../src/run/rundir.js';
import { tempDir } from '../tempdir.js';
import { gradCheck } from '../engine/gradcheck.js';
import { buildTrainStep, type StepConfig } from '../../src/gan/step.js';
import { defineRecipe, field, normal } from '../../src/gan/recipe.js';
import { Linear } from '../../src/nn/layers.js';
import { Sequential, type Ctx } from '../../src/nn/module.js';

/** Runs op(x, u) on constants and returns its values. */
async function apply(op: (x: Tensor, u: Tensor) => Tensor, x: number[], shape: number[], u: number[]): Promise<number[]> {
  const y = op(E.constant(x, shape), E.constant(u, [shape[0]!, u.length / shape[0]!]));
  const prog = await E.Program.compile({ outputs: { y } }, new E.StateStore(), { threads: 1 });
  const r = await prog.run({});
  await prog.release();
  return Array.from(r.y!.data as Float32Array);
}

const range = (n: number, from = 1) => Array.from({ length: n }, (_, i) => i + from);
/** 1 everywhere except 0 at the given [row, col] cells of an h x w image. */
const holes = (h: number, w: number, cut: [number, number][]) =>
  range(h * w, 0).map((at) => (cut.some(([r, c]) => r * w + c === at) ? 0 : 1));

describe('DiffAugment ops', () => {
  it('translation shifts each sample by whole pixels with zero padding (up to 1/8 of the side, rounded)', async () => {
    // 4x4: shifts -1..1, floor(u * 3) - 1. Sample 0: +1 in H, -1 in W; sample 1: 0 in H, +1 in W
    // (0.99999994, the largest float32 below 1, still picks the last shift).
    const y = await apply(translation, range(32), [2, 1, 4, 4], [0.9, 0.1, 0.5, 0.99999994]);
    expect(y).toEqual([
      0, 5, 6, 7, 0, 9, 10, 11, 0, 13, 14, 15, 0, 0, 0, 0,
      18, 19, 20, 0, 22, 23, 24, 0, 26, 27, 28, 0, 30, 31, 32, 0,
    ]);
  });

  it('translation on 32x32 reaches 4 pixels each way and no further', async () => {
    const x = range(32 * 32);
    const y = await apply(translation, x, [1, 1, 32, 32], [0, 0.5]);
    // floor(0 * 9) - 4 = -4 in H: row i shows row i - 4, the first four rows are zero.
    expect(y.slice(0, 4 * 32).every((v) => v === 0)).toBe(true);
    expect(y.slice(4 * 32)).toEqual(x.slice(0, 28 * 32));
  });

  it('cutout zeroes a square of half the side centred at the drawn position, clipped at the edges', async () => {
    // 6x6: a 3x3 cut centred at floor(u * 6). Sample 0 at (0, 5): rows 0-1, cols 4-5; sample 1 at (3, 2): rows 2-4, cols 1-3.
    const y = await apply(cutout, new Array<number>(72).fill(1), [2, 1, 6, 6], [0, 0.99, 0.5, 0.4]);
    const block = (rows: number[], cols: number[]) => rows.flatMap((r) => cols.map((c) => [r, c] as [number, number]));
    expect(y.slice(0, 36)).toEqual(holes(6, 6, block([0, 1], [4, 5])));
    expect(y.slice(36)).toEqual(holes(6, 6, block([2, 3, 4], [1, 2, 3])));
  });

  it('cutout of an even size can centre one past the last pixel (as the reference code does)', async () => {
    // 4x4: a 2x2 cut centred at floor(u * 5) covering centre - 1 .. centre; centre (4, 0) leaves the corner (3, 0).
    const y = await apply(cutout, new Array<number>(32).fill(2), [1, 2, 4, 4], [0.99, 0]);
    const one = holes(4, 4, [[3, 0]]).map((v) => 2 * v);
    expect(y).toEqual([...one, ...one]);
  });

  it('color: brightness + (u0 - 0.5), saturation x 2 u1 around the channel mean, contrast x (u2 + 0.5) around the image mean', async () => {
    // Channels [0.2, -0.4], [0.6, 0], [-0.2, 0.4]; +0.2 brightness, saturation x0.5, contrast x1.25 (worked out in the comments below).
    // brightness: [0.4, -0.2], [0.8, 0.2], [0, 0.6]; pixel means 0.4, 0.2
    // saturation: [0.4, 0], [0.6, 0.2], [0.2, 0.4]; image mean 0.3
    // contrast:   [0.425, -0.075], [0.675, 0.175], [0.175, 0.425]
    const y = await apply(color, [0.2, -0.4, 0.6, 0, -0.2, 0.4], [1, 3, 1, 2], [0.7, 0.25, 0.75]);
    const want = [0.425, -0.075, 0.675, 0.175, 0.175, 0.425];
    y.forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 6));
  });

  const draws = (n: number, k: number, seed: number) => E.constant(new E.Rng(seed).fillUniform(new Float32Array(n * k)), [n, k]);
  for (const [name, op, k] of [['color', color, 3], ['translation', translation, 2], ['cutout', cutout, 2]] as const) {
    it(`${name}: the gradient with respect to the image matches finite differences`, async () => {
      const r = await gradCheck((x) => op(x!, draws(3, k, 5)), [{ shape: [3, 3, 8, 6] }], { directions: 4 });
      expect(r.maxError).toBeLessThan(1);
    });
  }

  it('all three in a row: gradient against finite differences', async () => {
    const u = { color: draws(2, 3, 1), translation: draws(2, 2, 2), cutout: draws(2, 2, 3) };
    const r = await gradCheck((x) => diffAugment(x!, ['color', 'translation', 'cutout'], (p) => u[p]), [{ shape: [2, 3, 8, 8] }]);
    expect(r.maxError).toBeLessThan(1);
  });
});

/** A small MLP GAN on MNIST: images through an augmenting D in a few seconds. */
function mnistConfig(diffAugment: string[], over: Record<string, unknown> = {}): GanConfig {
  return validateConfig(
    {
      seed: 5,
      data: { kind: 'mnist' },
      model: { kind: 'mlp', latent: 8, gHidden: [16], dHidden: [16] },
      train: { steps: 12, batch: 8, stepsPerRun: 4, checkpointEvery: 6, sampleEvery: 1000, diffAugment, ...over },
    },
    'test',
  );
}

async function trainTo(cfg: GanConfig, dir: string, steps?: number, resume = false) {
  const t = await Trainer.open(cfg, dir, { resume });
  await t.train(steps === undefined ? {} : { steps });
  await t.close();
  return readCheckpoint(new RunDir(dir).checkpointPath(steps ?? cfg.train.steps));
}

describe('training with train.diffAugment', () => {
  it('is refused for samples that are not images, naming the shape', async () => {
    const cfg = validateConfig({ data: { kind: 'mixture', name: 'ring8' }, model: { kind: 'mlp' }, train: { diffAugment: ['translation'] } }, 'test');
    await expect(Trainer.open(cfg, tempDir('augment'))).rejects.toThrow('train.diffAugment augments images [C, H, W]; model "gan" has D judge samples of shape [2]');
  });

  it('rejects an unknown policy and a policy listed twice', () => {
    expect(() => mnistConfig(['colour'])).toThrow('"train.diffAugment.0": expected one of "color", "translation", "cutout", got "colour"');
    expect(() => mnistConfig(['cutout', 'cutout'])).toThrow('"train.diffAugment": lists a policy twice');
  });

  it('changes the training (D sees augmented images) and resumes to exactly the uninterrupted run', async () => {
    const plain = await trainTo(mnistConfig([]), tempDir('augment'));
    const cfg = mnistConfig(['color', 'translation', 'cutout']);
    const whole = await trainTo(cfg, tempDir('augment'));
    const same = (a: { data: ArrayBufferView }, b: { data: ArrayBufferView }) => Buffer.from(a.data.buffer).equals(Buffer.from(b.data.buffer));
    const dWeights = Object.keys(plain.tensors).filter((k) => /^D\..*weight$/.test(k));
    expect(dWeights.length).toBeGreaterThan(0);
    for (const k of dWeights) expect(same(whole.tensors[k]!, plain.tensors[k]!), k).toBe(false);
    // Stopped at step 6 (mid-call of 4 steps) and resumed: every tensor and stream as in one go.
    const split = tempDir('augment');
    await trainTo(cfg, split, 6);
    const resumed = await trainTo(cfg, split, undefined, true);
    expect(Object.keys(resumed.tensors).sort()).toEqual(Object.keys(whole.tensors).sort());
    for (const [name, t] of Object.entries(whole.tensors)) expect(same(resumed.tensors[name]!, t), name).toBe(true);
    expect(resumed.meta).toEqual(whole.meta);
  });
});

describe('DiffAugment in the step library', () => {
  it('gives each batch D judges its own draws, and a pair (Pix2Pix) one set for both images', async () => {
    const cfg = validateConfig(
      { data: { kind: 'mnist', task: 'inpaint-bottom' }, model: { kind: 'pix2pix', width: 4 }, train: { steps: 2, batch: 4, stepsPerRun: 2, dSteps: 2, sampleEvery: 1000, diffAugment: ['translation', 'cutout'] } },
      'test',
    );
    const t = await Trainer.open(cfg, tempDir('augment'));
    // Two D steps (real and generated pairs each) and the G step: five batches, two policies each;
    // the input image of a pair shares its target's or output's draws.
    const names = t.built.inputs.filter((i) => i.name.startsWith('augment.')).map((i) => `${i.name} [${i.shape.join(', ')}]`);
    expect(names).toEqual([0, 1, 2, 3, 4].flatMap((c) => [`augment.${c}.translation [4, 2]`, `augment.${c}.cutout [4, 2]`]));
    const r = await t.train();
    await t.close();
    expect(r).toMatchObject({ step: 2, stoppedBy: 'steps' });
  });
});

describe('DiffAugment on every image preset', () => {
  // The fashion-* presets are their mnist-* twins on data that takes seconds to parse.
  const images = PRESET_NAMES.filter((name) => !['mixture', 'csv', 'table', 'fashion'].includes(preset(name).data.kind));
  it.each(images)('%s builds its training step with all three policies', async (name) => {
    const cfg = preset(name);
    const withAugment = { ...cfg, train: { ...cfg.train, diffAugment: ['color', 'translation', 'cutout'] as const } } as GanConfig;
    const open = Trainer.open(withAugment, tempDir('augment'));
    if (cfg.data.kind === 'moving-mnist') {
      await expect(open).rejects.toThrow('train.diffAugment augments images [C, H, W]; model "video" has D judge samples of shape [8, 1, 32, 32]');
      return;
    }
    const t = await open;
    const augmentInputs = t.built.inputs.filter((i) => i.name.startsWith('augment.'));
    await t.close();
    // At least the real and generated batches of each D step and the G step's, three policies each.
    expect(augmentInputs.length).toBeGreaterThanOrEqual(3 * (2 * cfg.train.dSteps + 1));
  });
});

describe('DiffAugment of a pair', () => {
  it('augments the image D is given with the draws of the image it judges (every policy), so the pair stays aligned', async () => {
    // D's logit is w * sum((judged - given)^2) + b. The real pair is (x, x): aligned augmentation
    // leaves the difference exactly 0, so D's verdict on real pairs is sigmoid(b) whatever the draws.
    const n = 4;
    const G = new Sequential([new Linear(16, 16)]).named('G');
    const D = new Sequential([new Linear(1, 1)]).named('D');
    const judge = (image: Tensor, ctx: Ctx, given: Tensor) => D.call(E.reshape(E.reduceSum(E.square(E.sub(image, given)), [1, 2, 3]), [image.shape[0]!, 1]), ctx);
    const recipe = defineRecipe({
      type: 'pairs',
      G,
      D,
      inputs: { x: field('x'), z: normal(16) },
      generate: ({ z }, ctx) => ({ y: E.reshape(G.call(z, ctx), [n, 1, 4, 4]) }),
      dLoss: ({ x }, { y }, adv) => adv.d(judge, x, y, [x]).loss,
      gLoss: ({ x }, { y }, adv) => adv.g(judge, y, [x]).loss,
    });
    const opt = { kind: 'adam' as const, lr: 1e-2 };
    const cfg: StepConfig = { batch: n, loss: 'nonsaturating', dSteps: 1, realLabel: 1, gpWeight: 10, r1Gamma: 0, weightClip: 0, emaDecay: 0, optG: opt, optD: opt, diffAugment: ['color', 'translation', 'cutout'] };
    const built = buildTrainStep(recipe, { x: { shape: [1, 4, 4], dtype: 'float32' } }, cfg);
    const store = new E.StateStore();
    E.initState(store, built.trace.declared(), new E.Rng(1));
    const b = store.floats('D.0.bias')[0]!;
    const rng = new E.Rng(2);
    const feeds: Record<string, E.Feed> = { x: rng.normal(n * 16), z: rng.normal(n * 16), lr_G: 1e-2, lr_D: 1e-2 };
    for (const i of built.inputs) if (i.name.startsWith('augment.')) feeds[i.name] = rng.fillUniform(new Float32Array(n * i.shape[1]!));
    const p = await E.Program.compile(built.spec, store, { threads: 1 });
    const out = await p.run(feeds);
    await p.release();
    expect((out.d_real!.data as Float32Array)[0]).toBeCloseTo(1 / (1 + Math.exp(-b)), 6);
    // The generated pair differs, and D sees it differ.
    expect(Math.abs((out.d_fake!.data as Float32Array)[0]! - 1 / (1 + Math.exp(-b)))).toBeGreaterThan(1e-3);
  });
});
