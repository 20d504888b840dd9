// A video GAN with dual discriminators, after DVD-GAN (Clark et al. 2019): G draws a whole clip
// [T, C, H, W] from one noise vector; a spatial discriminator judges k random full-resolution frames
// of each clip (the same k frames across the batch, drawn anew every step), and a temporal
// discriminator judges the whole clip at half resolution, its frames stacked as channels, so it
// sees motion. Both play against G at once; their losses are averaged with equal weight.
// Two generators:
// - 'frames': a DCGAN-style decoder whose last layer has one channel per frame; the frames share
//   every feature map. General, but in 10 minutes on 2 CPU cores it drew blurry blobs that barely
//   moved (BENCHMARKS.md).
// - 'sprite': a layered generator for clips of one object moving over a still background (after
//   the foreground stream of Vondrick et al. 2016 and spatial transformers): a decoder draws one
//   frame and a motion head draws a per-frame 2-D shift; each frame is that image moved by its
//   shift rounded to whole pixels (the shifts learn through bilinear weights), so G keeps the
//   object's identity by construction and learns only its path. It makes translations only, not
//   rotation, deformation or change.
import { z } from 'zod';
import { int } from '../../config/fields.js';
import * as E from '../../engine/index.js';
import { BatchNorm, Conv2d, ConvTranspose2d, Flatten, LeakyReLU, Linear, ReLU, Reshape, Tanh } from '../../nn/layers.js';
import type { Tensor } from '../../engine/index.js';
import { Module, Networks, Sequential, type Ctx } from '../../nn/module.js';
import { InputError } from '../../errors.js';
import { defineRecipe, field, normal, uniformPerStep, type GanRecipe } from '../recipe.js';

/** model.kind "video": the config section and its defaults. */
export const VideoConfig = z.strictObject({
  /** Video (data kind moving-mnist): a clip generator, a spatial D on random frames and a temporal D on the clip. */
  kind: z.literal('video'),
  latent: int(1).max(4096).default(100),
  /** Channels of G's last hidden maps and of the discriminators' first convs. */
  width: int(4).max(1024).default(32),
  /** Frames per clip the spatial discriminator judges. */
  frames: int(1).max(64).default(2),
  /** 'frames': each frame a channel of one decoder; 'sprite': one decoded image moved along a learned per-frame path. */
  generator: z.enum(['frames', 'sprite']).default('frames'),
  spectralNorm: z.boolean().default(true),
});

/** What the type is built from: its config section and the clips' shape [T, C, H, W] (H and W divisible by 8). */
export type VideoGanOptions = Omit<z.infer<typeof VideoConfig>, 'kind'> & { clipShape: number[] };

/** DCGAN decoder from z to `channels` maps of [h, w] (h, w divisible by 8), then tanh. */
function decoder(latent: number, channels: number, h: number, w: number, width: number): Sequential {
  const [h8, w8] = [h / 8, w / 8];
  const wide = 4 * width;
  return new Sequential([
    new Linear(latent, wide * h8 * w8, { bias: false }),
    new BatchNorm(wide * h8 * w8),
    ReLU(),
    Reshape(wide, h8, w8),
    new ConvTranspose2d(wide, 2 * width, 4, { stride: 2, padding: 1, bias: false }),
    new BatchNorm(2 * width),
    ReLU(),
    new ConvTranspose2d(2 * width, 2 * width, 4, { stride: 2, padding: 1, bias: false }),
    new BatchNorm(2 * width),
    ReLU(),
    new ConvTranspose2d(2 * width, channels, 4, { stride: 2, padding: 1 }),
    Tanh(),
  ]);
}

function clipGenerator(latent: number, [t, c, h, w]: number[], width: number): Sequential {
  return new Sequential([decoder(latent, t! * c!, h!, w!, width), Reshape(t!, c!, h!, w!)]);
}

/**
 * Shift matrices [N, T, 1, S, S] for shifts d [N, T, 1, 1, 1]: the bilinear (tent) weight
 * max(0, 1 - |j - i + d|) of source index j for output index i (i = j + d moves by d), at [i, j], or
 * at [j, i] when transposed (to multiply from the right). The weights are differentiable in d.
 */
function shiftMatrices(d: E.Tensor, size: number, transposed: boolean): E.Tensor {
  const offsets = new Float32Array(size * size);
  for (let i = 0; i < size; i++) for (let j = 0; j < size; j++) offsets[i * size + j] = transposed ? i - j : j - i;
  const m = E.constant(offsets, [1, 1, 1, size, size]);
  return E.relu(E.sub(1, E.abs(E.add(m, d))));
}

/**
 * Moves images [N, 1, C, H, W] down by dy and right by dx pixels ([N, T, 1, 1, 1], any real values)
 * with bilinear weights, giving [N, T, C, H, W]; zeros come in where the image leaves the frame.
 */
export function moveImages(images: E.Tensor, dy: E.Tensor, dx: E.Tensor): E.Tensor {
  const [h, w] = images.shape.slice(-2) as [number, number];
  return E.matmul(E.matmul(shiftMatrices(dy, h, false), images), shiftMatrices(dx, w, true));
}

/** The nearest whole number (halves away from zero), as a constant: no gradient. */
function roundHalfAway(x: E.Tensor): E.Tensor {
  const shifted = E.add(E.stopGradient(x), E.mul(E.sign(E.stopGradient(x)), 0.5));
  return E.cast(E.cast(shifted, 'int64'), 'float32');
}

/** The 'sprite' generator: one decoded image, moved along a per-frame path drawn by a motion head. */
export class SpriteGenerator extends Module {
  private readonly sprite: Sequential;
  private readonly motion: Sequential;

  constructor(
    latent: number,
    private readonly clip: [number, number, number, number],
    width: number,
  ) {
    super();
    const [t, c, h, w] = clip;
    this.sprite = this.add('sprite', decoder(latent, c, h, w, width));
    // Shifts up to a quarter of the frame each way (tanh).
    this.motion = this.add('motion', new Sequential([new Linear(latent, 4 * width), ReLU(), new Linear(4 * width, 2 * t), Tanh()]));
  }

  /** The clip's image [N, 1, C, H, W] in [0, 1] and its per-frame shifts dy, dx [N, T, 1, 1, 1] in pixels. */
  layers(z: E.Tensor, ctx: Ctx): { image: E.Tensor; dy: E.Tensor; dx: E.Tensor } {
    const [t, c, h, w] = this.clip;
    const n = z.shape[0]!;
    // In [0, 1] so that the background moved in (zeros) is the data's black (-1).
    const image = E.reshape(E.mul(E.add(this.sprite.call(z, ctx), 1), 0.5), [n, 1, c, h, w]);
    const shifts = E.reshape(this.motion.call(z, ctx), [n, t, 2]);
    const dy = E.reshape(E.mul(E.slice(shifts, [0], [1], [2]), h / 4), [n, t, 1, 1, 1]);
    const dx = E.reshape(E.mul(E.slice(shifts, [1], [2], [2]), w / 4), [n, t, 1, 1, 1]);
    return { image, dy, dx };
  }

  /**
   * Frames move by whole pixels, as the data's digits are placed, so every frame is the image
   * exactly (a bilinear half-pixel shift blurs it, which the spatial D learns to spot). The shifts
   * still learn: their gradient is the bilinear move's (a straight-through estimator).
   */
  forward(z: E.Tensor, ctx: Ctx): E.Tensor {
    const { image, dy, dx } = this.layers(z, ctx);
    const whole = moveImages(image, roundHalfAway(dy), roundHalfAway(dx));
    const smooth = moveImages(E.stopGradient(image), dy, dx);
    return E.sub(E.mul(E.add(whole, E.sub(smooth, E.stopGradient(smooth))), 2), 1);
  }
}

/** Strided 4x4 convs halving the map `halvings` times, then a linear logit. */
function convDiscriminator(channels: number, h: number, w: number, width: number, halvings: number, sn?: boolean): Sequential {
  const layers = [];
  let ch = channels;
  for (let i = 0; i < halvings; i++) {
    const out = width * 2 ** i;
    layers.push(new Conv2d(ch, out, 4, { stride: 2, padding: 1, spectralNorm: sn }), LeakyReLU(0.2));
    ch = out;
  }
  layers.push(Flatten(), new Linear((ch * h * w) / 4 ** halvings, 1, { spectralNorm: sn }));
  return new Sequential(layers);
}

export function videoGan(o: VideoGanOptions): GanRecipe {
  const [t, c, h, w] = o.clipShape as [number, number, number, number];
  if (o.clipShape.length !== 4 || h % 8 !== 0 || w % 8 !== 0) {
    throw new InputError(`model "video" generates clips [T, C, H, W] with H and W divisible by 8; the data's samples have shape [${o.clipShape.join(', ')}]`);
  }
  if (o.frames > t) throw new InputError(`model.frames ${o.frames} is more than the clip's ${t} frames`);
  const G = (o.generator === 'sprite' ? new SpriteGenerator(o.latent, [t, c, h, w], o.width) : clipGenerator(o.latent, o.clipShape, o.width)).named('G');
  const spatial = convDiscriminator(c, h, w, o.width, 3, o.spectralNorm);
  const temporal = convDiscriminator(t * c, h / 2, w / 2, o.width, 2, o.spectralNorm);
  const D = new Networks({ spatial, temporal }).named('D');
  const k = o.frames;
  /** The spatial D on k frames of each clip, picked by k uniform draws (the same frames across the batch). */
  const spatialJudge = (picks: Tensor) => (x: Tensor, ctx: Ctx) => {
    const n = x.shape[0]!;
    // Clipped to the last frame: a float32 draw just below 1 can round up to 1.
    const frames = E.reshape(E.gather(x, E.cast(E.clip(E.mul(picks, t), 0, t - 1), 'int64'), 1), [n * k, c, h, w]);
    return E.reshape(spatial.call(frames, ctx), [n, k]);
  };
  /** The temporal D on the whole clip at half resolution, its frames stacked as channels. */
  const temporalJudge = (x: Tensor, ctx: Ctx) => temporal.call(E.avgPool2d(E.reshape(x, [x.shape[0]!, t * c, h, w]), 2, { stride: 2 }), ctx);
  // The two discriminators weigh equally.
  const average = (a: Tensor, b: Tensor) => E.mul(E.add(a, b), 0.5);
  return defineRecipe({
    type: 'video',
    G,
    D,
    inputs: { x: field('x'), z: normal(o.latent), frames: uniformPerStep(k) },
    generate: ({ z }, ctx) => ({ x: G.call(z, ctx) }),
    dLoss: ({ x, frames }, fake, adv) => average(adv.d(spatialJudge(frames), x, fake.x).loss, adv.d(temporalJudge, x, fake.x).loss),
    gLoss: ({ frames }, fake, adv) => average(adv.g(spatialJudge(frames), fake.x).loss, adv.g(temporalJudge, fake.x).loss),
    sampler: { latent: [o.latent], output: o.clipShape, range: '[-1, 1]', sample: (z, _y, ctx) => G.call(z, ctx) },
  });
}
