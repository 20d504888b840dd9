// CycleGAN (Zhu et al. 2017): unpaired translation between domains A and B. Two generators,
// G_ab and G_ba (the paper's ResNet generators or U-Nets, model.generator), and two discriminators,
// D_a and D_b (PatchGANs with a receptive field by size), play two GANs at once;
// with no pairs to compare against, G is held to the input by cycle consistency, an L1 penalty on
// G_ba(G_ab(a)) - a and G_ab(G_ba(b)) - b (weight cycleWeight), and by an identity term, L1 on
// G_ab(b) - b and G_ba(a) - a (weight identityWeight), which keeps what needs no change unchanged.
import { z } from 'zod';
import { int } from '../../config/fields.js';
import * as E from '../../engine/index.js';
import type { Tensor } from '../../engine/index.js';
import type { PairShapes } from '../../data/types.js';
import { InputError } from '../../errors.js';
import { Networks, type Module } from '../../nn/module.js';
import { meanAbsoluteError } from '../losses.js';
import { defineRecipe, field, type GanRecipe } from '../recipe.js';
import { patchGanFor } from './patchgan.js';
import { ResnetGenerator, resnetBlocks } from './resnet-generator.js';
import { netFamily, resolveNorm, translationFields, type NetFamily, type NormKind } from './translation-nets.js';
import { unetFor } from './unet.js';

/** model.kind "cyclegan": the config section and its defaults. */
export const CycleganConfig = z.strictObject({
  /** Unpaired translation (two domains of images of one shape): two generators, two PatchGANs, cycle and identity L1 terms. */
  kind: z.literal('cyclegan'),
  /** Channels of G's first conv (the paper's 64) and of D's first conv. */
  width: int(4).max(1024).default(32),
  /** The generators: the paper's ResNet or a U-Net; default resnet when both sides are at least 64, else unet. */
  generator: z.enum(['resnet', 'unet']).optional(),
  /** Residual blocks of the ResNet generator; default the paper's: 9 from 256x256, 6 below. */
  blocks: int(1).max(32).optional(),
  /** Weights of the cycle-consistency and identity L1 terms. */
  cycleWeight: z.number().min(0).default(10),
  identityWeight: z.number().min(0).default(5),
  ...translationFields,
});

/** What the type is built from: its config section and the data's domain shapes. */
export type CycleganOptions = Omit<z.infer<typeof CycleganConfig>, 'kind'> & { pair: PairShapes };

const l1 = meanAbsoluteError;

interface GeneratorChoice {
  kind: 'resnet' | 'unet';
  family: NetFamily;
  norm: NormKind;
}

/** One domain's generator for images of `shape` [C, H, W]. */
function generatorFor(shape: number[], o: CycleganOptions, g: GeneratorChoice): Module {
  const [c, h, w] = shape as [number, number, number];
  if (g.kind === 'resnet') return new ResnetGenerator({ inChannels: c, outChannels: c, width: o.width, blocks: o.blocks ?? resnetBlocks(Math.min(h, w)), norm: g.norm });
  // The compact U-Net without its global level: changing a domain's style needs only what is near each pixel.
  return unetFor([h, w], g.family, { inChannels: c, outChannels: c, width: o.width, norm: g.norm, dropout: 0, global: false });
}

export function cyclegan(o: CycleganOptions): GanRecipe {
  const shape = o.pair.target;
  const [c, h, w] = shape as [number, number, number];
  const family = netFamily(h, w);
  if (!o.pair.unpaired || o.pair.input.join() !== shape.join() || !family) {
    throw new InputError(
      `model "cyclegan" translates between two unpaired domains of images of one shape, with sides divisible by 4; the data's task is "${o.pair.task}" with [${o.pair.input.join(', ')}] -> [${shape.join(', ')}]`,
    );
  }
  const kind = o.generator ?? (h >= 64 && w >= 64 ? 'resnet' : 'unet');
  if (kind === 'unet' && o.blocks !== undefined) throw new InputError('model.blocks sets the ResNet generator\'s residual blocks; model.generator is "unet"');
  if (kind === 'resnet' && (h < 8 || w < 8)) throw new InputError(`model.generator "resnet" needs sides of at least 8 (its residual blocks work at a quarter of the size); the data's images are [${shape.join(', ')}]`);
  // The ResNet generator has norm layers at any size (instance by default); the compact U-Net and PatchGAN have none.
  const norm = kind === 'resnet' ? (o.norm ?? 'instance') : resolveNorm('cyclegan', o.norm, family, shape);
  const G = new Networks({ ab: generatorFor(shape, o, { kind, family, norm }), ba: generatorFor(shape, o, { kind, family, norm }) }).named('G');
  const dNorm = family === 'paper' ? norm : 'none';
  const patchGan = () => patchGanFor(c, o.width, [h, w], family, { norm: dNorm, spectralNorm: o.spectralNorm });
  const D = new Networks({ a: patchGan(), b: patchGan() }).named('D');
  const { ab, ba } = G.parts;
  // Each D gives one logit per patch.
  const DA = (x: Tensor, ctx: E.StateTrace) => E.flatten(D.parts.a.call(x, ctx));
  const DB = (x: Tensor, ctx: E.StateTrace) => E.flatten(D.parts.b.call(x, ctx));
  return defineRecipe({
    type: 'cyclegan',
    G,
    D,
    // One image of each domain per sample, drawn independently; no noise.
    inputs: { a: field('a'), b: field('b') },
    generate: ({ a, b }, ctx) => ({ fakeB: ab.call(a, ctx), fakeA: ba.call(b, ctx) }),
    dLoss: ({ a, b }, { fakeA, fakeB }, adv) => E.add(adv.d(DB, b, fakeB).loss, adv.d(DA, a, fakeA).loss),
    gLoss({ a, b }, { fakeA, fakeB }, adv) {
      const gan = E.add(adv.g(DB, fakeB).loss, adv.g(DA, fakeA).loss);
      const cycle = E.add(l1(ba.call(fakeB, adv.ctx), a), l1(ab.call(fakeA, adv.ctx), b));
      let loss = E.add(gan, E.mul(cycle, o.cycleWeight));
      if (o.identityWeight > 0) {
        const identity = E.add(l1(ab.call(b, adv.ctx), b), l1(ba.call(a, adv.ctx), a));
        loss = E.add(loss, E.mul(identity, o.identityWeight));
      }
      return loss;
    },
    // Batch statistics would mix real and generated images in one pass.
    joinRealFake: dNorm !== 'batch',
    // Outputs in the data's range (the generators' outputs are linear).
    translator: {
      input: shape,
      output: shape,
      directions: { a2b: (x, ctx) => E.clip(ab.call(x, ctx), -1, 1), b2a: (x, ctx) => E.clip(ba.call(x, ctx), -1, 1) },
    },
  });
}
