// One trial of a sweep: an ordinary run directory under <runs>/<sweep>/<trial id>. A trial that was
// interrupted (its process killed, its worker gone) resumes from its last good checkpoint; one that
// already reached its step count is not trained again.
import { join } from 'node:path';
import { train } from '../api/train.js';
import type { ConfigInput } from '../config/load.js';
import type { Device } from '../engine/index.js';
import { RunDir } from '../run/rundir.js';
import type { Trial } from './spec.js';

export interface TrialOutcome {
  id: string;
  /** The run directory. */
  dir: string;
  /** The step the run reached. */
  step: number;
  /** The step it started from (0 for a new run; the last good checkpoint's step when it resumed). */
  resumedFrom: number;
}

export const trialDir = (runs: string, sweep: string, id: string) => join(runs, sweep, id);

/** The step of a run's last good checkpoint (0 when it has none). */
function lastGoodStep(run: RunDir): number {
  if (!run.hasRun()) return 0;
  return run.latestGoodCheckpoint(() => {})?.step ?? 0;
}

export async function runTrial(
  sweep: string,
  trial: Pick<Trial, 'id' | 'config'>,
  runs: string,
  o: { device?: Device; log?: (m: string) => void; signal?: AbortSignal } = {},
): Promise<TrialOutcome> {
  const dir = trialDir(runs, sweep, trial.id);
  const run = new RunDir(dir);
  const resumedFrom = lastGoodStep(run);
  const steps = trial.config.train.steps;
  if (resumedFrom >= steps) return { id: trial.id, dir, step: resumedFrom, resumedFrom };
  if (resumedFrom > 0) o.log?.(`trial ${trial.id}: resuming from step ${resumedFrom}`);
  const r = await train(trial.config as unknown as ConfigInput, {
    out: dir,
    resume: run.hasRun(),
    device: o.device,
    signal: o.signal,
    source: `trial ${trial.id}`,
    log: o.log,
  });
  return { id: trial.id, dir, step: r.result!.step, resumedFrom };
}
