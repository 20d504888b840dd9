// What the convolutional network families give the GAN types, and the sizes they build.
import type { Module } from '../../nn/module.js';
import type { DiscriminatorBody } from '../types/labelled.js';

/** A family's generator and discriminator for one image shape. */
export interface ImageNetworks {
  /** [N, inputs] (noise, and a one-hot label for the class-aware types) -> [N, C, S, S] in [-1, 1]. */
  generator(inputs: number): Module;
  /** [N, channels, S, S] -> [N, 1] logits (channels: the image's, times the PacGAN pack). */
  discriminator(channels: number): Module;
  /** D without its logit, for the class-aware types' heads. */
  features(): DiscriminatorBody;
}

/** The powers of two from `min` to `max`. */
export const powersOfTwo = (min: number, max: number): number[] => {
  const out: number[] = [];
  for (let s = min; s <= max; s *= 2) out.push(s);
  return out;
};

/** The side of square [C, S, S] samples when it is one of `sides`, else undefined. */
export function squareSide(shape: number[], sides: number[]): number | undefined {
  const [, h, w] = shape;
  return shape.length === 3 && h === w && sides.includes(h!) ? h : undefined;
}
