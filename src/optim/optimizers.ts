// Optimizers written as graph code: given parameters (state tensors) and their gradients, they
// return the parameters' and their own slots' new values, which a program writes back each run.
// Optimizers written as graph code: they read parameters and their own slots (moments, step
// counters) through a StateTrace and write the new values back, so the program updates them in
// place each run, and a later read in the same program (the next discriminator step) sees them.
import {
  add,
  div,
  GraphBuildError,
  mul,
  pow,
  reduceSumSquare,
  sqrt,
  sub,
  minimum,
  type Shape,
  type Tensor,
  type StateTrace,
  fmtShape,
  sameShape,
  lift,
} from '../engine/index.js';

export type Scalar = Tensor | number;

/** A parameter by state name and shape. */
export interface ParamRef {
  name: string;
  shape: Shape;
}

function checkPairs(params: readonly ParamRef[], grads: readonly Tensor[]): void {
  if (params.length !== grads.length) throw new GraphBuildError(`optimizer: ${params.length} parameters but ${grads.length} gradients`);
  params.forEach((p, i) => {
    if (!sameShape(p.shape, grads[i]!.shape)) {
      throw new GraphBuildError(`optimizer: gradient ${fmtShape(grads[i]!.shape)} does not match parameter "${p.name}" ${fmtShape(p.shape)}`);
    }
  });
}

export interface SgdOptions {
  lr: Scalar;
  momentum?: number;
  nesterov?: boolean;
  /** L2 penalty added to the gradient (PyTorch's weight_decay). */
  weightDecay?: number;
}

/** SGD with optional momentum (PyTorch semantics: buf = m*buf + g; p -= lr*buf). */
export function sgd(trace: StateTrace, params: readonly ParamRef[], grads: readonly Tensor[], o: SgdOptions): void {
  checkPairs(params, grads);
  params.forEach((ref, i) => {
    const p = trace.read(ref.name, ref.shape);
    let g = grads[i]!;
    if (o.weightDecay) g = add(g, mul(p, o.weightDecay));
    if (o.momentum) {
      const slot = `${ref.name}/momentum`;
      const nb = add(mul(trace.read(slot, ref.shape), o.momentum), g);
      trace.write(slot, nb);
      g = o.nesterov ? add(g, mul(nb, o.momentum)) : nb;
    }
    trace.write(ref.name, sub(p, mul(g, o.lr)));
  });
}

export interface AdamOptions {
  lr: Scalar;
  beta1?: number;
  beta2?: number;
  eps?: number;
  weightDecay?: number;
  /** AdamW: decay the weights directly instead of adding an L2 term to the gradient. */
  decoupled?: boolean;
  /** Name of the optimizer's step counter state; distinct per optimizer. */
  name: string;
}

/**
 * Adam / AdamW with bias correction (PyTorch semantics). The moment slots are kept unnormalised,
 * adam_m = m / (1 - beta1) and adam_v = v / (1 - beta2), so each update is m' = beta1 m' + g and
 * v' = beta2 v' + g^2: two fewer passes over every parameter than the textbook form, same result.
 */
export function adam(trace: StateTrace, params: readonly ParamRef[], grads: readonly Tensor[], o: AdamOptions): void {
  checkPairs(params, grads);
  const b1 = o.beta1 ?? 0.9;
  const b2 = o.beta2 ?? 0.999;
  const eps = o.eps ?? 1e-8;
  const counter = `${o.name}/step`;
  const t1 = add(trace.read(counter, []), 1);
  trace.write(counter, t1);
  const bc1 = sub(1, pow(lift(b1), t1));
  const bc2 = sub(1, pow(lift(b2), t1));
  // m_hat / (sqrt(v_hat) + eps) = m' * s / (sqrt(v') + e) with the scalars
  // s = (1 - b1) / bc1 * sqrt(bc2 / (1 - b2)) and e = eps * sqrt(bc2 / (1 - b2)).
  const r = sqrt(div(bc2, 1 - b2));
  const stepSize = mul(o.lr, mul(div(1 - b1, bc1), r));
  const epsHat = mul(r, eps);
  params.forEach((ref, i) => {
    const p = trace.read(ref.name, ref.shape);
    let g = grads[i]!;
    if (o.weightDecay && !o.decoupled) g = add(g, mul(p, o.weightDecay));
    const mName = `${ref.name}/adam_m`;
    const vName = `${ref.name}/adam_v`;
    const nm = add(mul(trace.read(mName, ref.shape), b1), g);
    const nv = add(mul(trace.read(vName, ref.shape), b2), mul(g, g));
    trace.write(mName, nm);
    trace.write(vName, nv);
    const base = o.weightDecay && o.decoupled ? mul(p, sub(1, mul(o.lr, o.weightDecay))) : p;
    trace.write(ref.name, sub(base, mul(div(nm, add(sqrt(nv), epsHat)), stepSize)));
  });
}

export interface RmspropOptions {
  lr: Scalar;
  /** Decay of the running mean of squared gradients (PyTorch's alpha). */
  alpha?: number;
  eps?: number;
  /** L2 penalty added to the gradient (PyTorch's weight_decay). */
  weightDecay?: number;
}

/** RMSprop (PyTorch semantics, no momentum, not centred): v = alpha v + (1 - alpha) g^2; p -= lr g / (sqrt(v) + eps). */
export function rmsprop(trace: StateTrace, params: readonly ParamRef[], grads: readonly Tensor[], o: RmspropOptions): void {
  checkPairs(params, grads);
  const alpha = o.alpha ?? 0.99;
  const eps = o.eps ?? 1e-8;
  params.forEach((ref, i) => {
    const p = trace.read(ref.name, ref.shape);
    let g = grads[i]!;
    if (o.weightDecay) g = add(g, mul(p, o.weightDecay));
    const vName = `${ref.name}/rms_v`;
    const nv = add(mul(trace.read(vName, ref.shape), alpha), mul(mul(g, g), 1 - alpha));
    trace.write(vName, nv);
    trace.write(ref.name, sub(p, mul(div(g, add(sqrt(nv), eps)), o.lr)));
  });
}

/** The global L2 norm of a set of gradients. */
export function globalNorm(grads: readonly Tensor[]): Tensor {
  let total: Tensor | undefined;
  for (const g of grads) {
    const s = reduceSumSquare(g);
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

