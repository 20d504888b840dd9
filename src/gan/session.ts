// A training session without files: a config's networks, compiled step, state and seeded streams,
// run K steps a call. The trainer (./trainer.ts) adds the run directory (checkpoints, metrics,
// previews); a page (web/playground) runs the same session in a Web Worker, so for the same seed
// and data both draw the same numbers and train the same parameters.
import * as E from '../engine/index.js';
import type { GanConfig } from '../config/schema.js';
import type { DataSource, SourceState } from '../data/types.js';
import type { Checkpoint } from '../run/checkpoint-format.js';
import { buildRecipe, type DataInfo } from './registry.js';
import type { GanRecipe } from './recipe.js';
import { buildStageStep, buildTrainStep, stageLr, stageMetrics, STEP_INPUTS, STEP_METRICS, type BuiltStep, type StepConfig, type StepInput } from './step.js';

/** Sub-streams of the run's seed, one per purpose, so adding draws to one never shifts another. */
/** `perStep`: uniform draws once per training step (the video GAN's frame picks, dropout masks). */
export const RNG_STREAMS = { init: 1, data: 2, noise: 3, penalty: 4, perStep: 5 } as const;
export type RunRngs = Record<keyof typeof RNG_STREAMS, E.Rng>;

/** The run's PRNG streams, forked from its seed (the data source draws from `data`). */
export function runRngs(seed: number): RunRngs {
  const root = new E.Rng(seed);
  return Object.fromEntries(Object.entries(RNG_STREAMS).map(([k, salt]) => [k, root.fork(salt)])) as RunRngs;
}

export function stepConfig(cfg: GanConfig): StepConfig {
  const t = cfg.train;
  const opt = (lr: number, weightDecay: number) => ({ kind: t.optimizer, lr, beta1: t.beta1, beta2: t.beta2, alpha: t.rmsAlpha, clipNorm: t.clipNorm || undefined, weightDecay: weightDecay || undefined });
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
    optG: opt(t.lrG, t.weightDecayG),
    optD: opt(t.lrD, t.weightDecayD),
  };
}

/** What the GAN types are told about a config's data. */
export function dataInfo(cfg: GanConfig, source: DataSource): DataInfo {
  return { kind: cfg.data.kind, fields: source.fields, shape: source.shape, classes: source.classes, pair: source.pair, table: source.table?.encoding };
}

/** One logged row per step: the step, the step's metrics and its learning rates. */
export type StepRow = Record<string, number>;

export class TrainingSession {
  readonly recipe: GanRecipe;
  readonly built: BuiltStep;
  /** The type's fit stage after the adversarial training (f-AnoGAN's encoder), if it has one. */
  readonly stageStep?: BuiltStep;
  readonly store = new E.StateStore();
  /** Steps trained so far. */
  step = 0;
  /** The step the fit stage began at, once it has (the trainer decides when). */
  stageSince?: number;
  private programs = new Map<string, E.Program>();

  /** `source` must draw from `rngs.data` (see runRngs). */
  constructor(
    readonly cfg: GanConfig,
    readonly source: DataSource,
    readonly rngs: RunRngs,
    readonly device: E.Device = E.defaultDevice(),
  ) {
    this.recipe = buildRecipe(cfg.model, dataInfo(cfg, source));
    this.built = buildTrainStep(this.recipe, source.fields, stepConfig(cfg));
    if (this.recipe.stage) this.stageStep = buildStageStep(this.recipe, this.recipe.stage, source.fields, stepConfig(cfg));
  }

  /** Fresh parameters from the seed's init stream. */
  initialize(): void {
    // The networks' parameters first, in the order their modules declare them; then the rest of
    // the step's state (optimizer moments) as the step declared it.
    const emaStates = new Set(this.built.emaPairs.map(([e]) => e));
    const state = [...this.recipe.G.allParams(), ...this.recipe.D.allParams(), ...this.built.trace.declared().filter((d) => !emaStates.has(d.name))];
    // A fit stage's module and optimizer state come last, so adding one shifts no other draw.
    if (this.recipe.stage) state.push(...this.recipe.stage.module.allParams(), ...this.stageStep!.trace.declared().filter((d) => !emaStates.has(d.name)));
    E.initState(this.store, state, this.rngs.init);
    // The weight average starts as a copy of the weights.
    for (const [e, p] of this.built.emaPairs) this.store.set(e, this.store.floats(p).slice(), this.store.get(p).shape);
    this.step = 0;
    this.stageSince = undefined;
  }

  /** Everything a resume needs: every state tensor, every PRNG and the data's position. */
  checkpoint(): Checkpoint {
    return {
      step: this.step,
      meta: {
        rngs: Object.fromEntries(Object.entries(this.rngs).map(([k, r]) => [k, r.getState()])),
        source: this.source.getState(),
        ...(this.stageSince === undefined ? {} : { stageSince: this.stageSince }),
      },
      tensors: this.store.snapshot(),
    };
  }

  /** Continues from a checkpoint (written by this session, the trainer or a page). */
  restore(c: Checkpoint): void {
    for (const [name, t] of Object.entries(c.tensors)) this.store.set(name, t.data, t.shape, t.dtype);
    const meta = c.meta as { rngs: Record<string, E.RngState>; source: SourceState; stageSince?: number };
    for (const [k, r] of Object.entries(this.rngs)) {
      const st = meta.rngs?.[k];
      if (!st) throw new Error(`checkpoint lacks the state of PRNG stream "${k}"`);
      r.setState(st);
    }
    this.source.setState(meta.source);
    this.step = c.step;
    this.stageSince = meta.stageSince;
  }

  learningRates(step: number): { lrG: number; lrD: number } {
    const t = this.cfg.train;
    if (t.lrSchedule === 'constant') return { lrG: t.lrG, lrD: t.lrD };
    const f = Math.max(t.lrFinal, 1 - (1 - t.lrFinal) * (step / t.steps));
    return { lrG: t.lrG * f, lrD: t.lrD * f };
  }

  /**
   * Runs `n` steps in one call (one program per n, compiled once) and returns their rows; the step
   * advances. Once stageSince is set, the steps are the fit stage's (G and D frozen).
   */
  async run(n: number): Promise<StepRow[]> {
    const stage = this.stageSince !== undefined ? this.recipe.stage : undefined;
    const prog = await this.program(n, stage ? this.stageStep! : this.built);
    const out = await prog.run(this.feeds(n, prog, stage !== undefined));
    const rows: StepRow[] = [];
    for (let i = 0; i < n; i++) {
      const row: StepRow = { step: this.step + i + 1 };
      for (const m of stage ? stageMetrics(stage) : STEP_METRICS) row[m] = (out[m]!.data as Float32Array)[i]!;
      if (stage) row[stageLr(stage)] = stage.lr;
      else {
        const lr = this.learningRates(this.step + i);
        row.lr_G = lr.lrG;
        row.lr_D = lr.lrD;
      }
      rows.push(row);
    }
    this.step += n;
    return rows;
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

  async close(): Promise<void> {
    for (const p of this.programs.values()) await p.release();
    this.programs.clear();
  }
}
