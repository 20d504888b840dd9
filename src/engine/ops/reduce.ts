// Reductions over axes: sum, mean, max, min.
import { apply, opError, type OpDef, type Shape, Tensor } from '../tensor.js';
import { normAxes, sameShape } from '../shape.js';
import { cast, div, equal, mul } from './elementwise.js';
import { expand, reshape } from './shape.js';

export interface ReduceAttrs {
  axes: number[];
  keepdims: boolean;
}

function reducedShape(shape: Shape, axes: readonly number[], keepdims: boolean): number[] {
  const out: number[] = [];
  shape.forEach((d, i) => {
    if (!axes.includes(i)) out.push(d);
    else if (keepdims) out.push(1);
  });
  return out;
}

/** The gradient of a reduction's output, reshaped so it broadcasts against the input. */
function keptGrad(g: Tensor, x: Tensor, axes: readonly number[]): Tensor {
  return reshape(g, reducedShape(x.shape, axes, true));
}

function reduction(
  name: string,
  onnx: string,
  grad: (g: Tensor, x: Tensor, out: Tensor, axes: readonly number[]) => Tensor,
): OpDef<ReduceAttrs> {
  return {
    name,
    infer: ([x], a) => {
      if (x!.dtype !== 'float32' && name !== 'sum') throw new Error(`expects float32, got ${x!.dtype}`);
      return { shape: reducedShape(x!.shape, a.axes, a.keepdims), dtype: x!.dtype };
    },
    grad: ({ g, out, inputs: [x], attrs }) => [grad(g, x!, out, attrs.axes)],
    lower: (ctx, [x], a) =>
      ctx.node(onnx, [x!, ctx.constInt64(a.axes)], { keepdims: a.keepdims ? 1 : 0 }),
  };
}

function countOf(x: Tensor, axes: readonly number[]): number {
  return axes.reduce((n, a) => n * x.shape[a]!, 1);
}

/** Gradient of max/min: split evenly among the elements that attain the extreme. */
function extremeGrad(g: Tensor, x: Tensor, out: Tensor, axes: readonly number[]): Tensor {
  const mask = cast(equal(x, keptGrad(out, x, axes)), 'float32');
  const count = reduceSum(mask, axes, true);
  return mul(keptGrad(g, x, axes), div(mask, count));
}

export const reduceSumOp = reduction('sum', 'ReduceSum', (g, x, _o, axes) => expand(keptGrad(g, x, axes), x.shape));
export const reduceMeanOp = reduction('mean', 'ReduceMean', (g, x, _o, axes) =>
  expand(div(keptGrad(g, x, axes), countOf(x, axes)), x.shape),
);
export const reduceMaxOp = reduction('max', 'ReduceMax', extremeGrad);
/** Sum of squares in one pass (ONNX ReduceSumSquare): gradient norms and penalties use it. */
export const reduceSumSquareOp = reduction('sumSquare', 'ReduceSumSquare', (g, x, _o, axes) => mul(keptGrad(g, x, axes), mul(x, 2)));
export const reduceMinOp = reduction('min', 'ReduceMin', extremeGrad);

function reduceFn(op: OpDef<ReduceAttrs>) {
  return (x: Tensor, axes?: number | readonly number[], keepdims = false): Tensor => {
    let norm: number[];
    try {
      norm = normAxes(typeof axes === 'number' ? [axes] : axes, x.rank);
    } catch (e) {
      throw opError(op.name, [x], e);
    }
    if (norm.length === 0) return x;
    return apply(op, [x], { axes: norm, keepdims });
  };
}

export const reduceSum = reduceFn(reduceSumOp);
export const reduceMean = reduceFn(reduceMeanOp);
export const reduceMax = reduceFn(reduceMaxOp);
export const reduceMin = reduceFn(reduceMinOp);
export const reduceSumSquare = reduceFn(reduceSumSquareOp);

/** Sums a broadcast gradient back down to `shape` (the inverse of NumPy broadcasting). */
export function sumToShape(g: Tensor, shape: Shape): Tensor {
  if (sameShape(g.shape, shape)) return g;
  const lead = g.rank - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < g.rank; i++) {
    if (i < lead || (shape[i - lead] === 1 && g.shape[i] !== 1)) axes.push(i);
  }
  const summed = reduceSum(g, axes, true);
  return sameShape(summed.shape, shape) ? summed : reshape(summed, shape);
}
