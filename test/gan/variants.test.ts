// The GAN types beyond the plain one: their objective terms, their inputs, and that each learns
// what it exists for, measured on small 2-D runs (labels = the mode of the ring a point belongs to).
import { describe, expect, it } from 'vitest';
import { tempDir } from '../tempdir.js';
import * as E from '../../src/engine/index.js';
import { validateConfig, type GanConfig } from '../../src/config/schema.js';
import { RING8 } from '../../src/data/mixtures.js';
import { Trainer } from '../../src/gan/trainer.js';
import { buildModel } from '../../src/gan/build.js';
import { classCrossEntropy } from '../../src/gan/losses.js';
import { compileSampler, cyclingLabels, drawSamples } from '../../src/gan/sampler.js';
import { buildTrainStep, STEP_INPUTS } from '../../src/gan/step.js';
import { nearestModes } from '../../src/metrics/modes.js';
import { codeAccuracy, labelAccuracy } from '../../src/metrics/labels.js';
import { InputError } from '../../src/errors.js';

const tmp = () => tempDir('variants');

function ringConfig(model: Record<string, unknown>, train: Record<string, unknown> = {}): GanConfig {
  return validateConfig(
    {
      seed: 3,
      data: { kind: 'mixture', name: 'ring8' },
      model: { kind: 'mlp', latent: 2, gHidden: [128, 128], dHidden: [128, 128], gSlope: 0, output: 'linear', ...model },
      train: { steps: 2000, batch: 128, lrG: 1e-3, lrD: 1e-3, lrSchedule: 'linear', emaDecay: 0, checkpointEvery: 100000, sampleEvery: 100000, ...train },
    },
    'test',
  );
}

/** Trains a config and returns 800 samples drawn with labels cycling over the 8 modes, with their labels. */
async function trainAndSample(cfg: GanConfig) {
  const t = await Trainer.open(cfg, tmp());
  await t.train();
  const sampler = await compileSampler(t.model, 400, t.store);
  const labels = cyclingLabels(800, 8);
  const x = await drawSamples(sampler, 800, new E.Rng(5), labels);
  await sampler.release();
  await t.close();
  return { x, labels, predicted: nearestModes(x, RING8) };
}

describe('class-aware GAN types on the ring (label = mode)', () => {
  it('conditional GAN: samples land on the mode they were drawn for', async () => {
    const r = await trainAndSample(ringConfig({ variant: 'cgan' }));
    expect(labelAccuracy(r.predicted, r.labels)).toBeGreaterThan(0.9);
  });

  it('auxiliary-classifier GAN: samples land on the mode they were drawn for', async () => {
    const r = await trainAndSample(ringConfig({ variant: 'acgan' }));
    expect(labelAccuracy(r.predicted, r.labels)).toBeGreaterThan(0.9);
  });

  it('InfoGAN: without labels, its 8-way code comes to pick the mode', async () => {
    // No continuous code here: on a ring a continuous code (the angle) would compete for the mode.
    const r = await trainAndSample(ringConfig({ variant: 'infogan', latent: 2, codes: 0, categories: 8 }));
    // Before training the code means nothing; the best matching then agrees about 1/8 of the time.
    expect(codeAccuracy(r.predicted, r.labels, 8).accuracy).toBeGreaterThan(0.9);
  });
});

describe('GAN type objectives', () => {
  it('class cross-entropy is the mean negative log-softmax of the true class', async () => {
    const logits = [2, 0, -1, 0.5, 0.5, 3];
    const labels = [0n, 2n];
    const t = classCrossEntropy(E.constant(logits, [2, 3]), E.constant(labels.map(Number), [2], 'int64'));
    const p = await E.Program.compile({ outputs: { t } }, new E.StateStore());
    const got = ((await p.run()).t!.data as Float32Array)[0]!;
    const lse = (r: number[]) => Math.log(r.reduce((a, v) => a + Math.exp(v), 0));
    const want = (lse(logits.slice(0, 3)) - 2 + (lse(logits.slice(3)) - 3)) / 2;
    expect(got).toBeCloseTo(want, 6);
  });

  it('labelled types take the real batch labels and draw labels for generated samples; InfoGAN only the latter', () => {
    const cfg = ringConfig({ variant: 'cgan' });
    const step = (variant: string) => {
      const c = ringConfig({ variant, ...(variant === 'infogan' ? { latent: 3, codes: 1, categories: 8 } : {}) });
      const b = buildTrainStep(buildModel(c.model, { shape: [2], classes: 8 }), { ...baseStep(cfg) });
      return E.programInputs(b.spec).map((i) => `${i.name}:${i.dtype}`);
    };
    expect(step('gan')).not.toContain(`${STEP_INPUTS.fakeLabels}:int64`);
    expect(step('cgan')).toEqual(expect.arrayContaining([`${STEP_INPUTS.realLabels}:int64`, `${STEP_INPUTS.fakeLabels}:int64`]));
    expect(step('acgan')).toEqual(expect.arrayContaining([`${STEP_INPUTS.realLabels}:int64`, `${STEP_INPUTS.fakeLabels}:int64`]));
    expect(step('infogan')).toContain(`${STEP_INPUTS.fakeLabels}:int64`);
    expect(step('infogan')).not.toContain(`${STEP_INPUTS.realLabels}:int64`);
  });

  it('refuses a labelled type on data without labels, by name', () => {
    const cfg = ringConfig({ variant: 'acgan' });
    expect(() => buildModel(cfg.model, { shape: [2], kind: 'csv' })).toThrow(
      new InputError('model.variant "acgan" needs labelled data (mnist, fashion, or the mixtures ring8 and grid25, labelled by mode); data of kind "csv" has no labels'),
    );
    expect(() => buildModel(ringConfig({ variant: 'cgan', pack: 2 }).model, { shape: [2], classes: 8 })).toThrow(
      'model.pack must be 1 for model.variant "cgan" (packing mixes the labels of several samples)',
    );
    expect(() => buildModel(ringConfig({ variant: 'infogan', latent: 2, codes: 2 }).model, { shape: [2] })).toThrow(
      'model.codes (2) must be less than model.latent (2): the continuous codes are part of z',
    );
  });
});

function baseStep(cfg: GanConfig) {
  const opt = { kind: 'adam' as const, lr: 1e-3 };
  return { batch: cfg.train.batch, loss: cfg.train.loss, dSteps: 1, realLabel: 1, gpWeight: 10, r1Gamma: 0, weightClip: 0, emaDecay: 0, joinRealFake: true, optG: opt, optD: opt };
}

describe('Laplacian-pyramid GAN', () => {
  const lap = () => buildModel(validateConfig({ data: { kind: 'mnist' }, model: { kind: 'lapgan', latent: 8, width: 4 } }, 't').model, { shape: [1, 28, 28] });
  // The per-level generators (G is a Networks of level0..level2).
  const levels = (model: ReturnType<typeof lap>) => (model.G as unknown as { parts: Record<string, { call: (t: E.Tensor, c: E.StateTrace) => E.Tensor }> }).parts;

  it('refuses input-gradient penalties and images it cannot halve twice, by name', () => {
    const m = validateConfig({ data: { kind: 'mnist' }, model: { kind: 'lapgan' } }, 't').model;
    expect(() => buildModel(m, { shape: [1, 28, 28] }, { loss: 'wgan-gp', r1Gamma: 0 })).toThrow(
      new InputError('model "lapgan" does not support train.loss "wgan-gp"; use another loss or R1 off'),
    );
    expect(() => buildModel(m, { shape: [1, 30, 30] })).toThrow(
      new InputError('model "lapgan" builds a 3-level pyramid of images whose size is divisible by 4; the data\'s samples have shape [1, 30, 30]'),
    );
    // Sizes whose halves are odd build consistent discriminators (36 -> 18 -> 9 -> 4).
    const big = buildModel(m, { shape: [3, 36, 44] });
    const trace = new E.StateTrace(true);
    const x = E.input('x', [2, 3, 36, 44]);
    expect(big.discriminate(big.realInput(x), undefined, trace).logit.shape).toEqual([2, 3]);
  });

  it('composes the pyramid: a sample is the coarse image upsampled twice plus each level residual', async () => {
    const model = lap();
    expect(model.latentShape).toEqual([8 + 14 * 14 + 28 * 28]);
    const trace = new E.StateTrace(false);
    const z = E.input('z', [3, ...model.latentShape]);
    const x = model.sample(z, undefined, trace);
    // The same networks called level by level, by hand.
    const parts = levels(model);
    const z0 = E.slice(z, [0], [8], [1]);
    const n1 = E.reshape(E.slice(z, [8], [8 + 196], [1]), [3, 1, 14, 14]);
    const n2 = E.reshape(E.slice(z, [8 + 196], [8 + 196 + 784], [1]), [3, 1, 28, 28]);
    const c14 = E.upsample(parts.level0!.call(z0, trace), 2, 'bilinear');
    const i14 = E.add(c14, parts.level1!.call(E.concat([c14, n1], 1), trace));
    const c28 = E.upsample(i14, 2, 'bilinear');
    const byHand = E.clip(E.add(c28, parts.level2!.call(E.concat([c28, n2], 1), trace)), -1, 1);
    const store = new E.StateStore();
    E.initState(store, trace.declared(), new E.Rng(1));
    const p = await E.Program.compile({ outputs: { x, byHand, c28 } }, store);
    const out = await p.run({ z: new E.Rng(2).normal(3 * model.latentShape[0]!) });
    const a = out.x!.data as Float32Array;
    expect(out.x!.shape).toEqual([3, 1, 28, 28]);
    expect(Array.from(a)).toEqual(Array.from(out.byHand!.data as Float32Array));
    // The finest residual is not zero: the last level adds detail to the upsampled image.
    const c = out.c28!.data as Float32Array;
    expect(a.some((v, i) => Math.abs(v - Math.max(-1, Math.min(1, c[i]!))) > 1e-3)).toBe(true);
  });

  it("the middle level's generator sees the whole 14x14 image from its centre; the finest sees 9x9 pixels", async () => {
    const parts = levels(lap());
    // How many pixels of the condition channel the centre output pixel depends on.
    const seen = async (level: string, size: number) => {
      const trace = new E.StateTrace(true);
      const x = E.input('x', [1, 2, size, size]);
      const m = size / 2;
      const centre = E.reduceSum(E.slice(parts[level]!.call(x, trace), [m, m], [m + 1, m + 1], [2, 3]));
      const [g] = E.grad(centre, [x]);
      const store = new E.StateStore();
      E.initState(store, trace.declared(), new E.Rng(1));
      const p = await E.Program.compile({ outputs: { g: g! } }, store);
      const d = (await p.run({ x: new E.Rng(2).normal(2 * size * size) })).g!.data as Float32Array;
      return d.subarray(0, size * size).filter((v) => v !== 0).length;
    };
    expect(await seen('level1', 14)).toBe(14 * 14);
    expect(await seen('level2', 28)).toBe(9 * 9);
  });

  it('shows each discriminator its level of the real image with the upsampled coarser level as condition', async () => {
    const model = lap();
    const x = E.input('x', [2, 1, 28, 28]);
    const packed = model.realInput(x);
    expect(packed.shape).toEqual([2, 49 + 2 * 196 + 2 * 784]);
    const p = await E.Program.compile({ outputs: { packed } }, new E.StateStore());
    const img = new E.Rng(3).fillUniform(new Float32Array(2 * 784), -1, 1);
    const got = (await p.run({ x: img })).packed!.data as Float32Array;
    // Level 0 of sample 1, pixel (2, 5): the mean of the 4x4 block of the 28x28 image.
    let mean = 0;
    for (let dy = 0; dy < 4; dy++) for (let dx = 0; dx < 4; dx++) mean += img[784 + (2 * 4 + dy) * 28 + 5 * 4 + dx]!;
    expect(got[2009 + 2 * 7 + 5]).toBeCloseTo(mean / 16, 5);
    // The finest level holds the image itself.
    const at28 = 2009 + 49 + 2 * 196;
    expect(Array.from(got.subarray(at28, at28 + 784))).toEqual(Array.from(img.subarray(784, 1568)));
  });
});
