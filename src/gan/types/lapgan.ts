// Laplacian-pyramid GAN (Denton et al. 2015): an image is built coarse to fine. The coarsest
// generator draws a small image from noise; each finer generator draws the Laplacian residual
// (the detail an upsampling lacks) given the upsampled coarser image and a plane of noise. Every
// level has its own discriminator, which judges the level's image together with its condition.
// In training each finer level is conditioned on the real image's coarser level (the levels
// learn independently, as in the paper) or, with condition "generated", on the generated coarser
// level it will refine when sampling (jointly trained); sampling composes the pyramid.
import { z } from 'zod';
import { int } from '../../config/fields.js';
import * as E from '../../engine/index.js';
import type { Tensor } from '../../engine/index.js';
import { BatchNorm, Conv2d, ConvTranspose2d, Flatten, LeakyReLU, Linear, ReLU, Reshape, Tanh } from '../../nn/layers.js';
import { Module, Networks, Sequential, type Ctx } from '../../nn/module.js';
import { Pack } from '../nets.js';
import { defineRecipe, field, normal, type GanRecipe } from '../recipe.js';
import { InputError } from '../../errors.js';

/** model.kind "lapgan": the config section and its defaults. */
export const LapganConfig = z.strictObject({
  kind: z.literal('lapgan'),
  /** Noise size of the coarsest level's generator. */
  latent: int(1).max(4096).default(100),
  /** Channels of the finest level's generator (the middle generator and the finer discriminators have four times as many). */
  width: int(4).max(1024).default(32),
  /** Channels of the coarsest level's generator (its first map) and discriminator (its last conv). */
  coarseWidth: int(8).max(1024).multipleOf(2).default(64),
  spectralNorm: z.boolean().default(false),
  /**
   * PacGAN packing of the coarsest level only: its discriminator judges this many 7x7 images at
   * once (stacked along the channels), so it sees how a batch's digits are spread; 1: off.
   */
  coarsePack: int(1).max(8).default(1),
  /**
   * What the finer levels are conditioned on in training: the real image's coarser level (the
   * paper's independent levels) or the generated coarser level, which is what they refine when
   * sampling (the levels then train jointly: gradients reach the coarser generators), or the
   * generated coarser level with no gradient through it ("generated-detached": each generator is
   * trained by its own level's discriminator alone, as in the paper, but on the conditions it
   * will meet when sampling).
   */
  condition: z.enum(['real', 'generated', 'generated-detached']).default('real'),
});

/** What the type is built from: its config section and the finest level's shape [C, H, W] (H and W divisible by 4: levels H/4, H/2, H). */
export type LapganOptions = Omit<z.infer<typeof LapganConfig>, 'kind'> & { sampleShape: number[] };

export const LEVELS = 3;
/**
 * Channels of the middle generator and of the finer discriminators per `width` channel. The middle
 * generator decides the digit's shape from a blurry 7x7 image, and both discriminators judge that
 * shape (the finest one was widened together with the middle generator's 7x7 path; the two were
 * measured only together). The finest generator mostly sharpens strokes, and its 28x28 maps are
 * the costliest per channel, so it alone is kept narrow.
 */
const WIDE = 4;

const down = (x: Tensor) => E.avgPool2d(x, 2, { stride: 2 });
const up = (x: Tensor) => E.upsample(x, 2, 'bilinear');

/** The coarsest generator (DCGAN-like): noise -> Linear -> [width, h, w] -> two 3x3 convs with batch norm -> [C, h, w] in [-1, 1]. */
function coarseGenerator(latent: number, [c, h, w]: number[], width: number): Sequential {
  return new Sequential([
    new Linear(latent, width * h! * w!, { bias: false }),
    new BatchNorm(width * h! * w!),
    ReLU(),
    Reshape(width, h!, w!),
    new Conv2d(width, width / 2, 3, { padding: 1, bias: false }),
    new BatchNorm(width / 2),
    ReLU(),
    new Conv2d(width / 2, c!, 3, { padding: 1 }),
    Tanh(),
  ]);
}

/** The coarsest discriminator: two 3x3 convs at the coarse size (width / 2, width channels) -> logit. */
function coarseDiscriminator([c, h, w]: number[], width: number, sn?: boolean): Sequential {
  return new Sequential([
    new Conv2d(c!, width / 2, 3, { padding: 1, spectralNorm: sn }),
    LeakyReLU(0.2),
    new Conv2d(width / 2, width, 3, { padding: 1, spectralNorm: sn }),
    LeakyReLU(0.2),
    Flatten(),
    new Linear(width * h! * w!, 1, { spectralNorm: sn }),
  ]);
}

/** A finer generator: [condition, noise plane] -> four 3x3 convs (a 9x9 view) -> the residual (unbounded). */
function residualGenerator(c: number, width: number): Sequential {
  const hidden = (from: number) => [new Conv2d(from, width, 3, { padding: 1 }), ReLU()];
  return new Sequential([...hidden(c + 1), ...hidden(width), ...hidden(width), new Conv2d(width, c, 3, { padding: 1 })]);
}

/**
 * The middle level's generator: two 3x3 convs, then a path through half-size maps (a strided conv,
 * two 3x3 convs, a transposed conv) whose output joins the full-size maps before the last two
 * convs. An output pixel near the middle of a 14x14 image sees all of it, where four 3x3 convs
 * alone see 9x9 pixels, so the residual can follow the digit's overall shape, which the blurry 7x7
 * condition leaves open. The input's sides must be even (the model's middle level always is).
 */
export class ContextResidualGenerator extends Module {
  private readonly local: Sequential;
  private readonly context: Sequential;
  private readonly out: Sequential;

  constructor(c: number, width: number) {
    super();
    const w = width;
    this.local = this.add('local', new Sequential([new Conv2d(c + 1, w, 3, { padding: 1 }), ReLU(), new Conv2d(w, w, 3, { padding: 1 }), ReLU()]));
    this.context = this.add('context', new Sequential([
      new Conv2d(w, 2 * w, 4, { stride: 2, padding: 1 }), ReLU(),
      new Conv2d(2 * w, 2 * w, 3, { padding: 1 }), ReLU(),
      new Conv2d(2 * w, 2 * w, 3, { padding: 1 }), ReLU(),
      new ConvTranspose2d(2 * w, w, 4, { stride: 2, padding: 1 }), ReLU(),
    ]));
    this.out = this.add('out', new Sequential([new Conv2d(2 * w, w, 3, { padding: 1 }), ReLU(), new Conv2d(w, c, 3, { padding: 1 })]));
  }

  forward(x: Tensor, ctx: Ctx): Tensor {
    const l = this.local.call(x, ctx);
    return this.out.call(E.concat([l, this.context.call(l, ctx)], 1), ctx);
  }
}

/** A finer discriminator: [image, condition] -> a 3x3 conv, strided convs (down to about 7x7) -> logit. */
function levelDiscriminator(c: number, h: number, w: number, width: number, sn?: boolean): Sequential {
  const layers: Module[] = [new Conv2d(2 * c, width, 3, { padding: 1, spectralNorm: sn }), LeakyReLU(0.2)];
  let ch = width;
  const half = (s: number) => Math.floor((s + 2 - 4) / 2) + 1; // k4 s2 p1
  for (let i = 0; Math.max(h, w) > 7; i++) {
    const out = width * 2 ** i;
    layers.push(new Conv2d(ch, out, 4, { stride: 2, padding: 1, spectralNorm: sn }), LeakyReLU(0.2));
    ch = out;
    h = half(h);
    w = half(w);
  }
  layers.push(Flatten(), new Linear(ch * h * w, 1, { spectralNorm: sn }));
  return new Sequential(layers);
}

/** The real image's pyramid: level 0 is the coarsest image; conds[l] is the upsampled level l - 1 that level l is conditioned on. */
function realPyramid(x: Tensor): { images: Tensor[]; conds: Tensor[] } {
  const images = [down(down(x)), down(x), x];
  return { images, conds: [images[0]!, up(images[0]!), up(images[1]!)] };
}

export function lapgan(o: LapganOptions): GanRecipe {
  const [c, h, w] = o.sampleShape as [number, number, number];
  if (o.sampleShape.length !== 3 || h % 4 !== 0 || w % 4 !== 0) {
    throw new InputError(`model "lapgan" builds a 3-level pyramid of images whose size is divisible by 4; the data's samples have shape [${o.sampleShape.join(', ')}]`);
  }
  const shapes = [4, 2, 1].map((f) => [c, h / f, w / f]);
  const G = new Networks({
    level0: coarseGenerator(o.latent, shapes[0]!, o.coarseWidth),
    level1: new ContextResidualGenerator(c, WIDE * o.width),
    level2: residualGenerator(c, o.width),
  }).named('G');
  const D = new Networks({
    level0: o.coarsePack > 1
      ? new Sequential([Pack(o.coarsePack, true, 'model.coarsePack'), coarseDiscriminator([c * o.coarsePack, h / 4, w / 4], o.coarseWidth, o.spectralNorm)])
      : coarseDiscriminator(shapes[0]!, o.coarseWidth, o.spectralNorm),
    level1: levelDiscriminator(c, h / 2, w / 2, WIDE * o.width, o.spectralNorm),
    level2: levelDiscriminator(c, h, w, WIDE * o.width, o.spectralNorm),
  }).named('D');
  const gs = [G.parts.level0, G.parts.level1, G.parts.level2];
  const ds = [D.parts.level0, D.parts.level1, D.parts.level2];
  // z = [coarse noise | a noise plane per finer level].
  const planeSizes = shapes.slice(1).map(([, ph, pw]) => ph! * pw!);
  const latent = o.latent + planeSizes.reduce((a, b) => a + b, 0);
  const noise = (z: Tensor, level: number): Tensor => {
    if (level === 0) return E.slice(z, [0], [o.latent], [1]);
    const start = o.latent + planeSizes.slice(0, level - 1).reduce((a, b) => a + b, 0);
    const [, ph, pw] = shapes[level]!;
    return E.reshape(E.slice(z, [start], [start + planeSizes[level - 1]!], [1]), [z.shape[0]!, 1, ph!, pw!]);
  };
  const refine = (level: number, cond: Tensor, z: Tensor, ctx: Ctx) => E.add(cond, gs[level]!.call(E.concat([cond, noise(z, level)], 1), ctx));
  // A finer level's discriminator judges its image together with its condition.
  const finer = (l: number) => (image: Tensor, ctx: Ctx, cond: Tensor) => ds[l]!.call(E.concat([image, cond], 1), ctx);
  const judges = [ds[0]!, finer(1), finer(2)] as const;
  const meanOfLevels = (terms: Tensor[]) => E.div(E.add(E.add(terms[0]!, terms[1]!), terms[2]!), LEVELS);

  return defineRecipe({
    type: 'lapgan',
    G,
    D,
    inputs: { x: field('x'), z: normal(latent) },
    generate({ x, z }, ctx) {
      const coarse = gs[0]!.call(noise(z, 0), ctx);
      if (o.condition !== 'real') {
        // Each level refines the level below as sampling does; with "generated" a finer level's
        // discriminator trains the coarser generators too (through its condition): the pyramid
        // learns jointly.
        const given = o.condition === 'generated' ? (t: Tensor) => t : E.stopGradient;
        const cond1 = given(up(coarse));
        const image1 = refine(1, cond1, z, ctx);
        const cond2 = given(up(E.clip(image1, -1, 1)));
        return { image0: coarse, image1, cond1, image2: refine(2, cond2, z, ctx), cond2 };
      }
      const r = realPyramid(x);
      return { image0: coarse, image1: refine(1, r.conds[1]!, z, ctx), cond1: r.conds[1]!, image2: refine(2, r.conds[2]!, z, ctx), cond2: r.conds[2]! };
    },
    // Every level's D judges its level; the levels' losses are averaged.
    dLoss({ x }, fake, adv) {
      const r = realPyramid(x);
      return meanOfLevels([
        adv.d(judges[0], r.images[0]!, fake.image0).loss,
        adv.d(judges[1], r.images[1]!, fake.image1, { real: [r.conds[1]!], fake: [fake.cond1] }).loss,
        adv.d(judges[2], r.images[2]!, fake.image2, { real: [r.conds[2]!], fake: [fake.cond2] }).loss,
      ]);
    },
    gLoss: (_, fake, adv) =>
      meanOfLevels([adv.g(judges[0], fake.image0).loss, adv.g(judges[1], fake.image1, [fake.cond1]).loss, adv.g(judges[2], fake.image2, [fake.cond2]).loss]),
    noInputPenalty: 'an input-gradient penalty would have to be taken per level, with respect to the level\'s image only',
    sampler: {
      latent: [latent],
      output: o.sampleShape,
      range: '[-1, 1]',
      sample(z, _y, ctx) {
        // Each level is clipped to the data's range: the finer levels were trained on conditions in it.
        let img = gs[0]!.call(noise(z, 0), ctx);
        for (const l of [1, 2]) img = E.clip(refine(l, up(img), z, ctx), -1, 1);
        return img;
      },
    },
  });
}
