// The translation types' networks chosen by size: output shapes, parameter counts, receptive
// fields, one training step on small made-up data, and the messages for shapes they refuse.
import { describe, expect, it } from 'vitest';
import * as E from '../../src/engine/index.js';
import { buildRecipe, ModelConfig, type DataInfo } from '../../src/gan/registry.js';
import type { GanRecipe } from '../../src/gan/recipe.js';
import { buildTrainStep } from '../../src/gan/step.js';
import type { PairShapes } from '../../src/data/types.js';
import type { Module } from '../../src/nn/module.js';
import { patchLevels, patchReceptiveField, paperPatchGan } from '../../src/gan/types/patchgan.js';
import { PaperUNet } from '../../src/gan/types/unet.js';
import { ResnetGenerator } from '../../src/gan/types/resnet-generator.js';
import { reflectionPad2d } from '../../src/nn/layers.js';
import { InputError } from '../../src/errors.js';

/** Made-up image-to-image data of the given shapes (the task is only a label in messages). */
function pairInfo(input: number[], target: number[], unpaired = false): DataInfo {
  const pair: PairShapes = { task: 'made-up' as PairShapes['task'], input, target, unpaired };
  const image = (shape: number[]) => ({ shape, dtype: 'float32' as const });
  const fields: DataInfo['fields'] = unpaired ? { a: image(input), b: image(target) } : { input: image(input), target: image(target) };
  return { kind: 'images', fields, shape: target, pair };
}

const build = (model: Record<string, unknown>, info: DataInfo) => buildRecipe(ModelConfig.parse(model), info);

/** Parameters of a network of the recipe (G or D, or one of their parts). */
const params = (m: Module) => m.paramCount();
const part = (m: Module, name: string) => (m as unknown as { parts: Record<string, Module> }).parts[name]!;

/** Traces one image-to-image direction on a batch of 2 and returns its output shape. */
function translatedShape(r: GanRecipe, direction: 'a2b' | 'b2a' = 'a2b'): readonly number[] {
  const t = r.translator!;
  return t.directions[direction]!(E.input('x', [2, ...t.input]), new E.StateTrace(false)).shape;
}

/** The shapes of D's logits on one D step (real side), batch 2. */
function logitShapes(r: GanRecipe): (readonly number[])[] {
  const ctx = new E.StateTrace(true);
  const shapes: (readonly number[])[] = [];
  const recordingAdversary = {
    ctx,
    d: (judge: unknown, real: E.Tensor, fake: E.Tensor, given: E.Tensor[] = []) => {
      const j = judge as (x: E.Tensor, c: E.StateTrace, ...g: E.Tensor[]) => E.Tensor;
      const logit = j(real, ctx, ...given);
      shapes.push(logit.shape);
      return { loss: E.reduceMean(logit), real: { logit }, fake: { logit: j(fake, ctx, ...given) } };
    },
    g: () => {
      throw new Error('not used');
    },
  };
  const fields = Object.fromEntries(Object.entries(r.inputs).map(([name]) => [name, E.input(name, [2, ...(name === 'input' || name === 'a' ? r.translator!.input : r.translator!.output)])]));
  r.dLoss(fields, r.generate(fields, ctx), recordingAdversary as never);
  return shapes;
}

/** Runs one compiled training step (batch 2, Adam) on uniform noise; returns its losses and how far G's and D's parameters moved. */
async function oneStep(r: GanRecipe, info: DataInfo) {
  const opt = { kind: 'adam' as const, lr: 1e-3, beta1: 0.5, beta2: 0.999 };
  const built = buildTrainStep(r, info.fields, { batch: 2, loss: 'lsgan', dSteps: 1, realLabel: 1, gpWeight: 10, r1Gamma: 0, weightClip: 0, emaDecay: 0, optG: opt, optD: opt });
  const store = new E.StateStore();
  E.initState(store, built.trace.declared(), new E.Rng(1));
  const before = store.snapshot();
  const p = await E.Program.compile(built.spec, store, { threads: 1 });
  const rng = new E.Rng(2);
  const feeds: Record<string, E.Feed> = {};
  for (const i of E.programInputs(built.spec)) {
    const size = i.shape.reduce((a, b) => a * b, 1);
    feeds[i.name] = i.name.startsWith('lr_') ? 1e-3 : rng.fillUniform(new Float32Array(size), i.name.endsWith('.mask') ? 0 : -1, 1);
  }
  const out = await p.run(feeds);
  await p.release();
  const moved = (prefix: string) =>
    r[prefix as 'G' | 'D'].parameters().some((q) => {
      const [a, b] = [before[q.name]!.data as Float32Array, store.floats(q.name)];
      return a.some((v, k) => v !== b[k]);
    });
  return { lossD: out.loss_D!.data[0] as number, lossG: out.loss_G!.data[0] as number, movedG: moved('G'), movedD: moved('D'), inputs: E.programInputs(built.spec).map((i) => i.name) };
}

/** The extent (rows, columns) of the input pixels with a nonzero gradient for one output cell. */
async function influence(net: Module, inShape: number[], cell: [number, number]): Promise<[number, number]> {
  const trace = new E.StateTrace(true);
  const x = E.input('x', [1, ...inShape]);
  const y = net.call(x, trace);
  const [g] = E.grad(E.reduceSum(E.slice(y, [cell[0], cell[1]], [cell[0] + 1, cell[1] + 1], [2, 3])), [x]);
  const store = new E.StateStore();
  E.initState(store, trace.declared(), new E.Rng(3));
  const p = await E.Program.compile({ outputs: { g: g! } }, store);
  const size = inShape.reduce((a, b) => a * b, 1);
  const data = (await p.run({ x: new E.Rng(4).normal(size) })).g!.data as Float32Array;
  await p.release();
  const [c, h, w] = inShape as [number, number, number];
  const rows = new Set<number>();
  const cols = new Set<number>();
  for (let k = 0; k < c * h * w; k++) {
    if (data[k] !== 0) {
      rows.add(Math.floor(k / w) % h);
      cols.add(k % w);
    }
  }
  const extent = (s: Set<number>) => Math.max(...s) - Math.min(...s) + 1;
  return [extent(rows), extent(cols)];
}

describe('PatchGAN receptive field by size', () => {
  it('has the most stride-2 levels whose field is at most half the side: 70x70 at 256 as in the paper', () => {
    expect([16, 32, 64, 128, 256, 512].map(patchLevels)).toEqual([0, 1, 1, 2, 3, 4]);
    expect([0, 1, 2, 3, 4].map(patchReceptiveField)).toEqual([7, 16, 34, 70, 142]);
  });

  it('one logit depends on exactly the input pixels of its receptive field (7, 16, 34 at 16, 64, 128)', async () => {
    // Without norm: instance norm makes every pixel of a map reach every logit through its statistics.
    for (const [side, field, cell] of [[16, 7, 7], [64, 16, 15], [128, 34, 15]] as const) {
      const D = paperPatchGan(2, 4, patchLevels(side), { norm: 'none' }).named(`D${side}`);
      expect(await influence(D, [2, side, side], [cell, cell])).toEqual([field, field]);
    }
  });

  it('has the PyTorch parameter counts (pix2pix basic D 2.769 M with batch norm, CycleGAN 2.765 M with instance norm)', () => {
    // pytorch-CycleGAN-and-pix2pix prints these for its n_layers=3 D at ndf 64 (6 and 3 input channels).
    expect(paperPatchGan(6, 64, 3, { norm: 'batch' }).named('D').paramCount()).toBe(2_768_705);
    expect(paperPatchGan(3, 64, 3, { norm: 'instance' }).named('D').paramCount()).toBe(2_764_737);
  });
});

describe('Pix2Pix networks by size', () => {
  it('at 16x16 goes down to 1x1 (4 levels), maps a 1-channel edge map to 3 channels, and D sees both', () => {
    const r = build({ kind: 'pix2pix', width: 4 }, pairInfo([1, 16, 16], [3, 16, 16]));
    expect(translatedShape(r)).toEqual([2, 3, 16, 16]);
    // By hand, conv weights cout x cin x 4 x 4 plus a bias each; channels 4, 8, 16, 32:
    // downs 1*4*16+4 + 4*8*16+8 + 8*16*16+16 + 16*32*16+32 = 10,876;
    // ups 32*16*16+16 + 32*8*16+8 + 16*4*16+4 + 8*3*16+3 = 13,727 (each up after the innermost reads twice the channels).
    expect(params(r.G)).toBe(10_876 + 13_727);
    // D on 1 + 3 channels, 0 levels: 4*4*16+4 + 4*1*16+1; a 16 -> 15 -> 14 map of 7x7 patches.
    expect(params(r.D)).toBe(260 + 65);
    expect(logitShapes(r)).toEqual([[2, 196]]);
  });

  it('at 32 and 64 judges 16x16 patches on 14x14 and 30x30 maps', () => {
    const r32 = build({ kind: 'pix2pix', width: 4 }, pairInfo([3, 32, 32], [3, 32, 32]));
    expect(translatedShape(r32)).toEqual([2, 3, 32, 32]);
    // D: 6*4*16+4 (stride 2) + 4*8*16+8 (stride 1) + 8*1*16+1.
    expect(params(r32.D)).toBe(388 + 520 + 129);
    expect(logitShapes(r32)).toEqual([[2, 196]]);
    const r64 = build({ kind: 'pix2pix', width: 4 }, pairInfo([3, 64, 64], [3, 64, 64]));
    expect(translatedShape(r64)).toEqual([2, 3, 64, 64]);
    expect(logitShapes(r64)).toEqual([[2, 900]]);
    // Not square: levels down to the smaller side's 1 (a 1x2 bottom), D's patches by the smaller side (14x30 cells).
    const wide = build({ kind: 'pix2pix', width: 4 }, pairInfo([3, 32, 64], [3, 32, 64]));
    expect(translatedShape(wide)).toEqual([2, 3, 32, 64]);
    expect(logitShapes(wide)).toEqual([[2, 14 * 30]]);
  });

  it("the paper's U-Net at 256 has PyTorch's 54.414 M parameters (unet_256, ngf 64, batch norm)", () => {
    const G = new PaperUNet({ inChannels: 3, outChannels: 3, width: 64, depth: 8, norm: 'batch', dropout: 0.5 }).named('G');
    expect(Math.round(G.paramCount() / 1000) / 1000).toBe(54.414);
  });

  it('down to 1x1 at 32x32: the bottom-right output depends on the top-left input', async () => {
    const G = new PaperUNet({ inChannels: 1, outChannels: 1, width: 4, depth: 5, norm: 'none', dropout: 0 }).named('U');
    expect(await influence(G, [1, 32, 32], [31, 31])).toEqual([32, 32]);
  });

  it('keeps the 28x28 compact networks of the MNIST presets (their parameter names and counts)', () => {
    const r = build({ kind: 'pix2pix', width: 8 }, pairInfo([1, 28, 28], [1, 28, 28]));
    expect(r.G.parameters().map((p) => p.name).slice(0, 6)).toEqual(['G.down1.0.weight', 'G.down1.0.bias', 'G.down2.0.weight', 'G.down2.0.bias', 'G.down3.0.weight', 'G.down3.0.bias']);
    expect(r.D.parameters().map((p) => p.name)).toEqual(['D.0.weight', 'D.0.bias', 'D.2.weight', 'D.2.bias', 'D.4.weight', 'D.4.bias']);
    // D: 2*8*16+8 + 8*16*16+16 + 16*1*9+1.
    expect(params(r.D)).toBe(264 + 2064 + 145);
    expect(logitShapes(r)).toEqual([[2, 49]]);
    const edges = build({ kind: 'pix2pix', width: 8 }, pairInfo([1, 28, 28], [3, 28, 28]));
    expect(translatedShape(edges)).toEqual([2, 3, 28, 28]);
  });

  it('trains one step at 16 (instance norm, edges -> colour) and at 32 with batch norm and dropout', async () => {
    const edges = pairInfo([1, 16, 16], [3, 16, 16]);
    const s = await oneStep(build({ kind: 'pix2pix', width: 4 }, edges), edges);
    expect([Number.isFinite(s.lossD), Number.isFinite(s.lossG), s.movedG, s.movedD]).toEqual([true, true, true, true]);
    const info = pairInfo([3, 32, 32], [3, 32, 32]);
    const b = await oneStep(build({ kind: 'pix2pix', width: 4, norm: 'batch', dropout: 0.5 }, info), info);
    expect([Number.isFinite(b.lossD), Number.isFinite(b.lossG), b.movedG, b.movedD]).toEqual([true, true, true, true]);
    // Dropout in the three decoder levels after the innermost (up4), after ReLU, ConvT and BatchNorm.
    expect(b.inputs.filter((n) => n.endsWith('.mask')).sort()).toEqual(['G.up1.3.mask', 'G.up2.3.mask', 'G.up3.3.mask']);
  });

  it('refuses shapes and options it cannot use, by name', () => {
    expect(() => build({ kind: 'pix2pix' }, pairInfo([3, 32, 32], [3, 64, 64]))).toThrow(
      new InputError("model \"pix2pix\" translates images to images of the same height and width (the channels may differ), with sides divisible by 4; the data's pairs are [3, 32, 32] -> [3, 64, 64]"),
    );
    expect(() => build({ kind: 'pix2pix' }, pairInfo([3, 30, 30], [3, 30, 30]))).toThrow(
      new InputError("model \"pix2pix\" translates images to images of the same height and width (the channels may differ), with sides divisible by 4; the data's pairs are [3, 30, 30] -> [3, 30, 30]"),
    );
    expect(() => build({ kind: 'pix2pix', norm: 'instance' }, pairInfo([1, 28, 28], [1, 28, 28]))).toThrow(
      new InputError('model.norm "instance" applies to the networks for sides that are powers of two from 16; model "pix2pix" on [1, 28, 28] uses the compact networks, which have no normalisation'),
    );
    expect(() => build({ kind: 'pix2pix', dropout: 0.5 }, pairInfo([1, 28, 28], [1, 28, 28]))).toThrow(
      new InputError('model.dropout applies to the U-Net for sides that are powers of two from 16; [1, 28, 28] uses the compact U-Net, which has none'),
    );
  });
});

describe('SRGAN for x2, x4 and x8', () => {
  it('has one 2x sub-pixel stage per factor of 2, for any channel count', () => {
    expect(translatedShape(build({ kind: 'srgan', width: 8, blocks: 1 }, pairInfo([3, 32, 32], [3, 64, 64])))).toEqual([2, 3, 64, 64]);
    expect(translatedShape(build({ kind: 'srgan', width: 8, blocks: 1 }, pairInfo([1, 4, 4], [1, 16, 16])))).toEqual([2, 1, 16, 16]);
    const x8 = build({ kind: 'srgan', width: 8, blocks: 1 }, pairInfo([3, 8, 8], [3, 64, 64]));
    expect(translatedShape(x8)).toEqual([2, 3, 64, 64]);
    // By hand (3x3 convs, bias each): head 3*8*9+8 = 224; one block 2*(8*8*9+8) and the trunk's last
    // conv 8*8*9+8: 1,752; stages 8 -> 4*4, 4 -> 4*2, 2 -> 4*1 channels: 1,168 + 296 + 76; out 1*3*9+3 = 30.
    expect(params(x8.G)).toBe(224 + 1752 + 1168 + 296 + 76 + 30);
    // D on the 64x64 outputs: the paper's PatchGAN with one level (16x16 patches, a 30x30 map).
    expect(logitShapes(x8)).toEqual([[2, 900]]);
  });

  it('keeps the 4x networks of the MNIST presets (7 -> 28)', () => {
    const r = build({ kind: 'srgan', width: 32, blocks: 4 }, pairInfo([1, 7, 7], [1, 28, 28]));
    expect(r.G.parameters().filter((p) => p.name.startsWith('G.up.')).map((p) => `${p.name}:${p.shape.join('x')}`)).toEqual([
      'G.up.0.weight:64x32x3x3',
      'G.up.0.bias:64',
      'G.up.3.weight:32x16x3x3',
      'G.up.3.bias:32',
      'G.up.6.weight:1x8x3x3',
      'G.up.6.bias:1',
    ]);
    expect(logitShapes(r)).toEqual([[2, 49]]);
  });

  it('trains one step at x2 (16 -> 32, 3 channels)', async () => {
    const info = pairInfo([3, 16, 16], [3, 32, 32]);
    const s = await oneStep(build({ kind: 'srgan', width: 4, blocks: 1 }, info), info);
    expect([Number.isFinite(s.lossD), Number.isFinite(s.lossG), s.movedG, s.movedD]).toEqual([true, true, true, true]);
  });

  it('refuses other factors and widths the stages cannot halve, by name', () => {
    expect(() => build({ kind: 'srgan' }, pairInfo([3, 16, 16], [3, 48, 48]))).toThrow(
      new InputError("model \"srgan\" upsamples by 2, 4 or 8 (the target's height and width that many times the input's); the data's pairs are [3, 16, 16] -> [3, 48, 48]"),
    );
    expect(() => build({ kind: 'srgan' }, pairInfo([3, 4, 4], [3, 64, 64]))).toThrow(
      new InputError("model \"srgan\" upsamples by 2, 4 or 8 (the target's height and width that many times the input's); the data's pairs are [3, 4, 4] -> [3, 64, 64]"),
    );
    expect(() => build({ kind: 'srgan' }, pairInfo([3, 16, 16], [3, 32, 64]))).toThrow(
      new InputError("model \"srgan\" upsamples by 2, 4 or 8 (the target's height and width that many times the input's); the data's pairs are [3, 16, 16] -> [3, 32, 64]"),
    );
    expect(() => build({ kind: 'srgan', width: 12 }, pairInfo([3, 8, 8], [3, 64, 64]))).toThrow(
      new InputError('model.width 12 must be divisible by 8 for 8x super-resolution (each 2x stage halves G\'s channels)'),
    );
  });
});

describe('CycleGAN generators by size', () => {
  it("the paper's ResNet generator with 9 blocks has PyTorch's 11.378 M parameters (resnet_9blocks, ngf 64)", () => {
    const G = new ResnetGenerator({ inChannels: 3, outChannels: 3, width: 64, blocks: 9, norm: 'instance' }).named('G');
    expect(G.paramCount()).toBe(11_378_179);
  });

  it('uses the ResNet generator from 64x64 (6 blocks below 256, 9 from it) and a U-Net below', () => {
    const r64 = build({ kind: 'cyclegan', width: 4 }, pairInfo([3, 64, 64], [3, 64, 64], true));
    expect([translatedShape(r64, 'a2b'), translatedShape(r64, 'b2a')]).toEqual([[2, 3, 64, 64], [2, 3, 64, 64]]);
    // By hand (bias each; instance norm has no parameters): c7s1-4 3*4*49+4 = 592, d8 4*8*9+8 = 296,
    // d16 8*16*9+16 = 1,168, 6 blocks of 2*(16*16*9+16) = 27,840, u8 16*8*9+8 = 1,160, u4 8*4*9+4 = 292, c7s1-3 4*3*49+3 = 591.
    expect(params(part(r64.G, 'ab'))).toBe(592 + 296 + 1168 + 27_840 + 1160 + 292 + 591);
    expect(logitShapes(r64)).toEqual([[2, 900], [2, 900]]);
    const blocks = (side: number) =>
      params(part(build({ kind: 'cyclegan', width: 4 }, pairInfo([3, side, side], [3, side, side], true)).G, 'ab'));
    // Three more blocks at 256 than at 128, each 2*(16*16*9+16) parameters.
    expect(blocks(256) - blocks(128)).toBe(3 * 4640);
    const r32 = build({ kind: 'cyclegan', width: 4 }, pairInfo([3, 32, 32], [3, 32, 32], true));
    expect(part(r32.G, 'ab')).toBeInstanceOf(PaperUNet);
    expect(translatedShape(r32)).toEqual([2, 3, 32, 32]);
  });

  it('keeps the compact U-Net without its global level for 28x28 (the MNIST preset), or a ResNet when asked', () => {
    const r28 = build({ kind: 'cyclegan', width: 4 }, pairInfo([1, 28, 28], [1, 28, 28], true));
    expect(part(r28.G, 'ab').parameters().some((p) => p.name.includes('down3'))).toBe(false);
    expect(logitShapes(r28)).toEqual([[2, 49], [2, 49]]);
    const resnet28 = build({ kind: 'cyclegan', width: 4, generator: 'resnet', blocks: 2 }, pairInfo([1, 28, 28], [1, 28, 28], true));
    expect(part(resnet28.G, 'ab')).toBeInstanceOf(ResnetGenerator);
    expect(translatedShape(resnet28, 'b2a')).toEqual([2, 1, 28, 28]);
  });

  it('trains one step at 16 (U-Net, batch norm) and at 32 with the ResNet generator', async () => {
    for (const [side, generator, norm] of [[16, 'unet', 'batch'], [32, 'resnet', 'instance']] as const) {
      const info = pairInfo([3, side, side], [3, side, side], true);
      const s = await oneStep(build({ kind: 'cyclegan', width: 4, generator, norm, blocks: generator === 'resnet' ? 1 : undefined }, info), info);
      expect([Number.isFinite(s.lossD), Number.isFinite(s.lossG), s.movedG, s.movedD]).toEqual([true, true, true, true]);
    }
  });

  it('refuses shapes and options it cannot use, by name', () => {
    expect(() => build({ kind: 'cyclegan' }, pairInfo([1, 32, 32], [3, 32, 32], true))).toThrow(
      new InputError('model "cyclegan" translates between two unpaired domains of images of one shape, with sides divisible by 4; the data\'s task is "made-up" with [1, 32, 32] -> [3, 32, 32]'),
    );
    expect(() => build({ kind: 'cyclegan', generator: 'unet', blocks: 6 }, pairInfo([3, 64, 64], [3, 64, 64], true))).toThrow(
      new InputError('model.blocks sets the ResNet generator\'s residual blocks; model.generator is "unet"'),
    );
    expect(() => build({ kind: 'cyclegan', generator: 'resnet' }, pairInfo([1, 4, 4], [1, 4, 4], true))).toThrow(
      new InputError("model.generator \"resnet\" needs sides of at least 8 (its residual blocks work at a quarter of the size); the data's images are [1, 4, 4]"),
    );
  });
});

describe('reflection padding', () => {
  it("mirrors the border without repeating it, as PyTorch's ReflectionPad2d", async () => {
    const x = E.input('x', [1, 1, 3, 4]);
    const p = await E.Program.compile({ outputs: { y: reflectionPad2d(x, 2) } }, new E.StateStore());
    const y = (await p.run({ x: Float32Array.from({ length: 12 }, (_, i) => i) })).y!;
    await p.release();
    expect(y.shape).toEqual([1, 1, 7, 8]);
    // Row 2 of the input (8..11) padded to [10, 9, 8, 9, 10, 11, 10, 9]; rows in the order 2 1 0 1 2 1 0.
    const row = (r: number) => [...y.data.slice(8 * r, 8 * r + 8)];
    expect(row(0)).toEqual([10, 9, 8, 9, 10, 11, 10, 9]);
    expect(row(3)).toEqual([6, 5, 4, 5, 6, 7, 6, 5]);
    expect(row(6)).toEqual([2, 1, 0, 1, 2, 3, 2, 1]);
  });
});
