// The augmentation report's two protocols (scripts/augment-report.ts runs them; docs/applications.md):
// - Classification Accuracy Score (Ravuri & Vinyals 2019): the shipped classifier's recipe trained on
//   a class-aware run's samples only, and on the run's real training data, both tested on the real
//   test split.
// - Low-data gain: from n real images per class (data.perClass), a class-aware GAN trained on them
//   alone; the same classifier recipe trained on the n real images, and on them plus the GAN's samples.
// Every classifier is the recipe of src/metrics/classifier-training.ts with the same step budget, so
// both sides of each comparison see the same number of samples.
import { join } from 'node:path';
import * as E from '../engine/index.js';
import { InputError } from '../errors.js';
import { openSource, type DataSource } from '../data/source.js';
import { compileClassifier, embedWith, NUM_CLASSES, type ClassifierNet } from '../metrics/classifier.js';
import { testAccuracy, trainClassifier, type ClassifierRecipe, type LabelledImages } from '../metrics/classifier-training.js';
import { readNpy } from '../run/npy.js';
import { RunDir } from '../run/rundir.js';
import { labelsPath } from './outputs.js';
import { openRun, type Run } from './run.js';
import { train } from './train.js';
import { topScores, type AugmentRecord } from './augment.js';
import type { ConfigInput } from '../config/load.js';

/** The shipped MNIST classifier's recipe: 1,392 steps (3 passes over 60,000 images), batch 128, Adam 1e-3, seed 1. */
export const SHIPPED_RECIPE: Omit<ClassifierRecipe, 'onProgress'> = { steps: 1392, lr: 1e-3, batch: 128, seed: 1 };

/** A source's training images with their labels as label values of the whole source (what a 10-class classifier is told). */
function trainingImages(src: DataSource): LabelledImages {
  const d = src.dataset;
  if (!d?.labels || src.shape.join() !== '1,28,28') throw new InputError('the augmentation report trains the 1x28x28 digit classifier: it takes labelled MNIST or Fashion-MNIST runs');
  return { x: d.data, labels: Array.from(d.labels, (l) => d.labelValues?.[l] ?? l), count: d.count };
}

/** The held-out (test) split of a source, labels as label values. */
function testImages(src: DataSource): LabelledImages {
  const held = src.heldOut!;
  const x = new Float32Array(held.count * 784);
  const y = new BigInt64Array(held.count);
  held.read({ x, y }, 0, held.count);
  const values = src.dataset?.labelValues;
  return { x, labels: Array.from(y, (l) => values?.[Number(l)] ?? Number(l)), count: held.count };
}

/** The samples gan augment wrote to FILE.npy, labels as label values of the whole source. */
function augmentedImages(npy: string, record: AugmentRecord): LabelledImages {
  const x = readNpy(npy).data as Float32Array;
  const labels = readNpy(labelsPath(npy)).data as BigInt64Array;
  return { x, labels: Array.from(labels, (l) => record.classes[Number(l)]!.value), count: labels.length };
}

/**
 * Two labelled sets as one, set a repeated `times` times (so a few real images keep their share of
 * each pass next to many synthetic ones).
 */
function union(a: LabelledImages, b: LabelledImages, times = 1): LabelledImages {
  const count = a.count * times + b.count;
  const x = new Float32Array(count * 784);
  const labels = new Array<number>(count);
  for (let k = 0; k < times; k++) {
    x.set(a.x.subarray(0, a.count * 784), k * a.count * 784);
    for (let i = 0; i < a.count; i++) labels[k * a.count + i] = a.labels[i]!;
  }
  x.set(b.x.subarray(0, b.count * 784), a.count * times * 784);
  for (let i = 0; i < b.count; i++) labels[a.count * times + i] = b.labels[i]!;
  return { x, labels, count };
}

function checkShare(share: number): void {
  if (!(share > 0 && share < 1)) throw new InputError(`realShare must be in (0, 1), got ${share}`);
}

/** Refuses a low-data protocol's bad options before anything trains. */
function checkLowData(o: LowDataOptions): void {
  if (o.realShare !== undefined && o.realShare !== null) checkShare(o.realShare);
  if (o.keep !== undefined && o.filter === undefined) throw new InputError('keep chooses the share of candidates a filter keeps: give filter "real", "d" or CLASSIFIER.onnx');
  if (o.keep !== undefined && !(o.keep > 0 && o.keep <= 1)) throw new InputError(`keep must be in (0, 1], got ${o.keep}`);
}

/** How many copies of `real` images give them `share` of a pass over them and `synthetic` others (at least 1). */
export function realCopies(real: number, synthetic: number, share: number): number {
  checkShare(share);
  return Math.max(1, Math.round(((share / (1 - share)) * synthetic) / real));
}

const openRunSource = (run: Run) => openSource(run.config.data, new E.Rng(run.config.seed), run.config.seed);

export interface CasOptions {
  /** Synthetic samples of each class (default 6,000: as many as MNIST's training split has). */
  perClass?: number;
  filter?: string;
  keep?: number;
  /** Seed of the synthetic samples. */
  seed?: number;
  recipe?: Omit<ClassifierRecipe, 'onProgress'>;
  /** Also train the recipe on the run's real training data (default true). */
  real?: boolean;
  /** Where the synthetic samples go (default: augment-cas.npy in the run directory). */
  out?: string;
  log?: (m: string) => void;
}

export interface CasResult {
  run: string;
  step: number;
  /** Test accuracy of the classifier trained on synthetic samples only. */
  cas: number;
  /** The same recipe trained on the run's real training data. */
  real?: number;
  testImages: number;
  synthetic: number;
  recipe: Omit<ClassifierRecipe, 'onProgress'>;
  augment: AugmentRecord;
  seconds: { augment: number; synthetic: number; real?: number };
}

/** Classification Accuracy Score of a class-aware MNIST or Fashion-MNIST run. */
export async function classificationAccuracyScore(run: Run, o: CasOptions = {}): Promise<CasResult> {
  const recipe = o.recipe ?? SHIPPED_RECIPE;
  const log = o.log ?? (() => {});
  const src = await openRunSource(run);
  const test = testImages(src);
  const out = o.out ?? join(run.dir, 'augment-cas.npy');
  let t0 = performance.now();
  const record = await run.augment({ perClass: o.perClass ?? 6000, out, filter: o.filter, keep: o.keep, seed: o.seed ?? 0 });
  const seconds: CasResult['seconds'] = { augment: (performance.now() - t0) / 1000, synthetic: 0 };
  log(`wrote ${record.per_class} samples of each of ${record.classes.length} classes (${seconds.augment.toFixed(0)} s); training the classifier on them`);
  const synthetic = augmentedImages(out, record);
  t0 = performance.now();
  const cas = await testAccuracy(await trainClassifier(synthetic, recipe), test);
  seconds.synthetic = (performance.now() - t0) / 1000;
  log(`CAS ${(100 * cas).toFixed(2)}% (${seconds.synthetic.toFixed(0)} s)`);
  let real: number | undefined;
  if (o.real !== false) {
    t0 = performance.now();
    real = await testAccuracy(await trainClassifier(trainingImages(src), recipe), test);
    seconds.real = (performance.now() - t0) / 1000;
    log(`real-data accuracy ${(100 * real).toFixed(2)}% (${seconds.real.toFixed(0)} s)`);
  }
  return { run: run.dir, step: run.step, cas, ...(real !== undefined ? { real } : {}), testImages: test.count, synthetic: synthetic.count, recipe, augment: record, seconds };
}

export interface LowDataOptions {
  /** The class-aware preset (e.g. mnist-cgan, fashion-cgan) or config trained on the few images. */
  preset: ConfigInput;
  /** Real training images of each class. */
  perClass: number;
  /** Seed of the run: its subset of real images, its GAN and the synthetic samples. */
  seed: number;
  /** Run directory of the GAN. */
  out: string;
  /** The GAN's budget: steps and/or minutes. */
  ganSteps?: number;
  ganMinutes?: number;
  /** DiffAugment policies of the GAN (train.diffAugment; default translation and cutout). */
  diffAugment?: string[];
  /** Synthetic samples of each class added to the real ones. */
  syntheticPerClass: number;
  /**
   * Share of the augmented classifier's training images that are real (the n real images repeated),
   * default 0.5: a batch half real, half synthetic. Without it (null) the real images are a
   * vanishing share of each pass (100 against 5,000 at n = 10).
   */
  realShare?: number | null;
  /**
   * Which synthetic samples are kept: "d" (the GAN's discriminator), an .onnx classifier, or "real":
   * the classifier trained on the n real images (the real side of the comparison), keeping the
   * candidates it gives the highest probability of their asked class.
   */
  filter?: string;
  keep?: number;
  recipe?: Omit<ClassifierRecipe, 'onProgress'>;
  log?: (m: string) => void;
}

export interface LowDataResult {
  seed: number;
  perClass: number;
  ganSteps: number;
  /** Test accuracy of the recipe on the n real images per class. */
  real: number;
  /** The same recipe on the real images plus the synthetic ones. */
  augmented: number;
  gain: number;
  /** How the synthetic samples were chosen: null (all drawn), "d", "real" or a classifier file; and the share kept. */
  filter: { by: string; keep: number } | null;
  /** Synthetic images in the augmented classifier's training set. */
  synthetic: number;
  /** Copies of the real images in the augmented classifier's training set. */
  realCopies: number;
  testImages: number;
}

/** One seed of the low-data protocol. */
export async function lowDataGain(o: LowDataOptions): Promise<LowDataResult> {
  const recipe = o.recipe ?? SHIPPED_RECIPE;
  const log = o.log ?? (() => {});
  checkLowData(o);
  // A run already there (a report stopped half-way) is used as it is.
  if (!new RunDir(o.out).hasRun()) {
    const set = [
      { path: ['data', 'perClass'], value: o.perClass },
      { path: ['train', 'diffAugment'], value: o.diffAugment ?? ['translation', 'cutout'] },
    ];
    const run = await train(o.preset, { out: o.out, seed: o.seed, steps: o.ganSteps, minutes: o.ganMinutes, set });
    log(`seed ${o.seed}: trained ${typeof o.preset === 'string' ? o.preset : 'the config'} on ${o.perClass} images per class to step ${run.step}`);
  }
  const opened = await openRun(o.out);
  const src = await openRunSource(opened);
  const test = testImages(src);
  const real = trainingImages(src);
  const npy = join(o.out, 'augment-lowdata.npy');
  const byReal = o.filter === 'real';
  const keep = o.keep ?? 0.5;
  const realClassifier = await trainClassifier(real, { ...recipe, seed: recipe.seed + o.seed });
  const realAcc = await testAccuracy(realClassifier, test);
  const record = byReal
    ? await opened.augment({ perClass: Math.ceil(o.syntheticPerClass / keep), out: npy, seed: o.seed })
    : await opened.augment({ perClass: o.syntheticPerClass, out: npy, filter: o.filter, keep: o.keep, seed: o.seed });
  const drawn = augmentedImages(npy, record);
  const synthetic = byReal ? await keepMostProbable(realClassifier, drawn, o.syntheticPerClass) : drawn;
  const share = o.realShare === undefined ? 0.5 : o.realShare;
  const copies = share === null ? 1 : realCopies(real.count, synthetic.count, share);
  const augAcc = await testAccuracy(await trainClassifier(union(real, synthetic, copies), { ...recipe, seed: recipe.seed + o.seed }), test);
  log(`seed ${o.seed}: real ${(100 * realAcc).toFixed(2)}%, real (x${copies}) + synthetic ${(100 * augAcc).toFixed(2)}%`);
  return { seed: o.seed, perClass: o.perClass, ganSteps: opened.step, real: realAcc, augmented: augAcc, gain: augAcc - realAcc, filter: o.filter === undefined ? null : { by: o.filter, keep }, synthetic: synthetic.count, realCopies: copies, testImages: test.count };
}

/** Of each class's candidates, the `perClass` that a classifier gives the highest probability of that class. */
export async function keepMostProbable(c: { net: ClassifierNet; store: E.StateStore }, drawn: LabelledImages, perClass: number): Promise<LabelledImages> {
  const prog = await compileClassifier(c.net, c.store, Math.min(500, drawn.count));
  let probs: Float32Array;
  try {
    probs = (await embedWith(prog, drawn.x, drawn.count)).probs;
  } finally {
    await prog.release();
  }
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < drawn.count; i++) {
    const l = drawn.labels[i]!;
    if (!byClass.has(l)) byClass.set(l, []);
    byClass.get(l)!.push(i);
  }
  const kept: number[] = [];
  for (const [l, idx] of byClass) for (const j of topScores(Float32Array.from(idx, (i) => probs[i * NUM_CLASSES + l]!), perClass)) kept.push(idx[j]!);
  kept.sort((a, b) => a - b);
  const x = new Float32Array(kept.length * 784);
  kept.forEach((i, j) => x.set(drawn.x.subarray(i * 784, (i + 1) * 784), j * 784));
  return { x, labels: kept.map((i) => drawn.labels[i]!), count: kept.length };
}

/** Mean, sample standard deviation and mean - sd of some values. */
export function spread(v: number[]): { mean: number; sd: number; meanMinusSd: number } {
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  const sd = v.length > 1 ? Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / (v.length - 1)) : 0;
  return { mean, sd, meanMinusSd: mean - sd };
}
