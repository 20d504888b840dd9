// The embedded executor: a sweep's trials run here, `parallel` at a time, each in a child process
// of its own (./fork.ts) and single-threaded, which also makes a trial's numbers independent of
// where it ran. Aborting stops the running trials with a checkpoint and starts no more.
import pLimit from 'p-limit';
import * as E from '../engine/index.js';
import type { Sweep } from './spec.js';
import { runTrialInChild } from './fork.js';
import type { TrialOutcome } from './trial.js';

export interface LocalOptions {
  runs: string;
  parallel?: number;
  device?: E.Device;
  log?: (m: string) => void;
  onTrialDone?: (t: TrialOutcome, done: number, total: number) => void;
  signal?: AbortSignal;
}

/** Every trial's outcome, in the sweep's order; a trial not started because of an abort is left out. */
export async function runSweepLocally(sweep: Sweep, o: LocalOptions): Promise<TrialOutcome[]> {
  // A device that cannot start is refused here, before any trial starts.
  if (o.device && o.device !== 'cpu') await E.Program.checkDevice(o.device);
  const limit = pLimit(Math.max(1, o.parallel ?? 1));
  let done = 0;
  const outcomes = await Promise.all(
    sweep.trials.map((trial) =>
      limit(async () => {
        if (o.signal?.aborted) return undefined;
        const outcome = await runTrialInChild(sweep.name, trial, o.runs, { device: o.device, log: o.log, signal: o.signal });
        o.onTrialDone?.(outcome, ++done, sweep.trials.length);
        return outcome;
      }),
    ),
  );
  return outcomes.filter((t): t is TrialOutcome => t !== undefined);
}
