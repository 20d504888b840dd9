// The paired image-to-image types (Pix2Pix, SRGAN): their shapes, G's content terms, what they
// refuse, and that a short SRGAN run beats bicubic upscaling on held-out digits.
import { describe, expect, it } from 'vitest';
import { tempDir } from '../tempdir.js';
import * as E from '../../src/engine/index.js';
import { validateConfig } from '../../src/config/schema.js';
import { buildRecipe, type DataInfo } from '../../src/gan/registry.js';
import type { GanRecipe } from '../../src/gan/recipe.js';
import { silentAdversary } from './adversary.js';
import { Trainer } from '../../src/gan/trainer.js';
import { compileTranslator, translateAll } from '../../src/gan/sampler.js';
import { UNet } from '../../src/gan/types/unet.js';
import { taskInputs, taskShapes } from '../../src/data/tasks.js';
import { loadMnist, sampleRange } from '../../src/data/datasets.js';
import { psnr, upscaleBicubic } from '../../src/metrics/similarity.js';
import { InputError } from '../../src/errors.js';

/** What the image-to-image types are told about MNIST with a task. */
function taskInfo(task: 'inpaint-bottom' | 'downscale4' | 'dilate-unpaired'): DataInfo {
  const pair = taskShapes(task, [1, 28, 28]);
  const image = (shape: number[]) => ({ shape, dtype: 'float32' as const });
  const fields: DataInfo['fields'] = pair.unpaired ? { a: image(pair.input), b: image(pair.target) } : { input: image(pair.input), target: image(pair.target) };
  return { kind: 'mnist', fields, shape: pair.target, pair };
}

const model = (m: Record<string, unknown>, task: 'inpaint-bottom' | 'downscale4' | 'dilate-unpaired') =>
  buildRecipe(validateConfig({ data: { kind: 'mnist', task }, model: m }, 't').model, taskInfo(task));

/** A paired type's G loss without its adversarial term, for given targets and generated outputs. */
async function contentTerm(m: GanRecipe, inputs: Float32Array, targets: Float32Array, outputs: Float32Array, n: number, shapes: [number[], number[]]): Promise<number> {
  const ctx = new E.StateTrace(true);
  const batch = { input: E.input('input', [n, ...shapes[0]]), target: E.input('target', [n, ...shapes[1]]) };
  const loss = m.gLoss(batch, { output: E.input('output', [n, ...shapes[1]]) }, silentAdversary(ctx));
  const store = new E.StateStore();
  E.initState(store, ctx.declared(), new E.Rng(1));
  const p = await E.Program.compile({ outputs: { loss } }, store);
  // The adversary's terms are 0, so D's view of the input may not reach the loss.
  const feeds = Object.entries({ input: inputs, target: targets, output: outputs }).filter(([name]) => p.inputs.some((i) => i.name === name));
  return (await p.run(Object.fromEntries(feeds))).loss!.data[0] as number;
}

describe('Pix2Pix', () => {
  const p2p = model({ kind: 'pix2pix', width: 8, l1Weight: 100 }, 'inpaint-bottom');

  it('a U-Net maps 28x28 to 28x28 and the PatchGAN gives one logit per 7x7 patch cell', () => {
    const trace = new E.StateTrace(true);
    const t = p2p.translator!;
    expect(t.directions.a2b!(E.input('x', [3, 1, 28, 28]), trace).shape).toEqual([3, 1, 28, 28]);
    expect([t.input, t.output, Object.keys(t.directions)]).toEqual([[1, 28, 28], [1, 28, 28], ['a2b']]);
    const images = () => E.input('i', [3, 1, 28, 28]);
    const adv = silentAdversary(trace);
    p2p.dLoss({ input: images(), target: images() }, { output: images() }, adv);
    expect(adv.shown.map((s) => s.logit.shape)).toEqual([[3, 49]]);
  });

  it('with its global level every output pixel depends on every input pixel; without it the far corner does not', async () => {
    const influence = async (globalSize?: [number, number]) => {
      const unet = new UNet(1, 1, 8, globalSize).named('U');
      const trace = new E.StateTrace(true);
      const x = E.input('x', [1, 1, 28, 28]);
      const corner = E.reduceSum(E.slice(unet.call(x, trace), [27, 27], [28, 28], [2, 3]));
      const [g] = E.grad(corner, [x]);
      const store = new E.StateStore();
      E.initState(store, trace.declared(), new E.Rng(1));
      const p = await E.Program.compile({ outputs: { g: g! } }, store);
      // d(bottom-right output) / d(top-left input).
      return (await p.run({ x: new E.Rng(2).normal(784) })).g!.data[0] as number;
    };
    expect(Math.abs(await influence([28, 28]))).toBeGreaterThan(0);
    expect(Math.abs(await influence())).toBe(0);
  });

  it("G's extra term is l1Weight x the mean absolute error between its output and the target", async () => {
    const n = 2;
    const rng = new E.Rng(4);
    const [inputs, targets, outputs] = [0, 1, 2].map(() => rng.fillUniform(new Float32Array(n * 784), -1, 1)) as [Float32Array, Float32Array, Float32Array];
    let abs = 0;
    for (let i = 0; i < n * 784; i++) abs += Math.abs(outputs[i]! - targets[i]!);
    expect(await contentTerm(p2p, inputs, targets, outputs, n, [[1, 28, 28], [1, 28, 28]])).toBeCloseTo((100 * abs) / (n * 784), 3);
  });
});

describe('SRGAN', () => {
  it('upsamples 7x7 to 28x28; its content term is the pixel mean squared error', async () => {
    const sr = model({ kind: 'srgan', width: 8, blocks: 1, contentWeight: 2 }, 'downscale4');
    expect(sr.translator!.directions.a2b!(E.input('x', [2, 1, 7, 7]), new E.StateTrace(false)).shape).toEqual([2, 1, 28, 28]);
    const rng = new E.Rng(6);
    const inputs = rng.fillUniform(new Float32Array(2 * 49), -1, 1);
    const [targets, outputs] = [0, 1].map(() => rng.fillUniform(new Float32Array(2 * 784), -1, 1)) as [Float32Array, Float32Array];
    let sq = 0;
    for (let i = 0; i < 2 * 784; i++) sq += (outputs[i]! - targets[i]!) ** 2;
    expect(await contentTerm(sr, inputs, targets, outputs, 2, [[1, 7, 7], [1, 28, 28]])).toBeCloseTo((2 * sq) / (2 * 784), 4);
  });

  it('refuses data it cannot translate, by name', () => {
    expect(() => model({ kind: 'srgan' }, 'inpaint-bottom')).toThrow(
      new InputError('model "srgan" upsamples by 2, 4 or 8 (the target\'s height and width that many times the input\'s); the data\'s pairs are [1, 28, 28] -> [1, 28, 28]'),
    );
    expect(() => model({ kind: 'pix2pix' }, 'downscale4')).toThrow(
      new InputError('model "pix2pix" translates images to images of the same height and width (the channels may differ), with sides divisible by 4; the data\'s pairs are [1, 7, 7] -> [1, 28, 28]'),
    );
    const plain = validateConfig({ data: { kind: 'mnist', task: 'downscale4' }, model: { kind: 'dcgan' } }, 't').model;
    expect(() => buildRecipe(plain, taskInfo('downscale4'))).toThrow(
      new InputError('data.task "downscale4" makes image-to-image training data, which model "dcgan" cannot use; use model kind pix2pix, srgan, cyclegan'),
    );
    const unpaired = validateConfig({ data: { kind: 'mnist' }, model: { kind: 'pix2pix' } }, 't').model;
    expect(() => buildRecipe(unpaired, { kind: 'mnist', fields: { x: { shape: [1, 28, 28], dtype: 'float32' } }, shape: [1, 28, 28] })).toThrow(
      new InputError('model "pix2pix" translates images: it needs image-to-image data (data.task, e.g. "inpaint-bottom")'),
    );
  });

  it('after 300 short steps it upscales held-out digits better than bicubic interpolation', async () => {
    const cfg = validateConfig(
      {
        seed: 2,
        data: { kind: 'mnist', task: 'downscale4' },
        model: { kind: 'srgan', width: 16, blocks: 1 },
        train: { steps: 300, batch: 32, lrG: 1e-3, lrD: 2e-4, emaDecay: 0, checkpointEvery: 100000, sampleEvery: 100000 },
      },
      't',
    );
    const t = await Trainer.open(cfg, tempDir('sr'));
    await t.train();
    const n = 500;
    const targets = sampleRange(loadMnist('test'), 0, n);
    const inputs = taskInputs('downscale4', targets, n, [1, 28, 28]);
    const tr = await compileTranslator(t.recipe, 250, t.store);
    const out = await translateAll(tr, inputs, n);
    await tr.release();
    const gan = psnr(out, targets, n);
    const bicubic = psnr(upscaleBicubic(inputs, [n, 1, 7, 7], 4), targets, n);
    expect(bicubic).toBeGreaterThan(14);
    expect(gan).toBeGreaterThan(bicubic + 1);
  });
});

describe('CycleGAN', () => {
  const cg = model({ kind: 'cyclegan', width: 4, cycleWeight: 10, identityWeight: 5 }, 'dilate-unpaired');
  type Part = { call: (t: E.Tensor, c: E.StateTrace) => E.Tensor };
  const parts = (cg.G as unknown as { parts: { ab: Part; ba: Part } }).parts;

  it('translates both ways, and D_a and D_b each judge their domain patch by patch', () => {
    const trace = new E.StateTrace(true);
    const t = cg.translator!;
    expect([t.input, t.output, Object.keys(t.directions)]).toEqual([[1, 28, 28], [1, 28, 28], ['a2b', 'b2a']]);
    expect(t.directions.b2a!(E.input('x', [2, 1, 28, 28]), trace).shape).toEqual([2, 1, 28, 28]);
    const images = () => E.input('i', [2, 1, 28, 28]);
    const adv = silentAdversary(trace);
    cg.dLoss({ a: images(), b: images() }, { fakeA: images(), fakeB: images() }, adv);
    expect(adv.shown.map((s) => s.logit.shape)).toEqual([[2, 49], [2, 49]]);
  });

  it("G's extra terms are the cycle and identity L1 losses, by their weights", async () => {
    const trace = new E.StateTrace(true);
    const n = 2;
    const a = E.input('a', [n, 1, 28, 28]);
    const b = E.input('b', [n, 1, 28, 28]);
    const aux = cg.gLoss({ a, b }, cg.generate({ a, b }, trace), silentAdversary(trace));
    // By hand: fake b = G_ab(a), fake a = G_ba(b).
    const l1 = (x: E.Tensor, y: E.Tensor) => E.reduceMean(E.abs(E.sub(x, y)));
    const cycle = E.add(l1(parts.ba.call(parts.ab.call(a, trace), trace), a), l1(parts.ab.call(parts.ba.call(b, trace), trace), b));
    const identity = E.add(l1(parts.ab.call(b, trace), b), l1(parts.ba.call(a, trace), a));
    const store = new E.StateStore();
    E.initState(store, trace.declared(), new E.Rng(1));
    const p = await E.Program.compile({ outputs: { aux, cycle, identity } }, store);
    const rng = new E.Rng(2);
    const out = await p.run({ a: rng.fillUniform(new Float32Array(n * 784), -1, 1), b: rng.fillUniform(new Float32Array(n * 784), -1, 1) });
    const [auxV, cycleV, identityV] = [out.aux!, out.cycle!, out.identity!].map((t) => t.data[0] as number);
    expect(cycleV).toBeGreaterThan(0.01);
    expect(auxV).toBeCloseTo(10 * cycleV! + 5 * identityV!, 4);
  });

  it('refuses paired data, and the paired types refuse unpaired data, by name', () => {
    expect(() => model({ kind: 'cyclegan' }, 'inpaint-bottom')).toThrow(
      new InputError('model "cyclegan" translates between two unpaired domains of images of one shape, with sides divisible by 4; the data\'s task is "inpaint-bottom" with [1, 28, 28] -> [1, 28, 28]'),
    );
    expect(() => model({ kind: 'pix2pix' }, 'dilate-unpaired')).toThrow(
      new InputError('model "pix2pix" learns from input/target pairs; data.task "dilate-unpaired" gives unpaired domains (use model kind cyclegan)'),
    );
  });
});
