// A Tensor is a symbolic value: an op applied to input tensors, with a static shape and dtype.
// Building a model builds a graph of Tensors; nothing runs until a program is compiled.

export type DType = 'float32' | 'int64' | 'int32' | 'bool' | 'uint8';
export type Shape = readonly number[];

/** Everything needed to compute one tensor from its inputs, differentiate it and lower it to ONNX. */
export interface OpDef<A = unknown> {
  readonly name: string;
  /** Output shape and dtype from the inputs; throws ShapeError-worthy messages on mismatch. */
  infer(inputs: readonly Tensor[], attrs: A): { shape: Shape; dtype: DType };
  /**
   * Gradients of a scalar loss with respect to each input, given `g`, the gradient with respect to
   * the output. Expressed with ordinary ops, so gradients can be differentiated again.
   * Entries may be undefined for inputs that need no gradient (or have none). An entry may have any
   * shape its input broadcasts to (a broadcasting op can return it in the output's shape): `grad`
   * sums it down to the input's shape.
   */
  grad?(ctx: GradContext<A>): (Tensor | undefined)[];
  /** Emits ONNX nodes computing the output; returns the output's value name. */
  lower(ctx: LowerContext, inputs: string[], attrs: A, out: Tensor): string;
}

export interface GradContext<A> {
  g: Tensor;
  out: Tensor;
  inputs: readonly Tensor[];
  attrs: A;
  /** needs[i] is true when input i lies on a path to a tensor a gradient was asked for. */
  needs: readonly boolean[];
}

/** What an op's lowering can do: emit nodes and make constants. Implemented by the ONNX lowering. */
export interface LowerContext {
  node(opType: string, inputs: string[], attrs?: Record<string, AttrValue>, nOutputs?: number): string;
  /** Like node, for ops with several outputs. */
  nodeMulti(opType: string, inputs: string[], attrs: Record<string, AttrValue>, nOutputs: number): string[];
  constInt64(values: readonly number[], shape?: Shape): string;
  constFloat(values: readonly number[] | Float32Array, shape: Shape): string;
}

export type AttrValue =
  | number
  | string
  | { ints: readonly number[] }
  | { floats: readonly number[] }
  | { int: number }
  | { float: number }
  | { tensor: { dtype: DType; shape: Shape; data: readonly number[] } };

let nextId = 0;

export class Tensor {
  readonly id = nextId++;
  constructor(
    readonly op: OpDef<any>,
    readonly inputs: readonly Tensor[],
    readonly attrs: any,
    readonly shape: Shape,
    readonly dtype: DType,
  ) {}

  get rank(): number {
    return this.shape.length;
  }
  get size(): number {
    return shapeSize(this.shape);
  }
  toString(): string {
    return `${this.op.name}#${this.id}[${this.shape.join(',')}]:${this.dtype}`;
  }
}

export function shapeSize(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function fmtShape(shape: Shape): string {
  return `[${shape.join(', ')}]`;
}

/** Raised when a graph cannot be built: names the op, the shapes and where the user called it. */
export class GraphBuildError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GraphBuildError';
  }
}

/** The first stack frame outside the engine: the user's call site. */
export function callSite(): string {
  const stack = new Error().stack?.split('\n').slice(1) ?? [];
  for (const line of stack) {
    if (/[\\/]src[\\/]engine[\\/]|[\\/]dist[\\/]engine[\\/]|node:internal|[\\/]node_modules[\\/]/.test(line)) continue;
    const m = line.match(/\(?((?:file:\/\/)?[^()\s]+:\d+:\d+)\)?\s*$/);
    if (m) return m[1]!.replace(/^file:\/\//, '');
  }
  return 'unknown location';
}

/** Creates a tensor by applying an op; infers shape and dtype, wrapping errors with context. */
export function apply<A>(op: OpDef<A>, inputs: readonly Tensor[], attrs: A): Tensor {
  let info: { shape: Shape; dtype: DType };
  try {
    info = op.infer(inputs, attrs);
  } catch (e) {
    throw opError(op.name, inputs, e);
  }
  return new Tensor(op, inputs, attrs, info.shape, info.dtype);
}

/** Wraps a build-time failure with the op's name, its input shapes and the user's call site. */
export function opError(opName: string, inputs: readonly Tensor[], e: unknown): GraphBuildError {
  if (e instanceof GraphBuildError) return e;
  const shapes = inputs.map((t) => `${fmtShape(t.shape)}:${t.dtype}`).join(', ');
  const msg = e instanceof Error ? e.message : String(e);
  return new GraphBuildError(`${opName}: ${msg} (inputs ${shapes || 'none'}; called at ${callSite()})`);
}
