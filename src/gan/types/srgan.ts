// SRGAN (Ledig et al. 2017): super-resolution. G is a residual network that works at the input's
// resolution and upsamples with one 2x sub-pixel convolution per factor of 2 (a convolution to 4
// times the channels, rearranged into a map twice the size): x2, x4 or x8, read from the data's
// shapes (target side / input side). D judges output images alone, patch by patch (patchgan.ts).
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
import { patchGanFor } from './patchgan.js';
import { netFamily, resolveNorm, translationFields } from './translation-nets.js';

/** model.kind "srgan": the config section and its defaults. */
export const SrganConfig = z.strictObject({
  /** 2x, 4x or 8x super-resolution (low- and high-resolution image pairs): residual G with sub-pixel upsampling, pixel MSE + adversarial. */
  kind: z.literal('srgan'),
  /** Channels of G's residual trunk (divisible by the factor: each 2x stage halves them) and of D's first conv. */
  width: int(4).max(1024).default(32),
  /** Residual blocks in G's trunk. */
  blocks: int(0).max(64).default(4),
  /** Weights of the pixel MSE to the target and of G's adversarial loss. */
  contentWeight: z.number().min(0).default(1),
  adversarialWeight: z.number().min(0).default(0.01),
  /** norm: D's normalisation (G's residual blocks have none, as EDSR found best for super-resolution). */
  ...translationFields,
});

/** What the type is built from: its config section and the data's pair shapes. */
export type SrganOptions = Omit<z.infer<typeof SrganConfig>, 'kind'> & { pair: PairShapes };

/** The supported factors: one 2x sub-pixel stage per factor of 2. */
const FACTORS = [2, 4, 8];

/** Residual trunk at the input's size, then log2(factor) 2x sub-pixel upsamplings, halving the channels each time. */
export class SuperResolver extends Module {
  private readonly head: Conv2d;
  private readonly trunk: Sequential;
  private readonly up: Sequential;

  constructor(inChannels: number, outChannels: number, width: number, blocks: number, factor: number) {
    super();
    const w = width;
    const block = () => new Residual(new Sequential([new Conv2d(w, w, 3, { padding: 1 }), ReLU(), new Conv2d(w, w, 3, { padding: 1 })]));
    this.head = this.add('head', new Conv2d(inChannels, w, 3, { padding: 1 }));
    this.trunk = this.add('trunk', new Sequential([...Array.from({ length: blocks }, block), new Conv2d(w, w, 3, { padding: 1 })]));
    const stages = Math.log2(factor);
    // Stage s reads w / 2^s channels and gives half as many at twice the size.
    const stage = (s: number) => [new Conv2d(w / 2 ** s, 4 * (w / 2 ** (s + 1)), 3, { padding: 1 }), PixelShuffle(2), ReLU()];
    this.up = this.add('up', new Sequential([...Array.from({ length: stages }, (_, s) => stage(s)).flat(), new Conv2d(w / 2 ** stages, outChannels, 3, { padding: 1 })]));
  }

  forward(x: Tensor, ctx: Ctx): Tensor {
    const h = E.relu(this.head.call(x, ctx));
    // The trunk learns a correction to the head's features (the long skip of SRResNet).
    return E.tanh(this.up.call(E.add(h, this.trunk.call(h, ctx)), ctx));
  }
}

export function srgan(o: SrganOptions): GanRecipe {
  checkPaired('srgan', o.pair);
  const [inC, h, w] = o.pair.input as [number, number, number];
  const [outC, th, tw] = o.pair.target as [number, number, number];
  const factor = th / h;
  if (!FACTORS.includes(factor) || tw / w !== factor) {
    throw new InputError(`model "srgan" upsamples by 2, 4 or 8 (the target's height and width that many times the input's); the data's pairs are [${o.pair.input.join(', ')}] -> [${o.pair.target.join(', ')}]`);
  }
  if (o.width % factor !== 0) throw new InputError(`model.width ${o.width} must be divisible by ${factor} for ${factor}x super-resolution (each 2x stage halves G's channels)`);
  const family = netFamily(th, tw) ?? 'compact';
  const G = new SuperResolver(inC, outC, o.width, o.blocks, factor).named('G');
  // D judges output images alone, patch by patch.
  const norm = resolveNorm('srgan', o.norm, family, o.pair.target);
  const D = patchGanFor(outC, o.width, [th, tw], family, { norm, spectralNorm: o.spectralNorm }).named('D');
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
    // Batch statistics would mix real and generated images in one pass.
    joinRealFake: norm !== 'batch',
    translator: pairedTranslator(G, o.pair),
  });
}
