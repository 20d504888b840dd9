// What the image-to-image types' networks share: which family of networks an image size gets, the
// normalisation layer the config names, and the config fields every translation type has.
//
// Images whose sides are powers of two from 16 get the papers' networks (the Pix2Pix U-Net down to
// 1x1, the NLayer PatchGAN, CycleGAN's ResNet generator), scaled by size. Other sizes whose sides
// divide by 4 (MNIST's 28x28) get the compact networks the MNIST presets were trained with.
import { z } from 'zod';
import { BatchNorm, InstanceNorm } from '../../nn/layers.js';
import type { Module } from '../../nn/module.js';
import { InputError } from '../../errors.js';

/** Normalisation in the papers' networks; instance norm is what batch norm at the papers' batch size 1 amounts to. */
export const NormKind = z.enum(['instance', 'batch', 'none']);
export type NormKind = z.infer<typeof NormKind>;

/** The config fields every translation type's section has. */
export const translationFields = {
  /** Normalisation in the papers' networks (default instance); the compact 28x28-style networks have none. */
  norm: NormKind.optional(),
  spectralNorm: z.boolean().default(false),
};

/** Which networks an image of height h and width w gets. */
export type NetFamily = 'paper' | 'compact';

const powerOfTwo = (n: number) => Number.isInteger(Math.log2(n));

export function netFamily(h: number, w: number): NetFamily | undefined {
  if (h >= 16 && w >= 16 && powerOfTwo(h) && powerOfTwo(w)) return 'paper';
  if (h % 4 === 0 && w % 4 === 0) return 'compact';
  return undefined;
}

/** The config's norm for a network family: instance by default on the papers' networks; the compact ones have none. */
export function resolveNorm(type: string, norm: NormKind | undefined, family: NetFamily, shape: number[]): NormKind {
  if (family === 'paper') return norm ?? 'instance';
  if (norm !== undefined && norm !== 'none') {
    throw new InputError(`model.norm "${norm}" applies to the networks for sides that are powers of two from 16; model "${type}" on [${shape.join(', ')}] uses the compact networks, which have no normalisation`);
  }
  return 'none';
}

/** The normalisation layer after a convolution, or nothing (spread into a layer list). */
export function normLayers(norm: NormKind, channels: number): Module[] {
  if (norm === 'instance') return [new InstanceNorm(channels)];
  if (norm === 'batch') return [new BatchNorm(channels)];
  return [];
}
