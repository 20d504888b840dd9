// CycleGAN (Zhu et al. 2017): unpaired translation between domains A and B. Two generators,
// G_ab and G_ba (U-Nets), and two discriminators, D_a and D_b (PatchGANs), play two GANs at once;
// with no pairs to compare against, G is held to the input by cycle consistency, an L1 penalty on
// G_ba(G_ab(a)) - a and G_ab(G_ba(b)) - b (weight cycleWeight), and by an identity term, L1 on
// G_ab(b) - b and G_ba(a) - a (weight identityWeight), which keeps what needs no change unchanged.
import { z } from 'zod';
import { int } from '../../config/fields.js';
import * as E from '../../engine/index.js';
import type { Tensor } from '../../engine/index.js';
import type { PairShapes } from '../../data/types.js';
import { InputError } from '../../errors.js';
import { Networks } from '../../nn/module.js';
import { meanAbsoluteError } from '../losses.js';
import { defineRecipe, field, type GanRecipe } from '../recipe.js';
import { patchDiscriminator, UNet } from './pix2pix.js';

/** model.kind "cyclegan": the config section and its defaults. */
export const CycleganConfig = z.strictObject({
  /** Unpaired translation (data.task "dilate-unpaired"): two U-Nets, two PatchGANs, cycle and identity L1 terms. */
  kind: z.literal('cyclegan'),
  /** Channels of the U-Nets' first level and of D's first conv. */
  width: int(4).max(1024).default(32),
  /** Weights of the cycle-consistency and identity L1 terms. */
  cycleWeight: z.number().min(0).default(10),
  identityWeight: z.number().min(0).default(5),
  spectralNorm: z.boolean().default(false),
});

/** What the type is built from: its config section and the data's domain shapes. */
export type CycleganOptions = Omit<z.infer<typeof CycleganConfig>, 'kind'> & { pair: PairShapes };

const l1 = meanAbsoluteError;

export function cyclegan(o: CycleganOptions): GanRecipe {
  const shape = o.pair.target;
  const [c, h, w] = shape as [number, number, number];
  if (!o.pair.unpaired || o.pair.input.join() !== shape.join() || h % 4 !== 0 || w % 4 !== 0) {
    throw new InputError(`model "cyclegan" translates between two unpaired domains of images of one shape, with sides divisible by 4 (data.task "dilate-unpaired"); the data's task is "${o.pair.task}" with [${o.pair.input.join(', ')}] -> [${shape.join(', ')}]`);
  }
  const G = new Networks({ ab: new UNet(c, o.width), ba: new UNet(c, o.width) }).named('G');
  const D = new Networks({ a: patchDiscriminator(c, o.width, o.spectralNorm), b: patchDiscriminator(c, o.width, o.spectralNorm) }).named('D');
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
    // Outputs in the data's range (the U-Nets' outputs are linear).
    translator: {
      input: shape,
      output: shape,
      directions: { a2b: (x, ctx) => E.clip(ab.call(x, ctx), -1, 1), b2a: (x, ctx) => E.clip(ba.call(x, ctx), -1, 1) },
    },
  });
}
