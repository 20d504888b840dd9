// A video GAN with dual discriminators, after DVD-GAN (Clark et al. 2019): G draws a whole clip
// [T, C, H, W] from one noise vector; a spatial discriminator judges k random full-resolution frames
// of each clip (the same k frames across the batch, drawn anew every step), and a temporal
// discriminator judges the whole clip at half resolution, its frames stacked as channels, so it
// sees motion. Both play against G at once; their losses are averaged with equal weight.
// G is a DCGAN-style decoder whose last layer has one channel per frame: the clip's frames share
// every feature map, so the digit keeps its identity while the last layers place it per frame.
import * as E from '../../engine/index.js';
import { BatchNorm, Conv2d, ConvTranspose2d, Flatten, LeakyReLU, Linear, ReLU, Reshape, Tanh } from '../../nn/layers.js';
import { Sequential } from '../../nn/module.js';
import { InputError } from '../../errors.js';
import { Networks, type GanModel } from '../model.js';

export interface VideoGanOptions {
  /** [T, C, H, W] of a clip; H and W divisible by 8. */
  clipShape: number[];
  latent: number;
  /** Channels of G's last hidden maps and of the discriminators' first convs. */
  width: number;
  /** Frames the spatial discriminator judges per clip. */
  frames: number;
  spectralNorm?: boolean;
}

/** Name of the step input holding k uniform draws that pick the spatial discriminator's frames. */
export const FRAME_PICKS = 'D.spatial.frames.mask';

function clipGenerator(latent: number, [t, c, h, w]: number[], width: number): Sequential {
  const [h8, w8] = [h! / 8, w! / 8];
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
    new ConvTranspose2d(2 * width, t! * c!, 4, { stride: 2, padding: 1 }),
    Tanh(),
    Reshape(t!, c!, h!, w!),
  ]);
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

export function videoGan(o: VideoGanOptions): GanModel {
  const [t, c, h, w] = o.clipShape as [number, number, number, number];
  if (o.clipShape.length !== 4 || h % 8 !== 0 || w % 8 !== 0) {
    throw new InputError(`model "video" generates clips [T, C, H, W] with H and W divisible by 8; the data's samples have shape [${o.clipShape.join(', ')}]`);
  }
  if (o.frames > t) throw new InputError(`model.frames ${o.frames} is more than the clip's ${t} frames`);
  const G = clipGenerator(o.latent, o.clipShape, o.width).named('G');
  const spatial = convDiscriminator(c, h, w, o.width, 3, o.spectralNorm);
  const temporal = convDiscriminator(t * c, h / 2, w / 2, o.width, 2, o.spectralNorm);
  const D = new Networks({ spatial, temporal }).named('D');
  const k = o.frames;
  return {
    type: 'video',
    G,
    D,
    latentShape: [o.latent],
    sampleShape: o.clipShape,
    realInput: (x) => x,
    generate: (z, _y, ctx) => G.call(z, ctx),
    discriminate(x, _y, ctx) {
      const n = x.shape[0]!;
      // k frames, picked by uniform draws the trainer feeds each step (like dropout masks).
      // Clipped to the last frame: a float32 draw just below 1 can round up to 1.
      const picks = E.cast(E.clip(E.mul(E.input(FRAME_PICKS, [k]), t), 0, t - 1), 'int64');
      const frames = E.reshape(E.gather(x, picks, 1), [n * k, c, h, w]);
      const s = E.reshape(spatial.call(frames, ctx), [n, k]);
      const clip = E.avgPool2d(E.reshape(x, [n, t * c, h, w]), 2, { stride: 2 });
      const tl = temporal.call(clip, ctx);
      // The temporal logit repeated k times: the two discriminators weigh equally in the mean loss.
      return { logit: E.concat([s, ...Array.from({ length: k }, () => tl)], 1) };
    },
    sample: (z, _y, ctx) => G.call(z, ctx),
  };
}
