// Pix2Pix (Isola et al. 2017): paired image-to-image translation. G is a U-Net (an encoder-decoder
// whose decoder also reads the encoder's maps at each scale, so detail the input already has can
// pass straight through); D is a PatchGAN that judges (input, image) pairs patch by patch, one logit
// per patch; G minimises the adversarial loss plus l1Weight x the mean absolute error to the target.
// With adversarialWeight 0 the same U-Net trains on L1 alone, the baseline the GAN term must beat.
// The networks are chosen by the images' size (translation-nets.ts): the paper's U-Net down to 1x1
// and its PatchGAN with a receptive field by size for sides that are powers of two from 16, the
// compact networks of the 28x28 presets for other sides divisible by 4.
import { z } from 'zod';
import { int } from '../../config/fields.js';
import * as E from '../../engine/index.js';
import type { Tensor } from '../../engine/index.js';
import type { Ctx } from '../../nn/module.js';
import type { PairShapes } from '../../data/types.js';
import { InputError } from '../../errors.js';
import { meanAbsoluteError } from '../losses.js';
import { defineRecipe, type GanRecipe } from '../recipe.js';
import { checkPaired, pairedInputs, pairedTranslator } from './paired.js';
import { patchGanFor } from './patchgan.js';
import { netFamily, resolveNorm, translationFields } from './translation-nets.js';
import { unetFor } from './unet.js';

/** model.kind "pix2pix": the config section and its defaults. */
export const Pix2PixConfig = z.strictObject({
  /** Paired translation (input/target images of one size): U-Net G, PatchGAN D on (input, image), L1 to the target. */
  kind: z.literal('pix2pix'),
  /** Channels of the U-Net's first level and of D's first conv (the paper's 64). */
  width: int(4).max(1024).default(32),
  /** Weight of the L1 distance to the target (the paper's 100). */
  l1Weight: z.number().min(0).default(100),
  /** Weight of G's adversarial loss; 0 trains the U-Net on L1 alone. */
  adversarialWeight: z.number().min(0).default(1),
  /** Dropout in the paper's U-Net's three decoder levels after the innermost (the paper's 0.5, at training only here). */
  dropout: z.number().min(0).max(0.9).default(0),
  ...translationFields,
});

/** What the type is built from: its config section and the data's pair shapes. */
export type Pix2PixOptions = Omit<z.infer<typeof Pix2PixConfig>, 'kind'> & { pair: PairShapes };

export function pix2pix(o: Pix2PixOptions): GanRecipe {
  checkPaired('pix2pix', o.pair);
  const [inC, h, w] = o.pair.input as [number, number, number];
  const outC = o.pair.target[0]!;
  const family = o.pair.target[1] === h && o.pair.target[2] === w ? netFamily(h, w) : undefined;
  if (!family) {
    throw new InputError(
      `model "pix2pix" translates images to images of the same height and width (the channels may differ), with sides divisible by 4; the data's pairs are [${o.pair.input.join(', ')}] -> [${o.pair.target.join(', ')}]`,
    );
  }
  const norm = resolveNorm('pix2pix', o.norm, family, o.pair.target);
  if (family === 'compact' && o.dropout > 0) throw new InputError(`model.dropout applies to the U-Net for sides that are powers of two from 16; [${o.pair.target.join(', ')}] uses the compact U-Net, which has none`);
  const G = unetFor([h, w], family, { inChannels: inC, outChannels: outC, width: o.width, norm, dropout: o.dropout, global: true }).named('G');
  const D = patchGanFor(inC + outC, o.width, [h, w], family, { norm, spectralNorm: o.spectralNorm }).named('D');
  // D judges an image given the input it was made from: the two stacked as channels, one logit per patch.
  const judge = (image: Tensor, ctx: Ctx, input: Tensor) => E.flatten(D.call(E.concat([input, image], 1), ctx));
  return defineRecipe({
    type: 'pix2pix',
    G,
    D,
    inputs: pairedInputs(),
    generate: ({ input }, ctx) => ({ output: G.call(input, ctx) }),
    dLoss: ({ input, target }, fake, adv) => adv.d(judge, target, fake.output, [input]).loss,
    gLoss: ({ input, target }, fake, adv) => E.add(E.mul(adv.g(judge, fake.output, [input]).loss, o.adversarialWeight), E.mul(meanAbsoluteError(fake.output, target), o.l1Weight)),
    // Batch statistics would mix real and generated pairs in one pass.
    joinRealFake: norm !== 'batch',
    translator: pairedTranslator(G, o.pair),
  });
}
