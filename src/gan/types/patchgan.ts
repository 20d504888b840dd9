// PatchGAN discriminators (Isola et al. 2017): fully convolutional, one logit per cell of an output
// map, each judging only the patch of the image it sees (its receptive field).
import { Conv2d, LeakyReLU } from '../../nn/layers.js';
import { Sequential, type Module } from '../../nn/module.js';
import { normLayers, type NetFamily, type NormKind } from './translation-nets.js';

/**
 * The compact PatchGAN of the 28x28 presets: two stride-2 convolutions and a 3x3 convolution
 * (an 18x18 receptive field; one logit per cell of a 7x7 map at 28x28).
 */
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

/**
 * Receptive field of the paper's PatchGAN with `levels` stride-2 convolutions: every conv is 4x4,
 * and going back through a conv of stride s a field of r pixels needs s(r - 1) + 4. The last two
 * convs have stride 1 (4, then 7), each stride-2 level doubles and adds 2: 9 * 2^levels - 2
 * (16, 34, 70 for 1, 2, 3 levels; 70 is the paper's 70x70 PatchGAN).
 */
export const patchReceptiveField = (levels: number) => 9 * 2 ** levels - 2;

/**
 * Stride-2 levels for images whose smaller side is `side`: the most whose receptive field is at most
 * half the side (16 -> 0 levels, a 7x7 patch; 32 -> 1, 16; 64 -> 1, 16; 128 -> 2, 34; 256 -> 3,
 * 70 as in the paper): patches a quarter to half of the image, judging texture and local structure
 * while leaving the image's layout to the L1 or cycle term.
 */
export function patchLevels(side: number): number {
  let levels = 0;
  while (patchReceptiveField(levels + 1) <= side / 2) levels++;
  return levels;
}

export interface PatchGanOptions {
  norm: NormKind;
  spectralNorm?: boolean;
}

/**
 * The paper's PatchGAN (pix2pix's NLayerDiscriminator): C(w) with stride 2 and no norm, stride-2
 * levels doubling the channels up to 8w, a stride-1 conv, and a stride-1 conv to one logit; every
 * conv 4x4 with padding 1, LeakyReLU(0.2) after each but the last. With 0 levels the first conv
 * has stride 1 and is the stride-1 conv.
 */
export function paperPatchGan(inChannels: number, width: number, levels: number, o: PatchGanOptions): Sequential {
  const sn = o.spectralNorm;
  const channels = (i: number) => Math.min(width * 2 ** i, 8 * width);
  const layers: Module[] = [new Conv2d(inChannels, width, 4, { stride: levels > 0 ? 2 : 1, padding: 1, spectralNorm: sn }), LeakyReLU(0.2)];
  // Convolutions followed by batch norm need no bias (its shift replaces it), as in PyTorch's.
  const conv = (cin: number, cout: number, stride: number) => [
    new Conv2d(cin, cout, 4, { stride, padding: 1, spectralNorm: sn, bias: o.norm !== 'batch' }),
    ...normLayers(o.norm, cout),
    LeakyReLU(0.2),
  ];
  for (let i = 1; i < levels; i++) layers.push(...conv(channels(i - 1), channels(i), 2));
  if (levels > 0) layers.push(...conv(channels(levels - 1), channels(levels), 1));
  const last = levels > 0 ? channels(levels) : width;
  layers.push(new Conv2d(last, 1, 4, { padding: 1, spectralNorm: sn }));
  return new Sequential(layers);
}

/** The PatchGAN for images of [h, w]: the paper's with levels by size, or the compact one. */
export function patchGanFor(inChannels: number, width: number, size: [number, number], family: NetFamily, o: PatchGanOptions): Sequential {
  if (family === 'compact') return patchDiscriminator(inChannels, width, o.spectralNorm);
  return paperPatchGan(inChannels, width, patchLevels(Math.min(...size)), o);
}
