// A run directory as a library object: what `gan sample`, `translate`, `export` and `eval` do,
// as methods. The run's networks and latest good checkpoint are loaded once, when it is opened.
import type { GanConfig } from '../config/schema.js';
import { InputError } from '../errors.js';
import type { Direction } from '../gan/recipe.js';
import { loadRun, type LoadedRun, type TrainResult } from '../gan/trainer.js';
import { augmentRun, type AugmentOptions, type AugmentRecord } from './augment.js';
import { evaluateRun } from './evaluate.js';
import { anomalyScores, anomalyThreshold, DEFAULT_FPR, scoreFile, type ScoresWritten, type Threshold } from './score.js';
import { exportGenerator, generate, sampleToFile, toDataScale, translateFile, translateImages, type ExportMetadata, type SamplesWritten } from './outputs.js';

export interface SampleOptions {
  /** Seed of the noise (default 0). */
  seed?: number;
  /** Class-aware runs: draw every sample with this label (default: cycle through all labels). */
  label?: number;
  /** Use the moving average of G's weights when the run kept one (default true). */
  ema?: boolean;
  /** Discriminator rejection sampling when the run's model has it (model.rejection; default true). */
  rejection?: boolean;
}

export interface TranslateOptions {
  /** a2b (every image-to-image type), b2a (CycleGAN). */
  direction?: Direction;
  ema?: boolean;
}

export interface Samples {
  /** [n, ...shape] values in the data's own scale (images in [-1, 1]; CSV columns as in the file). */
  x: Float32Array;
  shape: number[];
  /** Class-aware runs: the label each sample was drawn with. */
  labels?: BigInt64Array;
}

export class Run {
  /** What the train() call that made this handle did (undefined for a run opened with openRun). */
  result?: TrainResult;

  private constructor(private readonly loaded: LoadedRun) {}

  /** Opens a run directory at its latest good checkpoint. */
  static async open(dir: string, log?: (m: string) => void): Promise<Run> {
    return new Run(await loadRun(dir, log));
  }

  /** A run already in memory (what train() just trained, its state as its last checkpoint). */
  static of(loaded: LoadedRun): Run {
    return new Run(loaded);
  }

  get dir(): string {
    return this.loaded.run.path;
  }
  get config(): GanConfig {
    return this.loaded.cfg;
  }
  /** The step of the checkpoint the run was opened at. */
  get step(): number {
    return this.loaded.step;
  }
  /** The GAN type (gan, cgan, acgan, infogan, lapgan, pix2pix, srgan, cyclegan, video). */
  get type(): string {
    return this.loaded.recipe.type;
  }

  /** Draws n samples from the generator (noise-to-sample types). */
  async sample(n: number, o: SampleOptions = {}): Promise<Samples> {
    const r = await generate(this.loaded, n, { seed: o.seed ?? 0, ema: o.ema ?? true, label: o.label, rejection: o.rejection });
    return { x: toDataScale(r.x, r.source), shape: [n, ...r.source.shape], labels: r.labels };
  }

  /** Translates n images [n, ...input] (NCHW in [-1, 1]) with an image-to-image run's generator. */
  async translate(x: Float32Array, o: TranslateOptions = {}): Promise<{ y: Float32Array; shape: number[] }> {
    const t = this.loaded.recipe.translator;
    if (!t) throw new InputError(`run ${this.dir} (model type "${this.type}") draws samples from noise; it does not translate images`);
    const per = t.input.reduce((a, b) => a * b, 1);
    if (x.length === 0 || x.length % per !== 0) throw new InputError(`translate: expected images of shape [N, ${t.input.join(', ')}] (${per} values each), got ${x.length} values`);
    const n = x.length / per;
    const y = await translateImages(this.loaded, x, n, { direction: o.direction ?? 'a2b', ema: o.ema ?? true });
    return { y, shape: [n, ...t.output] };
  }

  /** Writes the generator alone as an ONNX model (any batch size), with metadata. */
  export(path: string, o: TranslateOptions = {}): Promise<ExportMetadata> {
    return exportGenerator(this.loaded, path, o.ema ?? true, o.direction);
  }

  /**
   * The metrics that fit the run's data (docs/metrics.md); anomaly runs: AUROC and AUPRC on the
   * test split (MNIST, Fashion-MNIST) or on `in` labelled by `labels` (0 normal, 1 anomalous).
   */
  evaluate(o: { count?: number; seed?: number; ema?: boolean; rejection?: boolean; features?: string; in?: string; labels?: string; fpr?: number } = {}): Promise<Record<string, unknown>> {
    return evaluateRun(this.loaded, { count: o.count, seed: o.seed ?? 0, ema: o.ema ?? true, rejection: o.rejection, features: o.features, in: o.in, labels: o.labels, fpr: o.fpr });
  }

  /**
   * Anomaly runs: a score per sample of x ([N, ...shape], images NCHW in [-1, 1]; higher = more
   * anomalous) and a flag against the threshold that flags the share `fpr` (default 0.05) of the
   * run's held-out normal data.
   */
  async score(x: Float32Array, o: { fpr?: number; ema?: boolean } = {}): Promise<{ scores: Float32Array; anomalous: boolean[]; threshold: Threshold }> {
    const scores = await anomalyScores(this.loaded, x, o.ema ?? true);
    const threshold = await anomalyThreshold(this.loaded, o.fpr ?? DEFAULT_FPR, o.ema ?? true);
    return { scores, anomalous: Array.from(scores, (s) => s > threshold.threshold), threshold };
  }

  /** Scores a .npy, an image folder or a CSV into a CSV (index, file for folders, score, anomalous), in input order. */
  scoreFile(inPath: string, outPath: string, o: { fpr?: number; ema?: boolean } = {}): Promise<ScoresWritten> {
    return scoreFile(this.loaded, inPath, outPath, { fpr: o.fpr ?? DEFAULT_FPR, ema: o.ema ?? true });
  }

  /** Draws n samples into a file: .npy (float32, labels beside it), .png (a grid or points), .gif (clips), .csv (vectors). */
  writeSamples(path: string, n: number, o: SampleOptions = {}): Promise<SamplesWritten> {
    return sampleToFile(this.loaded, n, path, { seed: o.seed ?? 0, ema: o.ema ?? true, label: o.label, rejection: o.rejection });
  }

  /** Class-aware runs: perClass labelled samples of each class into an ImageFolder tree or .npy (+ labels), optionally filtered; returns augment.json's record. */
  augment(o: AugmentOptions): Promise<AugmentRecord> {
    return augmentRun(this.loaded, o);
  }

  /** Translates the images of a .npy file (float32 NCHW in [-1, 1]) into .npy or a before/after .png. */
  translateFile(inPath: string, outPath: string, o: TranslateOptions = {}): Promise<{ shape: number[] }> {
    return translateFile(this.loaded, inPath, outPath, { direction: o.direction ?? 'a2b', ema: o.ema ?? true });
  }
}

/** Opens a run directory at its latest good checkpoint. */
export const openRun = (dir: string, log?: (m: string) => void): Promise<Run> => Run.open(dir, log);
