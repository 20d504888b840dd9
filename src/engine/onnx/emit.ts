// Emits a tensor graph's ONNX nodes: each op through its lowering rule (OpDef.lower), into one list
// of nodes and one of initializers, with fresh value names.
import { inputOp, stateOp, type InputAttrs } from '../ops/leaves.js';
import type { AttrValue, LowerContext, Shape, Tensor } from '../tensor.js';
import { rawFloat32, rawInt64, type NodeData, type OnnxDType, type TensorData } from './proto.js';

/** The LowerContext the ops' lowering rules emit into. */
export class Lowering implements LowerContext {
  nodes: NodeData[] = [];
  initializers: TensorData[] = [];
  private constCache = new Map<string, string>();
  private counter = 0;

  constructor(private readonly prefix = '') {}

  fresh(kind: string): string {
    return `${this.prefix}${kind}${this.counter++}`;
  }

  node(opType: string, inputs: string[], attrs: Record<string, AttrValue> = {}): string {
    return this.nodeMulti(opType, inputs, attrs, 1)[0]!;
  }

  nodeMulti(opType: string, inputs: string[], attrs: Record<string, AttrValue>, nOutputs: number): string[] {
    const outputs = Array.from({ length: nOutputs }, () => this.fresh('v'));
    this.nodes.push({ opType, inputs, outputs, attrs });
    return outputs;
  }

  private constant(dtype: OnnxDType, values: ArrayLike<number>, shape: Shape): string {
    const key = values.length <= 64 ? `${dtype}|${shape.join(',')}|${Array.from(values).join(',')}` : undefined;
    const hit = key && this.constCache.get(key);
    if (hit) return hit;
    const name = this.fresh('c');
    this.initializers.push({ name, dtype, dims: shape, raw: dtype === 'float32' ? rawFloat32(values) : rawInt64(values) });
    if (key) this.constCache.set(key, name);
    return name;
  }

  constInt64(values: readonly number[], shape: Shape = [values.length]): string {
    return this.constant('int64', values, shape);
  }

  constFloat(values: readonly number[] | Float32Array, shape: Shape): string {
    return this.constant('float32', values, shape);
  }
}

/** The name of a program input or state tensor. */
export const leafName = (t: Tensor) => (t.attrs as InputAttrs).name;

/** Names the value a program input or state of that name reads. */
export type LeafReader = (name: string, kind: 'input' | 'state') => string;

/**
 * Emits every op of `order` (each tensor after its inputs) and returns each tensor's value name.
 * Program inputs and state emit nothing of their own: `readLeaf` names the value each one reads.
 */
export function emitNodes(order: readonly Tensor[], ctx: LowerContext, readLeaf: LeafReader): Map<number, string> {
  const names = new Map<number, string>();
  for (const t of order) {
    if (t.op === inputOp || t.op === stateOp) names.set(t.id, readLeaf(leafName(t), t.op === stateOp ? 'state' : 'input'));
    else names.set(t.id, t.op.lower(ctx, t.inputs.map((i) => names.get(i.id)!), t.attrs, t));
  }
  return names;
}
