// 2-D convolution and transposed convolution (NCHW), their gradients, im2col, and pooling.
//
// Forward passes lower to ONNX Conv / ConvTranspose. The input gradient of each is the other op
// (a stride-1 conv's is a conv with the flipped kernel, which ONNX Runtime runs faster).
// The weight gradient is an im2col (strided slices) followed by one MatMul, built from ordinary ops
// so it can itself be differentiated (gradient penalties through conv nets need that).
import { apply, fmtShape, opError, type OpDef, Tensor } from '../tensor.js';
import { constant } from './leaves.js';
import { matmul } from './matmul.js';
import { reduceMax } from './reduce.js';
import { concat, gather, pad, reshape, slice, stack, transpose } from './shape.js';

export interface Conv2dAttrs {
  stride: [number, number];
  /** [top, left, bottom, right] */
  padding: [number, number, number, number];
  dilation: [number, number];
  groups: number;
}

export interface ConvTranspose2dAttrs extends Conv2dAttrs {
  outputPadding: [number, number];
}

export interface ConvOptions {
  stride?: number | [number, number];
  /** One number, [vertical, horizontal], or [top, left, bottom, right]. */
  padding?: number | [number, number] | [number, number, number, number];
  dilation?: number | [number, number];
  groups?: number;
}

export interface ConvTransposeOptions extends ConvOptions {
  outputPadding?: number | [number, number];
}

const pair = (v: number | [number, number] | undefined, d: number): [number, number] =>
  v === undefined ? [d, d] : typeof v === 'number' ? [v, v] : v;

function quad(v: ConvOptions['padding']): [number, number, number, number] {
  if (v === undefined) return [0, 0, 0, 0];
  if (typeof v === 'number') return [v, v, v, v];
  return v.length === 2 ? [v[0], v[1], v[0], v[1]] : v;
}

function convAttrs(o: ConvOptions): Conv2dAttrs {
  return { stride: pair(o.stride, 1), padding: quad(o.padding), dilation: pair(o.dilation, 1), groups: o.groups ?? 1 };
}

/** Output size of a convolution along one axis. */
export function convOutSize(size: number, k: number, s: number, p0: number, p1: number, d: number): number {
  return Math.floor((size + p0 + p1 - d * (k - 1) - 1) / s) + 1;
}

/** Output size of a transposed convolution along one axis. */
export function convTransposeOutSize(size: number, k: number, s: number, p0: number, p1: number, d: number, op: number): number {
  return s * (size - 1) + op + d * (k - 1) + 1 - p0 - p1;
}

function checkRank4(x: Tensor, w: Tensor): void {
  if (x.rank !== 4) throw new Error(`input must be NCHW (rank 4), got ${fmtShape(x.shape)}`);
  if (w.rank !== 4) throw new Error(`weight must have rank 4, got ${fmtShape(w.shape)}`);
  if (x.dtype !== 'float32' || w.dtype !== 'float32') throw new Error('input and weight must be float32');
}

function onnxConvAttrs(a: Conv2dAttrs, w: Tensor) {
  return {
    strides: { ints: a.stride },
    pads: { ints: [a.padding[0], a.padding[1], a.padding[2], a.padding[3]] },
    dilations: { ints: a.dilation },
    group: { int: a.groups },
    kernel_shape: { ints: w.shape.slice(2) },
  };
}

export const conv2dOp: OpDef<Conv2dAttrs> = {
  name: 'conv2d',
  infer: ([x, w], a) => {
    checkRank4(x!, w!);
    const [n, c, h, wd] = x!.shape as [number, number, number, number];
    const [co, ciG, kh, kw] = w!.shape as [number, number, number, number];
    if (c % a.groups !== 0 || co % a.groups !== 0) throw new Error(`groups ${a.groups} must divide input channels ${c} and output channels ${co}`);
    if (ciG !== c / a.groups) throw new Error(`weight expects ${ciG * a.groups} input channels (groups ${a.groups}), input has ${c}`);
    const oh = convOutSize(h, kh, a.stride[0], a.padding[0], a.padding[2], a.dilation[0]);
    const ow = convOutSize(wd, kw, a.stride[1], a.padding[1], a.padding[3], a.dilation[1]);
    if (oh < 1 || ow < 1) throw new Error(`kernel ${kh}x${kw} does not fit the padded ${h}x${wd} input`);
    return { shape: [n, co, oh, ow], dtype: 'float32' };
  },
  grad: ({ g, inputs: [x, w], attrs: a, needs }) => {
    const [, , h, wd] = x!.shape as number[];
    const [, , oh, ow] = g.shape as number[];
    const [kh, kw] = w!.shape.slice(2) as number[];
    const op: [number, number] = [
      h! - convTransposeOutSize(oh!, kh!, a.stride[0], a.padding[0], a.padding[2], a.dilation[0], 0),
      wd! - convTransposeOutSize(ow!, kw!, a.stride[1], a.padding[1], a.padding[3], a.dilation[1], 0),
    ];
    // Padding beyond k - 1 would need negative pads in the full conv.
    const plain = a.groups === 1 && [...a.stride, ...a.dilation].every((v) => v === 1) && a.padding.every((p, i) => p <= (i % 2 === 0 ? kh! : kw!) - 1);
    return [
      needs[0] ? (plain ? fullConv(g, w!, a.padding) : apply(convTranspose2dOp, [g, w!], { ...a, outputPadding: op })) : undefined,
      needs[1] ? convWeightGrad(x!, g, [kh!, kw!], a) : undefined,
    ];
  },
  lower: (ctx, ins, a, out) => ctx.node('Conv', ins, onnxConvAttrs(a, out.inputs[1]!)),
};

/**
 * The input gradient of a stride-1, ungrouped conv with padding p: a conv of gy with the kernel
 * flipped and its channel axes swapped, padded by k - 1 - p. The same numbers as ConvTranspose, but
 * ONNX Runtime's Conv kernels run it 1.4-1.9x faster (3x3 kernels on 14x14 and 28x28 maps).
 */
function fullConv(gy: Tensor, w: Tensor, p: [number, number, number, number]): Tensor {
  const [kh, kw] = w.shape.slice(2) as [number, number];
  const reversed = (k: number) => constant(Array.from({ length: k }, (_, i) => k - 1 - i), [k], 'int64');
  const flipped = transpose(gather(gather(w, reversed(kh), 2), reversed(kw), 3), [1, 0, 2, 3]);
  return conv2d(gy, flipped, { padding: [kh - 1 - p[0], kw - 1 - p[1], kh - 1 - p[2], kw - 1 - p[3]] });
}

export const convTranspose2dOp: OpDef<ConvTranspose2dAttrs> = {
  name: 'convTranspose2d',
  infer: ([x, w], a) => {
    checkRank4(x!, w!);
    const [n, c, h, wd] = x!.shape as [number, number, number, number];
    const [ci, coG, kh, kw] = w!.shape as [number, number, number, number];
    if (ci !== c) throw new Error(`weight expects ${ci} input channels, input has ${c}`);
    if (c % a.groups !== 0) throw new Error(`groups ${a.groups} must divide input channels ${c}`);
    if (a.outputPadding.some((p, i) => p >= Math.max(a.stride[i]!, a.dilation[i]!) || p < 0)) {
      throw new Error(`outputPadding ${fmtShape(a.outputPadding)} must be smaller than stride or dilation`);
    }
    const oh = convTransposeOutSize(h, kh, a.stride[0], a.padding[0], a.padding[2], a.dilation[0], a.outputPadding[0]);
    const ow = convTransposeOutSize(wd, kw, a.stride[1], a.padding[1], a.padding[3], a.dilation[1], a.outputPadding[1]);
    if (oh < 1 || ow < 1) throw new Error(`padding leaves no output`);
    return { shape: [n, coG * a.groups, oh, ow], dtype: 'float32' };
  },
  grad: ({ g, inputs: [x, w], attrs: a, needs }) => {
    const conv: Conv2dAttrs = { stride: a.stride, padding: a.padding, dilation: a.dilation, groups: a.groups };
    const [kh, kw] = w!.shape.slice(2) as number[];
    return [
      needs[0] ? apply(conv2dOp, [g, w!], conv) : undefined,
      // The transposed conv's weight gradient is a conv weight gradient with input and output swapped.
      needs[1] ? convWeightGrad(g, x!, [kh!, kw!], conv) : undefined,
    ];
  },
  lower: (ctx, ins, a, out) =>
    ctx.node('ConvTranspose', ins, { ...onnxConvAttrs(a, out.inputs[1]!), output_padding: { ints: a.outputPadding } }),
};

/** 2-D convolution. x: [N, C, H, W], w: [Cout, C/groups, kh, kw]. No bias (add it separately). */
export function conv2d(x: Tensor, w: Tensor, opts: ConvOptions = {}): Tensor {
  return apply(conv2dOp, [x, w], convAttrs(opts));
}

/** Transposed convolution. x: [N, C, H, W], w: [C, Cout/groups, kh, kw]. No bias. */
export function convTranspose2d(x: Tensor, w: Tensor, opts: ConvTransposeOptions = {}): Tensor {
  return apply(convTranspose2dOp, [x, w], { ...convAttrs(opts), outputPadding: pair(opts.outputPadding, 0) });
}

/** The kh*kw strided windows of a convolution over NHWC input, one [N, OH, OW, C] tensor each. */
function windows(x: Tensor, kernel: [number, number], a: Omit<Conv2dAttrs, 'groups'>): Tensor[] {
  const [, , h, w] = x.shape as [number, number, number, number];
  const [kh, kw] = kernel;
  const oh = convOutSize(h, kh, a.stride[0], a.padding[0], a.padding[2], a.dilation[0]);
  const ow = convOutSize(w, kw, a.stride[1], a.padding[1], a.padding[3], a.dilation[1]);
  if (oh < 1 || ow < 1) throw opError('im2col', [x], new Error(`kernel ${kh}x${kw} does not fit`));
  const nhwc = pad(transpose(x, [0, 2, 3, 1]), [0, a.padding[0], a.padding[1], 0, 0, a.padding[2], a.padding[3], 0]);
  const out: Tensor[] = [];
  for (let i = 0; i < kh; i++) {
    for (let j = 0; j < kw; j++) {
      const r0 = i * a.dilation[0];
      const c0 = j * a.dilation[1];
      out.push(slice(nhwc, [r0, c0], [r0 + a.stride[0] * (oh - 1) + 1, c0 + a.stride[1] * (ow - 1) + 1], [1, 2], a.stride));
    }
  }
  return out;
}

/**
 * Patches of x for every output position of a convolution: [kh*kw, N, OH, OW, C].
 * Built from a transpose to NHWC, one pad and kh*kw strided slices, so it is differentiable.
 * The kernel offset is the outer axis, so each window is one contiguous block.
 */
export function im2col(x: Tensor, kernel: [number, number], a: Omit<Conv2dAttrs, 'groups'>): Tensor {
  return stack(windows(x, kernel, a), 0);
}

/**
 * Gradient of conv2d(x, w) with respect to w, given gy = dL/dy: [Cout, C/groups, kh, kw].
 * For each kernel offset k, dW[:, :, k] = gy^T [Cout, N*OH*OW] @ window_k [N*OH*OW, C]: kh*kw
 * MatMuls over all batch items and positions, with no im2col buffer.
 */
export function convWeightGrad(x: Tensor, gy: Tensor, kernel: [number, number], a: Conv2dAttrs): Tensor {
  const c = x.shape[1]!;
  const [n, co, oh, ow] = gy.shape as [number, number, number, number];
  const G = a.groups;
  const L = n * oh * ow;
  let gyT = reshape(transpose(gy, [1, 0, 2, 3]), [co, L]);
  if (G > 1) gyT = reshape(gyT, [G, co / G, L]);
  const perOffset = windows(x, kernel, a).map((win) => {
    let cols = reshape(win, [L, c]);
    if (G > 1) cols = transpose(reshape(cols, [L, G, c / G]), [1, 0, 2]); // [G, L, C/G]
    return reshape(matmul(gyT, cols), [co, c / G, 1]); // [G, Co/G, C/G] -> [Co, C/G, 1]
  });
  return reshape(concat(perOffset, 2), [co, c / G, kernel[0], kernel[1]]);
}

/** Convolution as im2col + MatMul (an alternative lowering of conv2d, for groups = 1). */
export function conv2dIm2col(x: Tensor, w: Tensor, opts: ConvOptions = {}): Tensor {
  const a = convAttrs(opts);
  if (a.groups !== 1) return conv2d(x, w, opts);
  const [n] = x.shape as number[];
  const [co, ci, kh, kw] = w.shape as [number, number, number, number];
  if (ci !== x.shape[1]) return conv2d(x, w, opts); // let conv2d report the mismatch
  const cols = im2col(x, [kh, kw], a); // [kk, N, OH, OW, C]
  const [, , oh, ow] = cols.shape as number[];
  const L = n! * oh! * ow!;
  const colsT = reshape(transpose(reshape(cols, [kh * kw, L, ci]), [1, 0, 2]), [L, kh * kw * ci]);
  const wT = reshape(transpose(reshape(w, [co, ci, kh * kw]), [2, 1, 0]), [kh * kw * ci, co]);
  const y = matmul(colsT, wT);
  return transpose(reshape(y, [n!, oh!, ow!, co]), [0, 3, 1, 2]);
}

export interface PoolOptions {
  stride?: number | [number, number];
  padding?: ConvOptions['padding'];
}

/** Average pooling (zero padding counts toward the average), as a depthwise conv with a constant kernel. */
export function avgPool2d(x: Tensor, kernel: number | [number, number], opts: PoolOptions = {}): Tensor {
  const [kh, kw] = pair(kernel, 1);
  const c = x.shape[1]!;
  const w = constant(new Array(c * kh * kw).fill(1 / (kh * kw)), [c, 1, kh, kw]);
  return conv2d(x, w, { stride: opts.stride ?? [kh, kw], padding: opts.padding, groups: c });
}

/** Max pooling (padding never wins), as a max over im2col patches. */
export function maxPool2d(x: Tensor, kernel: number | [number, number], opts: PoolOptions = {}): Tensor {
  const k = pair(kernel, 1);
  const a = { stride: opts.stride === undefined ? k : pair(opts.stride, 1), padding: quad(opts.padding), dilation: [1, 1] as [number, number] };
  const padded = a.padding.some((p) => p > 0)
    ? pad(x, [0, 0, a.padding[0], a.padding[1], 0, 0, a.padding[2], a.padding[3]], -3.4e38)
    : x;
  const cols = im2col(padded, k, { ...a, padding: [0, 0, 0, 0] }); // [kk, N, OH, OW, C]
  return transpose(reduceMax(cols, 0), [0, 3, 1, 2]);
}
