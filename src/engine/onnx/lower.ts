// Lowers a tensor graph to one ONNX model: check the updates; collect the leaves (program inputs
// and state become graph inputs, or initializers when an export bakes state in); emit each op's
// nodes (emit.ts); bind the requested values and new state values to output names; with `loop`,
// make the step the body of an ONNX Loop (loop.ts); declare the graph's inputs and outputs; write
// the model (proto.ts).
import { topoSort } from '../autodiff.js';
import { inputOp, stateOp, type InputAttrs } from '../ops/leaves.js';
import { GraphBuildError, fmtShape, type DType, type Shape, type Tensor } from '../tensor.js';
import { sameShape } from '../shape.js';
import { emitNodes, leafName, Lowering } from './emit.js';
import { bodyLeafReader, bodyResults, checkLoop, emitUnrolled, loopBody, loopOver, type LoopOptions } from './loop.js';
import { rawFloat32, writeModel, type GraphData, type NodeData, type OnnxDType, type TensorData, type ValueInfoData } from './proto.js';

export { OPSET } from './proto.js';
export type { LoopOptions } from './loop.js';

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
  /** Nodes of one step (with a loop, of its body). */
  nodeCount: number;
}

export interface LowerSpec {
  outputs: Record<string, Tensor>;
  /** [state tensor, its new value] pairs, written back after every run. */
  updates?: readonly (readonly [Tensor, Tensor])[];
  metadata?: Record<string, string>;
  graphName?: string;
}

export interface LowerOptions {
  loop?: LoopOptions;
  /**
   * With `loop`: write the steps out one after another instead of as an ONNX Loop (same inputs,
   * outputs and numbers). GPU providers have no Loop kernel: ONNX Runtime runs Loop on the CPU
   * provider and copies every carried state to the host and back at every step; unrolled, the
   * state stays on the device for the whole call.
   */
  unroll?: boolean;
  /** Bake state into the model as initializers (for standalone export): value by state name. */
  constants?: (stateName: string) => { data: Float32Array; shape: readonly number[] } | undefined;
  /** Give the first dimension of every program input and requested output the symbolic size "batch" (not state, new state values, or values a loop stacks). */
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

/** A value the program returns: a requested output, or the new value of the state it `updates`. */
interface Result {
  name: string;
  value: Tensor;
  updates?: string;
}

/** The program's results in the order of the graph's outputs: the requested ones, then each state's new value ("<state>__next"). */
function programResults(spec: LowerSpec): Result[] {
  return [
    ...Object.entries(spec.outputs).map(([name, value]) => ({ name, value })),
    ...(spec.updates ?? []).map(([s, value]) => ({ name: `${leafName(s)}__next`, value, updates: leafName(s) })),
  ];
}

/**
 * Names the step's results: each takes over the name of the value that produces it, so ONNX
 * Runtime writes it in place; an Identity (a copy) is only needed for leaves, initializers and
 * values bound twice. Returns the step's nodes with the renaming done.
 */
function bindResults(emitted: readonly NodeData[], names: ReadonlyMap<number, string>, results: readonly { name: string; value: Tensor }[], leaves: Leaves): NodeData[] {
  return bindValues(emitted, results.map(({ name, value }) => ({ name, value: names.get(value.id)! })), leaves);
}

/** bindResults over value names: each result names the emitted value it returns. */
function bindValues(emitted: readonly NodeData[], results: readonly { name: string; value: string }[], leaves: Leaves): NodeData[] {
  const producedByNode = new Set(emitted.flatMap((n) => n.outputs));
  const rename = new Map<string, string>();
  const bound = new Set<string>();
  const copies: NodeData[] = [];
  for (const { name, value: v } of results) {
    if (bound.has(name) || leaves.inputs.has(name) || leaves.stateInputs.has(name)) throw new GraphBuildError(`output name "${name}" is used twice`);
    bound.add(name);
    if (producedByNode.has(v) && !rename.has(v)) rename.set(v, name);
    else copies.push({ opType: 'Identity', inputs: [rename.get(v) ?? v], outputs: [name], attrs: {} });
  }
  const renamed = (v: string) => rename.get(v) ?? v;
  return [...emitted, ...copies].map((n) => ({ ...n, inputs: n.inputs.map(renamed), outputs: n.outputs.map(renamed) }));
}

const onnxType = (d: DType) => d as OnnxDType;

/** The number of steps a loop stacks an input over; undefined unless the input is fed per step. */
const stackedSteps = (loop: LoopOptions | undefined, input: string) => (loop?.perStep.includes(input) ? loop.steps : undefined);

/** A shape as the caller sees it: a value the loop stacks gets a leading [steps] axis. */
function callerShape(shape: Shape, steps: number | undefined): number[] {
  return steps === undefined ? [...shape] : [steps, ...shape];
}

/** A shape as declared to ONNX: stacked by the loop, or, in an export with dynamicBatch, with its first dimension the symbol "batch". */
function declaredShape(shape: Shape, steps: number | undefined, dynamicBatch: boolean | undefined): (number | string)[] {
  if (steps !== undefined) return [steps, ...shape];
  return dynamicBatch && shape.length ? ['batch', ...shape.slice(1)] : [...shape];
}

/** The graph's inputs: the program inputs, then the states read from the store. */
function graphInputs(leaves: Leaves, loop: LoopOptions | undefined, dynamicBatch: boolean | undefined): ValueInfoData[] {
  return [
    ...[...leaves.inputs.values()].map((l) => ({
      name: l.name,
      dtype: onnxType(l.dtype),
      shape: declaredShape(l.shape, stackedSteps(loop, l.name), dynamicBatch),
    })),
    ...[...leaves.stateInputs.values()].map((l) => ({ name: l.name, dtype: onnxType(l.dtype), shape: l.shape })),
  ];
}

/** The graph's outputs; new state values keep the state's shape (a loop returns the last step's). */
function graphOutputs(results: readonly Result[], loop: LoopOptions | undefined, dynamicBatch: boolean | undefined): ValueInfoData[] {
  return results.map(({ name, value, updates }) => ({
    name,
    dtype: onnxType(value.dtype),
    shape: updates ? value.shape : declaredShape(value.shape, loop?.steps, dynamicBatch),
  }));
}

/** The program's interface as Program binds it: what the caller feeds, what is read from and written to the store. */
function programInterface(leaves: Leaves, results: readonly Result[], loop: LoopOptions | undefined): Pick<LoweredModel, 'inputs' | 'stateInputs' | 'outputs' | 'updateOutputs'> {
  return {
    inputs: [...leaves.inputs.values()].map((leaf) => ({ ...leaf, shape: callerShape(leaf.shape, stackedSteps(loop, leaf.name)) })),
    stateInputs: [...leaves.stateInputs.values()],
    outputs: results.map(({ name, value, updates }) => ({
      name,
      shape: updates ? value.shape : callerShape(value.shape, loop?.steps),
      dtype: value.dtype,
    })),
    updateOutputs: new Map(results.flatMap(({ name, updates }) => (updates ? [[name, updates] as const] : []))),
  };
}

/** Builds the ONNX model for a program. Throws GraphBuildError on inconsistent specs. */
export function lower(spec: LowerSpec, opts: LowerOptions = {}): LoweredModel {
  const { loop } = opts;
  const updates = spec.updates ?? [];
  const updated = checkUpdates(updates);
  const order = topoSort([...Object.values(spec.outputs), ...updates.map(([, v]) => v), ...updates.map(([s]) => s)]);
  const leaves = collectLeaves(order, updated, opts.constants);
  if (loop) checkLoop(loop, (name) => leaves.inputs.has(name));

  const results = programResults(spec);
  let graph: Pick<GraphData, 'nodes' | 'initializers'>;
  let nodeCount: number;
  if (loop && opts.unroll) {
    const ctx = new Lowering('');
    const unrolled = emitUnrolled(order, ctx, loop, results);
    graph = { nodes: bindValues(ctx.nodes, unrolled, leaves), initializers: ctx.initializers };
    nodeCount = Math.round(graph.nodes.length / loop.steps);
  } else if (!loop) {
    const ctx = new Lowering('');
    const names = emitNodes(order, ctx, (name) => name);
    graph = { nodes: bindResults(ctx.nodes, names, results, leaves), initializers: [...ctx.initializers, ...leaves.baked] };
    nodeCount = graph.nodes.length;
  } else {
    // leaves.baked is left out: baking state into a looped program is not supported (the model
    // would not load), and no caller does it.
    // A loop body's values are named apart from the outer graph's ("b" prefix).
    const ctx = new Lowering('b');
    const names = emitNodes(order, ctx, bodyLeafReader(ctx, loop, updated));
    const carried = results.flatMap(({ name, value, updates }) => (updates ? [{ name: updates, next: value, output: name }] : []));
    const bodyNodes = bindResults(ctx.nodes, names, bodyResults(carried, spec.outputs), leaves);
    const body = loopBody(bodyNodes, ctx.initializers, carried, spec.outputs);
    graph = loopOver(body, carried, spec.outputs, loop.steps);
    nodeCount = body.nodes.length;
  }
  const model: GraphData = {
    name: spec.graphName ?? 'tsgan',
    ...graph,
    inputs: graphInputs(leaves, loop, opts.dynamicBatch),
    outputs: graphOutputs(results, loop, opts.dynamicBatch),
  };
  return {
    bytes: writeModel(model, { producerVersion: opts.producerVersion, metadata: spec.metadata }),
    ...programInterface(leaves, results, loop),
    nodeCount,
  };
}
