// The step library: one whole adversarial training iteration as one program, as the seeds describe it:
//   k times: draw the type's inputs, generate, train D on real (label 1) and generated (label 0)
//            samples with G frozen (the generated batch is a constant for D's gradient);
//   then:    train G through the just-updated, frozen D to make D call its samples real.
// A GAN type (src/gan/types/) states its networks and objectives; this file supplies what they
// share: the loop, freezing, optimizers, EMA of G's weights, penalties and clipping, and the
// adversarial terms of the configured loss. Everything lives in a single ONNX graph.
import * as E from '../engine/index.js';
import type { DType, LowerSpec, Shape, Tensor } from '../engine/index.js';
import type { Module } from '../nn/module.js';
import { adam, clipByGlobalNorm, globalNorm, rmsprop, sgd, type ParamRef } from '../optim/optimizers.js';
import { discriminatorLoss, generatorLoss, gradientPenalty, outputIsLogit, r1Penalty, type LossName } from './losses.js';
import type { Adversary, Batch, FitStage, GanRecipe, Given, Heads, InputSpec, Judge } from './recipe.js';
import { InputError } from '../errors.js';
import type { FieldInfo } from '../data/types.js';
import { Augmenter, type AugmentPolicy } from './augment.js';

export interface OptimizerConfig {
  kind: 'adam' | 'adamw' | 'sgd' | 'rmsprop';
  lr: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
  weightDecay?: number;
  momentum?: number;
  /** RMSprop: decay of the running mean of squared gradients. */
  alpha?: number;
  /** Clip the gradient's global norm to this before the update. */
  clipNorm?: number;
}

export interface StepConfig {
  batch: number;
  loss: LossName;
  /** D updates per G update (k in Goodfellow et al.; n_critic in WGAN). */
  dSteps: number;
  /** One-sided label smoothing: target for real samples (1 = none). */
  realLabel: number;
  /** WGAN-GP penalty weight (lambda). Used with loss 'wgan-gp'. */
  gpWeight: number;
  /** R1 penalty weight gamma (0 = off); adds gamma/2 * E||grad D(x)||^2. */
  r1Gamma: number;
  /** WGAN weight clipping bound for D's parameters (0 = off). */
  weightClip: number;
  /** Decay of the exponential moving average of G's weights (0 = off). */
  emaDecay: number;
  /** DiffAugment policies applied, in this order, to every image D judges (none = off). */
  diffAugment?: readonly AugmentPolicy[];
  optG: OptimizerConfig;
  optD: OptimizerConfig;
}

/** Names of the inputs the step library itself adds to every type's. */
export const STEP_INPUTS = { lrG: 'lr_G', lrD: 'lr_D', gpAlpha: 'gp_alpha' } as const;
export const STEP_METRICS = ['loss_D', 'loss_G', 'd_real', 'd_fake', 'grad_norm_D', 'grad_norm_G'] as const;
export type StepMetric = (typeof STEP_METRICS)[number];

/** One input of the step program and how the trainer fills it. */
export interface StepInput {
  name: string;
  spec: InputSpec | { from: 'penalty' };
  /** Per sample (per D step inputs) or per training step (uniform draws). */
  shape: Shape;
  dtype: DType;
  /** Drawn for each of the k D steps and each sample (else once per training step). */
  perSample: boolean;
}

export interface BuiltStep {
  spec: LowerSpec;
  trace: E.StateTrace;
  /** Every input the trainer feeds, in the order it draws them. */
  inputs: StepInput[];
  /** [EMA state, parameter] name pairs; the EMA starts as a copy of the parameter. */
  emaPairs: [string, string][];
}

export const emaName = (param: string) => `${param}/ema`;

function refs(m: Module): ParamRef[] {
  return m.parameters().map((p) => ({ name: p.name, shape: p.shape }));
}

function optimize(trace: E.StateTrace, params: ParamRef[], grads: Tensor[], o: OptimizerConfig, lr: Tensor, name: string): Tensor {
  let gs = grads;
  let norm: Tensor;
  if (o.clipNorm) ({ grads: gs, norm } = clipByGlobalNorm(grads, o.clipNorm));
  else norm = globalNorm(grads);
  if (o.kind === 'sgd') sgd(trace, params, gs, { lr, momentum: o.momentum, weightDecay: o.weightDecay });
  else if (o.kind === 'rmsprop') rmsprop(trace, params, gs, { lr, alpha: o.alpha, eps: o.eps, weightDecay: o.weightDecay });
  else adam(trace, params, gs, { lr, beta1: o.beta1, beta2: o.beta2, eps: o.eps, weightDecay: o.weightDecay, decoupled: o.kind === 'adamw', name });
  return norm;
}

/** The order the trainer draws inputs in: data, then noise, then labels; uniform draws per training step last. */
const DRAW_ORDER: InputSpec['from'][] = ['data', 'normal', 'label', 'uniform'];

/** The step's inputs for a recipe, with shapes from the data's fields. */
function stepInputs(recipe: GanRecipe, fields: Record<string, FieldInfo>, penalty: boolean): StepInput[] {
  const out: StepInput[] = [];
  const fieldsUsed = Object.values(recipe.inputs).flatMap((s) => (s.from === 'data' ? [s.field] : []));
  const twice = fieldsUsed.find((f, i) => fieldsUsed.indexOf(f) !== i);
  // One draw fills each field once: two inputs of one field would need two buffers.
  if (twice) throw new Error(`model "${recipe.type}" declares the data field "${twice}" as two inputs; declare it once`);
  for (const from of DRAW_ORDER) {
    for (const [name, spec] of Object.entries(recipe.inputs)) {
      if (spec.from !== from) continue;
      if (spec.from === 'data') {
        const f = fields[spec.field];
        if (!f) throw new InputError(`model "${recipe.type}" needs the data field "${spec.field}"; the data gives ${Object.keys(fields).map((k) => `"${k}"`).join(', ')}`);
        out.push({ name, spec, shape: f.shape, dtype: f.dtype, perSample: true });
      } else if (spec.from === 'normal') out.push({ name, spec, shape: spec.shape, dtype: 'float32', perSample: true });
      else if (spec.from === 'label') out.push({ name, spec, shape: [], dtype: 'int64', perSample: true });
      else out.push({ name, spec, shape: spec.shape, dtype: 'float32', perSample: false });
    }
    // The penalty's interpolation weights come after the labels, from their own stream.
    if (from === 'label' && penalty) out.push({ name: STEP_INPUTS.gpAlpha, spec: { from: 'penalty' }, shape: [], dtype: 'float32', perSample: true });
  }
  return out;
}

const toHeads = (out: Tensor | Heads): Heads => ('logit' in out ? out : { logit: out as Tensor });

/** Splits [2N', ...] on axis 0 into its real and fake halves (D may pack samples, so N' may be N / pack). */
function halves(t: Tensor): [Tensor, Tensor] {
  const h = t.shape[0]! / 2;
  return [E.slice(t, [0], [h], [0]), E.slice(t, [h], [2 * h], [0])];
}

/** The adversarial terms for one pass, recording D's verdicts of D steps for the metrics. */
class StepAdversary implements Adversary {
  /** D's mean verdicts on real and on generated samples, one per `d` call of the current D step. */
  verdicts: { real: Tensor; fake: Tensor }[] = [];

  constructor(
    readonly ctx: E.StateTrace,
    private readonly cfg: StepConfig,
    private readonly join: boolean,
    private readonly augmenter: Augmenter,
    private readonly gpAlpha?: Tensor,
  ) {}

  private judge<H extends Heads>(j: Judge<H>, x: Tensor, given: Tensor[]): H {
    // A judge that gives a bare tensor has no heads beyond the logit.
    return toHeads(typeof j === 'function' ? j(x, this.ctx, ...given) : j.call(x, this.ctx)) as H;
  }

  d<H extends Heads>(judge: Judge<H>, realIn: Tensor, fakeIn: Tensor, given: Given = []): { loss: Tensor; real: H; fake: H } {
    const g0 = Array.isArray(given) ? { real: given, fake: given } : given;
    // D sees (augmented) samples only from here on, penalties included.
    const [real, givenReal] = this.augmenter.apply(realIn, g0.real);
    const [fake, givenFake] = this.augmenter.apply(fakeIn, g0.fake);
    const g = { real: givenReal, fake: givenFake };
    let onReal: H;
    let onFake: H;
    if (this.join) {
      const both = this.judge(judge, E.concat([real, fake], 0), g.real.map((r, i) => E.concat([r, g.fake[i]!], 0)));
      const split: [Heads, Heads] = [{ logit: halves(both.logit)[0] }, { logit: halves(both.logit)[1] }];
      for (const [k, t] of Object.entries(both)) if (k !== 'logit' && t) [split[0][k], split[1][k]] = halves(t);
      [onReal, onFake] = split as [H, H];
    } else {
      onReal = this.judge(judge, real, g.real);
      onFake = this.judge(judge, fake, g.fake);
    }
    let loss = discriminatorLoss(this.cfg.loss, onReal.logit, onFake.logit, { realLabel: this.cfg.realLabel });
    if (this.gpAlpha) {
      const n = real.shape[0]!;
      // A type that packs rows before D sees them (CTGAN) judges fewer rows than the batch: one weight per pack.
      const alpha = n < this.gpAlpha.shape[0]! ? E.slice(this.gpAlpha, [0], [n], [0]) : this.gpAlpha;
      const a = E.reshape(alpha, [n, ...real.shape.slice(1).map(() => 1)]);
      const interp = E.add(E.mul(a, real), E.mul(E.sub(1, a), fake));
      loss = E.add(loss, E.mul(gradientPenalty(this.judge(judge, interp, g.real).logit, interp), this.cfg.gpWeight));
    }
    if (this.cfg.r1Gamma > 0) {
      // R1 needs D's gradient at the real batch itself, so D sees it as a differentiable input.
      const xr = E.add(real, 0);
      loss = E.add(loss, E.mul(r1Penalty(this.judge(judge, xr, g.real).logit, xr), this.cfg.r1Gamma / 2));
    }
    const asProb = outputIsLogit(this.cfg.loss) ? E.sigmoid : (t: Tensor) => t;
    this.verdicts.push({ real: E.reduceMean(asProb(onReal.logit)), fake: E.reduceMean(asProb(onFake.logit)) });
    return { loss, real: onReal, fake: onFake };
  }

  g<H extends Heads>(judge: Judge<H>, fakeIn: Tensor, givenIn: Tensor[] = []): { loss: Tensor; fake: H } {
    const [fake, given] = this.augmenter.apply(fakeIn, givenIn);
    const onFake = this.judge(judge, fake, given);
    return { loss: generatorLoss(this.cfg.loss, onFake.logit), fake: onFake };
  }
}

const mean = (ts: Tensor[]) => (ts.length === 1 ? ts[0]! : E.div(ts.reduce((a, b) => E.add(a, b)), ts.length));

/** Builds the training step of a GAN type for data with the given fields. */
export function buildTrainStep(recipe: GanRecipe, fields: Record<string, FieldInfo>, cfg: StepConfig): BuiltStep {
  const inputPenalty = cfg.loss === 'wgan-gp' || cfg.r1Gamma > 0;
  if (inputPenalty && recipe.noInputPenalty) {
    throw new InputError(`model "${recipe.type}" does not support ${cfg.loss === 'wgan-gp' ? 'train.loss "wgan-gp"' : 'train.r1Gamma'}: ${recipe.noInputPenalty}; use another loss or R1 off`);
  }
  const { G, D } = recipe;
  const n = cfg.batch;
  const k = cfg.dSteps;
  const trace = new E.StateTrace(true);
  const inputs = stepInputs(recipe, fields, cfg.loss === 'wgan-gp');
  const graphInputs = new Map(inputs.map((i) => [i.name, i.perSample ? E.input(i.name, [k, n, ...i.shape], i.dtype) : E.input(i.name, i.shape, i.dtype)]));
  const lrG = E.input(STEP_INPUTS.lrG, []);
  const lrD = E.input(STEP_INPUTS.lrD, []);
  const pick = (t: Tensor, i: number) => E.reshape(E.slice(t, [i], [i + 1], [0]), t.shape.slice(1));
  /** The type's inputs for D step i: per-sample inputs sliced out of their [k, n, ...] feeds. */
  const batchAt = (i: number): Batch => Object.fromEntries(inputs.filter((s) => s.spec.from !== 'penalty').map((s) => [s.name, s.perSample ? pick(graphInputs.get(s.name)!, i) : graphInputs.get(s.name)!]));
  const join = recipe.joinRealFake ?? true;
  const augmenter = new Augmenter(trace, cfg.diffAugment ?? [], recipe.type);

  let batch!: Batch;
  let fake!: Batch;
  let lossD!: Tensor;
  let gradNormD!: Tensor;
  let verdicts!: StepAdversary['verdicts'];
  const dParams = refs(D);
  for (let i = 0; i < k; i++) {
    batch = batchAt(i);
    fake = recipe.generate(batch, trace);
    const alpha = graphInputs.get(STEP_INPUTS.gpAlpha);
    const adv = new StepAdversary(trace, cfg, join, augmenter, alpha && pick(alpha, i));
    // G is frozen for D's update: D learns from the generated batch as a constant.
    const fixed = Object.fromEntries(Object.entries(fake).map(([name, t]) => [name, E.stopGradient(t)]));
    lossD = recipe.dLoss(batch, fixed, adv);
    verdicts = adv.verdicts;
    const dGrads = E.grad(lossD, dParams.map((p) => trace.read(p.name, p.shape)));
    gradNormD = optimize(trace, dParams, dGrads, cfg.optD, lrD, 'D.opt');
    if (cfg.weightClip > 0) {
      for (const p of dParams) trace.write(p.name, E.clip(trace.read(p.name, p.shape), -cfg.weightClip, cfg.weightClip));
    }
  }
  if (verdicts.length === 0) throw new Error(`model "${recipe.type}": dLoss made no adversarial term (adv.d)`);

  // G step through the updated D, on the last generated batch (as the PyTorch DCGAN example does).
  const lossG = recipe.gLoss(batch, fake, new StepAdversary(trace, cfg, join, augmenter));
  const gParams = refs(G);
  const gGrads = E.grad(lossG, gParams.map((p) => trace.read(p.name, p.shape)));
  const gradNormG = optimize(trace, gParams, gGrads, cfg.optG, lrG, 'G.opt');

  const emaPairs: [string, string][] = [];
  if (cfg.emaDecay > 0) {
    for (const p of G.allParams()) {
      // Buffers (batch-norm running statistics) are averaged too, so EMA samples use matching statistics.
      const e = emaName(p.name);
      const avg = E.add(E.mul(trace.read(e, p.shape), cfg.emaDecay), E.mul(trace.read(p.name, p.shape), 1 - cfg.emaDecay));
      trace.write(e, avg);
      emaPairs.push([e, p.name]);
    }
  }

  const outputs: Record<StepMetric, Tensor> = {
    loss_D: lossD,
    loss_G: lossG,
    d_real: mean(verdicts.map((v) => v.real)),
    d_fake: mean(verdicts.map((v) => v.fake)),
    grad_norm_D: gradNormD,
    grad_norm_G: gradNormG,
  };
  // Layers that draw their own uniform inputs (dropout masks) declare them on the trace.
  for (const u of trace.uniformInputs()) inputs.push({ name: u.name, spec: { from: 'uniform', shape: [...u.shape] }, shape: u.shape, dtype: 'float32', perSample: false });
  return { spec: { outputs, updates: trace.updates() }, trace, inputs, emaPairs };
}

/** The metrics of a fit stage's step (f-AnoGAN's encoder: loss_E, grad_norm_E). */
export const stageMetrics = (stage: FitStage) => [`loss_${stage.name}`, `grad_norm_${stage.name}`] as const;
export const stageLr = (stage: FitStage) => `lr_${stage.name}`;

/**
 * How a type's later networks (a fit stage, the anomaly score) read the trained G and D: as at
 * inference (batch norm on running statistics), G through its moving average when there is one.
 */
export function frozenCtx(recipe: GanRecipe, ema: boolean): E.StateTrace {
  const gNames = new Set(recipe.G.allParams().map((p) => p.name));
  return new E.StateTrace(false, ema ? (n) => (gNames.has(n) ? emaName(n) : n) : undefined);
}

/** One step of a fit stage: its data fields in, its module's parameters updated by Adam on its loss. */
export function buildStageStep(recipe: GanRecipe, stage: FitStage, fields: Record<string, FieldInfo>, cfg: StepConfig): BuiltStep {
  const trace = frozenCtx(recipe, cfg.emaDecay > 0);
  const inputs: StepInput[] = stage.fields.map((name) => {
    const f = fields[name];
    if (!f) throw new InputError(`model "${recipe.type}" needs the data field "${name}"; the data gives ${Object.keys(fields).map((k) => `"${k}"`).join(', ')}`);
    return { name, spec: { from: 'data', field: name }, shape: f.shape, dtype: f.dtype, perSample: true };
  });
  const batch = Object.fromEntries(inputs.map((i) => [i.name, E.input(i.name, [cfg.batch, ...i.shape], i.dtype)]));
  const loss = stage.loss(batch, trace);
  const params = refs(stage.module);
  const grads = E.grad(loss, params.map((p) => trace.read(p.name, p.shape)));
  const norm = optimize(trace, params, grads, { kind: 'adam', lr: stage.lr }, E.input(stageLr(stage), []), `${stage.name}.opt`);
  const [lossName, normName] = stageMetrics(stage);
  return { spec: { outputs: { [lossName]: loss, [normName]: norm }, updates: trace.updates() }, trace, inputs, emaPairs: [] };
}
