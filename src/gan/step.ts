// One whole adversarial training iteration as one program, as the seeds describe it:
//   k times: draw noise, generate, train D on real (label 1) and generated (label 0) samples with
//            G frozen (the generated batch is a constant for D's gradient);
//   then:    train G through the just-updated, frozen D to make D call its samples real.
// Forward passes, losses, gradients and optimizer updates all live in a single ONNX graph.
import * as E from '../engine/index.js';
import type { LowerSpec, Tensor } from '../engine/index.js';
import type { Module } from '../nn/module.js';
import { isModel, plainGan, type DOutput, type GanModel, type GanNets } from './model.js';
import { adam, clipByGlobalNorm, globalNorm, sgd, type ParamRef } from '../optim/optimizers.js';
import { discriminatorLoss, generatorLoss, gradientPenalty, outputIsLogit, r1Penalty, type LossName } from './losses.js';

export interface OptimizerConfig {
  kind: 'adam' | 'adamw' | 'sgd';
  lr: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
  weightDecay?: number;
  momentum?: number;
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
  /** Run D once on concat(real, fake) instead of twice (same result unless D has batch norm). */
  joinRealFake: boolean;
  optG: OptimizerConfig;
  optD: OptimizerConfig;
}

/** Names of the program's inputs and outputs. */
export const STEP_INPUTS = { real: 'real', z: 'z', lrG: 'lr_G', lrD: 'lr_D', gpAlpha: 'gp_alpha', realLabels: 'real_y', fakeLabels: 'fake_y' } as const;
export const STEP_METRICS = ['loss_D', 'loss_G', 'd_real', 'd_fake', 'grad_norm_D', 'grad_norm_G'] as const;
export type StepMetric = (typeof STEP_METRICS)[number];

export interface BuiltStep {
  spec: LowerSpec;
  trace: E.StateTrace;
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
  else adam(trace, params, gs, { lr, beta1: o.beta1, beta2: o.beta2, eps: o.eps, weightDecay: o.weightDecay, decoupled: o.kind === 'adamw', name });
  return norm;
}

/** Splits D's output on a joined batch back into its real and fake halves (D may pack samples). */
function halves(out: Tensor): [Tensor, Tensor] {
  const h = out.shape[0]! / 2;
  return [E.slice(out, [0], [h], [0]), E.slice(out, [h], [2 * h], [0])];
}

function splitOutput(o: DOutput): [DOutput, DOutput] {
  const real: DOutput = { logit: halves(o.logit)[0] };
  const fake: DOutput = { logit: halves(o.logit)[1] };
  for (const k of ['classLogits', 'codes'] as const) {
    const t = o[k];
    if (t) [real[k], fake[k]] = halves(t);
  }
  return [real, fake];
}

/** Builds the step for a GAN type (a plain G/D pair is the plain GAN). */
export function buildTrainStep(m: GanModel | GanNets, cfg: StepConfig): BuiltStep {
  const model = isModel(m) ? m : plainGan(m);
  const { G, D } = model;
  const n = cfg.batch;
  const k = cfg.dSteps;
  const trace = new E.StateTrace(true);
  const real = E.input(STEP_INPUTS.real, [k, n, ...model.sampleShape]);
  const z = E.input(STEP_INPUTS.z, [k, n, ...model.latentShape]);
  const lrG = E.input(STEP_INPUTS.lrG, []);
  const lrD = E.input(STEP_INPUTS.lrD, []);
  const realY = model.usesDataLabels ? E.input(STEP_INPUTS.realLabels, [k, n], 'int64') : undefined;
  const fakeY = model.classes ? E.input(STEP_INPUTS.fakeLabels, [k, n], 'int64') : undefined;
  const gpAlpha = cfg.loss === 'wgan-gp' ? E.input(STEP_INPUTS.gpAlpha, [k, n, 1]) : undefined;
  const pick = (t: Tensor, i: number) => E.reshape(E.slice(t, [i], [i + 1], [0]), t.shape.slice(1));
  const pickOpt = (t: Tensor | undefined, i: number) => (t ? pick(t, i) : undefined);
  const joinLabels = (a?: Tensor, b?: Tensor) => (a && b ? E.concat([a, b], 0) : undefined);
  const aux = (player: 'D' | 'G', terms: Parameters<NonNullable<GanModel['auxLoss']>>[1], loss: Tensor) =>
    model.auxLoss ? E.add(loss, model.auxLoss(player, terms)) : loss;

  let fake!: Tensor;
  let zi!: Tensor;
  let yReal: Tensor | undefined;
  let yFake: Tensor | undefined;
  let xIn!: Tensor;
  let lossD!: Tensor;
  let dReal!: DOutput;
  let dFake!: DOutput;
  let gradNormD!: Tensor;
  for (let i = 0; i < k; i++) {
    const x = pick(real, i);
    zi = pick(z, i);
    yReal = pickOpt(realY, i);
    yFake = pickOpt(fakeY, i);
    fake = model.generate(zi, yFake, trace, x);
    xIn = model.realInput(x);
    const fixedFake = E.stopGradient(fake);
    if (cfg.joinRealFake) {
      [dReal, dFake] = splitOutput(model.discriminate(E.concat([xIn, fixedFake], 0), joinLabels(yReal, yFake), trace));
    } else {
      dReal = model.discriminate(xIn, yReal, trace);
      dFake = model.discriminate(fixedFake, yFake, trace);
    }
    lossD = discriminatorLoss(cfg.loss, dReal.logit, dFake.logit, { realLabel: cfg.realLabel });
    lossD = aux('D', { real: dReal, fake: dFake, yReal, yFake, z: zi, realX: xIn, fakeX: fixedFake, ctx: trace }, lossD);
    if (gpAlpha) {
      const a = E.reshape(pick(gpAlpha, i), [n, ...xIn.shape.slice(1).map(() => 1)]);
      const interp = E.add(E.mul(a, xIn), E.mul(E.sub(1, a), fixedFake));
      lossD = E.add(lossD, E.mul(gradientPenalty(model.discriminate(interp, yReal, trace).logit, interp), cfg.gpWeight));
    }
    if (cfg.r1Gamma > 0) {
      // R1 needs D's gradient at the real batch itself, so D sees it as a differentiable input.
      const xr = E.add(xIn, 0);
      lossD = E.add(lossD, E.mul(r1Penalty(model.discriminate(xr, yReal, trace).logit, xr), cfg.r1Gamma / 2));
    }
    const dParams = refs(D);
    const dGrads = E.grad(lossD, dParams.map((p) => trace.read(p.name, p.shape)));
    gradNormD = optimize(trace, dParams, dGrads, cfg.optD, lrD, 'D.opt');
    if (cfg.weightClip > 0) {
      for (const p of dParams) trace.write(p.name, E.clip(trace.read(p.name, p.shape), -cfg.weightClip, cfg.weightClip));
    }
  }

  // G step through the updated D, on the last generated batch (as the PyTorch DCGAN example does).
  const dOnFake = model.discriminate(fake, yFake, trace);
  let lossG = E.mul(generatorLoss(cfg.loss, dOnFake.logit), model.adversarialWeight ?? 1);
  lossG = aux('G', { real: dReal, fake: dOnFake, yReal, yFake, z: zi, realX: xIn, fakeX: fake, ctx: trace }, lossG);
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

  const asProb = outputIsLogit(cfg.loss) ? E.sigmoid : (t: Tensor) => t;
  const outputs: Record<StepMetric, Tensor> = {
    loss_D: lossD,
    loss_G: lossG,
    d_real: E.reduceMean(asProb(dReal.logit)),
    d_fake: E.reduceMean(asProb(dFake.logit)),
    grad_norm_D: gradNormD,
    grad_norm_G: gradNormG,
  };
  return { spec: { outputs, updates: trace.updates() }, trace, emaPairs };
}
