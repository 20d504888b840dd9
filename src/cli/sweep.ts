// `gan sweep` and `gan worker`: many runs of one config, here or on any machine that reaches Redis.
import type { Command } from 'commander';
import * as E from '../engine/index.js';
import { InputError } from '../errors.js';
import { readSweep } from '../sweep/spec.js';
import { runSweepLocally } from '../sweep/local.js';
import { enqueueSweep, startWorker, waitForSweep } from '../sweep/queue.js';
import { writeReport } from '../sweep/report.js';
import { untilStopSignal } from './signals.js';

const count = (name: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InputError(`--${name} must be a whole number >= 1, got "${v}"`);
  return n;
};
const seconds = (v: string) => {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new InputError(`--lock-seconds must be a positive number, got "${v}"`);
  return n;
};
const say = (m: string) => process.stderr.write(`${m}\n`);

interface SweepFlags {
  config: string;
  runs: string;
  parallel: number;
  queue?: string;
  report?: boolean;
  wait: boolean;
}

async function sweep(f: SweepFlags): Promise<number> {
  const s = readSweep(f.config); // every trial's config is validated here, before anything runs or is queued
  if (f.report) {
    const r = await writeReport(s, f.runs);
    process.stdout.write(`${r.text}\n`);
    say(`wrote ${r.files.join(' and ')}`);
    return 0;
  }
  say(`sweep ${s.name}: ${s.trials.length} trials into ${f.runs}/${s.name}`);
  if (!f.queue) {
    // SIGINT/SIGTERM: the running trials stop with a checkpoint (a later `gan sweep` resumes them), no more start.
    const stop = new AbortController();
    let signalCode = 0;
    const onSignal = (sig: NodeJS.Signals, code: number) => () => {
      signalCode = code;
      stop.abort();
      say(`${sig}: stopping the running trials with a checkpoint`);
    };
    const handlers: [NodeJS.Signals, () => void][] = [['SIGINT', onSignal('SIGINT', 130)], ['SIGTERM', onSignal('SIGTERM', 143)]];
    for (const [sig, h] of handlers) process.once(sig, h);
    try {
      const outcomes = await runSweepLocally(s, {
        runs: f.runs,
        parallel: f.parallel,
        device: E.defaultDevice(),
        signal: stop.signal,
        log: say,
        onTrialDone: (t, done, total) => say(`trial ${t.id} ${t.step >= s.trials.find((x) => x.id === t.id)!.config.train.steps ? 'done' : 'stopped'} at step ${t.step} (${done}/${total})`),
      });
      if (signalCode) say(`${outcomes.length} of ${s.trials.length} trials ran; run the same command again to finish the sweep`);
    } finally {
      for (const [sig, h] of handlers) process.removeListener(sig, h);
    }
    return signalCode;
  }
  await enqueueSweep(s, f.queue, f.runs);
  say(`queued ${s.trials.length} trials on ${f.queue}; workers take them (gan worker --queue ${f.queue})`);
  if (!f.wait) return 0;
  const { failed } = await waitForSweep(s, f.queue, (id, ok, done) => say(`trial ${id} ${ok ? 'done' : 'failed'} (${done}/${s.trials.length})`));
  if (failed.length) say(`${failed.length} trials failed: ${failed.join(', ')} (the workers' logs say why)`);
  return failed.length ? 1 : 0;
}

interface WorkerFlags {
  queue: string;
  concurrency: number;
  runs?: string;
  lockSeconds: number;
}

async function worker(f: WorkerFlags): Promise<number> {
  const w = await startWorker(f.queue, { concurrency: f.concurrency, runs: f.runs, lockSeconds: f.lockSeconds, device: E.defaultDevice(), log: say });
  say(`worker on ${f.queue}: taking up to ${f.concurrency} trial(s) at a time`);
  await untilStopSignal();
  say('worker stopping after its current trials');
  await w.close();
  return 0;
}

export function addSweepCommands(program: Command): void {
  program
    .command('sweep')
    .description('train every trial of a sweep file (a base config, axes of config keys, seeds): here, or as jobs on a Redis queue')
    .requiredOption('--config <file>', 'the sweep file (.yaml, .yml or .json)')
    .option('--runs <dir>', "where the trials' run directories go (<runs>/<sweep name>/<trial>); with --queue, storage every worker shares", 'runs')
    .option('--parallel <n>', 'trials at a time, here (each in its own process, single-threaded)', count('parallel'), 1)
    .option('--queue <url>', 'queue the trials on Redis (redis://HOST:PORT) for `gan worker` processes instead of running them here')
    .option('--no-wait', 'with --queue: return once the trials are queued')
    .option('--report', "rank the trials by the sweep's metric; writes report.json and report.svg into the sweep's folder")
    .action(async (f: SweepFlags) => {
      process.exitCode = await sweep(f);
    });

  program
    .command('worker')
    .description('take sweep trials from a Redis queue and train them, until stopped (SIGINT/SIGTERM)')
    .requiredOption('--queue <url>', 'the Redis queue (redis://HOST:PORT)')
    .option('--concurrency <n>', 'trials at a time (each in its own process, single-threaded)', count('concurrency'), 1)
    .option('--runs <dir>', 'where the shared runs folder is mounted here (default: the path the sweep gave)')
    .option('--lock-seconds <s>', "a trial whose worker stops renewing its lock this long is taken over by another worker", seconds, 30)
    .action(async (f: WorkerFlags) => {
      process.exitCode = await worker(f);
    });
}
