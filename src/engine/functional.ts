// Composite ops built from the primitives: their gradients (of any order) come from the primitives'.
import { opError, type Shape, Tensor } from './tensor.js';
import { normAxes } from './shape.js';
import { constant } from './ops/leaves.js';
import { add, div, exp, less, log, mul, softplus, sqrt, stopGradient, sub, where, type TensorLike } from './ops/elementwise.js';
import { matmul } from './ops/matmul.js';
import { reduceMax, reduceMean, reduceSum, reduceSumSquare } from './ops/reduce.js';
import { gather, reshape, transpose } from './ops/shape.js';

/** log(sum(exp(x))) over axis, stabilised by the (non-differentiated) max. */
export function logSumExp(x: Tensor, axis = -1, keepdims = false): Tensor {
  const m = stopGradient(reduceMax(x, axis, true));
  const lse = add(log(reduceSum(exp(sub(x, m)), axis, true)), m);
  return keepdims ? lse : reshape(lse, lse.shape.filter((_, i) => i !== normAxes([axis], x.rank)[0]));
}

export function logSoftmax(x: Tensor, axis = -1): Tensor {
  return sub(x, logSumExp(x, axis, true));
}

export function softmax(x: Tensor, axis = -1): Tensor {
  return exp(logSoftmax(x, axis));
}

/** Population variance (divides by the count), as batch normalisation uses in training. */
export function variance(x: Tensor, axes?: number | readonly number[], keepdims = false): Tensor {
  const mu = reduceMean(x, axes, true);
  const d = sub(x, mu);
  return reduceMean(mul(d, d), axes, keepdims);
}

/** Normalises x over `axes` to zero mean, unit variance: the core of every normalisation layer. */
function normalize(x: Tensor, axes: readonly number[], eps: number): { y: Tensor; mean: Tensor; var: Tensor } {
  const mean = reduceMean(x, axes, true);
  const d = sub(x, mean);
  const v = reduceMean(mul(d, d), axes, true);
  return { y: div(d, sqrt(add(v, eps))), mean, var: v };
}

function affine(y: Tensor, gamma: Tensor | undefined, beta: Tensor | undefined, channelShape: Shape): Tensor {
  let out = y;
  if (gamma) out = mul(out, reshape(gamma, channelShape));
  if (beta) out = add(out, reshape(beta, channelShape));
  return out;
}

export interface BatchNormOptions {
  gamma?: Tensor;
  beta?: Tensor;
  eps?: number;
  /** Training uses batch statistics; inference uses the running ones. */
  training: boolean;
  runningMean?: Tensor;
  runningVar?: Tensor;
  /** Weight of the new batch statistic in the running average (PyTorch convention). */
  momentum?: number;
}

export interface BatchNormResult {
  y: Tensor;
  /** Updated running statistics (training mode with running statistics only). */
  newRunningMean?: Tensor;
  newRunningVar?: Tensor;
}

/** Batch normalisation over all axes but the channel axis 1 ([N, C] or [N, C, H, W]). */
export function batchNorm(x: Tensor, o: BatchNormOptions): BatchNormResult {
  if (x.rank < 2) throw opError('batchNorm', [x], new Error('input needs a batch and a channel axis'));
  const c = x.shape[1]!;
  const axes = [0, ...Array.from({ length: x.rank - 2 }, (_, i) => i + 2)];
  const chShape = [1, c, ...Array(x.rank - 2).fill(1)];
  const eps = o.eps ?? 1e-5;
  if (!o.training) {
    if (!o.runningMean || !o.runningVar) throw opError('batchNorm', [x], new Error('inference mode needs runningMean and runningVar'));
    const y = div(sub(x, reshape(o.runningMean, chShape)), sqrt(add(reshape(o.runningVar, chShape), eps)));
    return { y: affine(y, o.gamma, o.beta, chShape) };
  }
  const n = normalize(x, axes, eps);
  const result: BatchNormResult = { y: affine(n.y, o.gamma, o.beta, chShape) };
  if (o.runningMean && o.runningVar) {
    const m = o.momentum ?? 0.1;
    const count = x.size / c;
    const unbiased = mul(stopGradient(reshape(n.var, [c])), count / Math.max(count - 1, 1));
    result.newRunningMean = add(mul(o.runningMean, 1 - m), mul(stopGradient(reshape(n.mean, [c])), m));
    result.newRunningVar = add(mul(o.runningVar, 1 - m), mul(unbiased, m));
  }
  return result;
}

/** Layer normalisation over the trailing `normalizedRank` axes. gamma/beta have those axes' shape. */
export function layerNorm(x: Tensor, normalizedRank: number, gamma?: Tensor, beta?: Tensor, eps = 1e-5): Tensor {
  const axes = Array.from({ length: normalizedRank }, (_, i) => x.rank - normalizedRank + i);
  const shape = x.shape.slice(x.rank - normalizedRank);
  return affine(normalize(x, axes, eps).y, gamma, beta, shape);
}

/** Instance normalisation: per sample and channel over the spatial axes of [N, C, H, W]. */
export function instanceNorm(x: Tensor, gamma?: Tensor, beta?: Tensor, eps = 1e-5): Tensor {
  const chShape = [1, x.shape[1]!, ...Array(x.rank - 2).fill(1)];
  const axes = Array.from({ length: x.rank - 2 }, (_, i) => i + 2);
  return affine(normalize(x, axes, eps).y, gamma, beta, chShape);
}

/** Rows of `table` [V, D] for int64 indices: [...idx, D]. */
export function embedding(table: Tensor, idx: Tensor): Tensor {
  return gather(table, idx, 0);
}

/** Inverted dropout: `uniform` is a same-shaped input of U(0,1) draws, fed from the PRNG. */
export function dropout(x: Tensor, uniform: Tensor, p: number): Tensor {
  if (p <= 0) return x;
  return div(where(less(uniform, p), 0, x), 1 - p);
}

export type ResizeMode = 'nearest' | 'bilinear' | 'bicubic';

/** Keys' cubic convolution kernel with a = -0.75 (PyTorch's and ONNX Resize's cubic). */
function cubicWeight(x: number, a = -0.75): number {
  const t = Math.abs(x);
  if (t <= 1) return ((a + 2) * t - (a + 3)) * t * t + 1;
  if (t < 2) return ((a * t - 5 * a) * t + 8 * a) * t - 4 * a;
  return 0;
}

/**
 * Interpolation matrix [out, in] along one axis, matching ONNX Resize with
 * coordinate_transformation_mode half_pixel (PyTorch align_corners=False) and, for nearest,
 * PyTorch's 'nearest' (floor of the scaled index). Bicubic repeats the edge pixels beyond the border.
 */
export function interpolationMatrix(inSize: number, outSize: number, mode: ResizeMode): number[] {
  const m = new Array<number>(outSize * inSize).fill(0);
  const scale = inSize / outSize;
  for (let o = 0; o < outSize; o++) {
    if (mode === 'nearest') {
      m[o * inSize + Math.min(Math.floor(o * scale), inSize - 1)] = 1;
    } else if (mode === 'bicubic') {
      const src = (o + 0.5) * scale - 0.5;
      const i0 = Math.floor(src);
      for (let t = -1; t <= 2; t++) m[o * inSize + Math.min(Math.max(i0 + t, 0), inSize - 1)]! += cubicWeight(src - (i0 + t));
    } else {
      const src = Math.max((o + 0.5) * scale - 0.5, 0);
      const i0 = Math.min(Math.floor(src), inSize - 1);
      const i1 = Math.min(i0 + 1, inSize - 1);
      const f = src - i0;
      m[o * inSize + i0]! += 1 - f;
      m[o * inSize + i1]! += f;
    }
  }
  return m;
}

/**
 * Resizes the two trailing axes of x ([..., H, W]) to [outH, outW]. Written as two matrix products
 * with constant interpolation matrices: exact, any scale, and its gradient is the transpose.
 */
export function resize(x: Tensor, size: [number, number], mode: ResizeMode = 'nearest'): Tensor {
  const [h, w] = x.shape.slice(-2) as [number, number];
  const [oh, ow] = size;
  let y = x;
  if (ow !== w) y = matmul(y, constant(transposeMatrix(interpolationMatrix(w, ow, mode), ow, w), [w, ow]));
  if (oh !== h) y = matmul(constant(interpolationMatrix(h, oh, mode), [oh, h]), y);
  return y;
}

function transposeMatrix(m: number[], rows: number, cols: number): number[] {
  const t = new Array<number>(m.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) t[c * rows + r] = m[r * cols + c]!;
  return t;
}

/** Upsamples [N, C, H, W] by an integer factor. */
export function upsample(x: Tensor, factor: number, mode: ResizeMode = 'nearest'): Tensor {
  const [h, w] = x.shape.slice(-2) as [number, number];
  return resize(x, [h * factor, w * factor], mode);
}

/** Rearranges [N, C*r*r, H, W] into [N, C, H*r, W*r] (sub-pixel convolution, as PyTorch PixelShuffle). */
export function pixelShuffle(x: Tensor, r: number): Tensor {
  const [n, c, h, w] = x.shape as [number, number, number, number];
  if (c % (r * r) !== 0) throw opError('pixelShuffle', [x], new Error(`channels ${c} are not divisible by ${r * r}`));
  const co = c / (r * r);
  const y = transpose(reshape(x, [n, co, r, r, h, w]), [0, 1, 4, 2, 5, 3]);
  return reshape(y, [n, co, h * r, w * r]);
}

/** Mean of a float tensor over all elements. */
export const mean = (x: Tensor): Tensor => reduceMean(x);
/** Sum of squares of all elements. */
export const sumSquares = (x: Tensor): Tensor => reduceSumSquare(x);

/** Binary cross-entropy with logits, mean over elements: softplus(x) - x*y (stable for any x). */
export function bceWithLogits(logits: Tensor, target: TensorLike): Tensor {
  return reduceMean(sub(softplus(logits), mul(logits, target)));
}
