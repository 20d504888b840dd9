// The GAN types beyond the plain one: their objective terms, their inputs, and that each learns
// what it exists for, measured on small 2-D runs (labels = the mode of the ring a point belongs to).
import { describe, expect, it } from 'vitest';
import { tempDir } from '../tempdir.js';
import * as E from '../../src/engine/index.js';
import { validateConfig, type GanConfig } from '../../src/config/schema.js';
import { RING8 } from '../../src/data/mixtures.js';
import { Trainer } from '../../src/gan/trainer.js';
import { buildRecipe, type DataInfo } from '../../src/gan/registry.js';
import { defineRecipe, field, normal, type GanRecipe, type InputSpec } from '../../src/gan/recipe.js';
import { silentAdversary, type ShownToD } from './adversary.js';
import { classCrossEntropy } from '../../src/gan/losses.js';
import { compileSampler, cyclingLabels, drawSamples } from '../../src/gan/sampler.js';
import { buildTrainStep } from '../../src/gan/step.js';
import { nearestModes } from '../../src/metrics/modes.js';
import { codeAccuracy, labelAccuracy } from '../../src/metrics/labels.js';
import { InputError } from '../../src/errors.js';

const tmp = () => tempDir('types');

/** What the types are told about ring8: 2-D points labelled by mode. */
const RING_INFO: DataInfo = { kind: 'mixture', fields: { x: { shape: [2], dtype: 'float32' }, y: { shape: [], dtype: 'int64' } }, shape: [2], classes: 8 };
const imagesInfo = (shape: number[]): DataInfo => ({ kind: 'mnist', fields: { x: { shape, dtype: 'float32' } }, shape });

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
  const sampler = await compileSampler(t.recipe, 400, t.store);
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

  it('labelled types take the real batch labels and draw labels for generated samples; InfoGAN only the latter (its code)', () => {
    const cfg = ringConfig({ variant: 'cgan' });
    const step = (variant: string) => {
      const c = ringConfig({ variant, ...(variant === 'infogan' ? { latent: 3, codes: 1, categories: 8 } : {}) });
      const b = buildTrainStep(buildRecipe(c.model, RING_INFO), RING_INFO.fields, { ...baseStep(cfg) });
      return E.programInputs(b.spec).map((i) => `${i.name}:${i.dtype}`).sort();
    };
    expect(step('gan')).toEqual(['lr_D:float32', 'lr_G:float32', 'x:float32', 'z:float32']);
    expect(step('cgan')).toEqual(['lr_D:float32', 'lr_G:float32', 'x:float32', 'y:int64', 'yFake:int64', 'z:float32']);
    expect(step('acgan')).toEqual(['lr_D:float32', 'lr_G:float32', 'x:float32', 'y:int64', 'yFake:int64', 'z:float32']);
    expect(step('infogan')).toEqual(['c:int64', 'lr_D:float32', 'lr_G:float32', 'x:float32', 'z:float32']);
  });

  it('refuses a labelled type on data without labels, by name', () => {
    const cfg = ringConfig({ variant: 'acgan' });
    expect(() => buildRecipe(cfg.model, { kind: 'csv', fields: { x: RING_INFO.fields.x! }, shape: [2] })).toThrow(
      new InputError('model.variant "acgan" needs labelled data (mnist, fashion, or the mixtures ring8 and grid25, labelled by mode); data of kind "csv" has no labels'),
    );
    expect(() => buildRecipe(ringConfig({ variant: 'cgan', pack: 2 }).model, RING_INFO)).toThrow(
      'model.pack must be 1 for model.variant "cgan" (packing mixes the labels of several samples)',
    );
    expect(() => buildRecipe(ringConfig({ variant: 'infogan', latent: 2, codes: 2 }).model, RING_INFO)).toThrow(
      'model.codes (2) must be less than model.latent (2): the continuous codes are part of z',
    );
  });
});

describe('PacGAN packing of DCGAN images', () => {
  it('D judges consecutive images stacked along the channels, each group on its own', async () => {
    const m = validateConfig({ data: { kind: 'stacked-mnist' }, model: { kind: 'dcgan', width: 16, pack: 2 } }, 't').model;
    const recipe = buildRecipe(m, imagesInfo([3, 28, 28]));
    const firstConv = recipe.D.parameters().find((p) => p.shape.length === 4)!;
    expect(firstConv.shape).toEqual([8, 6, 4, 4]); // 2 images x 3 channels in
    const trace = new E.StateTrace(false);
    const x = E.input('x', [4, 3, 28, 28]);
    const logits = recipe.D.call(x, trace);
    expect(logits.shape).toEqual([2, 1]);
    const store = new E.StateStore();
    E.initState(store, trace.declared(), new E.Rng(2));
    const prog = await E.Program.compile({ outputs: { logits } }, store);
    const img = (seed: number) => new E.Rng(seed).normal(3 * 784);
    const [a, b, c, d, e, f] = [img(1), img(2), img(3), img(4), img(5), img(6)];
    const judge = async (...xs: Float32Array[]) => Array.from((await prog.run({ x: Float32Array.from(xs.flatMap((v) => Array.from(v))) })).logits!.data as Float32Array);
    const abcd = await judge(a, b, c, d);
    const abef = await judge(a, b, e, f);
    const bacd = await judge(b, a, c, d);
    await prog.release();
    expect(abef[0]).toBeCloseTo(abcd[0]!, 5); // the group (a, b) is judged the same whatever follows it
    expect(bacd[1]).toBeCloseTo(abcd[1]!, 5);
    expect(Math.abs(bacd[0]! - abcd[0]!)).toBeGreaterThan(1e-4); // a's channels come first, then b's
    expect(() => buildRecipe(validateConfig({ data: { kind: 'stacked-mnist' }, model: { kind: 'dcgan', variant: 'cgan', pack: 2 } }, 't').model, { ...imagesInfo([3, 28, 28]), classes: 1000 })).toThrow(
      'model.pack must be 1 for model.variant "cgan" (packing mixes the labels of several samples)',
    );
  });
});

describe('declared inputs', () => {
  const recipe = (inputs: Record<string, InputSpec>) =>
    defineRecipe({
      ...buildRecipe(ringConfig({}).model, RING_INFO),
      type: 'test',
      inputs,
    });

  it('a data field the data does not have is refused by name, with the fields it has', () => {
    expect(() => buildTrainStep(recipe({ x: field('x'), z: normal(2), pairs: field('input') }), RING_INFO.fields, baseStep(ringConfig({})))).toThrow(
      new InputError('model "test" needs the data field "input"; the data gives "x", "y"'),
    );
  });

  it('one data field declared as two inputs is refused (one draw fills each field once)', () => {
    expect(() => buildTrainStep(recipe({ x: field('x'), again: field('x'), z: normal(2) }), RING_INFO.fields, baseStep(ringConfig({})))).toThrow(
      'model "test" declares the data field "x" as two inputs; declare it once',
    );
  });
});

function baseStep(cfg: GanConfig) {
  const opt = { kind: 'adam' as const, lr: 1e-3 };
  return { batch: cfg.train.batch, loss: cfg.train.loss, dSteps: 1, realLabel: 1, gpWeight: 10, r1Gamma: 0, weightClip: 0, emaDecay: 0, optG: opt, optD: opt };
}

describe('Laplacian-pyramid GAN', () => {
  const lap = () => buildRecipe(validateConfig({ data: { kind: 'mnist' }, model: { kind: 'lapgan', latent: 8, width: 4 } }, 't').model, imagesInfo([1, 28, 28]));
  // The per-level generators (G is a Networks of level0..level2).
  const levels = (model: GanRecipe) => (model.G as unknown as { parts: Record<string, { call: (t: E.Tensor, c: E.StateTrace) => E.Tensor }> }).parts;
  // A module's parameter count.
  const count = (m: { parameters(): { shape: number[] }[] }) => m.parameters().reduce((s, p) => s + p.shape.reduce((a, b) => a * b, 1), 0);

  it('refuses input-gradient penalties and images it cannot halve twice, by name', () => {
    const m = validateConfig({ data: { kind: 'mnist' }, model: { kind: 'lapgan' } }, 't').model;
    const info = imagesInfo([1, 28, 28]);
    const penalised = { ...baseStep(ringConfig({})), loss: 'wgan-gp' as const };
    expect(() => buildTrainStep(buildRecipe(m, info), info.fields, penalised)).toThrow(
      new InputError('model "lapgan" does not support train.loss "wgan-gp": an input-gradient penalty would have to be taken per level, with respect to the level\'s image only; use another loss or R1 off'),
    );
    expect(() => buildRecipe(m, imagesInfo([1, 30, 30]))).toThrow(
      new InputError('model "lapgan" builds a 3-level pyramid of images whose size is divisible by 4; the data\'s samples have shape [1, 30, 30]'),
    );
    // Sizes whose halves are odd build consistent discriminators (36 -> 18 -> 9 -> 4).
    const big = buildRecipe(m, imagesInfo([3, 36, 44]));
    const trace = new E.StateTrace(true);
    const batch = { x: E.input('x', [2, 3, 36, 44]), z: E.input('z', [2, 100 + 18 * 22 + 36 * 44]) };
    const adv = silentAdversary(trace);
    big.dLoss(batch, big.generate(batch, trace), adv);
    expect(adv.shown.map((s) => s.logit.shape)).toEqual([[2, 1], [2, 1], [2, 1]]);
  });

  it('model.coarseWidth sets the channels of the coarsest generator and discriminator', () => {
    const build = (coarseWidth?: number) =>
      buildRecipe(validateConfig({ data: { kind: 'mnist' }, model: { kind: 'lapgan', latent: 8, width: 4, coarseWidth } }, 't').model, imagesInfo([1, 28, 28]));
    const level0 = (r: GanRecipe, net: 'G' | 'D') => (r[net] as unknown as { parts: Record<string, { parameters(): { shape: number[] }[] }> }).parts.level0!;
    // G: Linear(8 -> w 49, no bias), BN(w 49), conv3(w -> w/2, no bias), BN(w/2), conv3(w/2 -> 1) + bias.
    const g = (w: number) => 8 * w * 49 + 2 * w * 49 + 9 * w * (w / 2) + 2 * (w / 2) + 9 * (w / 2) + 1;
    // D: conv3(1 -> w/2) + bias, conv3(w/2 -> w) + bias, Linear(w 49 -> 1) + bias.
    const d = (w: number) => 9 * (w / 2) + w / 2 + 9 * (w / 2) * w + w + w * 49 + 1;
    expect(count(level0(build(), 'G'))).toBe(g(64));
    expect(count(level0(build(128), 'G'))).toBe(g(128));
    expect(count(level0(build(128), 'D'))).toBe(d(128));
    expect(() => build(33)).toThrow(/model.coarseWidth/);
  });

  it('model.coarsePack packs the coarsest level alone: D0 judges pairs of 7x7 images, the finer Ds single images', () => {
    const build = (coarsePack: number) =>
      buildRecipe(validateConfig({ data: { kind: 'mnist' }, model: { kind: 'lapgan', latent: 8, width: 4, coarseWidth: 16, coarsePack } }, 't').model, imagesInfo([1, 28, 28]));
    const d0 = (r: GanRecipe) => count((r.D as unknown as { parts: Record<string, { parameters(): { shape: number[] }[] }> }).parts.level0!);
    // Only D0's first conv grows: conv3(1 -> 8) becomes conv3(2 -> 8).
    expect(d0(build(2)) - d0(build(1))).toBe(9 * 8);
    const model = build(2);
    const trace = new E.StateTrace(true);
    const batch = (n: number) => ({ x: E.input('x', [n, 1, 28, 28]), z: E.input('z', [n, 8 + 14 * 14 + 28 * 28]) });
    const adv = silentAdversary(trace);
    model.dLoss(batch(4), model.generate(batch(4), trace), adv);
    expect(adv.shown.map((s) => s.logit.shape)).toEqual([[2, 1], [4, 1], [4, 1]]);
    expect(() => model.dLoss(batch(3), model.generate(batch(3), trace), silentAdversary(trace))).toThrow(
      new InputError('model.coarsePack 2 must divide the batch size 3'),
    );
  });

  it('model.condition: "generated" lets a finer level train the coarser generators, "generated-detached" does not', async () => {
    // How much the middle level's image moves with the coarse noise, which reaches it only through G0's image.
    const reach = async (condition: 'generated' | 'generated-detached') => {
      const model = buildRecipe(validateConfig({ data: { kind: 'mnist' }, model: { kind: 'lapgan', latent: 8, width: 4, condition } }, 't').model, imagesInfo([1, 28, 28]));
      const trace = new E.StateTrace(true);
      const batch = { x: E.input('x', [2, 1, 28, 28]), z: E.input('z', [2, 8 + 196 + 784]) };
      const fake = model.generate(batch, trace);
      const [g] = E.grad(E.reduceSum(fake.image1!), [batch.z]);
      const store = new E.StateStore();
      E.initState(store, trace.declared(), new E.Rng(1));
      const p = await E.Program.compile({ outputs: { g: g!, cond1: fake.cond1! } }, store);
      const out = await p.run({ z: new E.Rng(2).normal(2 * 988) });
      const gz = out.g!.data as Float32Array;
      const coarse = [...gz.subarray(0, 8), ...gz.subarray(988, 988 + 8)];
      return { coarse: Math.max(...coarse.map(Math.abs)), plane: Math.max(...gz.subarray(8, 8 + 196).map(Math.abs)), cond1: Array.from(out.cond1!.data as Float32Array) };
    };
    const joint = await reach('generated');
    const detached = await reach('generated-detached');
    expect(joint.coarse).toBeGreaterThan(1e-3);
    expect(detached.coarse).toBe(0);
    // The middle level's own noise plane still reaches its image, and both see the same condition.
    expect(detached.plane).toBeGreaterThan(1e-3);
    expect(detached.cond1).toEqual(joint.cond1);
  });

  it('composes the pyramid: a sample is the coarse image upsampled twice plus each level residual', async () => {
    const model = lap();
    const latent = model.sampler!.latent;
    expect(latent).toEqual([8 + 14 * 14 + 28 * 28]);
    const trace = new E.StateTrace(false);
    const z = E.input('z', [3, ...latent]);
    const x = model.sampler!.sample(z, undefined, trace);
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
    const out = await p.run({ z: new E.Rng(2).normal(3 * latent[0]!) });
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
    const trace = new E.StateTrace(true);
    const batch = { x: E.input('x', [2, 1, 28, 28]), z: E.input('z', [2, 8 + 196 + 784]) };
    const adv = silentAdversary(trace);
    model.dLoss(batch, model.generate(batch, trace), adv);
    const [l0, l1, l2] = adv.shown as [ShownToD, ShownToD, ShownToD];
    expect([l0.real!.shape, l1.real!.shape, l2.real!.shape]).toEqual([[2, 1, 7, 7], [2, 1, 14, 14], [2, 1, 28, 28]]);
    expect([l0.given.length, l1.given[0]!.shape, l2.given[0]!.shape]).toEqual([0, [2, 1, 14, 14], [2, 1, 28, 28]]);
    const p = await E.Program.compile({ outputs: { level0: l0.real!, level2: l2.real!, cond1: l1.given[0]!, up0: E.upsample(l0.real!, 2, 'bilinear') } }, new E.StateStore());
    const img = new E.Rng(3).fillUniform(new Float32Array(2 * 784), -1, 1);
    const got = await p.run({ x: img });
    // Level 0 of sample 1, pixel (2, 5): the mean of the 4x4 block of the 28x28 image.
    let mean = 0;
    for (let dy = 0; dy < 4; dy++) for (let dx = 0; dx < 4; dx++) mean += img[784 + (2 * 4 + dy) * 28 + 5 * 4 + dx]!;
    expect((got.level0!.data as Float32Array)[49 + 2 * 7 + 5]).toBeCloseTo(mean / 16, 5);
    // The middle level's condition is the coarsest level upsampled; the finest level is the image itself.
    expect(Array.from(got.cond1!.data as Float32Array)).toEqual(Array.from(got.up0!.data as Float32Array));
    expect(Array.from(got.level2!.data as Float32Array)).toEqual(Array.from(img));
  });
});
