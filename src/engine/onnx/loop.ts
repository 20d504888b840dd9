// Wraps a program's step in an ONNX Loop, so one run does K steps (LoopOptions). The step becomes
// the Loop's body: updated state is carried from iteration to iteration (read as "<state>__in",
// returned as "<state>__out"), per-step inputs are sliced by the iteration number, and each output
// is returned once per iteration ("<output>__scan") for Loop to stack on a leading [steps] axis.
import { GraphBuildError, type LowerContext, type Tensor } from '../tensor.js';
import { emitNodes, type LeafReader } from './emit.js';
import { rawInt64, type GraphData, type NodeData, type OnnxDType, type TensorData } from './proto.js';

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

/** A state the loop carries from step to step. */
export interface CarriedState {
  name: string;
  /** Its value after one step (an update keeps the state's shape and dtype). */
  next: Tensor;
  /** The graph output its value after the last step goes to. */
  output: string;
}

const LOOP_ITERATION = 'loop_iteration';
const carriedIn = (state: string) => `${state}__in`;
const carriedOut = (state: string) => `${state}__out`;
const scanned = (output: string) => `${output}__scan`;

/** Checks that the per-step inputs are inputs of the program and that steps is a positive integer. */
export function checkLoop(loop: LoopOptions, isInput: (name: string) => boolean): void {
  const unknown = loop.perStep.filter((n) => !isInput(n));
  if (unknown.length) throw new GraphBuildError(`loop: per-step inputs ${unknown.join(', ')} are not inputs of the program`);
  if (!Number.isInteger(loop.steps) || loop.steps < 1) throw new GraphBuildError(`loop: steps must be a positive integer, got ${loop.steps}`);
}

/**
 * What a leaf reads inside the loop body: a carried state the value carried in, a per-step input
 * its slice for this iteration (one Gather, emitted where the step first reads it); any other leaf
 * is the outer graph's input of that name.
 */
export function bodyLeafReader(ctx: LowerContext, loop: LoopOptions, carried: ReadonlySet<string>): LeafReader {
  return stepLeafReader(ctx, loop, LOOP_ITERATION, (name) => (carried.has(name) ? carriedIn(name) : name));
}

/**
 * What a leaf reads in one step: a state the value `readState` names, a per-step input its slice
 * at `index` (one Gather, emitted where the step first reads it), any other leaf itself.
 */
function stepLeafReader(ctx: LowerContext, loop: LoopOptions, index: string, readState: (name: string) => string): LeafReader {
  const slices = new Map<string, string>();
  return (name, kind) => {
    if (kind === 'state') return readState(name);
    if (!loop.perStep.includes(name)) return name;
    if (!slices.has(name)) slices.set(name, ctx.node('Gather', [name, index], { axis: { int: 0 } }));
    return slices.get(name)!;
  };
}

/** The body's results in the order Loop takes them (after the condition): carried states, then per-step outputs. */
export function bodyResults(carried: readonly CarriedState[], outputs: Record<string, Tensor>): { name: string; value: Tensor }[] {
  return [
    ...carried.map((c) => ({ name: carriedOut(c.name), value: c.next })),
    ...Object.entries(outputs).map(([n, value]) => ({ name: scanned(n), value })),
  ];
}

/**
 * The step as a Loop body: (iteration, condition, carried states) in, (condition, carried states,
 * outputs) out. The condition is passed through unchanged: the trip count ends the loop.
 */
export function loopBody(nodes: NodeData[], initializers: TensorData[], carried: readonly CarriedState[], outputs: Record<string, Tensor>): GraphData {
  return {
    name: 'step',
    nodes: [...nodes, { opType: 'Identity', inputs: ['loop_cond_in'], outputs: ['loop_cond_out'], attrs: {} }],
    initializers,
    inputs: [
      { name: LOOP_ITERATION, dtype: 'int64', shape: [] },
      { name: 'loop_cond_in', dtype: 'bool', shape: [] },
      ...carried.map((c) => ({ name: carriedIn(c.name), dtype: c.next.dtype as OnnxDType, shape: c.next.shape })),
    ],
    outputs: [
      { name: 'loop_cond_out', dtype: 'bool', shape: [] },
      ...carried.map((c) => ({ name: carriedOut(c.name), dtype: c.next.dtype as OnnxDType, shape: c.next.shape })),
      ...Object.entries(outputs).map(([n, t]) => ({ name: scanned(n), dtype: t.dtype as OnnxDType, shape: t.shape })),
    ],
  };
}

/** The outer graph's nodes and initializers: one Loop node running `body` `steps` times, starting from the states' values in the store. */
export function loopOver(body: GraphData, carried: readonly CarriedState[], outputs: Record<string, Tensor>, steps: number): Pick<GraphData, 'nodes' | 'initializers'> {
  return {
    nodes: [
      {
        opType: 'Loop',
        inputs: ['loop_trip_count', 'loop_cond_init', ...carried.map((c) => c.name)],
        outputs: [...carried.map((c) => c.output), ...Object.keys(outputs)],
        attrs: { body: { graph: body } },
      },
    ],
    initializers: [
      { name: 'loop_trip_count', dtype: 'int64', dims: [], raw: rawInt64([steps]) },
      { name: 'loop_cond_init', dtype: 'bool', dims: [], raw: Uint8Array.of(1) },
    ],
  };
}

/** A value the program returns; `updates` names the state it is the new value of. */
interface LoopResult {
  name: string;
  value: Tensor;
  updates?: string;
}

/**
 * The loop written out (LowerOptions.unroll): the step emitted `steps` times, each reading the
 * states the step before wrote and its slice of the per-step inputs. Returns, per result, the value
 * it is bound to: a state's value after the last step, or every step's output stacked on a new
 * leading axis, as Loop returns them.
 */
export function emitUnrolled(order: readonly Tensor[], ctx: LowerContext, loop: LoopOptions, results: readonly LoopResult[]): { name: string; value: string }[] {
  const carried = new Map<string, string>();
  const stepped = new Map<string, string[]>(results.filter((r) => !r.updates).map((r) => [r.name, []]));
  for (let i = 0; i < loop.steps; i++) {
    const names = emitNodes(order, ctx, stepLeafReader(ctx, loop, ctx.constInt64([i], []), (name) => carried.get(name) ?? name));
    // Every state's new value is read from this step's names before any becomes the next step's input.
    const next = results.flatMap((r) => (r.updates ? [[r.updates, names.get(r.value.id)!] as const] : []));
    for (const r of results) if (!r.updates) stepped.get(r.name)!.push(ctx.node('Unsqueeze', [names.get(r.value.id)!, ctx.constInt64([0])]));
    for (const [state, value] of next) carried.set(state, value);
  }
  return results.map((r) => ({ name: r.name, value: r.updates ? carried.get(r.updates)! : ctx.node('Concat', stepped.get(r.name)!, { axis: { int: 0 } }) }));
}
