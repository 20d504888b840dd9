// Lowers a tensor graph to one ONNX model: program inputs and state become graph inputs,
// constants become initializers, each op emits its nodes, and requested values become outputs.
import { topoSort } from '../autodiff.js';
import { inputOp, stateOp, type InputAttrs } from '../ops/leaves.js';
import { GraphBuildError, fmtShape, type DType, type Shape, type Tensor } from '../tensor.js';
import { sameShape } from '../shape.js';
import { emitNodes, Lowering } from './emit.js';
import { rawFloat32, rawInt64, writeModel, type GraphData, type NodeData, type OnnxDType, type TensorData } from './proto.js';

export { OPSET } from './proto.js';

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

/**
 * Repeat the program `steps` times inside one run (an ONNX Loop): updated state is carried from
 * step to step, inputs named in `perStep` get a leading [steps] axis (step i reads slice i), other
 * inputs are shared, and every output gets a leading [steps] axis. State crosses into and out of
 * ONNX Runtime once per run instead of once per step.
 */
export interface LoopOptions {
  steps: number;
  perStep: readonly string[];
}

export interface LowerOptions {
  loop?: LoopOptions;
  /** Bake state into the model as initializers (for standalone export): value by state name. */
  constants?: (stateName: string) => { data: Float32Array; shape: readonly number[] } | undefined;
  /** Give the first dimension of every input and output the symbolic size "batch". */
  dynamicBatch?: boolean;
  /**
   * The model's producer_version (its producer_name is "tsgan"); omitted when not given. Passed in
   * rather than read here, so the engine needs nothing Node-only to know tsgan's version.
   */
  producerVersion?: string;
}

/** The inputs a program built from this spec will take (names, shapes, dtypes), without lowering it. */
export function programInputs(spec: LowerSpec): LeafInfo[] {
  const roots = [...Object.values(spec.outputs), ...(spec.updates ?? []).flatMap(([s, v]) => [s, v])];
  const seen = new Map<string, LeafInfo>();
  for (const t of topoSort(roots)) {
    if (t.op !== inputOp) continue;
    const a = t.attrs as InputAttrs;
    seen.set(a.name, { name: a.name, shape: a.shape, dtype: a.dtype });
  }
  return [...seen.values()];
}

/** The name of a program input or state tensor. */
const leafName = (t: Tensor) => (t.attrs as InputAttrs).name;

/** Checks that each update writes a state with a value of its shape and dtype, and no state twice; returns the updated states' names. */
function checkUpdates(updates: readonly (readonly [Tensor, Tensor])[]): Set<string> {
  for (const [s, v] of updates) {
    if (s.op !== stateOp) throw new GraphBuildError(`update target ${s} is not a state tensor`);
    if (!sameShape(s.shape, v.shape) || s.dtype !== v.dtype) {
      throw new GraphBuildError(`update of state "${leafName(s)}": new value ${fmtShape(v.shape)}:${v.dtype} differs from ${fmtShape(s.shape)}:${s.dtype}`);
    }
  }
  const updated = new Set(updates.map(([s]) => leafName(s)));
  if (updated.size !== updates.length) throw new GraphBuildError('a state is updated twice');
  return updated;
}

/** A program's leaves by name, in the order the graph first reads them. */
interface Leaves {
  inputs: Map<string, LeafInfo>;
  stateInputs: Map<string, LeafInfo>;
  /** States given a value by LowerOptions.constants: initializers of the model instead of inputs. */
  baked: TensorData[];
}

/**
 * Sorts the program's inputs and states out of `order`, checking that tensors of one name agree.
 * A state that is not updated and has a value from `constants` is baked in instead.
 */
function collectLeaves(order: readonly Tensor[], updated: ReadonlySet<string>, constants: LowerOptions['constants']): Leaves {
  const inputs = new Map<string, LeafInfo>();
  const stateInputs = new Map<string, LeafInfo>();
  const baked: TensorData[] = [];
  for (const t of order) {
    if (t.op !== inputOp && t.op !== stateOp) continue;
    const a = t.attrs as InputAttrs;
    const constant = t.op === stateOp && !updated.has(a.name) ? constants?.(a.name) : undefined;
    if (constant) {
      if (!sameShape(constant.shape, a.shape)) throw new GraphBuildError(`state "${a.name}" is ${fmtShape(a.shape)} but its value has shape ${fmtShape(constant.shape)}`);
      if (!baked.some((b) => b.name === a.name)) baked.push({ name: a.name, dtype: 'float32', dims: a.shape, raw: rawFloat32(constant.data) });
      continue;
    }
    const into = t.op === inputOp ? inputs : stateInputs;
    const prev = inputs.get(a.name) ?? stateInputs.get(a.name);
    if (prev && (!sameShape(prev.shape, a.shape) || prev.dtype !== a.dtype || !into.has(a.name))) {
      throw new GraphBuildError(`${t.op === inputOp ? 'input' : 'state'} "${a.name}" is declared twice with different shapes or kinds`);
    }
    into.set(a.name, { name: a.name, shape: a.shape, dtype: a.dtype });
  }
  return { inputs, stateInputs, baked };
}

/** Builds the ONNX model for a program. Throws GraphBuildError on inconsistent specs. */
export function lower(spec: LowerSpec, opts: LowerOptions = {}): LoweredModel {
  const loop = opts.loop;
  const updates = spec.updates ?? [];
  const updated = checkUpdates(updates);
  const order = topoSort([...Object.values(spec.outputs), ...updates.map(([, v]) => v), ...updates.map(([s]) => s)]);
  const { inputs, stateInputs, baked } = collectLeaves(order, updated, opts.constants);
  if (loop) {
    const unknown = loop.perStep.filter((n) => !inputs.has(n));
    if (unknown.length) throw new GraphBuildError(`loop: per-step inputs ${unknown.join(', ')} are not inputs of the program`);
    if (!Number.isInteger(loop.steps) || loop.steps < 1) throw new GraphBuildError(`loop: steps must be a positive integer, got ${loop.steps}`);
  }

  // Lower every op. In a loop body, updated state and per-step inputs are body-local values;
  // everything else refers to the outer graph's inputs by name.
  const L = new Lowering(loop ? 'b' : '');
  const iterName = 'loop_iteration';
  const perStepSlices = new Map<string, string>();
  const readLeaf = (t: Tensor): string => {
    const n = leafName(t);
    if (t.op === stateOp) return loop && updated.has(n) ? `${n}__in` : n;
    if (!loop?.perStep.includes(n)) return n;
    if (!perStepSlices.has(n)) perStepSlices.set(n, L.node('Gather', [n, iterName], { axis: { int: 0 } }));
    return perStepSlices.get(n)!;
  };
  const names = emitNodes(order, L, readLeaf);

  // Results take over the name of the value that produces them, so ONNX Runtime writes them in
  // place; an Identity (a copy) is only needed for leaves, initializers and values used twice.
  const producedByNode = new Set(L.nodes.flatMap((n) => n.outputs));
  const rename = new Map<string, string>();
  const resultNames = new Set<string>();
  const bindResult = (name: string, t: Tensor) => {
    if (resultNames.has(name) || inputs.has(name) || stateInputs.has(name)) throw new GraphBuildError(`output name "${name}" is used twice`);
    resultNames.add(name);
    const v = names.get(t.id)!;
    if (producedByNode.has(v) && !rename.has(v)) rename.set(v, name);
    else L.nodes.push({ opType: 'Identity', inputs: [rename.get(v) ?? v], outputs: [name], attrs: {} });
  };
  const renamed = (nodes: NodeData[]) => nodes.map((n) => ({ ...n, inputs: n.inputs.map((i) => rename.get(i) ?? i), outputs: n.outputs.map((o) => rename.get(o) ?? o) }));
  const outputs: LeafInfo[] = [];
  const updateOutputs = new Map<string, string>();
  const onnxType = (d: DType) => d as OnnxDType;
  const loopSteps = loop?.steps ?? 1;
  // Shapes as declared to ONNX: a loop stacks per-step values; an export may leave the batch symbolic.
  const stacked = (shape: Shape): (number | string)[] => (loop ? [loopSteps, ...shape] : declared(shape));
  const declared = (shape: Shape): (number | string)[] => (opts.dynamicBatch && shape.length ? ['batch', ...shape.slice(1)] : [...shape]);

  const graph: GraphData = { name: spec.graphName ?? 'tsgan', nodes: [], initializers: [], inputs: [], outputs: [] };
  for (const leaf of inputs.values()) {
    const shape = loop?.perStep.includes(leaf.name) ? [loopSteps, ...leaf.shape] : declared(leaf.shape);
    graph.inputs.push({ name: leaf.name, dtype: onnxType(leaf.dtype), shape });
  }
  for (const leaf of stateInputs.values()) graph.inputs.push({ name: leaf.name, dtype: onnxType(leaf.dtype), shape: leaf.shape });

  if (!loop) {
    for (const [name, t] of Object.entries(spec.outputs)) bindResult(name, t);
    for (const [s, v] of updates) bindResult(`${leafName(s)}__next`, v);
    graph.nodes = renamed(L.nodes);
    graph.initializers = [...L.initializers, ...baked];
  } else {
    const carried = updates.map(([s, v]) => ({ name: leafName(s), s, v }));
    for (const c of carried) bindResult(`${c.name}__out`, c.v);
    for (const [name, t] of Object.entries(spec.outputs)) bindResult(`${name}__scan`, t);
    L.nodes.push({ opType: 'Identity', inputs: ['loop_cond_in'], outputs: ['loop_cond_out'], attrs: {} });
    const body: GraphData = {
      name: 'step',
      nodes: renamed(L.nodes),
      initializers: L.initializers,
      inputs: [
        { name: iterName, dtype: 'int64', shape: [] },
        { name: 'loop_cond_in', dtype: 'bool', shape: [] },
        ...carried.map((c) => ({ name: `${c.name}__in`, dtype: onnxType(c.s.dtype), shape: c.s.shape })),
      ],
      outputs: [
        { name: 'loop_cond_out', dtype: 'bool', shape: [] },
        ...carried.map((c) => ({ name: `${c.name}__out`, dtype: onnxType(c.v.dtype), shape: c.v.shape })),
        ...Object.entries(spec.outputs).map(([n, t]) => ({ name: `${n}__scan`, dtype: onnxType(t.dtype), shape: t.shape })),
      ],
    };
    graph.initializers = [
      { name: 'loop_trip_count', dtype: 'int64', dims: [], raw: rawInt64([loopSteps]) },
      { name: 'loop_cond_init', dtype: 'bool', dims: [], raw: Uint8Array.of(1) },
    ];
    graph.nodes = [
      {
        opType: 'Loop',
        inputs: ['loop_trip_count', 'loop_cond_init', ...carried.map((c) => c.name)],
        outputs: [...carried.map((c) => `${c.name}__next`), ...Object.keys(spec.outputs)],
        attrs: { body: { graph: body } },
      },
    ];
  }
  const graphOutputs: GraphData['outputs'] = [];
  for (const [name, t] of Object.entries(spec.outputs)) {
    outputs.push({ name, shape: loop ? [loopSteps, ...t.shape] : [...t.shape], dtype: t.dtype });
    graphOutputs.push({ name, dtype: onnxType(t.dtype), shape: stacked(t.shape) });
  }
  for (const [s, v] of updates) {
    const outName = `${leafName(s)}__next`;
    outputs.push({ name: outName, shape: v.shape, dtype: v.dtype });
    graphOutputs.push({ name: outName, dtype: onnxType(v.dtype), shape: v.shape });
    updateOutputs.set(outName, leafName(s));
  }
  graph.outputs = graphOutputs;

  return {
    bytes: writeModel(graph, { producerVersion: opts.producerVersion, metadata: spec.metadata }),
    inputs: [...inputs.values()].map((leaf) => ({ ...leaf, shape: loop?.perStep.includes(leaf.name) ? [loopSteps, ...leaf.shape] : [...leaf.shape] })),
    stateInputs: [...stateInputs.values()],
    outputs,
    updateOutputs,
    nodeCount: L.nodes.length,
  };
}
