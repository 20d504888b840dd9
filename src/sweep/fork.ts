// A trial in a child process of its own. onnxruntime-node runs a session synchronously on the
// calling thread, so trials side by side in one process take turns on one core; each in its own
// process, they use one core each. Used by the local executor (--parallel) and by `gan worker`.
import { fork } from 'node:child_process';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { GanConfig } from '../config/schema.js';
import type { Device } from '../engine/index.js';
import type { TrialOutcome } from './trial.js';

export interface ParentMessage {
  sweep: string;
  trial: { id: string; config: GanConfig };
  runs: string;
  device?: Device;
}

export type ChildMessage = { kind: 'log'; message: string } | { kind: 'done'; outcome: TrialOutcome } | { kind: 'error'; message: string };

const here = fileURLToPath(import.meta.url);
// Run from source (tests, `npx tsx`), the child is a .ts file and needs tsx's loader; built, plain node.
const CHILD = join(dirname(here), `child${extname(here)}`);
const LOADER = extname(here) === '.ts' ? ['--import', 'tsx'] : [];

export interface ForkOptions {
  device?: Device;
  log?: (m: string) => void;
  /** Aborting sends the child SIGTERM: it stops with a checkpoint, and the outcome says how far it got. */
  signal?: AbortSignal;
}

/** Trains one trial in a child process; resolves with its outcome, rejects with its error. */
export function runTrialInChild(sweep: string, trial: ParentMessage['trial'], runs: string, o: ForkOptions = {}): Promise<TrialOutcome> {
  // Its own process group: a Ctrl-C at the terminal reaches the parent, which decides what the trials do.
  const child = fork(CHILD, [], { execArgv: LOADER, detached: true, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  o.log?.(`trial ${trial.id}: training in process ${child.pid}`);
  const stop = () => child.kill('SIGTERM');
  o.signal?.addEventListener('abort', stop);
  return new Promise<TrialOutcome>((resolve, reject) => {
    let settled: { outcome?: TrialOutcome; error?: string } | undefined;
    child.on('message', (m: ChildMessage) => {
      if (m.kind === 'log') o.log?.(m.message);
      else settled = m.kind === 'done' ? { outcome: m.outcome } : { error: m.message };
    });
    child.on('error', (e) => reject(new Error(`trial ${trial.id}: cannot start its process: ${e.message}`)));
    child.on('exit', (code, signal) => {
      o.signal?.removeEventListener('abort', stop);
      if (settled?.outcome) resolve(settled.outcome);
      else if (settled?.error !== undefined) reject(new Error(settled.error));
      else reject(new Error(`trial ${trial.id}: its process ended (${signal ?? `exit code ${code}`}) before the trial finished`));
    });
    if (o.signal?.aborted) stop();
    child.send({ sweep, trial, runs, device: o.device } satisfies ParentMessage);
  });
}
