// Lowers a tensor graph to one ONNX model: program inputs and state become graph inputs,
// constants become initializers, each op emits its nodes, and requested values become outputs.
import { topoSort } from '../autodiff.js';
import { inputOp, stateOp, type InputAttrs } from '../ops/leaves.js';
import { GraphBuildError, fmtShape, type AttrValue, type DType, type LowerContext, type Shape, type Tensor } from '../tensor.js';
import { sameShape } from '../shape.js';
import {
  ATTR,
  ONNX_DTYPE,
  ProtoWriter,
  rawFloat32,
  rawInt64,
  writeTensor,
  writeValueInfo,
  type OnnxDType,
  type TensorData,
} from './proto.js';

export const OPSET = 18;
const IR_VERSION = 8;

export interface LeafInfo {
  name: string;
  shape: Shape;
  dtype: DType;
}

export interface LoweredModel {
  bytes: Uint8Array;
  /** Inputs fed by the caller each run. */
  inputs: LeafInfo[];
  /** State read from the store each run. */
  stateInputs: LeafInfo[];
  outputs: LeafInfo[];
  /** ONNX output name -> state name it updates. */
  updateOutputs: Map<string, string>;
  nodeCount: number;
}

export interface LowerSpec {
  outputs: Record<string, Tensor>;
  /** [state tensor, its new value] pairs, written back after every run. */
  updates?: readonly (readonly [Tensor, Tensor])[];
  metadata?: Record<string, string>;
  graphName?: string;
}

interface Node {
  opType: string;
  inputs: string[];
  outputs: string[];
  attrs: Record<string, AttrValue>;
}

class Lowering implements LowerContext {
  nodes: Node[] = [];
  initializers: TensorData[] = [];
  private constCache = new Map<string, string>();
  private counter = 0;

  fresh(prefix: string): string {
    return `${prefix}${this.counter++}`;
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

function writeAttr(w: ProtoWriter, name: string, v: AttrValue): void {
  w.string(1, name);
  if (typeof v === 'number') {
    w.int(3, v).int(20, ATTR.INT);
  } else if (typeof v === 'string') {
    const dt = ONNX_DTYPE[v as OnnxDType];
    // A dtype name given to the Cast "to" attribute is written as its enum value.
    if (name === 'to' && dt !== undefined) w.int(3, dt).int(20, ATTR.INT);
    else w.string(4, v).int(20, ATTR.STRING);
  } else if ('ints' in v) {
    for (const i of v.ints) w.int(8, i);
    w.int(20, ATTR.INTS);
  } else if ('floats' in v) {
    for (const f of v.floats) w.float(7, f);
    w.int(20, ATTR.FLOATS);
  } else if ('int' in v) {
    w.int(3, v.int).int(20, ATTR.INT);
  } else if ('float' in v) {
    w.float(2, v.float).int(20, ATTR.FLOAT);
  } else {
    const t = v.tensor;
    const raw = t.dtype === 'float32' ? rawFloat32(t.data) : rawInt64(t.data);
    w.message(5, (tw) => writeTensor(tw, { name: '', dtype: t.dtype as OnnxDType, dims: t.shape, raw }));
    w.int(20, ATTR.TENSOR);
  }
}

/** Builds the ONNX model for a program. Throws GraphBuildError on inconsistent specs. */
export function lower(spec: LowerSpec): LoweredModel {
  const updates = spec.updates ?? [];
  for (const [s, v] of updates) {
    if (s.op !== stateOp) throw new GraphBuildError(`update target ${s} is not a state tensor`);
    if (!sameShape(s.shape, v.shape) || s.dtype !== v.dtype) {
      const name = (s.attrs as InputAttrs).name;
      throw new GraphBuildError(`update of state "${name}": new value ${fmtShape(v.shape)}:${v.dtype} differs from ${fmtShape(s.shape)}:${s.dtype}`);
    }
  }
  const roots = [...Object.values(spec.outputs), ...updates.map(([, v]) => v), ...updates.map(([s]) => s)];
  const order = topoSort(roots);
  const L = new Lowering();
  const names = new Map<number, string>();
  const inputs = new Map<string, LeafInfo>();
  const stateInputs = new Map<string, LeafInfo>();

  const declareLeaf = (t: Tensor, into: Map<string, LeafInfo>, kind: string) => {
    const a = t.attrs as InputAttrs;
    const prev = inputs.get(a.name) ?? stateInputs.get(a.name);
    if (prev && (!sameShape(prev.shape, a.shape) || prev.dtype !== a.dtype || !into.has(a.name))) {
      throw new GraphBuildError(`${kind} "${a.name}" is declared twice with different shapes or kinds`);
    }
    into.set(a.name, { name: a.name, shape: a.shape, dtype: a.dtype });
    names.set(t.id, a.name);
  };

  for (const t of order) {
    if (t.op === inputOp) declareLeaf(t, inputs, 'input');
    else if (t.op === stateOp) declareLeaf(t, stateInputs, 'state');
    else {
      const ins = t.inputs.map((i) => names.get(i.id)!);
      names.set(t.id, t.op.lower(L, ins, t.attrs, t));
    }
  }

  const outputs: LeafInfo[] = [];
  const updateOutputs = new Map<string, string>();
  // Graph outputs take over the name of the value that produces them, so ONNX Runtime writes the
  // result straight into the output; an Identity (a copy) is only needed for leaves, initializers
  // and values that feed two outputs.
  const producedByNode = new Set(L.nodes.flatMap((n) => n.outputs));
  const rename = new Map<string, string>();
  const addOutput = (name: string, t: Tensor) => {
    if (outputs.some((o) => o.name === name) || inputs.has(name) || stateInputs.has(name)) {
      throw new GraphBuildError(`output name "${name}" is used twice`);
    }
    const v = names.get(t.id)!;
    if (producedByNode.has(v) && !rename.has(v)) rename.set(v, name);
    else L.nodes.push({ opType: 'Identity', inputs: [rename.get(v) ?? v], outputs: [name], attrs: {} });
    outputs.push({ name, shape: t.shape, dtype: t.dtype });
  };
  for (const [name, t] of Object.entries(spec.outputs)) addOutput(name, t);
  for (const [s, v] of updates) {
    const stateName = (s.attrs as InputAttrs).name;
    const outName = `${stateName}__next`;
    if (updateOutputs.has(outName)) throw new GraphBuildError(`state "${stateName}" is updated twice`);
    addOutput(outName, v);
    updateOutputs.set(outName, stateName);
  }
  const renamed = (v: string) => rename.get(v) ?? v;

  const w = new ProtoWriter();
  w.int(1, IR_VERSION);
  w.string(2, 'tsgan');
  w.string(3, '0.1.0');
  w.message(7, (g) => {
    for (const n of L.nodes) {
      g.message(1, (nw) => {
        for (const i of n.inputs) nw.string(1, renamed(i));
        for (const o of n.outputs) nw.string(2, renamed(o));
        nw.string(4, n.opType);
        for (const [k, v] of Object.entries(n.attrs)) nw.message(5, (aw) => writeAttr(aw, k, v));
      });
    }
    g.string(2, spec.graphName ?? 'tsgan');
    for (const init of L.initializers) g.message(5, (tw) => writeTensor(tw, init));
    for (const leaf of [...inputs.values(), ...stateInputs.values()]) {
      g.message(11, (vw) => writeValueInfo(vw, leaf.name, leaf.dtype, leaf.shape));
    }
    for (const o of outputs) g.message(12, (vw) => writeValueInfo(vw, o.name, o.dtype, o.shape));
  });
  w.message(8, (op) => op.string(1, '').int(2, OPSET));
  for (const [k, v] of Object.entries(spec.metadata ?? {})) w.message(14, (m) => m.string(1, k).string(2, v));

  return {
    bytes: w.finish(),
    inputs: [...inputs.values()],
    stateInputs: [...stateInputs.values()],
    outputs,
    updateOutputs,
    nodeCount: L.nodes.length,
  };
}
