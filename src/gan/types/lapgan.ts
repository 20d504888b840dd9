// Laplacian-pyramid GAN (Denton et al. 2015): an image is built coarse to fine. The coarsest
// generator draws a small image from noise; each finer generator draws the Laplacian residual
// (the detail an upsampling lacks) given the upsampled coarser image and a plane of noise. Every
// level has its own discriminator, which judges the level's image together with its condition.
// In training each finer level is conditioned on the real image's coarser level (the levels
// learn independently, as in the paper) or, with condition "generated", on the generated coarser
// level it will refine when sampling (jointly trained); sampling composes the pyramid.
import * as E from '../../engine/index.js';
import type { Tensor } from '../../engine/index.js';
import { BatchNorm, Conv2d, ConvTranspose2d, Flatten, LeakyReLU, Linear, ReLU, Reshape, Tanh } from '../../nn/layers.js';
import { Module, Sequential, type Ctx } from '../../nn/module.js';
import { Networks, type GanModel } from '../model.js';
import { InputError } from '../../errors.js';

export interface LapganOptions {
  /** [C, H, W] of the finest level; H and W divisible by 4 (3 levels: H/4, H/2, H). */
  sampleShape: number[];
  /** Noise size of the coarsest generator. */
  latent: number;
  /** Channels of the finest level's generator; the middle level's generator and both finer discriminators have four times as many. */
  width: number;
  spectralNorm?: boolean;
  /**
   * What the finer levels are conditioned on in training: the real image's coarser level (the
   * paper's independent levels) or the generated coarser level, which is what they refine when
   * sampling (the levels then train jointly: gradients reach the coarser generators).
   */
  condition?: 'real' | 'generated';
}

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
const flat = (x: Tensor) => E.reshape(x, [x.shape[0]!, -1]);

/** The coarsest generator (DCGAN-like): noise -> Linear -> [64, h, w] -> two 3x3 convs with batch norm -> [C, h, w] in [-1, 1]. */
function coarseGenerator(latent: number, [c, h, w]: number[]): Sequential {
  return new Sequential([
    new Linear(latent, 64 * h! * w!, { bias: false }),
    new BatchNorm(64 * h! * w!),
    ReLU(),
    Reshape(64, h!, w!),
    new Conv2d(64, 32, 3, { padding: 1, bias: false }),
    new BatchNorm(32),
    ReLU(),
    new Conv2d(32, c!, 3, { padding: 1 }),
    Tanh(),
  ]);
}

/** The coarsest discriminator: two 3x3 convs at the coarse size -> logit. */
function coarseDiscriminator([c, h, w]: number[], sn?: boolean): Sequential {
  return new Sequential([
    new Conv2d(c!, 32, 3, { padding: 1, spectralNorm: sn }),
    LeakyReLU(0.2),
    new Conv2d(32, 64, 3, { padding: 1, spectralNorm: sn }),
    LeakyReLU(0.2),
    Flatten(),
    new Linear(64 * h! * w!, 1, { spectralNorm: sn }),
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

interface Pyramid {
  /** Coarse to fine: level 0 is the coarsest image, levels 1.. the finer images. */
  images: Tensor[];
  /** conds[l] is the upsampled level l - 1 that level l is conditioned on (conds[0] unused). */
  conds: Tensor[];
}

export function lapGan(o: LapganOptions): GanModel {
  const [c, h, w] = o.sampleShape as [number, number, number];
  if (o.sampleShape.length !== 3 || h % 4 !== 0 || w % 4 !== 0) {
    throw new InputError(`model "lapgan" builds a 3-level pyramid of images whose size is divisible by 4; the data's samples have shape [${o.sampleShape.join(', ')}]`);
  }
  const shapes = [4, 2, 1].map((f) => [c, h / f, w / f]);
  const G = new Networks({
    level0: coarseGenerator(o.latent, shapes[0]!),
    level1: new ContextResidualGenerator(c, WIDE * o.width),
    level2: residualGenerator(c, o.width),
  }).named('G');
  const D = new Networks({
    level0: coarseDiscriminator(shapes[0]!, o.spectralNorm),
    level1: levelDiscriminator(c, h / 2, w / 2, WIDE * o.width, o.spectralNorm),
    level2: levelDiscriminator(c, h, w, WIDE * o.width, o.spectralNorm),
  }).named('D');
  const gs = [G.parts.level0, G.parts.level1, G.parts.level2];
  const ds = [D.parts.level0, D.parts.level1, D.parts.level2];
  // z = [coarse noise | a noise plane per finer level].
  const planeSizes = shapes.slice(1).map(([, ph, pw]) => ph! * pw!);
  const latentShape = [o.latent + planeSizes.reduce((a, b) => a + b, 0)];
  const noise = (z: Tensor, level: number): Tensor => {
    if (level === 0) return E.slice(z, [0], [o.latent], [1]);
    const start = o.latent + planeSizes.slice(0, level - 1).reduce((a, b) => a + b, 0);
    const [, ph, pw] = shapes[level]!;
    return E.reshape(E.slice(z, [start], [start + planeSizes[level - 1]!], [1]), [z.shape[0]!, 1, ph!, pw!]);
  };
  const refine = (level: number, cond: Tensor, z: Tensor, ctx: Ctx) => E.add(cond, gs[level]!.call(E.concat([cond, noise(z, level)], 1), ctx));

  const realPyramid = (x: Tensor): Pyramid => {
    const images = [down(down(x)), down(x), x];
    return { images, conds: [images[0]!, up(images[0]!), up(images[1]!)] };
  };
  // What D sees, flattened into one row per sample: level 0, then (image, condition) per finer level.
  const pack = (p: Pyramid) => E.concat([flat(p.images[0]!), ...[1, 2].flatMap((l) => [flat(p.images[l]!), flat(p.conds[l]!)])], 1);
  const unpack = (x: Tensor): Pyramid => {
    const n = x.shape[0]!;
    let at = 0;
    const take = (shape: number[]) => {
      const size = shape.reduce((a, b) => a * b, 1);
      const t = E.reshape(E.slice(x, [at], [at + size], [1]), [n, ...shape]);
      at += size;
      return t;
    };
    const images = [take(shapes[0]!)];
    const conds = [images[0]!];
    for (const l of [1, 2]) {
      images.push(take(shapes[l]!));
      conds.push(take(shapes[l]!));
    }
    return { images, conds };
  };

  return {
    type: 'lapgan',
    G,
    D,
    latentShape,
    sampleShape: o.sampleShape,
    realInput: (x) => pack(realPyramid(x)),
    generate(z, _y, ctx, real) {
      const coarse = gs[0]!.call(noise(z, 0), ctx);
      if (o.condition === 'generated') {
        // Each level refines the level below as sampling does, and a finer level's discriminator
        // trains the coarser generators too (through its condition): the pyramid learns jointly.
        const c1 = up(coarse);
        const img1 = refine(1, c1, z, ctx);
        const c2 = up(E.clip(img1, -1, 1));
        return pack({ images: [coarse, img1, refine(2, c2, z, ctx)], conds: [coarse, c1, c2] });
      }
      const r = realPyramid(real);
      return pack({ images: [coarse, refine(1, r.conds[1]!, z, ctx), refine(2, r.conds[2]!, z, ctx)], conds: r.conds });
    },
    discriminate(x, _y, ctx) {
      const p = unpack(x);
      const logits = [ds[0]!.call(p.images[0]!, ctx), ...[1, 2].map((l) => ds[l]!.call(E.concat([p.images[l]!, p.conds[l]!], 1), ctx))];
      return { logit: E.concat(logits, 1) };
    },
    sample(z, _y, ctx) {
      // Each level is clipped to the data's range: the finer levels were trained on conditions in it.
      let img = gs[0]!.call(noise(z, 0), ctx);
      for (const l of [1, 2]) img = E.clip(refine(l, up(img), z, ctx), -1, 1);
      return img;
    },
  };
}
