// Adversarial objectives, as functions of the discriminator's raw outputs (logits or critic values).
// Real samples are labelled 1 and generated ones 0, as in Goodfellow et al. (2014).
import * as E from '../engine/index.js';
import type { Tensor } from '../engine/index.js';

export const LOSSES = ['minimax', 'nonsaturating', 'lsgan', 'wgan', 'wgan-gp', 'hinge'] as const;
export type LossName = (typeof LOSSES)[number];

export interface LossOptions {
  /** One-sided label smoothing: the target for real samples in D's BCE (e.g. 0.9). */
  realLabel?: number;
}

const mean = (x: Tensor) => E.reduceMean(x);
/** -log(sigmoid(x)) = softplus(-x); -log(1 - sigmoid(x)) = softplus(x). */
const nll1 = (logits: Tensor) => E.softplus(E.neg(logits));
const nll0 = (logits: Tensor) => E.softplus(logits);

/** D's loss given its outputs on a real and a generated batch. */
export function discriminatorLoss(loss: LossName, real: Tensor, fake: Tensor, o: LossOptions = {}): Tensor {
  const t = o.realLabel ?? 1;
  switch (loss) {
    case 'minimax':
    case 'nonsaturating':
      // BCE against target t for real (t < 1 smooths one side only) and 0 for fake.
      return E.add(mean(E.add(E.mul(nll1(real), t), E.mul(nll0(real), 1 - t))), mean(nll0(fake)));
    case 'lsgan':
      return E.mul(E.add(mean(E.square(E.sub(real, t))), mean(E.square(fake))), 0.5);
    case 'wgan':
    case 'wgan-gp':
      return E.sub(mean(fake), mean(real));
    case 'hinge':
      return E.add(mean(E.relu(E.sub(1, real))), mean(E.relu(E.add(fake, 1))));
  }
}

/** G's loss given D's outputs on a generated batch. */
export function generatorLoss(loss: LossName, fake: Tensor): Tensor {
  switch (loss) {
    case 'minimax':
      // The 2014 paper's saturating objective: minimise log(1 - D(G(z))).
      return E.neg(mean(nll0(fake)));
    case 'nonsaturating':
      return mean(nll1(fake));
    case 'lsgan':
      return E.mul(mean(E.square(E.sub(fake, 1))), 0.5);
    case 'wgan':
    case 'wgan-gp':
    case 'hinge':
      return E.neg(mean(fake));
  }
}

/** Whether D's output is a logit (so sigmoid gives the probability of "real") or a critic score. */
export function outputIsLogit(loss: LossName): boolean {
  return loss === 'minimax' || loss === 'nonsaturating';
}

/** Squared norm of the gradient of D's summed output with respect to its input, per sample: [N]. */
export function inputGradSqNorm(dOut: Tensor, x: Tensor): Tensor {
  const [g] = E.grad(E.reduceSum(dOut), [x]);
  const axes = Array.from({ length: x.rank - 1 }, (_, i) => i + 1);
  return E.reduceSumSquare(g!, axes);
}

/** WGAN-GP penalty (Gulrajani et al. 2017): mean((||grad D(x_hat)|| - 1)^2) on interpolates. */
export function gradientPenalty(dOnInterp: Tensor, interp: Tensor): Tensor {
  const norm = E.sqrt(E.add(inputGradSqNorm(dOnInterp, interp), 1e-12));
  return mean(E.square(E.sub(norm, 1)));
}

/** R1 penalty (Mescheder et al. 2018): mean ||grad D(x_real)||^2 (to be scaled by gamma / 2). */
export function r1Penalty(dOnReal: Tensor, real: Tensor): Tensor {
  return mean(inputGradSqNorm(dOnReal, real));
}

/** Mean absolute difference of two tensors of one shape (the L1 terms of Pix2Pix and CycleGAN). */
export function meanAbsoluteError(a: Tensor, b: Tensor): Tensor {
  return mean(E.abs(E.sub(a, b)));
}

/** Mean cross-entropy of class logits [N, C] against int64 labels [N] (ACGAN's and InfoGAN's heads). */
export function classCrossEntropy(logits: Tensor, labels: Tensor): Tensor {
  const classes = logits.shape[1]!;
  return E.neg(mean(E.reduceSum(E.mul(E.oneHot(labels, classes), E.logSoftmax(logits, 1)), 1)));
}
