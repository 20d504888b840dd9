// The adversarial trainer: builds a config's data, networks and compiled training step, then runs
// it K steps per call, logging every step, checkpointing, drawing sample grids, stopping on a step
// count, a time limit, a signal or a non-finite loss. Resuming restores every state tensor and
// every PRNG, so a resumed run ends with exactly the parameters of an uninterrupted one.
import * as E from '../engine/index.js';
import { InputError } from '../errors.js';
import type { GanConfig } from '../config/schema.js';
import { openSource, type DataSource, type SourceState } from '../data/source.js';
import { appendLine } from '../run/atomic.js';
import type { Checkpoint } from '../run/checkpoint.js';
import { writeCheckpoint } from '../run/checkpoint.js';
import { RunDir } from '../run/rundir.js';
import { buildRecipe, type DataInfo } from './registry.js';
import type { GanRecipe } from './recipe.js';
import { writeLossPlot, writeSamplePicture, writeTranslationPicture } from './artifacts.js';
import { compileSampler, compileTranslator, cyclingLabels, drawSamples, translateAll } from './sampler.js';
import { sampleMixture } from '../data/mixtures.js';
import { heldOutPairs } from '../data/heldout.js';
import { buildStageStep, buildTrainStep, stageLr, stageMetrics, STEP_INPUTS, STEP_METRICS, type BuiltStep, type StepConfig, type StepInput } from './step.js';

/** Sub-streams of the run's seed, one per purpose, so adding draws to one never shifts another. */
/** `perStep`: uniform draws once per training step (the video GAN's frame picks, dropout masks). */
export const RNG_STREAMS = { init: 1, data: 2, noise: 3, penalty: 4, perStep: 5 } as const;
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

export function stepConfig(cfg: GanConfig): StepConfig {
  const t = cfg.train;
  const opt = (lr: number) => ({ kind: t.optimizer, lr, beta1: t.beta1, beta2: t.beta2, alpha: t.rmsAlpha, clipNorm: t.clipNorm || undefined });
  return {
    batch: t.batch,
    loss: t.loss,
    dSteps: t.dSteps,
    realLabel: t.realLabel,
    gpWeight: t.gpWeight,
    r1Gamma: t.r1Gamma,
    weightClip: t.weightClip || (t.loss === 'wgan' ? 0.01 : 0),
    emaDecay: t.emaDecay,
    diffAugment: t.diffAugment,
    optG: opt(t.lrG),
    optD: opt(t.lrD),
  };
}

export class Trainer {
  private stopRequested = false;
  private programs = new Map<string, E.Program>();
  private previewZ: Float32Array;

  private constructor(
    readonly cfg: GanConfig,
    readonly run: RunDir,
    readonly source: DataSource,
    readonly recipe: GanRecipe,
    readonly built: BuiltStep,
    readonly store: E.StateStore,
    private readonly rngs: Record<keyof typeof RNG_STREAMS, E.Rng>,
    public step: number,
    private readonly device: E.Device,
    /** The type's fit stage after the adversarial training (f-AnoGAN's encoder), and the step it began at. */
    readonly stageStep?: BuiltStep,
    private stageSince?: number,
  ) {
    const latent = recipe.sampler?.latent.reduce((a, b) => a * b, 1) ?? 0;
    this.previewZ = new E.Rng(cfg.seed).fork(PREVIEW_STREAM).normal(this.previewCount() * latent);
  }

  /**
   * Opens a run: a new one (writes config.json) or, with resume, the existing one from its last
   * good checkpoint. Throws before writing anything when the data or config cannot be used.
   */
  static async open(cfg: GanConfig, dir: string, opts: { resume?: boolean; log?: (m: string) => void; device?: E.Device } = {}): Promise<Trainer> {
    const run = new RunDir(dir);
    const log = opts.log ?? (() => {});
    const root = new E.Rng(cfg.seed);
    const rngs = Object.fromEntries(Object.entries(RNG_STREAMS).map(([k, salt]) => [k, root.fork(salt)])) as Record<keyof typeof RNG_STREAMS, E.Rng>;
    const source = await openSource(cfg.data, rngs.data, cfg.seed);
    for (const note of source.notes ?? []) log(note);
    const device = opts.device ?? cfg.train.device ?? E.defaultDevice();
    if (device !== 'cpu') await E.Program.checkDevice(device);
    const recipe = buildRecipe(cfg.model, dataInfo(cfg, source));
    const built = buildTrainStep(recipe, source.fields, stepConfig(cfg));
    const stageStep = recipe.stage && buildStageStep(recipe, recipe.stage, source.fields, stepConfig(cfg));
    const store = new E.StateStore();
    let step = 0;
    let stageSince: number | undefined;
    const found = opts.resume ? run.latestGoodCheckpoint(log) : undefined;
    if (found) {
      stageSince = restore(found.checkpoint, store, rngs, source);
      step = found.step;
      run.truncateMetrics(step);
      log(`resuming from ${found.path} (step ${step})`);
    } else {
      if (opts.resume && run.checkpointSteps().length > 0) throw new InputError(`run ${dir} has no usable checkpoint to resume from`);
      if (!opts.resume && run.hasRun()) {
        throw new InputError(`run directory ${dir} already holds a run; pass --resume to continue it or choose another --out`);
      }
      // The networks' parameters first, in the order their modules declare them; then the rest of
      // the step's state (optimizer moments) as the step declared it.
      const emaStates = new Set(built.emaPairs.map(([e]) => e));
      const state = [...recipe.G.allParams(), ...recipe.D.allParams(), ...built.trace.declared().filter((d) => !emaStates.has(d.name))];
      // A fit stage's module and optimizer state come last, so adding one shifts no other draw.
      if (recipe.stage) state.push(...recipe.stage.module.allParams(), ...stageStep!.trace.declared().filter((d) => !emaStates.has(d.name)));
      E.initState(store, state, rngs.init);
      // The weight average starts as a copy of the weights.
      for (const [e, p] of built.emaPairs) store.set(e, store.floats(p).slice(), store.get(p).shape);
      run.truncateMetrics(0);
    }
    run.writeConfig(cfg);
    return new Trainer(cfg, run, source, recipe, built, store, rngs, step, device, stageStep, stageSince);
  }

  /** Asks the loop to stop after the current call and write a checkpoint. */
  requestStop(): void {
    this.stopRequested = true;
  }

  /** The step program (or the fit stage's) repeated `steps` times per call; every input (data, noise, learning rates) is per step. */
  private async program(steps: number, built: BuiltStep): Promise<E.Program> {
    const key = `${built === this.built ? 'gan' : 'stage'}:${steps}`;
    let p = this.programs.get(key);
    if (!p) {
      const perStep = E.programInputs(built.spec).map((i) => i.name);
      p = await E.Program.compile(built.spec, this.store, { loop: { steps, perStep }, device: this.device });
      this.programs.set(key, p);
    }
    return p;
  }

  private learningRates(step: number): { lrG: number; lrD: number } {
    const t = this.cfg.train;
    if (t.lrSchedule === 'constant') return { lrG: t.lrG, lrD: t.lrD };
    const f = Math.max(t.lrFinal, 1 - (1 - t.lrFinal) * (step / t.steps));
    return { lrG: t.lrG * f, lrD: t.lrD * f };
  }

  /** Feeds for `n` steps, drawn step by step so any split into calls draws the same numbers. */
  private feeds(n: number, prog: E.Program, stage: boolean): Record<string, E.Feed> {
    const batch = this.cfg.train.batch;
    // A fit stage's step takes one batch of its data fields.
    const dSteps = stage ? 1 : this.cfg.train.dSteps;
    const inputs = (stage ? this.stageStep! : this.built).inputs;
    const sizeOf = (i: StepInput) => i.shape.reduce((a, b) => a * b, 1) * (i.perSample ? batch : 1);
    // Per-sample inputs hold [n, dSteps, batch, ...shape]; per-step ones [n, ...shape].
    const buffers = new Map(inputs.map((i) => [i.name, i.dtype === 'int64' ? new BigInt64Array(n * (i.perSample ? dSteps : 1) * sizeOf(i)) : new Float32Array(n * (i.perSample ? dSteps : 1) * sizeOf(i))]));
    const floats = (i: StepInput) => buffers.get(i.name) as Float32Array;
    const dataInputs = inputs.filter((i) => i.spec.from === 'data');
    for (let s = 0; s < n; s++) {
      for (let d = 0; d < dSteps; d++) {
        const k = s * dSteps + d;
        // One draw of every data field the type needs, then noise, labels and penalty weights.
        this.source.next(Object.fromEntries(dataInputs.map((i) => [(i.spec as { field: string }).field, buffers.get(i.name)!])), batch, k * batch);
        for (const i of inputs) {
          const at = k * sizeOf(i);
          if (i.spec.from === 'normal') this.rngs.noise.fillNormal(floats(i).subarray(at, at + sizeOf(i)));
          else if (i.spec.from === 'label') {
            const labels = buffers.get(i.name) as BigInt64Array;
            for (let j = at; j < at + batch; j++) labels[j] = BigInt(this.rngs.noise.int(i.spec.classes));
          } else if (i.spec.from === 'penalty') this.rngs.penalty.fillUniform(floats(i).subarray(at, at + sizeOf(i)));
        }
      }
      for (const i of inputs) if (!i.perSample) this.rngs.perStep.fillUniform(floats(i).subarray(s * sizeOf(i), (s + 1) * sizeOf(i)));
    }
    // The schedule is evaluated at every step, so how steps are grouped into calls never matters.
    const lrG = new Float32Array(n);
    const lrD = new Float32Array(n);
    for (let s = 0; s < n; s++) ({ lrG: lrG[s], lrD: lrD[s] } = this.learningRates(this.step + s));
    const feeds: Record<string, E.Feed> = { ...Object.fromEntries(buffers), [STEP_INPUTS.lrG]: lrG, [STEP_INPUTS.lrD]: lrD };
    if (stage) feeds[stageLr(this.recipe.stage!)] = new Float32Array(n).fill(this.recipe.stage!.lr);
    // An input the graph never reads (a data field only some settings use) is not the program's.
    for (const name of Object.keys(feeds)) if (!prog.inputs.some((i) => i.name === name)) delete feeds[name];
    return feeds;
  }

  checkpoint(): string {
    const path = this.run.checkpointPath(this.step);
    const tensors = this.store.snapshot();
    const meta = {
      rngs: Object.fromEntries(Object.entries(this.rngs).map(([k, r]) => [k, r.getState()])),
      source: this.source.getState(),
      ...(this.stageSince === undefined ? {} : { stageSince: this.stageSince }),
    };
    writeCheckpoint(path, { step: this.step, meta, tensors });
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
      const elapsedBefore = (performance.now() - start) / 1000;
      if (stage && this.stageSince === undefined && (this.step >= stageAt || (o.minutes !== undefined && elapsedBefore >= o.minutes * 60 * (1 - stage.share)))) {
        this.stageSince = this.step;
        o.log?.(`step ${this.step}: adversarial training done; training ${stage.name} with G and D frozen`);
      }
      const inStage = this.stageSince !== undefined;
      const n = Math.min(K, total - this.step, inStage ? Infinity : stageAt - this.step);
      const prog = await this.program(n, inStage ? this.stageStep! : this.built);
      const out = await prog.run(this.feeds(n, prog, inStage));
      const before = this.step;
      const lines: string[] = [];
      let bad: string | undefined;
      const metrics = inStage ? stageMetrics(stage!) : STEP_METRICS;
      for (let i = 0; i < n; i++) {
        const row: Record<string, number> = { step: before + i + 1 };
        for (const m of metrics) row[m] = (out[m]!.data as Float32Array)[i]!;
        if (inStage) row[stageLr(stage!)] = stage!.lr;
        else {
          const lr = this.learningRates(before + i);
          row.lr_G = lr.lrG;
          row.lr_D = lr.lrD;
        }
        if (!bad) for (const m of metrics.filter((k) => k.startsWith('loss_'))) if (!Number.isFinite(row[m]!)) bad = `${m} is ${row[m]} at step ${row.step}`;
        lines.push(JSON.stringify(row));
      }
      if (bad) {
        const last = this.run.checkpointSteps().at(-1);
        const keep = last !== undefined ? `the last good checkpoint is ${this.run.checkpointPath(last)}` : 'no checkpoint was written yet';
        return { step: before, stoppedBy: 'nan', message: `training stopped: ${bad}; ${keep}`, stepsPerSecond: 0 };
      }
      this.step += n;
      appendLine(this.run.metricsPath, lines.join('\n'));
      const elapsedS = (performance.now() - start) / 1000;
      const stepsPerSecond = (this.step - startStep) / Math.max(elapsedS, 1e-9);
      o.onProgress?.({ step: this.step, total, stepsPerSecond, metrics: JSON.parse(lines.at(-1)!), elapsedS });
      const timeUp = o.minutes !== undefined && elapsedS >= o.minutes * 60;
      const done = this.step >= total || timeUp || this.stopRequested;
      if (done || crossed(this.cfg.train.checkpointEvery, before, this.step)) {
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
    for (const p of this.programs.values()) await p.release();
    this.programs.clear();
  }
}

/** Restores a checkpoint's state; returns the step its fit stage began at, if it had begun. */
function restore(c: Checkpoint, store: E.StateStore, rngs: Record<string, E.Rng>, source: DataSource): number | undefined {
  for (const [name, t] of Object.entries(c.tensors)) store.set(name, t.data, t.shape, t.dtype);
  const meta = c.meta as { rngs: Record<string, E.RngState>; source: SourceState; stageSince?: number };
  for (const [k, r] of Object.entries(rngs)) {
    const st = meta.rngs?.[k];
    if (!st) throw new Error(`checkpoint lacks the state of PRNG stream "${k}"`);
    r.setState(st);
  }
  source.setState(meta.source);
  return meta.stageSince;
}

/** What the GAN types are told about a config's data. */
export function dataInfo(cfg: GanConfig, source: DataSource): DataInfo {
  return { kind: cfg.data.kind, fields: source.fields, shape: source.shape, classes: source.classes, pair: source.pair };
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
  const source = await openSource(cfg.data, new E.Rng(cfg.seed), cfg.seed);
  const recipe = buildRecipe(cfg.model, dataInfo(cfg, source));
  const found = run.latestGoodCheckpoint(log);
  if (!found) throw new InputError(`run ${dir} has no usable checkpoint`);
  const store = new E.StateStore();
  for (const [name, t] of Object.entries(found.checkpoint.tensors)) store.set(name, t.data, t.shape, t.dtype);
  return { cfg, recipe, store, step: found.step, source, run };
}
