// Optimizers written as graph code: given parameters (state tensors) and their gradients, they
// return the parameters' and their own slots' new values, which a program writes back each run.
import {
  add,
  div,
  GraphBuildError,
  mul,
  pow,
  reduceSum,
  sqrt,
  state,
  sub,
  minimum,
  type Shape,
  type Tensor,
  type StateStore,
  fmtShape,
  sameShape,
  lift,
} from '../engine/index.js';
import type { InputAttrs } from '../engine/ops/leaves.js';

export type Scalar = Tensor | number;

export interface OptimizerStep {
  /** [state, new value] pairs for parameters and slots. */
  updates: [Tensor, Tensor][];
  /** Slots the optimizer keeps, to be zero-initialised before the first run. */
  slots: { name: string; shape: Shape }[];
}

export function stateName(t: Tensor): string {
  if (t.op.name !== 'state') throw new GraphBuildError(`optimizer: ${t} is not a state tensor (parameters must be declared with state())`);
  return (t.attrs as InputAttrs).name;
}

function checkPairs(params: readonly Tensor[], grads: readonly Tensor[]): void {
  if (params.length !== grads.length) throw new GraphBuildError(`optimizer: ${params.length} parameters but ${grads.length} gradients`);
  params.forEach((p, i) => {
    if (!sameShape(p.shape, grads[i]!.shape)) {
      throw new GraphBuildError(`optimizer: gradient ${fmtShape(grads[i]!.shape)} does not match parameter "${stateName(p)}" ${fmtShape(p.shape)}`);
    }
  });
}

function slot(step: OptimizerStep, name: string, shape: Shape): Tensor {
  step.slots.push({ name, shape });
  return state(name, shape);
}

export interface SgdOptions {
  lr: Scalar;
  momentum?: number;
  nesterov?: boolean;
  /** L2 penalty added to the gradient (PyTorch's weight_decay). */
  weightDecay?: number;
}

/** SGD with optional momentum (PyTorch semantics: buf = m*buf + g; p -= lr*buf). */
export function sgd(params: readonly Tensor[], grads: readonly Tensor[], o: SgdOptions): OptimizerStep {
  checkPairs(params, grads);
  const step: OptimizerStep = { updates: [], slots: [] };
  params.forEach((p, i) => {
    let g = grads[i]!;
    if (o.weightDecay) g = add(g, mul(p, o.weightDecay));
    if (o.momentum) {
      const buf = slot(step, `${stateName(p)}/momentum`, p.shape);
      const nb = add(mul(buf, o.momentum), g);
      step.updates.push([buf, nb]);
      g = o.nesterov ? add(g, mul(nb, o.momentum)) : nb;
    }
    step.updates.push([p, sub(p, mul(g, o.lr))]);
  });
  return step;
}

export interface AdamOptions {
  lr: Scalar;
  beta1?: number;
  beta2?: number;
  eps?: number;
  weightDecay?: number;
  /** AdamW: decay the weights directly instead of adding an L2 term to the gradient. */
  decoupled?: boolean;
  /** Prefix of the optimizer's own state (its step counter); distinct per optimizer. */
  name: string;
}

/** Adam / AdamW with bias correction (PyTorch semantics). */
export function adam(params: readonly Tensor[], grads: readonly Tensor[], o: AdamOptions): OptimizerStep {
  checkPairs(params, grads);
  const b1 = o.beta1 ?? 0.9;
  const b2 = o.beta2 ?? 0.999;
  const eps = o.eps ?? 1e-8;
  const step: OptimizerStep = { updates: [], slots: [] };
  const t = slot(step, `${o.name}/step`, []);
  const t1 = add(t, 1);
  step.updates.push([t, t1]);
  const bc1 = sub(1, pow(lift(b1), t1));
  const bc2 = sub(1, pow(lift(b2), t1));
  // lr / bc1 and 1 / sqrt(bc2) are scalars: computing them once keeps per-element work small.
  const stepSize = div(o.lr, bc1);
  const invSqrtBc2 = div(1, sqrt(bc2));
  params.forEach((p, i) => {
    const name = stateName(p);
    let g = grads[i]!;
    if (o.weightDecay && !o.decoupled) g = add(g, mul(p, o.weightDecay));
    const m = slot(step, `${name}/adam_m`, p.shape);
    const v = slot(step, `${name}/adam_v`, p.shape);
    const nm = add(mul(m, b1), mul(g, 1 - b1));
    const nv = add(mul(v, b2), mul(mul(g, g), 1 - b2));
    step.updates.push([m, nm], [v, nv]);
    const base = o.weightDecay && o.decoupled ? mul(p, sub(1, mul(o.lr, o.weightDecay))) : p;
    const denom = add(mul(sqrt(nv), invSqrtBc2), eps);
    step.updates.push([p, sub(base, mul(div(nm, denom), stepSize))]);
  });
  return step;
}

/** The global L2 norm of a set of gradients. */
export function globalNorm(grads: readonly Tensor[]): Tensor {
  let total: Tensor | undefined;
  for (const g of grads) {
    const s = reduceSum(mul(g, g));
    total = total ? add(total, s) : s;
  }
  if (!total) throw new GraphBuildError('globalNorm: no gradients');
  return sqrt(total);
}

/** Scales gradients so their global norm is at most maxNorm (PyTorch clip_grad_norm_). */
export function clipByGlobalNorm(grads: readonly Tensor[], maxNorm: number): { grads: Tensor[]; norm: Tensor } {
  const norm = globalNorm(grads);
  const scale = minimum(div(maxNorm, add(norm, 1e-6)), 1);
  return { grads: grads.map((g) => mul(g, scale)), norm };
}

/** Zero-initialises the optimizer slots that the store does not hold yet. */
export function initSlots(store: StateStore, step: OptimizerStep): void {
  for (const s of step.slots) {
    if (!store.has(s.name)) {
      const n = s.shape.reduce((a, b) => a * b, 1);
      store.set(s.name, new Float32Array(n), s.shape);
    }
  }
}

/** Merges the steps of several optimizers (one per parameter group). */
export function mergeSteps(...steps: OptimizerStep[]): OptimizerStep {
  return { updates: steps.flatMap((s) => s.updates), slots: steps.flatMap((s) => s.slots) };
}
