// DiffAugment (Zhao et al. 2020, "Differentiable Augmentation for Data-Efficient GAN Training"):
// random colour, translation and cutout applied to every image D judges, real and generated, in
// both the D and the G step. Each op is differentiable in the image, so G learns through it; the
// random choices come in as uniform [0, 1) draws per sample (program inputs the trainer fills from
// its checkpointed per-step stream), and the integer choices (shifts, positions) are made from them
// in the graph by comparisons, so translation is a product with 0/1 shift matrices and cutout a
// product with a 0/1 mask. The formulas and sizes are those of the authors' reference code
// (DiffAugment_pytorch.py), images in [-1, 1].
import * as E from '../engine/index.js';
import type { Tensor } from '../engine/index.js';
import { InputError } from '../errors.js';

export const AUGMENT_POLICIES = ['color', 'translation', 'cutout'] as const;
export type AugmentPolicy = (typeof AUGMENT_POLICIES)[number];

/** Uniform draws each policy takes per sample. */
export const DRAWS_PER_SAMPLE: Record<AugmentPolicy, number> = { color: 3, translation: 2, cutout: 2 };

/** Translation shifts by up to this share of the image's side; cutout zeroes a square of this share. */
export const TRANSLATION_RATIO = 0.125;
export const CUTOUT_RATIO = 0.5;

/** The reference code's int(size * ratio + 0.5). */
const scaled = (size: number, ratio: number) => Math.floor(size * ratio + 0.5);

/** Column j of draws [N, k] as [N, 1, 1, 1], one value per sample. */
function column(u: Tensor, j: number): Tensor {
  return E.reshape(E.slice(u, [j], [j + 1], [1]), [u.shape[0]!, 1, 1, 1]);
}

/** x + (u - 0.5): brightness shifted by up to +-0.5. */
export const brightness = (x: Tensor, u: Tensor): Tensor => E.add(x, E.sub(u, 0.5));

/** Each pixel's distance from its channel mean scaled by 2u (saturation x [0, 2]). */
export function saturation(x: Tensor, u: Tensor): Tensor {
  const m = E.reduceMean(x, [1], true);
  return E.add(E.mul(E.sub(x, m), E.mul(u, 2)), m);
}

/** Distance from the image's mean scaled by u + 0.5 (contrast x [0.5, 1.5]). */
export function contrast(x: Tensor, u: Tensor): Tensor {
  const m = E.reduceMean(x, [1, 2, 3], true);
  return E.add(E.mul(E.sub(x, m), E.add(u, 0.5)), m);
}

/** Brightness, saturation, contrast with draws u [N, 3] (one column each). */
export const color = (x: Tensor, u: Tensor): Tensor => contrast(saturation(brightness(x, column(u, 0)), column(u, 1)), column(u, 2));

/** floor(u * count) is j, for u [..] in [0, 1) and constants j, as a bool (the graph has no floor op). */
function drawnIndexIs(u: Tensor, count: number, j: Tensor): Tensor {
  // Clipped below count: a float32 draw just under 1 times count can round up to count.
  const v = E.clip(E.mul(u, count), 0, count - 0.5);
  return E.and(E.lessEqual(j, v), E.less(v, E.add(j, 1)));
}

const asFloat = (b: Tensor): Tensor => E.where(b, 1, 0);

/**
 * [N, 1, size, size] matrices A with A[n, i, k] = 1 where k = i + t_n, for a shift t_n uniform over
 * -max..max drawn from u [N]: A @ x moves row i + t of x to row i, zero where that is outside.
 */
function shiftMatrices(u: Tensor, size: number, max: number): Tensor {
  const n = u.shape[0]!;
  const offsets = Float32Array.from({ length: size * size }, (_, at) => (at % size) - Math.floor(at / size) + max);
  const hit = drawnIndexIs(E.reshape(u, [n, 1, 1]), 2 * max + 1, E.constant(offsets, [size, size]));
  return E.reshape(asFloat(hit), [n, 1, size, size]);
}

/**
 * Shifts each image by whole pixels, up to 1/8 of its side each way (independently in H and W,
 * per sample, zero padded): out[n, c, i, j] = x[n, c, i + tH, j + tW]. Draws u [N, 2].
 */
export function translation(x: Tensor, u: Tensor): Tensor {
  const [n, , h, w] = x.shape as [number, number, number, number];
  const pick = (j: number) => E.reshape(E.slice(u, [j], [j + 1], [1]), [n]);
  const rows = shiftMatrices(pick(0), h, scaled(h, TRANSLATION_RATIO));
  const cols = shiftMatrices(pick(1), w, scaled(w, TRANSLATION_RATIO));
  return E.matmul(E.matmul(rows, x), E.mT(cols));
}

/**
 * [N, size] 0/1: which of `size` positions the cut covers along one side, for a cut of `cut`
 * pixels centred at a position uniform over 0..size-1 (0..size for an even cut) drawn from u [N, 1].
 */
function cutSpan(u: Tensor, size: number, cut: number): Tensor {
  const centres = size + 1 - (cut % 2);
  const half = Math.floor(cut / 2);
  // Position i is cut when centre - half <= i < centre - half + cut, i.e. i + half - cut < centre <= i + half.
  const first = Float32Array.from({ length: size }, (_, i) => i + half - cut + 1);
  const v = E.clip(E.mul(u, centres), 0, centres - 0.5);
  const lo = E.constant(first, [1, size]);
  return asFloat(E.and(E.lessEqual(lo, v), E.less(v, E.add(lo, cut))));
}

/** Zeroes a square of half the image's side at a random position per sample (clipped at the edges). Draws u [N, 2]. */
export function cutout(x: Tensor, u: Tensor): Tensor {
  const [n, , h, w] = x.shape as [number, number, number, number];
  const rows = cutSpan(E.slice(u, [0], [1], [1]), h, scaled(h, CUTOUT_RATIO));
  const cols = cutSpan(E.slice(u, [1], [2], [1]), w, scaled(w, CUTOUT_RATIO));
  const cut = E.mul(E.reshape(rows, [n, 1, h, 1]), E.reshape(cols, [n, 1, 1, w]));
  return E.mul(x, E.sub(1, cut));
}

const OPS: Record<AugmentPolicy, (x: Tensor, u: Tensor) => Tensor> = { color, translation, cutout };

/** Applies the policies in the order given to images [N, C, H, W], with draws(policy) [N, DRAWS_PER_SAMPLE[policy]]. */
export function diffAugment(x: Tensor, policies: readonly AugmentPolicy[], draws: (p: AugmentPolicy) => Tensor): Tensor {
  return policies.reduce((y, p) => OPS[p](y, draws(p)), x);
}

/**
 * DiffAugment for a whole training step: every call augments one batch with draws of its own (a
 * uniform input per call and policy, filled once per training step), so real and generated
 * batches, each D step and the G step all get fresh draws. Images D is given beside the judged
 * ones (Pix2Pix's input, LAPGAN's condition: any [N, C', H, W] with the judged batch's N, H and W)
 * get the same draws as the image they accompany, so a pair stays aligned; labels pass unchanged.
 */
export class Augmenter {
  private calls = 0;

  constructor(
    private readonly trace: E.StateTrace,
    private readonly policies: readonly AugmentPolicy[],
    private readonly type: string,
  ) {}

  apply(x: Tensor, given: Tensor[]): [Tensor, Tensor[]] {
    if (this.policies.length === 0) return [x, given];
    if (x.rank !== 4) {
      throw new InputError(`train.diffAugment augments images [C, H, W]; model "${this.type}" has D judge samples of shape [${x.shape.slice(1).join(', ')}]`);
    }
    const id = this.calls++;
    const draws = (p: AugmentPolicy) => this.trace.uniformInput(`augment.${id}.${p}`, [x.shape[0]!, DRAWS_PER_SAMPLE[p]]);
    const image = (t: Tensor) => t.rank === 4 && t.shape[0] === x.shape[0] && t.shape[2] === x.shape[2] && t.shape[3] === x.shape[3];
    const augment = (t: Tensor) => diffAugment(t, this.policies, draws);
    return [augment(x), given.map((t) => (image(t) ? augment(t) : t))];
  }
}
