// SRGAN (Ledig et al. 2017): super-resolution. G is a residual network that works at the input's
// resolution and upsamples 4x with two sub-pixel convolutions (a convolution to r^2 times the
// channels, rearranged into an r-times larger map); D judges output images alone, patch by patch.
// G minimises contentWeight x the pixel mean squared error to the high-resolution target plus
// adversarialWeight x the adversarial loss (the paper's 1e-3 against a perceptual content loss).
import { z } from 'zod';
import { int } from '../../config/fields.js';
import * as E from '../../engine/index.js';
import type { Tensor } from '../../engine/index.js';
import { Conv2d, PixelShuffle, ReLU, Residual } from '../../nn/layers.js';
import { Module, Sequential, type Ctx } from '../../nn/module.js';
import type { PairShapes } from '../../data/types.js';
import { InputError } from '../../errors.js';
import { defineRecipe, type GanRecipe } from '../recipe.js';
import { checkPaired, pairedInputs, pairedTranslator } from './paired.js';
import { patchDiscriminator } from './pix2pix.js';

/** model.kind "srgan": the config section and its defaults. */
export const SrganConfig = z.strictObject({
  /** 4x super-resolution (data.task "downscale4"): residual G with sub-pixel upsampling, pixel MSE + adversarial. */
  kind: z.literal('srgan'),
  /** Channels of G's residual trunk (divisible by 4) and of D's first conv. */
  width: int(4).max(1024).default(32),
  /** Residual blocks in G's trunk. */
  blocks: int(0).max(64).default(4),
  /** Weights of the pixel MSE to the target and of G's adversarial loss. */
  contentWeight: z.number().min(0).default(1),
  adversarialWeight: z.number().min(0).default(0.01),
  spectralNorm: z.boolean().default(false),
});

/** What the type is built from: its config section and the data's pair shapes. */
export type SrganOptions = Omit<z.infer<typeof SrganConfig>, 'kind'> & { pair: PairShapes };

/** Residual trunk at the input's size, then two 2x sub-pixel upsamplings, halving the channels each time. */
export class SuperResolver extends Module {
  private readonly head: Conv2d;
  private readonly trunk: Sequential;
  private readonly up: Sequential;

  constructor(channels: number, width: number, blocks: number) {
    super();
    const w = width;
    const block = () => new Residual(new Sequential([new Conv2d(w, w, 3, { padding: 1 }), ReLU(), new Conv2d(w, w, 3, { padding: 1 })]));
    this.head = this.add('head', new Conv2d(channels, w, 3, { padding: 1 }));
    this.trunk = this.add('trunk', new Sequential([...Array.from({ length: blocks }, block), new Conv2d(w, w, 3, { padding: 1 })]));
    this.up = this.add(
      'up',
      new Sequential([
        new Conv2d(w, 4 * (w / 2), 3, { padding: 1 }),
        PixelShuffle(2),
        ReLU(),
        new Conv2d(w / 2, 4 * (w / 4), 3, { padding: 1 }),
        PixelShuffle(2),
        ReLU(),
        new Conv2d(w / 4, channels, 3, { padding: 1 }),
      ]),
    );
  }

  forward(x: Tensor, ctx: Ctx): Tensor {
    const h = E.relu(this.head.call(x, ctx));
    // The trunk learns a correction to the head's features (the long skip of SRResNet).
    return E.tanh(this.up.call(E.add(h, this.trunk.call(h, ctx)), ctx));
  }
}

export function srgan(o: SrganOptions): GanRecipe {
  checkPaired('srgan', o.pair);
  const [c, h, w] = o.pair.input as [number, number, number];
  const target = o.pair.target;
  if (target[0] !== c || target[1] !== 4 * h || target[2] !== 4 * w || o.width % 4 !== 0) {
    throw new InputError(`model "srgan" upsamples 4x (data.task "downscale4") with a width divisible by 4; the data's pairs are [${o.pair.input.join(', ')}] -> [${target.join(', ')}], width ${o.width}`);
  }
  const G = new SuperResolver(c, o.width, o.blocks).named('G');
  // D judges output images alone, patch by patch.
  const D = patchDiscriminator(c, o.width, o.spectralNorm).named('D');
  const judge = (image: Tensor, ctx: Ctx) => E.flatten(D.call(image, ctx));
  const content = (output: Tensor, t: Tensor) => E.reduceMean(E.square(E.sub(output, t)));
  return defineRecipe({
    type: 'srgan',
    G,
    D,
    inputs: pairedInputs(),
    generate: ({ input }, ctx) => ({ output: G.call(input, ctx) }),
    dLoss: ({ target }, fake, adv) => adv.d(judge, target, fake.output).loss,
    gLoss: ({ target }, fake, adv) => E.add(E.mul(adv.g(judge, fake.output).loss, o.adversarialWeight), E.mul(content(fake.output, target), o.contentWeight)),
    translator: pairedTranslator(G, o.pair),
  });
}
