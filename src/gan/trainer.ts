// The adversarial trainer: builds a config's data, networks and compiled training step, then runs
// it K steps per call, logging every step, checkpointing, drawing sample grids, stopping on a step
// count, a time limit, a signal or a non-finite loss. Resuming restores every state tensor and
// every PRNG, so a resumed run ends with exactly the parameters of an uninterrupted one.
import * as E from '../engine/index.js';
import { InputError } from '../errors.js';
import type { GanConfig } from '../config/schema.js';
import { openSource, type DataSource } from '../data/source.js';
import { join } from 'node:path';
import { appendLine, atomicWriteFile } from '../run/atomic.js';
import { writeCheckpoint } from '../run/checkpoint.js';
import { RunDir } from '../run/rundir.js';
import { buildRecipe } from './registry.js';
import type { GanRecipe } from './recipe.js';
import { writeLossPlot, writeSamplePicture, writeTranslationPicture } from './artifacts.js';
import { compileSampler, compileTranslator, cyclingLabels, drawSamples, translateAll } from './sampler.js';
import { sampleMixture } from '../data/mixtures.js';
import { heldOutPairs } from '../data/heldout.js';
import type { BuiltStep } from './step.js';
import { dataInfo, runRngs, TrainingSession } from './session.js';

export { RNG_STREAMS, dataInfo, stepConfig } from './session.js';
/** The fixed noise of the sample grids: derived from the seed afresh, never advanced by training. */
const PREVIEW_STREAM = 6;

export type StopReason = 'steps' | 'minutes' | 'signal' | 'nan';

export interface TrainResult {
  step: number;
  stoppedBy: StopReason;
  checkpoint?: string;
  message?: string;
  stepsPerSecond: number;
}

export interface TrainOptions {
  /** Train until this total step (default: config.train.steps). */
  steps?: number;
  /** Stop after this many minutes of training (at a call boundary), with a checkpoint. */
  minutes?: number;
  /** Reports progress after every call: step, total, steps per second, latest losses. */
  onProgress?: (p: { step: number; total: number; stepsPerSecond: number; metrics: Record<string, number>; elapsedS: number }) => void;
  /** Diagnostics (resume notices, skipped corrupt checkpoints). */
  log?: (msg: string) => void;
}

export class Trainer {
  private stopRequested = false;
  private previewZ: Float32Array;

  private constructor(
    readonly session: TrainingSession,
    readonly run: RunDir,
  ) {
    const latent = session.recipe.sampler?.latent.reduce((a, b) => a * b, 1) ?? 0;
    this.previewZ = new E.Rng(session.cfg.seed).fork(PREVIEW_STREAM).normal(this.previewCount() * latent);
  }

  get cfg(): GanConfig {
    return this.session.cfg;
  }
  get source(): DataSource {
    return this.session.source;
  }
  get recipe(): GanRecipe {
    return this.session.recipe;
  }
  get built(): BuiltStep {
    return this.session.built;
  }
  get store(): E.StateStore {
    return this.session.store;
  }
  get step(): number {
    return this.session.step;
  }
  private get device(): E.Device {
    return this.session.device;
  }

  /**
   * Opens a run: a new one (writes config.json) or, with resume, the existing one from its last
   * good checkpoint. Throws before writing anything when the data or config cannot be used.
   */
  static async open(given: GanConfig, dir: string, opts: { resume?: boolean; log?: (m: string) => void; device?: E.Device } = {}): Promise<Trainer> {
    const run = new RunDir(dir);
    const log = opts.log ?? (() => {});
    const rngs = runRngs(given.seed);
    const source = await openSource(given.data, rngs.data, given.seed);
    for (const note of source.notes ?? []) log(note);
    const cfg = withEpochs(given, source);
    const device = opts.device ?? cfg.train.device ?? E.defaultDevice();
    if (device !== 'cpu') await E.Program.checkDevice(device);
    const session = new TrainingSession(cfg, source, rngs, device);
    const found = opts.resume ? run.latestGoodCheckpoint(log) : undefined;
    if (found) {
      session.restore(found.checkpoint);
      run.truncateMetrics(found.step);
      log(`resuming from ${found.path} (step ${found.step})`);
    } else {
      if (opts.resume && run.checkpointSteps().length > 0) throw new InputError(`run ${dir} has no usable checkpoint to resume from`);
      if (!opts.resume && run.hasRun()) {
        throw new InputError(`run directory ${dir} already holds a run; pass --resume to continue it or choose another --out`);
      }
      session.initialize();
      run.truncateMetrics(0);
      for (const [name, text] of Object.entries(source.runFiles ?? {})) atomicWriteFile(join(dir, name), text);
    }
    run.writeConfig(cfg);
    return new Trainer(session, run);
  }

  /** Asks the loop to stop after the current call and write a checkpoint. */
  requestStop(): void {
    this.stopRequested = true;
  }

  checkpoint(): string {
    const path = this.run.checkpointPath(this.step);
    writeCheckpoint(path, this.session.checkpoint());
    this.run.pruneCheckpoints(this.cfg.train.keepCheckpoints);
    return path;
  }

  /** Images in the preview grid: 8 per row, one class per row for class-aware types. */
  private previewCount(): number {
    if (this.source.kind === 'video') return 8;
    const classes = this.recipe.sampler?.labels?.classes;
    return classes ? 8 * Math.min(classes, 16) : 64;
  }

  /** A picture of the current generator: a fixed grid of images, or 2,000 points over real data. */
  async writeSamples(): Promise<void> {
    // Table rows have no picture of their own here: `gan eval` draws their columns.
    if (this.source.kind === 'table') return;
    const ema = this.cfg.train.emaDecay > 0;
    const pair = this.source.pair;
    if (pair) {
      // Translation: the first 16 held-out examples' inputs, G's outputs, and the targets.
      const { count: n, inputs, targets } = heldOutPairs(this.source, 16);
      const translator = await compileTranslator(this.recipe, n, this.store, { ema, device: this.device });
      const outputs = await translateAll(translator, inputs, n);
      await translator.release();
      writeTranslationPicture(this.run.samplePath(this.step), inputs, outputs, targets, n, pair.input, pair.target);
      return;
    }
    // Images and clips: a fixed grid from fixed noise; vectors: 2,000 points over real data.
    const image = this.source.kind !== 'vector';
    const n = image ? this.previewCount() : 2000;
    const classes = this.recipe.sampler?.labels?.classes;
    // Class-aware previews: row r holds class r.
    const labels = classes ? BigInt64Array.from({ length: n }, (_, i) => BigInt(image ? Math.floor(i / 8) : i % classes)) : undefined;
    const sampler = await compileSampler(this.recipe, image ? n : 500, this.store, { ema, device: this.device });
    const x = image ? ((await sampler.run(labels ? { z: this.previewZ, y: labels } : { z: this.previewZ })).x!.data as Float32Array) : await drawSamples(sampler, n, new E.Rng(this.cfg.seed + 1), labels && cyclingLabels(n, classes!));
    await sampler.release();
    let real: Float32Array | undefined;
    if (this.source.mixture) real = sampleMixture(this.source.mixture, new E.Rng(this.cfg.seed + 2), 2000);
    else if (this.source.dataset && !image) real = this.source.dataset.data.subarray(0, Math.min(2000, this.source.dataset.count) * this.source.shape[0]!);
    writeSamplePicture(this.run.samplePath(this.step), x, n, this.source, real, classes ? 8 : undefined);
  }

  async train(o: TrainOptions = {}): Promise<TrainResult> {
    const total = o.steps ?? this.cfg.train.steps;
    const K = this.cfg.train.stepsPerRun;
    const start = performance.now();
    const startStep = this.step;
    let lastCheckpoint: string | undefined;
    let stoppedBy: StopReason = 'steps';
    const crossed = (every: number, before: number, after: number) => Math.floor(after / every) > Math.floor(before / every);
    const stage = this.recipe.stage;
    // The fit stage takes the last share of the run's steps (train.steps, not where this call stops),
    // or of the time limit, whichever comes first.
    const stageAt = stage ? Math.round(this.cfg.train.steps * (1 - stage.share)) : Infinity;
    while (this.step < total) {
      const before = this.step;
      const elapsedBefore = (performance.now() - start) / 1000;
      if (stage && this.session.stageSince === undefined && (this.step >= stageAt || (o.minutes !== undefined && elapsedBefore >= o.minutes * 60 * (1 - stage.share)))) {
        this.session.stageSince = this.step;
        o.log?.(`step ${this.step}: adversarial training done; training ${stage.name} with G and D frozen`);
      }
      const inStage = this.session.stageSince !== undefined;
      const rows = await this.session.run(Math.min(K, total - this.step, inStage ? Infinity : stageAt - this.step));
      const lines: string[] = [];
      let bad: string | undefined;
      // When the call ended (seconds since the epoch), on each of its rows: steps/s for the studio.
      const time = Date.now() / 1000;
      for (const row of rows) {
        row.time = time;
        if (!bad) for (const m of Object.keys(row).filter((k) => k.startsWith('loss_'))) if (!Number.isFinite(row[m]!)) bad = `${m} is ${row[m]} at step ${row.step}`;
        lines.push(JSON.stringify(row));
      }
      if (bad) {
        // A non-finite call is not counted: the run stays at the step of its last finite call.
        this.session.step = before;
        await this.store.sync();
        const last = this.run.checkpointSteps().at(-1);
        const keep = last !== undefined ? `the last good checkpoint is ${this.run.checkpointPath(last)}` : 'no checkpoint was written yet';
        return { step: before, stoppedBy: 'nan', message: `training stopped: ${bad}; ${keep}`, stepsPerSecond: 0 };
      }
      appendLine(this.run.metricsPath, lines.join('\n'));
      const elapsedS = (performance.now() - start) / 1000;
      const stepsPerSecond = (this.step - startStep) / Math.max(elapsedS, 1e-9);
      o.onProgress?.({ step: this.step, total, stepsPerSecond, metrics: JSON.parse(lines.at(-1)!), elapsedS });
      const timeUp = o.minutes !== undefined && elapsedS >= o.minutes * 60;
      const done = this.step >= total || timeUp || this.stopRequested;
      if (done || crossed(this.cfg.train.checkpointEvery, before, this.step)) {
        // State a GPU device holds comes to the host for the checkpoint.
        await this.store.sync();
        lastCheckpoint = this.checkpoint();
        writeLossPlot(this.run.lossPlotPath, this.run.readMetrics());
      }
      if (done || crossed(this.cfg.train.sampleEvery, before, this.step)) await this.writeSamples();
      if (timeUp) {
        stoppedBy = 'minutes';
        break;
      }
      if (this.stopRequested) {
        stoppedBy = 'signal';
        break;
      }
    }
    const elapsed = (performance.now() - start) / 1000;
    return { step: this.step, stoppedBy, checkpoint: lastCheckpoint, stepsPerSecond: (this.step - startStep) / Math.max(elapsed, 1e-9) };
  }

  async close(): Promise<void> {
    await this.session.close();
  }
}

/** train.epochs as steps: passes over the source's rows (CTGAN's steps per epoch: max(1, floor(rows / batch))). */
function withEpochs(cfg: GanConfig, source: DataSource): GanConfig {
  const { epochs, batch } = cfg.train;
  if (epochs === undefined) return cfg;
  const rows = source.table?.rows ?? source.dataset?.count;
  if (rows === undefined) throw new InputError(`train.epochs needs data of a fixed number of rows or samples (a table, a dataset or a folder); data "${cfg.data.kind}" has none: give train.steps`);
  return { ...cfg, train: { ...cfg.train, steps: epochs * Math.max(1, Math.floor(rows / batch)) } };
}

/** A trained run: its config, its type's networks and a store with its latest good checkpoint. */
export interface LoadedRun {
  cfg: GanConfig;
  recipe: GanRecipe;
  store: E.StateStore;
  step: number;
  source: DataSource;
  run: RunDir;
}

/** Loads a run's networks and its latest good checkpoint into a store (for sample, export, eval). */
export async function loadRun(dir: string, log: (m: string) => void = () => {}): Promise<LoadedRun> {
  const run = new RunDir(dir);
  const cfg = run.readConfig();
  // A table's encoding is fitted from the data stream, so it is opened as training opened it (same modes, same widths).
  const rng = cfg.data.kind === 'table' ? runRngs(cfg.seed).data : new E.Rng(cfg.seed);
  const source = await openSource(cfg.data, rng, cfg.seed);
  const recipe = buildRecipe(cfg.model, dataInfo(cfg, source));
  const found = run.latestGoodCheckpoint(log);
  if (!found) throw new InputError(`run ${dir} has no usable checkpoint`);
  const store = new E.StateStore();
  for (const [name, t] of Object.entries(found.checkpoint.tensors)) store.set(name, t.data, t.shape, t.dtype);
  return { cfg, recipe, store, step: found.step, source, run };
}
