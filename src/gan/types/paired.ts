// What the paired image-to-image types (Pix2Pix, SRGAN) share: batches of (input, target) images,
// a generator from input to output, and inference that clips the output to the data's range.
import * as E from '../../engine/index.js';
import type { Module } from '../../nn/module.js';
import type { PairShapes } from '../../data/types.js';
import { InputError } from '../../errors.js';
import { field, type Translator } from '../recipe.js';

/** A paired type's inputs: no noise (the Pix2Pix paper found its generator ignored it). */
export const pairedInputs = () => ({ input: field('input'), target: field('target') });

export function checkPaired(type: string, pair: PairShapes): void {
  if (pair.unpaired) throw new InputError(`model "${type}" learns from input/target pairs; data.task "${pair.task}" gives unpaired domains (use model kind cyclegan)`);
}

/** Inference: G on input images, clipped to the data's range (G's output layer is linear). */
export function pairedTranslator(G: Module, pair: PairShapes): Translator {
  return { input: pair.input, output: pair.target, directions: { a2b: (x, ctx) => E.clip(G.call(x, ctx), -1, 1) } };
}
