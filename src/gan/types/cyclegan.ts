// CycleGAN (Zhu et al. 2017): unpaired translation between domains A and B. Two generators,
// G_ab and G_ba (U-Nets), and two discriminators, D_a and D_b (PatchGANs), play two GANs at once;
// with no pairs to compare against, G is held to the input by cycle consistency, an L1 penalty on
// G_ba(G_ab(a)) - a and G_ab(G_ba(b)) - b (weight cycleWeight), and by an identity term, L1 on
// G_ab(b) - b and G_ba(a) - a (weight identityWeight), which keeps what needs no change unchanged.
// A sample row is [a | b]; G's output row is [G_ba(b) | G_ab(a)], so D's row is judged half by half.
import * as E from '../../engine/index.js';
import type { Tensor } from '../../engine/index.js';
import type { PairShapes } from '../../data/tasks.js';
import { InputError } from '../../errors.js';
import { Networks, type GanModel } from '../model.js';
import { patchDiscriminator, UNet } from './pix2pix.js';
import { joinPairs, splitPairs } from './paired.js';

export interface CycleganOptions {
  pair: PairShapes;
  /** Channels of the U-Nets' first level and of D's first conv. */
  width: number;
  cycleWeight: number;
  identityWeight: number;
  spectralNorm?: boolean;
}

const l1 = (a: Tensor, b: Tensor) => E.reduceMean(E.abs(E.sub(a, b)));

export function cycleGan(o: CycleganOptions): GanModel {
  const shape = o.pair.target;
  const [c, h, w] = shape as [number, number, number];
  if (!o.pair.unpaired || o.pair.input.join() !== shape.join() || h % 4 !== 0 || w % 4 !== 0) {
    throw new InputError(`model "cyclegan" translates between two unpaired domains of images of one shape, with sides divisible by 4 (data.task "dilate-unpaired"); the data's task is "${o.pair.task}" with [${o.pair.input.join(', ')}] -> [${shape.join(', ')}]`);
  }
  const G = new Networks({ ab: new UNet(c, o.width), ba: new UNet(c, o.width) }).named('G');
  const D = new Networks({ a: patchDiscriminator(c, o.width, o.spectralNorm), b: patchDiscriminator(c, o.width, o.spectralNorm) }).named('D');
  const { ab, ba } = G.parts;
  const size = c * h * w;
  // [a | b] rows: the same layout as paired rows of equal-shaped images.
  const domains = (rows: Tensor) => {
    const { input, target } = splitPairs(rows, o.pair);
    return { a: input, b: target };
  };
  return {
    type: 'cyclegan',
    G,
    D,
    // Translation needs no noise; the step's graph does not read z.
    latentShape: [1],
    sampleShape: [2 * size],
    // The loss averages over D_a's and D_b's logits together; G's adversarial term is the sum of
    // the two directions' GAN losses, as in the paper.
    adversarialWeight: 2,
    translation: { input: shape, output: shape, directions: ['a2b', 'b2a'] },
    realInput: (rows) => rows,
    generate(_z, _y, ctx, real) {
      const { a, b } = domains(real);
      return joinPairs(ba.call(b, ctx), ab.call(a, ctx));
    },
    discriminate(rows, _y, ctx) {
      const { a, b } = domains(rows);
      return { logit: E.concat([E.flatten(D.parts.a.call(a, ctx)), E.flatten(D.parts.b.call(b, ctx))], 1) };
    },
    auxLoss(player, t) {
      if (player === 'D') return E.scalar(0);
      const real = domains(t.realX);
      const fake = domains(t.fakeX);
      // fake.b = G_ab(a), fake.a = G_ba(b).
      const cycle = E.add(l1(ba.call(fake.b, t.ctx), real.a), l1(ab.call(fake.a, t.ctx), real.b));
      let loss = E.mul(cycle, o.cycleWeight);
      if (o.identityWeight > 0) {
        const identity = E.add(l1(ab.call(real.b, t.ctx), real.b), l1(ba.call(real.a, t.ctx), real.a));
        loss = E.add(loss, E.mul(identity, o.identityWeight));
      }
      return loss;
    },
    sample() {
      throw new Error('a cyclegan generator translates images: use translate (gan translate), not noise sampling');
    },
    // Outputs in the data's range (the U-Nets' outputs are linear).
    translate: (x, ctx, direction) => E.clip((direction === 'a2b' ? ab : ba).call(x, ctx), -1, 1),
  };
}
