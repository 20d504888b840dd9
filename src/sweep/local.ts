// The embedded executor: a sweep's trials run in this process, `parallel` at a time. Each trial's
// programs run single-threaded (ONNX Runtime's sessions run off the event loop, so trials side
// by side use as many cores), which also makes a trial's numbers independent of where it ran.
import pLimit from 'p-limit';
import * as E from '../engine/index.js';
import type { Sweep } from './spec.js';
import { runTrial, type TrialOutcome } from './trial.js';

export interface LocalOptions {
  runs: string;
  parallel?: number;
  device?: E.Device;
  log?: (m: string) => void;
  onTrialDone?: (t: TrialOutcome, done: number, total: number) => void;
}

export async function runSweepLocally(sweep: Sweep, o: LocalOptions): Promise<TrialOutcome[]> {
  E.setDefaultThreads(1);
  const limit = pLimit(Math.max(1, o.parallel ?? 1));
  let done = 0;
  return Promise.all(
    sweep.trials.map((trial) =>
      limit(async () => {
        const outcome = await runTrial(sweep.name, trial, o.runs, { device: o.device, log: o.log });
        o.onTrialDone?.(outcome, ++done, sweep.trials.length);
        return outcome;
      }),
    ),
  );
}
