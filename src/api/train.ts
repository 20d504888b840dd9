// train(): what `gan train` does, for a program. A new run from a preset or a config (with
// overrides), or the run in `out` resumed from its last good checkpoint; stops at a step count, a
// time limit or an abort signal (with a checkpoint), and gives back a handle to the trained run.
import { refuseChangingOverrides, resolveConfig, type ConfigInput } from '../config/load.js';
import type { Override } from '../config/merge.js';
import type { GanConfig } from '../config/schema.js';
import { InputError } from '../errors.js';
import { Trainer, type TrainOptions, type TrainResult } from '../gan/trainer.js';
import { countFlops } from '../nn/flops.js';
import { RunDir } from '../run/rundir.js';
import type { Device } from '../engine/index.js';
import { Run } from './run.js';

export interface TrainRunOptions {
  /** The run directory (everything the run writes goes there). */
  out: string;
  /** Train until this total step (default: the config's train.steps). */
  steps?: number;
  /** Stop after this many minutes of training, with a checkpoint. */
  minutes?: number;
  /** Seed of every random draw (new runs only; default: the config's seed). */
  seed?: number;
  /** Continue the run in `out` from its last good checkpoint, with the config stored there. */
  resume?: boolean;
  /** Keys to change in the config (`--set`), merged onto it before it is validated. */
  set?: Override[];
  /** How messages name the config (default: "preset NAME" or "object"). */
  source?: string;
  /** Stops training after the current call of steps, with a checkpoint. */
  signal?: AbortSignal;
  /** Called once the run is open: the step it starts from, the step it trains to, and the model's size. */
  onStart?: (p: { step: number; total: number; model: ModelSize }) => void;
  onProgress?: TrainOptions['onProgress'];
  /** Diagnostics (resume notices, skipped corrupt checkpoints). */
  log?: (msg: string) => void;
  /** Where the training steps run (overrides the config's train.device). */
  device?: Device;
}

/** The model summary `gan train` prints: trainable parameters of G and D, and the arithmetic of one training step. */
export interface ModelSize {
  paramsG: number;
  paramsD: number;
  /** FLOPs of one training step (D steps and G step) in matrix products and convolutions, 2 per multiply-add. */
  flopsPerStep: number;
  batch: number;
}

const modelSize = (t: Trainer): ModelSize => ({ paramsG: t.recipe.G.paramCount(), paramsD: t.recipe.D.paramCount(), flopsPerStep: countFlops(t.built.spec), batch: t.cfg.train.batch });

/** Training stopped on a non-finite loss; the run keeps its last good checkpoint. */
export class TrainingError extends Error {
  constructor(
    message: string,
    readonly result: TrainResult,
  ) {
    super(message);
    this.name = 'TrainingError';
  }
}

/** The config a run trains with: the stored one when resuming, else the given one with its overrides. */
function runConfig(config: ConfigInput | undefined, o: TrainRunOptions, run: RunDir): GanConfig {
  // A bad preset, config or override is reported first, whether the run resumes or not.
  const given = config === undefined ? undefined : resolveConfig(config, o.set, o.source);
  let cfg: GanConfig;
  if (o.resume && run.hasRun()) {
    cfg = run.readConfig();
    refuseChangingOverrides(cfg, o.set ?? [], run.configPath);
    if (given && JSON.stringify(given) !== JSON.stringify(cfg)) o.log?.(`note: resuming ${o.out} with the config stored in the run, not the one given`);
  } else {
    if (!given) throw new InputError(`run directory ${o.out} holds no run to resume`);
    if (run.hasRun()) throw new InputError(`run directory ${o.out} already holds a run; pass --resume to continue it or choose another --out`);
    cfg = o.seed === undefined ? given : { ...given, seed: o.seed };
  }
  if (o.steps !== undefined) cfg = { ...cfg, train: { ...cfg.train, steps: o.steps, epochs: undefined } };
  return cfg;
}

/**
 * Trains a GAN (a preset's name, or a config object that may name a preset) into `o.out`, and
 * returns the trained run (`run.result` says how far it got and why it stopped).
 */
export async function train(config: ConfigInput | undefined, o: TrainRunOptions): Promise<Run> {
  const cfg = runConfig(config, o, new RunDir(o.out));
  const trainer = await Trainer.open(cfg, o.out, { resume: o.resume, log: o.log, device: o.device });
  o.onStart?.({ step: trainer.step, total: trainer.cfg.train.steps, model: modelSize(trainer) });
  const stop = () => trainer.requestStop();
  o.signal?.addEventListener('abort', stop);
  if (o.signal?.aborted) stop();
  let result: TrainResult;
  try {
    result = await trainer.train({ minutes: o.minutes, onProgress: o.onProgress, log: o.log });
  } finally {
    o.signal?.removeEventListener('abort', stop);
    await trainer.close();
  }
  if (result.stoppedBy === 'nan') throw new TrainingError(result.message!, result);
  // The trainer's state is what its last checkpoint holds: no need to read it back.
  const run = Run.of({ cfg: trainer.cfg, recipe: trainer.recipe, store: trainer.store, step: trainer.step, source: trainer.source, run: trainer.run });
  run.result = result;
  return run;
}
