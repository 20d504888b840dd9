// Ops that move data without arithmetic: reshape, transpose, expand, concat, slice, pad, gather,
// scatter-add and one-hot.
import { apply, fmtShape, opError, shapeSize, type DType, type OpDef, type Shape, Tensor } from '../tensor.js';
import { broadcastShapes, normAxis, sameShape } from '../shape.js';
import { constant } from './leaves.js';

type NoAttrs = Record<string, never>;

// ---- reshape ----
export const reshapeOp: OpDef<{ shape: number[] }> = {
  name: 'reshape',
  infer: ([x], a) => {
    if (shapeSize(a.shape) !== x!.size) {
      throw new Error(`cannot reshape ${fmtShape(x!.shape)} (${x!.size} values) to ${fmtShape(a.shape)}`);
    }
    return { shape: a.shape, dtype: x!.dtype };
  },
  grad: ({ g, inputs: [x] }) => [reshape(g, x!.shape)],
  // A kept leading dimension is written as 0 ("copy from the input"), so models exported with a
  // symbolic batch size reshape correctly for any batch.
  lower: (ctx, [x], a, out) => {
    const keepFirst = a.shape.length > 0 && a.shape[0] === out.inputs[0]!.shape[0];
    return ctx.node('Reshape', [x!, ctx.constInt64(keepFirst ? [0, ...a.shape.slice(1)] : a.shape)]);
  },
};

/** Reshape; one dimension may be -1 and is then inferred. */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  const known = shape.filter((d) => d !== -1);
  let resolved = [...shape];
  if (known.length < shape.length - 1) throw opError('reshape', [x], new Error(`only one -1 allowed in ${fmtShape(shape)}`));
  if (known.length === shape.length - 1) {
    const k = shapeSize(known);
    if (k === 0 || x.size % k !== 0) {
      throw opError('reshape', [x], new Error(`cannot reshape ${fmtShape(x.shape)} to ${fmtShape(shape)}`));
    }
    resolved = shape.map((d) => (d === -1 ? x.size / k : d));
  }
  if (sameShape(resolved, x.shape)) return x;
  return apply(reshapeOp, [x], { shape: resolved });
}

export const flatten = (x: Tensor, fromAxis = 1): Tensor =>
  reshape(x, [...x.shape.slice(0, fromAxis), shapeSize(x.shape.slice(fromAxis))]);

// ---- transpose ----
export const transposeOp: OpDef<{ perm: number[] }> = {
  name: 'transpose',
  infer: ([x], a) => {
    const sorted = [...a.perm].sort((p, q) => p - q);
    if (a.perm.length !== x!.rank || sorted.some((p, i) => p !== i)) {
      throw new Error(`perm ${fmtShape(a.perm)} is not a permutation of ${x!.rank} axes`);
    }
    return { shape: a.perm.map((p) => x!.shape[p]!), dtype: x!.dtype };
  },
  grad: ({ g, attrs }) => {
    const inv = new Array<number>(attrs.perm.length);
    attrs.perm.forEach((p, i) => (inv[p] = i));
    return [transpose(g, inv)];
  },
  lower: (ctx, [x], a) => ctx.node('Transpose', [x!], { perm: { ints: a.perm } }),
};

/** Permutes axes; without perm, reverses them. */
export function transpose(x: Tensor, perm?: readonly number[]): Tensor {
  const p = perm ? perm.map((a) => (a < 0 ? a + x.rank : a)) : [...Array(x.rank).keys()].reverse();
  if (p.every((a, i) => a === i)) return x;
  return apply(transposeOp, [x], { perm: p });
}

/** Swaps the last two axes. */
export function mT(x: Tensor): Tensor {
  const perm = [...Array(x.rank).keys()];
  [perm[x.rank - 1], perm[x.rank - 2]] = [perm[x.rank - 2]!, perm[x.rank - 1]!];
  return transpose(x, perm);
}

// ---- expand (broadcast to a shape) ----
export const expandOp: OpDef<{ shape: number[] }> = {
  name: 'expand',
  infer: ([x], a) => {
    const out = broadcastShapes(x!.shape, a.shape);
    if (!sameShape(out, a.shape)) throw new Error(`cannot broadcast ${fmtShape(x!.shape)} to ${fmtShape(a.shape)}`);
    return { shape: out, dtype: x!.dtype };
  },
  // The output's gradient as it is: grad() sums it down to the input's shape.
  grad: ({ g }) => [g],
  lower: (ctx, [x], a) => ctx.node('Expand', [x!, ctx.constInt64(a.shape)]),
};

export function expand(x: Tensor, shape: Shape): Tensor {
  if (sameShape(x.shape, shape)) return x;
  return apply(expandOp, [x], { shape: [...shape] });
}

/** A tensor of one repeated value (lowered as a broadcast scalar, not a stored array). */
export function fill(shape: Shape, value: number, dtype: DType = 'float32'): Tensor {
  return expand(constant(value, [], dtype), shape);
}
export const zeros = (shape: Shape, dtype: DType = 'float32'): Tensor => fill(shape, 0, dtype);
export const ones = (shape: Shape, dtype: DType = 'float32'): Tensor => fill(shape, 1, dtype);
export const zerosLike = (x: Tensor): Tensor => fill(x.shape, 0, x.dtype);
export const onesLike = (x: Tensor): Tensor => fill(x.shape, 1, x.dtype);

// ---- concat ----
export const concatOp: OpDef<{ axis: number }> = {
  name: 'concat',
  infer: (xs, a) => {
    const first = xs[0]!;
    let total = 0;
    for (const x of xs) {
      if (x.rank !== first.rank || x.dtype !== first.dtype || x.shape.some((d, i) => i !== a.axis && d !== first.shape[i])) {
        throw new Error(`all inputs must match except on axis ${a.axis}`);
      }
      total += x.shape[a.axis]!;
    }
    const shape = [...first.shape];
    shape[a.axis] = total;
    return { shape, dtype: first.dtype };
  },
  grad: ({ g, inputs, attrs, needs }) => {
    let start = 0;
    return inputs.map((x, i) => {
      const len = x.shape[attrs.axis]!;
      const gi = needs[i] ? slice(g, [start], [start + len], [attrs.axis]) : undefined;
      start += len;
      return gi;
    });
  },
  lower: (ctx, ins, a) => ctx.node('Concat', ins, { axis: { int: a.axis } }),
};

export function concat(xs: readonly Tensor[], axis = 0): Tensor {
  if (xs.length === 0) throw opError('concat', [], new Error('needs at least one input'));
  if (xs.length === 1) return xs[0]!;
  let ax: number;
  try {
    ax = normAxis(axis, xs[0]!.rank);
  } catch (e) {
    throw opError('concat', xs, e);
  }
  return apply(concatOp, xs, { axis: ax });
}

/** Stacks same-shaped tensors along a new axis. */
export function stack(xs: readonly Tensor[], axis = 0): Tensor {
  const r = xs[0]!.rank + 1;
  const ax = axis < 0 ? axis + r : axis;
  return concat(xs.map((x) => reshape(x, [...x.shape.slice(0, ax), 1, ...x.shape.slice(ax)])), ax);
}

// ---- slice ----
export interface SliceAttrs {
  starts: number[];
  ends: number[];
  axes: number[];
  steps: number[];
}

export const sliceOp: OpDef<SliceAttrs> = {
  name: 'slice',
  infer: ([x], a) => {
    const shape = [...x!.shape];
    a.axes.forEach((ax, i) => {
      const len = Math.ceil((a.ends[i]! - a.starts[i]!) / a.steps[i]!);
      if (len <= 0) throw new Error(`slice [${a.starts[i]}:${a.ends[i]}:${a.steps[i]}] on axis ${ax} is empty`);
      shape[ax] = len;
    });
    return { shape, dtype: x!.dtype };
  },
  grad: ({ g, inputs: [x], attrs }) => [sliceGrad(g, x!.shape, attrs)],
  lower: (ctx, [x], a) =>
    ctx.node('Slice', [x!, ctx.constInt64(a.starts), ctx.constInt64(a.ends), ctx.constInt64(a.axes), ctx.constInt64(a.steps)]),
};

/** x[starts:ends:steps] along axes (positive steps; negative starts/ends count from the end). */
export function slice(
  x: Tensor,
  starts: readonly number[],
  ends: readonly number[],
  axes?: readonly number[],
  steps?: readonly number[],
): Tensor {
  try {
    const ax = (axes ?? starts.map((_, i) => i)).map((a) => normAxis(a, x.rank));
    const st = steps ?? ax.map(() => 1);
    if (st.some((s) => !Number.isInteger(s) || s < 1)) throw new Error(`steps ${fmtShape(st)} must be positive integers`);
    const clampIdx = (v: number, dim: number) => Math.min(Math.max(v < 0 ? v + dim : v, 0), dim);
    const s = ax.map((a, i) => clampIdx(starts[i]!, x.shape[a]!));
    const e = ax.map((a, i) => clampIdx(ends[i]!, x.shape[a]!));
    if (ax.every((a, i) => s[i] === 0 && e[i] === x.shape[a] && st[i] === 1)) return x;
    return apply(sliceOp, [x], { starts: s, ends: e, axes: ax, steps: [...st] });
  } catch (e) {
    throw opError('slice', [x], e);
  }
}

/** Scatters a slice's gradient back into a zero tensor of the input's shape. */
function sliceGrad(g: Tensor, inShape: Shape, a: SliceAttrs): Tensor {
  let out = g;
  a.axes.forEach((ax, i) => {
    const step = a.steps[i]!;
    const n = out.shape[ax]!;
    if (step > 1) {
      // Interleave step-1 zeros after every element: [n] -> [n, step] -> [n*step], then trim.
      const s = out.shape;
      out = reshape(out, [...s.slice(0, ax), n, 1, ...s.slice(ax + 1)]);
      const padsSpec = new Array<number>(out.rank * 2).fill(0);
      padsSpec[out.rank + ax + 1] = step - 1;
      out = pad(out, padsSpec);
      out = reshape(out, [...s.slice(0, ax), n * step, ...s.slice(ax + 1)]);
      out = slice(out, [0], [(n - 1) * step + 1], [ax]);
    }
    const covered = out.shape[ax]!;
    const p = new Array<number>(out.rank * 2).fill(0);
    p[ax] = a.starts[i]!;
    p[out.rank + ax] = inShape[ax]! - a.starts[i]! - covered;
    out = pad(out, p);
  });
  return out;
}

// ---- pad (constant) ----
export interface PadAttrs {
  pads: number[];
  value: number;
}

export const padOp: OpDef<PadAttrs> = {
  name: 'pad',
  infer: ([x], a) => {
    if (a.pads.length !== 2 * x!.rank) throw new Error(`pads needs ${2 * x!.rank} entries (begins then ends), got ${a.pads.length}`);
    const shape = x!.shape.map((d, i) => d + a.pads[i]! + a.pads[i + x!.rank]!);
    if (shape.some((d) => d <= 0)) throw new Error(`pads ${fmtShape(a.pads)} leave an empty dimension`);
    return { shape, dtype: x!.dtype };
  },
  // Padding with negative amounts crops, so the gradient of a pad is the pad with negated amounts.
  grad: ({ g, attrs }) => [pad(g, attrs.pads.map((p) => -p))],
  lower: (ctx, [x], a, out) =>
    ctx.node('Pad', [x!, ctx.constInt64(a.pads), out.dtype === 'float32' ? ctx.constFloat([a.value], []) : ctx.constInt64([a.value], [])], {
      mode: 'constant',
    }),
};

/** Constant padding; pads = [begin_0, ..., begin_{r-1}, end_0, ..., end_{r-1}]. Negative pads crop. */
export function pad(x: Tensor, pads: readonly number[], value = 0): Tensor {
  if (pads.every((p) => p === 0)) return x;
  return apply(padOp, [x], { pads: [...pads], value });
}

// ---- gather along axis 0, and its transpose, scatter-add ----
export const gatherRowsOp: OpDef<NoAttrs> = {
  name: 'gather',
  infer: ([x, idx]) => {
    if (idx!.dtype !== 'int64') throw new Error(`indices must be int64, got ${idx!.dtype}`);
    if (x!.rank < 1) throw new Error('cannot gather from a scalar');
    return { shape: [...idx!.shape, ...x!.shape.slice(1)], dtype: x!.dtype };
  },
  grad: ({ g, inputs: [x, idx] }) => [scatterAddRows(idx!, g, x!.shape[0]!), undefined],
  lower: (ctx, ins) => ctx.node('Gather', ins, { axis: { int: 0 } }),
};

export const scatterAddRowsOp: OpDef<{ rows: number }> = {
  name: 'scatterAdd',
  infer: ([idx, upd], a) => {
    if (idx!.dtype !== 'int64') throw new Error(`indices must be int64, got ${idx!.dtype}`);
    if (!sameShape(upd!.shape.slice(0, idx!.rank), idx!.shape)) {
      throw new Error(`updates ${fmtShape(upd!.shape)} must start with the indices' shape ${fmtShape(idx!.shape)}`);
    }
    return { shape: [a.rows, ...upd!.shape.slice(idx!.rank)], dtype: upd!.dtype };
  },
  grad: ({ g, inputs: [idx] }) => [undefined, gatherRows(g, idx!)],
  lower: (ctx, [idx, upd], a, out) => {
    const zerosName = ctx.node('Expand', [ctx.constFloat([0], []), ctx.constInt64(out.shape)]);
    const idx1 = ctx.node('Unsqueeze', [idx!, ctx.constInt64([-1])]);
    return ctx.node('ScatterND', [zerosName, idx1, upd!], { reduction: 'add' });
  },
};

export const gatherRows = (x: Tensor, idx: Tensor): Tensor => apply(gatherRowsOp, [x, idx], {});
/** out[idx[i], ...] += upd[i, ...], into zeros with `rows` rows. */
export const scatterAddRows = (idx: Tensor, upd: Tensor, rows: number): Tensor =>
  apply(scatterAddRowsOp, [idx, upd], { rows });

/** Gathers entries of x along `axis` at integer indices (like numpy.take). */
export function gather(x: Tensor, idx: Tensor, axis = 0): Tensor {
  const ax = normAxis(axis, x.rank);
  if (ax === 0) return gatherRows(x, idx);
  const toFront = [ax, ...[...Array(x.rank).keys()].filter((i) => i !== ax)];
  const picked = gatherRows(transpose(x, toFront), idx); // [...idx, rest without ax]
  const r = idx.rank;
  // rest axes are x's axes without ax, in order; put idx dims where ax was.
  const perm = [
    ...[...Array(ax).keys()].map((i) => r + i),
    ...[...Array(r).keys()],
    ...[...Array(x.rank - 1 - ax).keys()].map((i) => r + ax + i),
  ];
  return transpose(picked, perm);
}

// ---- one-hot ----
export const oneHotOp: OpDef<{ depth: number }> = {
  name: 'oneHot',
  infer: ([idx], a) => {
    if (idx!.dtype !== 'int64') throw new Error(`indices must be int64, got ${idx!.dtype}`);
    return { shape: [...idx!.shape, a.depth], dtype: 'float32' };
  },
  lower: (ctx, [idx], a) =>
    ctx.node('OneHot', [idx!, ctx.constInt64([a.depth], []), ctx.constFloat([0, 1], [2])], { axis: { int: -1 } }),
};

/** Float one-hot vectors for int64 class indices (a trailing axis of size depth). */
export const oneHot = (idx: Tensor, depth: number): Tensor => apply(oneHotOp, [idx], { depth });
