// The paired image-to-image types (Pix2Pix, SRGAN): their shapes, G's content terms, what they
// refuse, and that a short SRGAN run beats bicubic upscaling on held-out digits.
import { describe, expect, it } from 'vitest';
import { tempDir } from '../tempdir.js';
import * as E from '../../src/engine/index.js';
import { validateConfig } from '../../src/config/schema.js';
import { buildModel } from '../../src/gan/build.js';
import { Trainer } from '../../src/gan/trainer.js';
import { compileTranslator, translateAll } from '../../src/gan/sampler.js';
import { UNet } from '../../src/gan/variants/pix2pix.js';
import { taskInputs, taskShapes } from '../../src/data/tasks.js';
import { loadMnist, sampleRange } from '../../src/data/datasets.js';
import { psnr, upscaleBicubic } from '../../src/metrics/similarity.js';
import { InputError } from '../../src/errors.js';

const model = (m: Record<string, unknown>, task: 'inpaint-bottom' | 'downscale4' | 'dilate-unpaired') =>
  buildModel(validateConfig({ data: { kind: 'mnist', task }, model: m }, 't').model, { shape: [49 + 784], pair: taskShapes(task, [1, 28, 28]) });

/** G's auxiliary loss for given real and generated rows, computed by the model's graph. */
async function contentTerm(m: ReturnType<typeof model>, rows: Float32Array, fakeRows: Float32Array, n: number): Promise<number> {
  const realX = E.input('real', [n, m.sampleShape[0]!]);
  const fakeX = E.input('fake', [n, m.sampleShape[0]!]);
  const dummy = { logit: E.scalar(0) };
  const loss = m.auxLoss!('G', { real: dummy, fake: dummy, z: E.scalar(0), realX, fakeX, ctx: new E.StateTrace(true) });
  const p = await E.Program.compile({ outputs: { loss } }, new E.StateStore());
  return (await p.run({ real: rows, fake: fakeRows })).loss!.data[0] as number;
}

describe('Pix2Pix', () => {
  const p2p = model({ kind: 'pix2pix', width: 8, l1Weight: 100 }, 'inpaint-bottom');

  it('a U-Net maps 28x28 to 28x28 and the PatchGAN gives one logit per 7x7 patch cell', () => {
    const trace = new E.StateTrace(true);
    expect(p2p.translate!(E.input('x', [3, 1, 28, 28]), trace, 'a2b').shape).toEqual([3, 1, 28, 28]);
    expect(p2p.discriminate(E.input('rows', [3, 2 * 784]), undefined, trace).logit.shape).toEqual([3, 49]);
    expect(p2p.translation).toEqual({ input: [1, 28, 28], output: [1, 28, 28], directions: ['a2b'] });
  });

  it('with its global level every output pixel depends on every input pixel; without it the far corner does not', async () => {
    const influence = async (globalSize?: [number, number]) => {
      const unet = new UNet(1, 8, globalSize).named('U');
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
    const rows = rng.fillUniform(new Float32Array(n * 2 * 784), -1, 1);
    const fake = rows.slice();
    // Same inputs, different outputs: the term compares only the output half of each row.
    let abs = 0;
    for (let i = 0; i < n; i++) {
      for (let j = 784; j < 2 * 784; j++) {
        fake[i * 1568 + j] = rng.uniform() * 2 - 1;
        abs += Math.abs(fake[i * 1568 + j]! - rows[i * 1568 + j]!);
      }
    }
    expect(await contentTerm(p2p, rows, fake, n)).toBeCloseTo((100 * abs) / (n * 784), 3);
  });
});

describe('SRGAN', () => {
  it('upsamples 7x7 to 28x28; its content term is the pixel mean squared error', async () => {
    const sr = model({ kind: 'srgan', width: 8, blocks: 1, contentWeight: 2 }, 'downscale4');
    expect(sr.translate!(E.input('x', [2, 1, 7, 7]), new E.StateTrace(false), 'a2b').shape).toEqual([2, 1, 28, 28]);
    const rng = new E.Rng(6);
    const rows = rng.fillUniform(new Float32Array(2 * 833), -1, 1);
    const fake = rows.slice();
    let sq = 0;
    for (let i = 0; i < 2; i++) {
      for (let j = 49; j < 833; j++) {
        fake[i * 833 + j] = rng.uniform() * 2 - 1;
        sq += (fake[i * 833 + j]! - rows[i * 833 + j]!) ** 2;
      }
    }
    expect(await contentTerm(sr, rows, fake, 2)).toBeCloseTo((2 * sq) / (2 * 784), 4);
  });

  it('refuses data it cannot translate, by name', () => {
    expect(() => model({ kind: 'srgan' }, 'inpaint-bottom')).toThrow(
      new InputError('model "srgan" upsamples 4x (data.task "downscale4") with a width divisible by 4; the data\'s pairs are [1, 28, 28] -> [1, 28, 28], width 32'),
    );
    expect(() => model({ kind: 'pix2pix' }, 'downscale4')).toThrow(
      new InputError('model "pix2pix" translates images to images of the same shape, with sides divisible by 4; the data\'s pairs are [1, 7, 7] -> [1, 28, 28]'),
    );
    const plain = validateConfig({ data: { kind: 'mnist', task: 'downscale4' }, model: { kind: 'dcgan' } }, 't').model;
    expect(() => buildModel(plain, { shape: [833], pair: taskShapes('downscale4', [1, 28, 28]) })).toThrow(
      new InputError('data.task "downscale4" makes image-to-image training data, which model "dcgan" cannot use; use model kind pix2pix, srgan, cyclegan'),
    );
    const unpaired = validateConfig({ data: { kind: 'mnist' }, model: { kind: 'pix2pix' } }, 't').model;
    expect(() => buildModel(unpaired, { shape: [1, 28, 28] })).toThrow(
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
    const tr = await compileTranslator(t.model, 250, t.store);
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

  it('translates both ways, and D judges the A half and the B half of a row patch by patch', () => {
    const trace = new E.StateTrace(true);
    expect(cg.translation).toEqual({ input: [1, 28, 28], output: [1, 28, 28], directions: ['a2b', 'b2a'] });
    expect(cg.translate!(E.input('x', [2, 1, 28, 28]), trace, 'b2a').shape).toEqual([2, 1, 28, 28]);
    expect(cg.discriminate(E.input('rows', [2, 2 * 784]), undefined, trace).logit.shape).toEqual([2, 2 * 49]);
  });

  it("G's extra terms are the cycle and identity L1 losses, by their weights", async () => {
    const trace = new E.StateTrace(true);
    const n = 2;
    const rows = E.input('rows', [n, 2 * 784]);
    const fakeRows = cg.generate(E.input('z', [n, 1]), undefined, trace, rows);
    const dummy = { logit: E.scalar(0) };
    const aux = cg.auxLoss!('G', { real: dummy, fake: dummy, z: E.scalar(0), realX: rows, fakeX: fakeRows, ctx: trace });
    // By hand: fake b = G_ab(a), fake a = G_ba(b).
    const a = E.reshape(E.slice(rows, [0], [784], [1]), [n, 1, 28, 28]);
    const b = E.reshape(E.slice(rows, [784], [1568], [1]), [n, 1, 28, 28]);
    const l1 = (x: E.Tensor, y: E.Tensor) => E.reduceMean(E.abs(E.sub(x, y)));
    const cycle = E.add(l1(parts.ba.call(parts.ab.call(a, trace), trace), a), l1(parts.ab.call(parts.ba.call(b, trace), trace), b));
    const identity = E.add(l1(parts.ab.call(b, trace), b), l1(parts.ba.call(a, trace), a));
    const store = new E.StateStore();
    E.initState(store, trace.declared(), new E.Rng(1));
    const p = await E.Program.compile({ outputs: { aux, cycle, identity } }, store);
    const out = await p.run({ rows: new E.Rng(2).fillUniform(new Float32Array(n * 1568), -1, 1) });
    const [auxV, cycleV, identityV] = [out.aux!, out.cycle!, out.identity!].map((t) => t.data[0] as number);
    expect(cycleV).toBeGreaterThan(0.01);
    expect(auxV).toBeCloseTo(10 * cycleV! + 5 * identityV!, 4);
  });

  it('refuses paired data, and the paired types refuse unpaired data, by name', () => {
    expect(() => model({ kind: 'cyclegan' }, 'inpaint-bottom')).toThrow(
      new InputError('model "cyclegan" translates between two unpaired domains of images of one shape, with sides divisible by 4 (data.task "dilate-unpaired"); the data\'s task is "inpaint-bottom" with [1, 28, 28] -> [1, 28, 28]'),
    );
    expect(() => model({ kind: 'pix2pix' }, 'dilate-unpaired')).toThrow(
      new InputError('model "pix2pix" learns from input/target pairs; data.task "dilate-unpaired" gives unpaired domains (use model kind cyclegan)'),
    );
  });
});
