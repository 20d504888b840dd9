// Elementwise ops with NumPy broadcasting: arithmetic, comparisons, logic, where, and unary math.
import { apply, type DType, type OpDef, Tensor, type AttrValue } from '../tensor.js';
import { broadcastShapes } from '../shape.js';
import { constant, constantValue } from './leaves.js';

export type TensorLike = Tensor | number;

/** Turns numbers into scalar constants of the other operand's dtype. */
export function lift(x: TensorLike, like?: Tensor): Tensor {
  return x instanceof Tensor ? x : constant(x, [], like?.dtype ?? 'float32');
}

function sameDtype(a: Tensor, b: Tensor): DType {
  if (a.dtype !== b.dtype) throw new Error(`dtypes differ: ${a.dtype} vs ${b.dtype}`);
  return a.dtype;
}

const FLOAT_ONLY = new Set<DType>(['float32']);

function binary(
  name: string,
  onnx: string,
  grad?: (g: Tensor, a: Tensor, b: Tensor, out: Tensor, needs: readonly boolean[]) => (Tensor | undefined)[],
  outDtype?: DType,
): OpDef<Record<string, never>> {
  return {
    name,
    infer: ([a, b]) => {
      const dtype = sameDtype(a!, b!);
      return { shape: broadcastShapes(a!.shape, b!.shape), dtype: outDtype ?? dtype };
    },
    // Gradients come back in the broadcast (output) shape; grad() sums each to its input's shape.
    grad: grad ? ({ g, out, inputs: [a, b], needs }) => grad(g, a!, b!, out, needs) : undefined,
    lower: (ctx, ins) => ctx.node(onnx, ins),
  };
}

export const addOp = binary('add', 'Add', (g) => [g, g]);
export const subOp = binary('sub', 'Sub', (g, _a, _b, _o, needs) => [g, needs[1] ? neg(g) : undefined]);
export const mulOp = binary('mul', 'Mul', (g, a, b, _o, needs) => [
  needs[0] ? mul(g, b) : undefined,
  needs[1] ? mul(g, a) : undefined,
]);
export const divOp = binary('div', 'Div', (g, a, b, out, needs) => [
  needs[0] ? div(g, b) : undefined,
  needs[1] ? neg(div(mul(g, out), b)) : undefined,
]);
export const powOp = binary('pow', 'Pow', (g, a, b, out, needs) => {
  const e = constantValue(b);
  return [
    needs[0] ? mul(g, e !== undefined ? mul(pow(a, e - 1), e) : mul(b, pow(a, sub(b, 1)))) : undefined,
    needs[1] ? mul(g, mul(out, log(a))) : undefined,
  ];
});
export const maximumOp = binary('maximum', 'Max', (g, a, b, _o, needs) => {
  const aWins = cast(greaterEqual(a, b), 'float32');
  return [needs[0] ? mul(g, aWins) : undefined, needs[1] ? mul(g, sub(1, aWins)) : undefined];
});
export const minimumOp = binary('minimum', 'Min', (g, a, b, _o, needs) => {
  const aWins = cast(lessEqual(a, b), 'float32');
  return [needs[0] ? mul(g, aWins) : undefined, needs[1] ? mul(g, sub(1, aWins)) : undefined];
});

// Comparisons and logic produce bool and have no gradient.
export const equalOp = binary('equal', 'Equal', undefined, 'bool');
export const lessOp = binary('less', 'Less', undefined, 'bool');
export const lessEqualOp = binary('lessEqual', 'LessOrEqual', undefined, 'bool');
export const greaterOp = binary('greater', 'Greater', undefined, 'bool');
export const greaterEqualOp = binary('greaterEqual', 'GreaterOrEqual', undefined, 'bool');
export const andOp = binary('and', 'And', undefined, 'bool');
export const orOp = binary('or', 'Or', undefined, 'bool');

function binaryFn(op: OpDef<Record<string, never>>) {
  return (a: TensorLike, b: TensorLike): Tensor => {
    const ta = lift(a, b instanceof Tensor ? b : undefined);
    const tb = lift(b, ta);
    return apply(op, [ta, tb], {});
  };
}

const rawAdd = binaryFn(addOp);
const rawSub = binaryFn(subOp);
const rawMul = binaryFn(mulOp);
const rawDiv = binaryFn(divOp);

// The arithmetic builders skip identities (x+0, x*1, x/1) that gradient rules produce all the time,
// but only when that leaves the shape unchanged.
export function add(a: TensorLike, b: TensorLike): Tensor {
  if (a === 0 && b instanceof Tensor) return b;
  if (a instanceof Tensor && (b === 0 || (b instanceof Tensor && keepsShape(a, b) && constantValue(b) === 0))) return a;
  return rawAdd(a, b);
}
export function sub(a: TensorLike, b: TensorLike): Tensor {
  if (a instanceof Tensor && (b === 0 || (b instanceof Tensor && keepsShape(a, b) && constantValue(b) === 0))) return a;
  return rawSub(a, b);
}
export function mul(a: TensorLike, b: TensorLike): Tensor {
  if (a instanceof Tensor && (b === 1 || (b instanceof Tensor && keepsShape(a, b) && constantValue(b) === 1))) return a;
  if (b instanceof Tensor && (a === 1 || (a instanceof Tensor && keepsShape(b, a) && constantValue(a) === 1))) return b;
  return rawMul(a, b);
}
export function div(a: TensorLike, b: TensorLike): Tensor {
  if (a instanceof Tensor && (b === 1 || (b instanceof Tensor && keepsShape(a, b) && constantValue(b) === 1))) return a;
  return rawDiv(a, b);
}
export const pow = binaryFn(powOp);
export const maximum = binaryFn(maximumOp);
export const minimum = binaryFn(minimumOp);
export const equal = binaryFn(equalOp);
export const less = binaryFn(lessOp);
export const lessEqual = binaryFn(lessEqualOp);
export const greater = binaryFn(greaterOp);
export const greaterEqual = binaryFn(greaterEqualOp);
export const and = binaryFn(andOp);
export const or = binaryFn(orOp);

function keepsShape(a: Tensor, b: Tensor): boolean {
  return b.rank <= a.rank && b.shape.every((d, i) => d === 1 || d === a.shape[a.rank - b.rank + i]) && a.dtype === b.dtype;
}

export const whereOp: OpDef<Record<string, never>> = {
  name: 'where',
  infer: ([c, a, b]) => {
    if (c!.dtype !== 'bool') throw new Error(`condition must be bool, got ${c!.dtype}`);
    const dtype = sameDtype(a!, b!);
    return { shape: broadcastShapes(c!.shape, broadcastShapes(a!.shape, b!.shape)), dtype };
  },
  // Each branch's gradient in the output's shape; grad() sums it to the branch's shape.
  grad: ({ g, inputs: [c], needs }) => {
    const zero = constant(0, [], g.dtype);
    return [undefined, needs[1] ? where(c!, g, zero) : undefined, needs[2] ? where(c!, zero, g) : undefined];
  },
  lower: (ctx, ins) => ctx.node('Where', ins),
};

export function where(cond: Tensor, a: TensorLike, b: TensorLike): Tensor {
  const ta = lift(a, b instanceof Tensor ? b : undefined);
  return apply(whereOp, [cond, ta, lift(b, ta)], {});
}

// ---- unary ops ----

interface UnaryAttrs {
  alpha?: number;
}

function unary(
  name: string,
  onnx: string,
  grad: ((g: Tensor, x: Tensor, out: Tensor, attrs: UnaryAttrs) => Tensor) | undefined,
  opts: { floatOnly?: boolean; onnxAttrs?: (a: UnaryAttrs) => Record<string, AttrValue> } = {},
): OpDef<UnaryAttrs> {
  const floatOnly = opts.floatOnly ?? true;
  return {
    name,
    infer: ([x]) => {
      if (floatOnly && !FLOAT_ONLY.has(x!.dtype)) throw new Error(`expects float32, got ${x!.dtype}`);
      return { shape: x!.shape, dtype: name === 'not' ? 'bool' : x!.dtype };
    },
    grad: grad ? ({ g, out, inputs: [x], attrs }) => [grad(g, x!, out, attrs)] : undefined,
    lower: (ctx, ins, attrs) => ctx.node(onnx, ins, opts.onnxAttrs?.(attrs)),
  };
}

const step = (x: Tensor) => cast(greater(x, 0), 'float32');

export const negOp = unary('neg', 'Neg', (g) => neg(g), { floatOnly: false });
export const expOp = unary('exp', 'Exp', (g, _x, out) => mul(g, out));
export const logOp = unary('log', 'Log', (g, x) => div(g, x));
export const sqrtOp = unary('sqrt', 'Sqrt', (g, _x, out) => div(g, mul(out, 2)));
export const absOp = unary('abs', 'Abs', (g, x) => mul(g, sign(x)));
export const signOp = unary('sign', 'Sign', undefined);
export const tanhOp = unary('tanh', 'Tanh', (g, _x, out) => mul(g, sub(1, mul(out, out))));
export const sigmoidOp = unary('sigmoid', 'Sigmoid', (g, _x, out) => mul(g, mul(out, sub(1, out))));
export const softplusOp = unary('softplus', 'Softplus', (g, x) => mul(g, sigmoid(x)));
export const reluOp = unary('relu', 'Relu', (g, x) => mul(g, step(x)));
export const leakyReluOp = unary(
  'leakyRelu',
  'LeakyRelu',
  // slope = alpha + (1 - alpha) * [x > 0]; ONNX Runtime's Where with scalar branches is ~2x slower.
  (g, x, _o, a) => mul(g, add(mul(step(x), 1 - a.alpha!), a.alpha!)),
  { onnxAttrs: (a) => ({ alpha: { float: a.alpha! } }) },
);
export const notOp = unary('not', 'Not', undefined, { floatOnly: false });

export const neg = (x: Tensor): Tensor => apply(negOp, [x], {});
export const exp = (x: Tensor): Tensor => apply(expOp, [x], {});
export const log = (x: Tensor): Tensor => apply(logOp, [x], {});
export const sqrt = (x: Tensor): Tensor => apply(sqrtOp, [x], {});
export const abs = (x: Tensor): Tensor => apply(absOp, [x], {});
export const sign = (x: Tensor): Tensor => apply(signOp, [x], {});
export const tanh = (x: Tensor): Tensor => apply(tanhOp, [x], {});
export const sigmoid = (x: Tensor): Tensor => apply(sigmoidOp, [x], {});
/** log(1 + exp(x)), computed stably by ONNX Runtime. */
export const softplus = (x: Tensor): Tensor => apply(softplusOp, [x], {});
export const relu = (x: Tensor): Tensor => apply(reluOp, [x], {});
export const leakyRelu = (x: Tensor, alpha = 0.2): Tensor => apply(leakyReluOp, [x], { alpha });
export const not = (x: Tensor): Tensor => apply(notOp, [x], {});
export const square = (x: Tensor): Tensor => mul(x, x);

export interface ClipAttrs {
  min: number;
  max: number;
}
export const clipOp: OpDef<ClipAttrs> = {
  name: 'clip',
  infer: ([x], a) => {
    if (!(a.min <= a.max)) throw new Error(`min ${a.min} must not exceed max ${a.max}`);
    return { shape: x!.shape, dtype: x!.dtype };
  },
  grad: ({ g, inputs: [x], attrs }) => [
    mul(g, cast(and(greaterEqual(x!, attrs.min), lessEqual(x!, attrs.max)), 'float32')),
  ],
  lower: (ctx, [x], a) => ctx.node('Clip', [x!, ctx.constFloat([a.min], []), ctx.constFloat([a.max], [])]),
};
export const clip = (x: Tensor, min: number, max: number): Tensor => apply(clipOp, [x], { min, max });

export interface CastAttrs {
  to: DType;
}
export const castOp: OpDef<CastAttrs> = {
  name: 'cast',
  infer: ([x], a) => ({ shape: x!.shape, dtype: a.to }),
  grad: ({ g, inputs: [x], attrs }) =>
    x!.dtype === 'float32' && attrs.to === 'float32' ? [g] : [undefined],
  lower: (ctx, [x], a) => ctx.node('Cast', [x!], { to: a.to }),
};
export function cast(x: Tensor, to: DType): Tensor {
  return x.dtype === to ? x : apply(castOp, [x], { to });
}

/** Identity in the forward pass; blocks gradients. */
export const stopGradientOp: OpDef<Record<string, never>> = {
  name: 'stopGradient',
  infer: ([x]) => ({ shape: x!.shape, dtype: x!.dtype }),
  grad: () => [undefined],
  lower: (ctx, [x]) => ctx.node('Identity', [x!]),
};
export const stopGradient = (x: Tensor): Tensor => apply(stopGradientOp, [x], {});
