// `gan eval`: the metrics that fit a run's data (see docs/metrics.md for how each is computed).
import { classifierMetrics } from '../metrics/frechet.js';
import type { FeatureSet } from '../metrics/gram.js';
import { modeMetrics, nearestModes } from '../metrics/modes.js';
import { codeAccuracy, labelAccuracy } from '../metrics/labels.js';
import { generate, useEma } from './outputs.js';
import type { GanRecipe } from '../gan/recipe.js';
import type { LoadedRun } from '../gan/trainer.js';
import { compileTranslator, translateAll } from '../gan/sampler.js';
import { heldOutPairs } from '../data/heldout.js';
import type { Direction } from '../gan/recipe.js';
import { psnr, ssim, upscaleBicubic } from '../metrics/similarity.js';
import { clipMetrics, type ClipMetrics } from '../metrics/video.js';
import { openSource } from '../data/source.js';
import { STACKED_CHANNELS } from '../data/stacked.js';
import { channelOf, stackedModeMetrics } from '../metrics/stacked.js';
import { Rng } from '../engine/index.js';
import { InputError } from '../errors.js';
import { DEFAULT_FEATURE_SPACES, openFeatureSpace, type ImageShape } from '../metrics/features.js';
import { compareFeatures, frechetAndKid, MIN_SAMPLES } from '../metrics/distribution.js';
import type { Dataset } from '../data/datasets.js';
import { evaluateAnomaly } from './anomaly-eval.js';

/** Samples `gan eval` draws on Stacked MNIST: the papers' 26,000. */
export const STACKED_EVAL_SAMPLES = 26_000;

export interface EvalOptions {
  count?: number;
  seed: number;
  ema: boolean;
  /** Rejection sampling when the run's model has it (default true). */
  rejection?: boolean;
  /** Noise-to-image runs: the feature space of the distribution metrics, a shipped name or an .onnx file (default: the data's, if it has one). */
  features?: string;
  /** Anomaly runs: labelled samples to measure on instead of the test split, and the threshold's false-positive rate. */
  in?: string;
  labels?: string;
  fpr?: number;
}

type Generated = Awaited<ReturnType<typeof generate>>;

/** What every report of generated samples starts with: the run, its step and type, the data, the sample count, and the share rejection sampling kept. */
function samplesRecord(r: Generated, count: number): Record<string, unknown> {
  return { run: r.run.path, step: r.step, gan_type: r.recipe.type, data: r.cfg.data, samples: count, ...(r.acceptance === undefined ? {} : { rejection_acceptance: r.acceptance }) };
}

export async function evaluateRun(r0: LoadedRun, o: EvalOptions): Promise<Record<string, unknown>> {
  const dataCfg = r0.cfg.data;
  if (r0.recipe.anomaly) return evaluateAnomaly(r0, o);
  if (o.in !== undefined || o.labels !== undefined) throw new InputError(`--in and --labels: run ${r0.run.path} (model type "${r0.recipe.type}") does not score anomalies; they measure anomaly detection runs`);
  if (o.features !== undefined && (r0.source.kind !== 'image' || dataCfg.kind === 'stacked-mnist')) {
    throw new InputError(`--features: run ${r0.run.path} is not measured in a feature space (only runs that generate or translate images are)`);
  }
  if (r0.source.pair) return evaluateTranslation(r0, o);
  if (dataCfg.kind === 'moving-mnist') return evaluateVideo(r0, o);
  if (dataCfg.kind === 'stacked-mnist') return evaluateStacked(r0, o);
  const count = o.count ?? (dataCfg.kind === 'mixture' ? 2500 : 10000);
  // Class-aware types draw labels from their prior (uniform), so the metrics describe the whole distribution.
  const r = await generate(r0, count, { seed: o.seed, ema: o.ema, randomLabels: true, rejection: o.rejection });
  const base = samplesRecord(r, count);
  if (r.source.mixture) {
    const m = modeMetrics(r.x, r.source.mixture);
    return {
      ...base,
      ...labelMetrics(r.recipe, r.labels, nearestModes(r.x, r.source.mixture), r.source.mixture.centers.length),
      modes: m.modes,
      modes_captured: m.modesCaptured,
      high_quality_fraction: m.highQualityFraction,
      reverse_kl: m.reverseKL,
      mode_histogram: m.histogram,
    };
  }
  const features = o.features ?? DEFAULT_FEATURE_SPACES[r.cfg.data.kind];
  const distribution = r.source.kind === 'image' && features !== undefined ? await distributionMetrics(r, count, features, o.seed) : undefined;
  if (r.cfg.data.kind === 'mnist' || r.cfg.data.kind === 'fashion') {
    const m = await classifierMetrics(r.cfg.data.kind, r.x, count);
    const out: Record<string, unknown> = {
      ...base,
      classifier: r.cfg.data.kind,
      fcd: m.fcd,
      class_histogram: m.classHistogram,
      class_entropy: m.classEntropy,
      mean_max_prob: m.meanMaxProb,
      ...distribution,
    };
    return { ...out, ...labelMetrics(r.recipe, r.labels, m.predicted, m.classHistogram.length) };
  }
  if (distribution) return { ...base, ...distribution };
  // Other data: per-dimension mean and standard deviation of samples and data, side by side.
  const d = r.source.shape.reduce((a, b) => a * b, 1);
  const stats = (x: Float32Array, n: number) => {
    let mean = 0;
    let sq = 0;
    for (let i = 0; i < n * d; i++) {
      mean += x[i]!;
      sq += x[i]! * x[i]!;
    }
    mean /= n * d;
    return { mean, std: Math.sqrt(Math.max(sq / (n * d) - mean * mean, 0)) };
  };
  const data = r.source.dataset!;
  const hint = r.source.kind === 'image' ? { feature_space: null, note: 'no shipped feature space for this data: pass --features NET.onnx for FD, KID, precision/recall and density/coverage' } : {};
  return { ...base, ...hint, generated: stats(r.x, count), training_data: stats(data.data, data.count) };
}

/** Real images that generated ones are measured against, and what they are: the data's held-out images (MNIST's and Fashion-MNIST's test split), else its training images. */
function realImages(r: Generated): { data: Pick<Dataset, 'data' | 'count'>; which: string; labels?: BigInt64Array } {
  const held = r.source.heldOut;
  if (!held) return { data: r.source.dataset!, which: 'training images' };
  const data = new Float32Array(held.count * r.source.shape.reduce((a, b) => a * b, 1));
  const labels = held.fields.y ? new BigInt64Array(held.count) : undefined;
  held.read({ x: data, ...(labels ? { y: labels } : {}) }, 0, held.count);
  return { data: { data, count: held.count }, which: held.name, labels };
}

/**
 * FD, KID, precision/recall and density/coverage of the generated images against as many real
 * images (all of them when there are fewer; else a random subset drawn with the seed), in a
 * feature space; see docs/metrics.md.
 */
async function distributionMetrics(r: Generated, count: number, features: string, seed: number): Promise<Record<string, unknown>> {
  const { data, which, labels: realLabels } = realImages(r);
  const m = Math.min(count, data.count);
  if (m < MIN_SAMPLES) throw new InputError(`--count ${count}: the distribution metrics need at least ${MIN_SAMPLES} generated and real images (the run has ${data.count} real ones)`);
  const one = r.source.shape.reduce((a, b) => a * b, 1);
  let real = data.data.subarray(0, m * one);
  if (m < data.count) {
    const pick = new Rng(seed).fork(2).permutation(data.count).subarray(0, m);
    real = new Float32Array(m * one);
    pick.forEach((idx, i) => real.set(data.data.subarray(idx * one, (idx + 1) * one), i * one));
  }
  const space = await openFeatureSpace(features);
  try {
    const shape = r.source.shape as unknown as ImageShape;
    const d = await compareFeatures(await space.embed(real, m, shape), await space.embed(r.x, count, shape), { seed });
    // A feature network that classifies, on a class-aware run: how often generated images are of
    // the class they were drawn with, next to the network's accuracy on the real held-out images.
    const classAware = space.classify && r.labels && r.recipe.sampler?.labels?.meaning === 'class';
    const accuracy = classAware
      ? {
          label_accuracy: labelAccuracy(await space.classify!(r.x, count, shape), r.labels!),
          ...(realLabels ? { real_label_accuracy: labelAccuracy(await space.classify!(data.data, data.count, shape), realLabels) } : {}),
        }
      : {};
    return {
      ...accuracy,
      feature_space: space.name,
      real_images: which,
      real_samples: m,
      fd: d.fd,
      kid: { mean: d.kid.mean, std: d.kid.std, subsets: d.kid.subsets, subset_size: d.kid.subsetSize },
      precision: d.precision,
      recall: d.recall,
      density: d.density,
      coverage: d.coverage,
    };
  } finally {
    await space.release();
  }
}

/**
 * Stacked MNIST: 26,000 samples by default (as the Unrolled GAN, VEEGAN and PacGAN papers count
 * modes); each channel classified by the shipped MNIST classifier. Modes captured of 1,000, the KL
 * divergence of the mode histogram to uniform, and each channel's Frechet distance to MNIST's test
 * digits (how digit-like the channels are).
 */
async function evaluateStacked(r0: LoadedRun, o: EvalOptions): Promise<Record<string, unknown>> {
  const count = o.count ?? STACKED_EVAL_SAMPLES;
  const r = await generate(r0, count, { seed: o.seed, ema: o.ema, randomLabels: true, rejection: o.rejection });
  const digits: Int32Array[] = [];
  const fcd: number[] = [];
  for (let c = 0; c < STACKED_CHANNELS; c++) {
    const m = await classifierMetrics('mnist', channelOf(r.x, count, STACKED_CHANNELS, c), count);
    digits.push(m.predicted);
    fcd.push(m.fcd);
  }
  const m = stackedModeMetrics(digits, count);
  return {
    ...samplesRecord(r, count),
    classifier: 'mnist, per channel',
    modes: m.modes,
    modes_captured: m.modesCaptured,
    kl_to_uniform: m.klToUniform,
    channel_kl_to_uniform: m.channelKl,
    channel_fcd: fcd,
    ...labelMetrics(r.recipe, r.labels, m.modeOf, m.modes),
  };
}

/**
 * Class-aware types (samples drawn with uniformly random labels): the share classified
 * as their label (CGAN, ACGAN), or InfoGAN's code accuracy under the best code-to-class matching.
 */
function labelMetrics(recipe: GanRecipe, labels: BigInt64Array | undefined, predicted: Int32Array, classes: number): Record<string, unknown> {
  const meaning = recipe.sampler?.labels;
  if (!labels || !meaning) return {};
  if (meaning.meaning === 'class') return { label_accuracy: labelAccuracy(predicted, labels) };
  // The matching is one-to-one: it needs as many code values as classes.
  if (meaning.classes !== classes) return {};
  const c = codeAccuracy(predicted, labels, classes);
  return { code_accuracy: c.accuracy, code_to_class: c.mapping };
}

/**
 * Translation runs: the data's held-out examples (DataSource.heldOut: the test split of MNIST and
 * Fashion-MNIST, else the held-out images or pairs), translated and compared with their targets: PSNR and SSIM, and
 * for MNIST/Fashion the classifier's accuracy on the outputs against the true labels and their
 * Frechet distance. Super-resolution also reports bicubic upscaling the same way; CycleGAN both
 * directions, the mean pixel intensity of A -> B outputs and of the truly dilated digits, and the
 * cycle reconstruction error.
 */
async function evaluateTranslation(r: LoadedRun, o: EvalOptions): Promise<Record<string, unknown>> {
  const pair = r.source.pair!;
  const kind = r.cfg.data.kind;
  const classified = kind === 'mnist' || kind === 'fashion';
  const { count: n, inputs, targets, labels: heldLabels } = heldOutPairs(r.source, o.count ?? 10000);
  const ema = useEma(r.store, o.ema);
  const run = async (direction: Direction, ...inputs: Float32Array[]) => {
    const translator = await compileTranslator(r.recipe, Math.min(n, 500), r.store, { ema, direction });
    const ys: Float32Array[] = [];
    for (const x of inputs) ys.push(await translateAll(translator, x, n));
    await translator.release();
    return ys;
  };
  const labels = heldLabels ?? new BigInt64Array(0);
  // FCD compares with the test set's own images: not for outputs meant to differ from them (A -> B).
  const judge = async (images: Float32Array, against: Float32Array, withFcd = true) => {
    const out: Record<string, number> = { psnr: psnr(images, against, n), ssim: ssim(images, against, [n, ...pair.target]), l1: meanAbsDiff(images, against) / 2 };
    if (classified) {
      const m = await classifierMetrics(kind, images, n);
      out.accuracy = labelAccuracy(m.predicted, labels);
      if (withFcd) out.fcd = m.fcd;
    }
    return out;
  };
  const result: Record<string, unknown> = {
    run: r.run.path,
    step: r.step,
    gan_type: r.recipe.type,
    data: r.cfg.data,
    images: n,
    held_out: r.source.heldOut!.name,
  };
  const [outputs] = (await run('a2b', inputs)) as [Float32Array];
  // Data with a feature space (emoji; any with --features): the distance of the outputs to the real images they should look like.
  const spaceName = classified ? undefined : (o.features ?? translationFeatureSpace(r.cfg.data));
  const space = spaceName === undefined ? undefined : await openFeatureSpace(spaceName);
  const shape = pair.target as unknown as ImageShape;
  // Each image set is embedded once (CycleGAN measures its inputs and targets twice), and only FD
  // and KID are computed (not compareFeatures' k-NN metrics).
  const embedded = new Map<Float32Array, Promise<FeatureSet>>();
  const featuresOf = (x: Float32Array) => {
    if (!embedded.has(x)) embedded.set(x, space!.embed(x, n, shape));
    return embedded.get(x)!;
  };
  const distance = async (x: Float32Array, real: Float32Array) => {
    if (!space) return {};
    const d = await frechetAndKid(await featuresOf(real), await featuresOf(x), { seed: o.seed });
    return { fd: d.fd, kid: d.kid.mean };
  };
  try {
    if (space) result.feature_space = space.name;
    if (!pair.unpaired) {
      result.output = { ...(await judge(outputs, targets)), ...(await distance(outputs, targets)) };
      if (pair.scale) {
        const bicubic = upscaleBicubic(inputs, [n, ...pair.input], pair.scale);
        result.bicubic = { ...(await judge(bicubic, targets)), ...(await distance(bicubic, targets)) };
      }
      return result;
    }
    // Unpaired: A and B are each domain's held-out images (for dilate-unpaired, B is A dilated: then
    // PSNR/SSIM against B mean something; for two folders only the distances and the class do).
    const [back, cycled] = (await run('b2a', targets, outputs)) as [Float32Array, Float32Array];
    const ya = r.source.heldOut!.fields.ya ? new BigInt64Array(n) : undefined;
    if (ya) r.source.heldOut!.read({ ya }, 0, n);
    const kept = space?.classify && ya ? { category_kept: labelAccuracy(await space.classify(outputs, n, shape), ya), input_category_accuracy: labelAccuracy(await space.classify(inputs, n, shape), ya) } : {};
    const toB = space ? { ...(await distance(outputs, targets)), untranslated: await distance(inputs, targets) } : {};
    const toA = space ? { ...(await distance(back, inputs)), untranslated: await distance(targets, inputs) } : {};
    return {
      ...result,
      a2b: { ...(await judge(outputs, targets, false)), mean_intensity: meanIntensity(outputs), target_mean_intensity: meanIntensity(targets), ...(space ? { to_b: toB } : {}), ...kept },
      b2a: { ...(await judge(back, inputs)), ...(space ? { to_a: toA } : {}) },
      cycle_l1: meanAbsDiff(cycled, inputs) / 2,
    };
  } finally {
    await space?.release();
  }
}

/** The feature space translation outputs are measured in when not told: the shipped one of the data's kind (of both domains, for unpaired data). */
function translationFeatureSpace(data: LoadedRun['cfg']['data']): string | undefined {
  if (data.kind !== 'unpaired') return DEFAULT_FEATURE_SPACES[data.kind];
  const kindOf = (d: unknown) => (typeof d === 'object' && d !== null && 'kind' in d ? String((d as { kind: unknown }).kind) : 'images');
  const [a, b] = [kindOf(data.a), kindOf(data.b)];
  return a === b ? DEFAULT_FEATURE_SPACES[a] : undefined;
}

/** Mean pixel intensity on the [0, 1] scale of images stored in [-1, 1]. */
function meanIntensity(x: Float32Array): number {
  let s = 0;
  for (const v of x) s += (v + 1) / 2;
  return s / x.length;
}

function meanAbsDiff(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i]! - b[i]!);
  return s / a.length;
}

/** Video runs: 1,000 clips by default, measured as moving digits; the same metrics of real clips for reference. */
async function evaluateVideo(r0: LoadedRun, o: EvalOptions): Promise<Record<string, unknown>> {
  const count = o.count ?? 1000;
  const r = await generate(r0, count, { seed: o.seed, ema: o.ema });
  const shape = r.source.shape;
  const real = new Float32Array(count * shape.reduce((a, b) => a * b, 1));
  (await openSource(r.cfg.data, new Rng(o.seed + 1), r.cfg.seed)).next({ x: real }, count);
  const describe = (m: ClipMetrics) => ({ same_digit_fraction: m.sameDigitFraction, moving_fraction: m.movingFraction, mean_max_shift: m.meanMaxShift, digit_histogram: m.digitHistogram });
  return {
    run: r.run.path,
    step: r.step,
    gan_type: r.recipe.type,
    data: r.cfg.data,
    clips: count,
    generated: describe(await clipMetrics(r.x, count, shape)),
    real: describe(await clipMetrics(real, count, shape)),
  };
}
