// What the paired image-to-image types (Pix2Pix, SRGAN) share. A real sample is a row
// [input | target] (src/data/tasks.ts); G maps the input to an output image, and D judges rows of
// the same form, [input | G(input)] against [input | target], so a conditional D can see the input.
// G's own objective adds a term comparing its output with the target (L1, pixel MSE).
import * as E from '../../engine/index.js';
import type { Tensor } from '../../engine/index.js';
import type { Ctx, Module } from '../../nn/module.js';
import type { PairShapes } from '../../data/tasks.js';
import type { GanModel } from '../model.js';
import { InputError } from '../../errors.js';

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

export interface PairedOptions {
  /** Input image [N, ...pair.input] -> output image [N, ...pair.target]. */
  G: Module;
  /** Holds D's parameters; `judge` calls it. */
  D: Module;
  pair: PairShapes;
  /** D's logits for (input, image) pairs. */
  judge(input: Tensor, image: Tensor, ctx: Ctx): Tensor;
  /** G's term comparing its output with the target (mean over the batch). */
  content(output: Tensor, target: Tensor): Tensor;
  adversarialWeight: number;
}

/** Splits rows [N, input | target] into the input and target images. */
export function splitPairs(rows: Tensor, pair: PairShapes): { input: Tensor; target: Tensor } {
  const n = rows.shape[0]!;
  const a = size(pair.input);
  const b = size(pair.target);
  return {
    input: E.reshape(E.slice(rows, [0], [a], [1]), [n, ...pair.input]),
    target: E.reshape(E.slice(rows, [a], [a + b], [1]), [n, ...pair.target]),
  };
}

export function joinPairs(input: Tensor, image: Tensor): Tensor {
  const n = input.shape[0]!;
  return E.concat([E.reshape(input, [n, -1]), E.reshape(image, [n, -1])], 1);
}

export function pairedModel(type: string, o: PairedOptions): GanModel {
  if (o.pair.unpaired) throw new InputError(`model "${type}" learns from input/target pairs; data.task "${o.pair.task}" gives unpaired domains (use model kind cyclegan)`);
  const G = o.G.named('G');
  const D = o.D.named('D');
  return {
    type,
    G,
    D,
    // G takes no noise (the Pix2Pix paper found its generator ignored it); the step's graph does not read z.
    latentShape: [1],
    sampleShape: [size(o.pair.input) + size(o.pair.target)],
    adversarialWeight: o.adversarialWeight,
    translation: { input: o.pair.input, output: o.pair.target, directions: ['a2b'] },
    realInput: (rows) => rows,
    generate(_z, _y, ctx, real) {
      const { input } = splitPairs(real, o.pair);
      return joinPairs(input, G.call(input, ctx));
    },
    discriminate(rows, _y, ctx) {
      const { input, target } = splitPairs(rows, o.pair);
      return { logit: o.judge(input, target, ctx) };
    },
    auxLoss(player, t) {
      if (player === 'D') return E.scalar(0);
      return o.content(splitPairs(t.fakeX, o.pair).target, splitPairs(t.realX, o.pair).target);
    },
    sample() {
      throw new Error(`a ${type} generator translates images: use translate (gan translate), not noise sampling`);
    },
    // Outputs in the data's range (the U-Net's output is linear).
    translate: (x, ctx) => E.clip(G.call(x, ctx), -1, 1),
  };
}
