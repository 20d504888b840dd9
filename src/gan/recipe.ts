// What a GAN type is: its networks, the inputs it needs at each discriminator step, and its D and
// G objectives, stated in one place (src/gan/types/*.ts). The step library (step.ts) calls these:
// for each of k D steps it draws the declared inputs, runs `generate` once, trains D on `dLoss`
// with G frozen; then it trains G on `gLoss` through the updated, frozen D.
import type { Tensor } from '../engine/index.js';
import type { Ctx, Module } from '../nn/module.js';
import { InputError } from '../errors.js';

/** How the trainer draws one input of a step. */
export type InputSpec =
  /** A named field of the data source's batches ("x", "y", "input", "target", "a", "b"). */
  | { from: 'data'; field: string }
  /** Standard normal noise of this shape per sample. */
  | { from: 'normal'; shape: number[] }
  /** A label per sample, uniform over `classes` values (generated samples' labels, InfoGAN's code). */
  | { from: 'label'; classes: number }
  /** Uniform [0, 1) draws of this shape, once per training step (shared by its D steps and G step). */
  | { from: 'uniform'; shape: number[] };

export const field = (name: string): InputSpec => ({ from: 'data', field: name });
export const normal = (...shape: number[]): InputSpec => ({ from: 'normal', shape });
export const uniformLabel = (classes: number): InputSpec => ({ from: 'label', classes });
export const uniformPerStep = (...shape: number[]): InputSpec => ({ from: 'uniform', shape });

/** A batch of named tensors: the declared inputs of one D step, or what G generated from them. */
export type Batch<K extends string = string> = Record<K, Tensor>;

/** D's outputs on a batch: the adversarial logit (or critic score) and any auxiliary heads. */
export type Heads = { logit: Tensor } & Partial<Record<string, Tensor>>;

/**
 * D as the adversarial loss sees it: a module giving logits, or a function of the judged sample
 * and what D is given alongside it (a label, the input image of a pair), giving logits or heads.
 */
export type Judge<H extends Heads = Heads> = Module | ((x: Tensor, ctx: Ctx, ...given: Tensor[]) => Tensor | H);

/** What D is given alongside the judged samples: the same for both sides, or per side. */
export type Given = Tensor[] | { real: Tensor[]; fake: Tensor[] };

/** The step library's adversarial terms, with the run's loss, penalties and label smoothing. */
export interface Adversary {
  /** The pass's state (parameters as of this point of the step). */
  ctx: Ctx;
  /** D's loss for telling `real` from `fake` (with the configured penalty); also D's heads on each. */
  d<H extends Heads = Heads>(judge: Judge<H>, real: Tensor, fake: Tensor, given?: Given): { loss: Tensor; real: H; fake: H };
  /** G's loss for `fake` to be judged real; also D's heads on it. */
  g<H extends Heads = Heads>(judge: Judge<H>, fake: Tensor, given?: Tensor[]): { loss: Tensor; fake: H };
}

/** Image-to-image types translate in one or two directions. */
export type Direction = 'a2b' | 'b2a';

/** A GAN type built for its data; I names its inputs, F what G generates from them. */
export interface GanRecipe<I extends string = string, F extends string = string> {
  /** The GAN type, for messages and metadata. */
  type: string;
  /** Every generator network (trained in the G step, averaged for sampling) and every discriminator network. */
  G: Module;
  D: Module;
  /** What the trainer feeds at each D step, by name. */
  inputs: Record<I, InputSpec>;
  /** G's outputs for one D step's inputs; D sees them as constants, G's step differentiates through them. */
  generate(b: Batch<I>, ctx: Ctx): Batch<F>;
  dLoss(b: Batch<I>, fake: Batch<F>, adv: Adversary): Tensor;
  gLoss(b: Batch<I>, fake: Batch<F>, adv: Adversary): Tensor;
  /** D may judge real and generated samples in one pass (not when D uses batch statistics). Default true. */
  joinRealFake?: boolean;
  /** Why the type cannot take an input-gradient penalty (WGAN-GP, R1), if it cannot. */
  noInputPenalty?: string;
  /** Noise-to-sample types: what inference takes and gives. */
  sampler?: Sampler;
  /** Image-to-image types: what inference takes and gives, per direction. */
  translator?: Translator;
  /** A training stage after the adversarial one (f-AnoGAN's encoder). */
  stage?: FitStage;
  /** Anomaly detection types: a score per sample, higher meaning more anomalous. */
  anomaly?: AnomalyScorer;
}

/**
 * A stage after the adversarial training, in the same run: only `module` learns, on `loss`, while
 * G and D are frozen and run as at inference (batch norm on its running statistics, G's moving
 * average when the run keeps one). It takes the last `share` of the steps, or of a time limit.
 */
export interface FitStage {
  /** What learns, and the metric suffix of its loss ("E": loss_E). */
  name: string;
  module: Module;
  share: number;
  lr: number;
  /** The data fields it reads (its batch holds them under their names). */
  fields: string[];
  loss(b: Batch, ctx: Ctx): Tensor;
}

export interface AnomalyScorer {
  /** Shape of one input sample. */
  input: number[];
  /** [N, ...input] -> [N] scores, from the networks as trained (no per-sample optimisation). */
  score(x: Tensor, ctx: Ctx): Tensor;
}

/** States a GAN type's recipe with its input and output names checked (the identity at run time). */
export function defineRecipe<I extends string, F extends string>(r: GanRecipe<I, F>): GanRecipe {
  return r as unknown as GanRecipe;
}

export interface Sampler {
  /** Shape of one noise vector (standard normal). */
  latent: number[];
  /** Shape of one sample. */
  output: number[];
  /** Class-aware types: the number of labels and what a label means. */
  labels?: { classes: number; meaning: 'class' | 'code' };
  /** G's output range ('unbounded' for a linear output layer). */
  range: '[-1, 1]' | 'unbounded';
  /** Notes for the exported model's metadata (e.g. which part of z holds InfoGAN's codes). */
  metadata?: Record<string, string>;
  /**
   * G's batch norm normalises each sampling batch with that batch's own statistics, as in training,
   * rather than with the running statistics (CTGAN: the authors' generator stays in training mode
   * when it samples). Rows then depend on the batch they are drawn in: sample in batches of
   * train.batch. The exported model (batch 1) and conditional sampling of tables (`where`: every
   * row of the batch has the same condition, which batch statistics would cancel) keep the
   * running statistics.
   */
  batchStatistics?: boolean;
  sample(z: Tensor, y: Tensor | undefined, ctx: Ctx): Tensor;
  /**
   * Discriminator rejection sampling (model.rejection "drs"): D's logit for each sample
   * ([N, ...output] -> [N]), and the quantile of a pool's logits that is accepted for sure.
   */
  rejection?: { quantile: number; score(x: Tensor, ctx: Ctx): Tensor };
  /**
   * Class-aware types: D's score of each sample as a sample of its label ([N, ...output], [N] ->
   * [N]; higher: more real), by which `gan augment --filter d` keeps the best generated samples.
   */
  judge?(x: Tensor, y: Tensor, ctx: Ctx): Tensor;
}

export interface Translator {
  input: number[];
  output: number[];
  directions: Partial<Record<Direction, (x: Tensor, ctx: Ctx) => Tensor>>;
}

/** The directions a translator offers, in a fixed order. */
export function directionsOf(t: Translator): Direction[] {
  return (['a2b', 'b2a'] as const).filter((d) => t.directions[d]);
}

/** A translator's function for one direction, or one message saying which directions it has. */
export function translation(type: string, t: Translator, direction: Direction): (x: Tensor, ctx: Ctx) => Tensor {
  const f = t.directions[direction];
  if (!f) throw new InputError(`--direction ${direction}: a ${type} run translates ${directionsOf(t).join(' or ')} only`);
  return f;
}
