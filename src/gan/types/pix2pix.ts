// Pix2Pix (Isola et al. 2017): paired image-to-image translation. G is a U-Net (an encoder-decoder
// whose decoder also reads the encoder's maps at each scale, so detail the input already has can
// pass straight through); D is a PatchGAN that judges (input, image) pairs patch by patch, one logit
// per patch; G minimises the adversarial loss plus l1Weight x the mean absolute error to the target.
// With adversarialWeight 0 the same U-Net trains on L1 alone, the baseline the GAN term must beat.
import { z } from 'zod';
import { int } from '../../config/fields.js';
import * as E from '../../engine/index.js';
import type { Tensor } from '../../engine/index.js';
import { Conv2d, ConvTranspose2d, LeakyReLU, ReLU } from '../../nn/layers.js';
import { Module, Sequential, type Ctx } from '../../nn/module.js';
import type { PairShapes } from '../../data/types.js';
import { InputError } from '../../errors.js';
import { meanAbsoluteError } from '../losses.js';
import { defineRecipe, type GanRecipe } from '../recipe.js';
import { checkPaired, pairedInputs, pairedTranslator } from './paired.js';

/** model.kind "pix2pix": the config section and its defaults. */
export const Pix2PixConfig = z.strictObject({
  /** Paired translation (data.task): U-Net G, PatchGAN D on (input, image), L1 to the target. */
  kind: z.literal('pix2pix'),
  /** Channels of the U-Net's first level and of D's first conv. */
  width: int(4).max(1024).default(32),
  /** Weight of the L1 distance to the target (the paper's 100). */
  l1Weight: z.number().min(0).default(100),
  /** Weight of G's adversarial loss; 0 trains the U-Net on L1 alone. */
  adversarialWeight: z.number().min(0).default(1),
  spectralNorm: z.boolean().default(false),
});

/** What the type is built from: its config section and the data's pair shapes. */
export type Pix2PixOptions = Omit<z.infer<typeof Pix2PixConfig>, 'kind'> & { pair: PairShapes };

/**
 * U-Net for images whose sides divide by 4: two stride-2 levels down, a 3x3 block, two levels up
 * with skips. With `globalSize` (the input's [H, W]) a third level reduces the quarter-size maps to
 * one 1x1 cell and back, as the Pix2Pix U-Net goes down to 1x1: without it an output pixel sees
 * only about 26 pixels around it, too little to complete a digit from its far half.
 * Its output is linear, clipped to [-1, 1] only for inference (`translate`): with tanh, the L1
 * term, whose gradient keeps its size up to the target, drove the background towards exactly -1
 * until tanh saturated everywhere and G stopped learning (all-black outputs).
 */
export class UNet extends Module {
  private readonly down1: Sequential;
  private readonly down2: Sequential;
  private readonly middle: Sequential;
  private readonly up2: Sequential;
  private readonly up1: Sequential;
  private readonly out: Conv2d;
  private readonly global?: { down: Sequential; up: Sequential };

  constructor(channels: number, width: number, globalSize?: [number, number]) {
    super();
    const w = width;
    // Levels are declared in the order a pass reads them, which is the order their initial values are drawn in.
    this.down1 = this.add('down1', new Sequential([new Conv2d(channels, w, 4, { stride: 2, padding: 1 }), LeakyReLU(0.2)]));
    this.down2 = this.add('down2', new Sequential([new Conv2d(w, 2 * w, 4, { stride: 2, padding: 1 }), LeakyReLU(0.2)]));
    if (globalSize) {
      const quarter: [number, number] = [globalSize[0] / 4, globalSize[1] / 4];
      this.global = {
        down: this.add('down3', new Sequential([new Conv2d(2 * w, 4 * w, quarter), LeakyReLU(0.2)])),
        up: this.add('up3', new Sequential([new ConvTranspose2d(4 * w, 2 * w, quarter), ReLU()])),
      };
    }
    const middleIn = globalSize ? 4 * w : 2 * w;
    this.middle = this.add('middle', new Sequential([new Conv2d(middleIn, 2 * w, 3, { padding: 1 }), ReLU(), new Conv2d(2 * w, 2 * w, 3, { padding: 1 }), ReLU()]));
    this.up2 = this.add('up2', new Sequential([new ConvTranspose2d(4 * w, w, 4, { stride: 2, padding: 1 }), ReLU()]));
    this.up1 = this.add('up1', new Sequential([new ConvTranspose2d(2 * w, w, 4, { stride: 2, padding: 1 }), ReLU()]));
    this.out = this.add('out', new Conv2d(w + channels, channels, 3, { padding: 1 }));
  }

  forward(x: Tensor, ctx: Ctx): Tensor {
    const d1 = this.down1.call(x, ctx);
    const d2 = this.down2.call(d1, ctx);
    const m = this.middle.call(this.global ? E.concat([d2, this.global.up.call(this.global.down.call(d2, ctx), ctx)], 1) : d2, ctx);
    const u2 = this.up2.call(E.concat([m, d2], 1), ctx);
    const u1 = this.up1.call(E.concat([u2, d1], 1), ctx);
    return this.out.call(E.concat([u1, x], 1), ctx);
  }
}

/** PatchGAN: images (Pix2Pix: input and image stacked as channels) -> convs -> one logit per patch map cell. */
export function patchDiscriminator(inChannels: number, width: number, sn?: boolean): Sequential {
  const w = width;
  return new Sequential([
    new Conv2d(inChannels, w, 4, { stride: 2, padding: 1, spectralNorm: sn }),
    LeakyReLU(0.2),
    new Conv2d(w, 2 * w, 4, { stride: 2, padding: 1, spectralNorm: sn }),
    LeakyReLU(0.2),
    new Conv2d(2 * w, 1, 3, { padding: 1, spectralNorm: sn }),
  ]);
}

export function pix2pix(o: Pix2PixOptions): GanRecipe {
  checkPaired('pix2pix', o.pair);
  const [c, h, w] = o.pair.target as [number, number, number];
  if (o.pair.input.join() !== o.pair.target.join() || h % 4 !== 0 || w % 4 !== 0) {
    throw new InputError(`model "pix2pix" translates images to images of the same shape, with sides divisible by 4; the data's pairs are [${o.pair.input.join(', ')}] -> [${o.pair.target.join(', ')}]`);
  }
  const G = new UNet(c, o.width, [h, w]).named('G');
  const D = patchDiscriminator(2 * c, o.width, o.spectralNorm).named('D');
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
    translator: pairedTranslator(G, o.pair),
  });
}
