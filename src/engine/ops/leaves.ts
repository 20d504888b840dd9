// Leaves of the graph: program inputs, persistent state and constants.
import { apply, shapeSize, fmtShape, type DType, type OpDef, type Shape, Tensor } from '../tensor.js';

export interface InputAttrs {
  name: string;
  shape: Shape;
  dtype: DType;
}

/** A value fed by the caller on every run (data batches, noise, learning rates). */
export const inputOp: OpDef<InputAttrs> = {
  name: 'input',
  infer: (_, a) => ({ shape: a.shape, dtype: a.dtype }),
  lower: () => {
    throw new Error('inputs are lowered by the program builder');
  },
};

/** A value kept between runs (parameters, optimizer slots, running statistics). */
export const stateOp: OpDef<InputAttrs> = { ...inputOp, name: 'state' };

export interface ConstAttrs {
  data: Float32Array | number[];
  shape: Shape;
  dtype: DType;
}

export const constantOp: OpDef<ConstAttrs> = {
  name: 'constant',
  infer: (_, a) => {
    if (a.data.length !== shapeSize(a.shape)) {
      throw new Error(`constant has ${a.data.length} values but shape ${fmtShape(a.shape)} holds ${shapeSize(a.shape)}`);
    }
    return { shape: a.shape, dtype: a.dtype };
  },
  lower: (ctx, _, a) =>
    a.dtype === 'float32' ? ctx.constFloat(a.data, a.shape) : lowerIntConst(ctx, a),
};

function lowerIntConst(ctx: Parameters<OpDef['lower']>[0], a: ConstAttrs): string {
  const name = ctx.constInt64(Array.from(a.data), a.shape);
  return a.dtype === 'int64' ? name : ctx.node('Cast', [name], { to: a.dtype });
}

const NAME_RE = /^[A-Za-z_][A-Za-z0-9_.:/-]*$/;

function checkName(kind: string, name: string): void {
  if (!NAME_RE.test(name)) throw new Error(`${kind} name "${name}" must match ${NAME_RE}`);
}

export function input(name: string, shape: Shape, dtype: DType = 'float32'): Tensor {
  checkName('input', name);
  return apply(inputOp, [], { name, shape: [...shape], dtype });
}

/** Declares a state tensor; its value lives in a StateStore under `name`. */
export function state(name: string, shape: Shape, dtype: DType = 'float32'): Tensor {
  checkName('state', name);
  return apply(stateOp, [], { name, shape: [...shape], dtype });
}

export function constant(data: ArrayLike<number> | number, shape: Shape = [], dtype: DType = 'float32'): Tensor {
  const values = typeof data === 'number' ? [data] : data;
  const stored = dtype === 'float32' ? Float32Array.from(values) : Array.from(values);
  return apply(constantOp, [], { data: stored, shape: [...shape], dtype });
}

export function scalar(value: number, dtype: DType = 'float32'): Tensor {
  return constant(value, [], dtype);
}

export function isLeaf(t: Tensor): boolean {
  return t.op === inputOp || t.op === stateOp || t.op === constantOp;
}

/** The scalar value of a one-element constant, or undefined. Used to simplify gradient graphs. */
export function constantValue(t: Tensor): number | undefined {
  if (t.op !== constantOp || t.size !== 1) return undefined;
  return (t.attrs as ConstAttrs).data[0];
}
