// Sweeps over machines: each trial a BullMQ job on Redis; `gan worker` on any machine takes them.
// Run directories live on storage every worker shares. A worker that dies mid-trial stops renewing
// its job's lock; once the lock lapses another worker's stalled-job check puts the job back and
// the next worker resumes the trial from its last good checkpoint (src/sweep/trial.ts).
import { Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import { Redis, type RedisOptions } from 'ioredis';
import type { ConnectionOptions } from 'bullmq';
import * as E from '../engine/index.js';
import type { GanConfig } from '../config/schema.js';
import { InputError } from '../errors.js';
import { TSGAN_VERSION } from '../version.js';
import type { Sweep } from './spec.js';
import { runTrialInChild } from './fork.js';
import type { TrialOutcome } from './trial.js';

export const QUEUE_NAME = 'tsgan-trials';
/** The tsgan version that queued the trials waiting in the queue; workers of another version refuse them. */
const VERSION_KEY = 'tsgan:trials-version';

export interface TrialJob {
  sweep: string;
  trial: { id: string; config: GanConfig };
  /** The runs folder the sweep was given (a worker's --runs replaces it). */
  runs: string;
  version: string;
}

/** redis://[user:password@]host[:port][/db] as ioredis options; errors name the URL. */
export function redisOptions(url: string): RedisOptions {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new InputError(`--queue ${url} is not a Redis URL (expected redis://HOST:PORT)`);
  }
  if (u.protocol !== 'redis:') throw new InputError(`--queue ${url} is not a Redis URL (expected redis://HOST:PORT)`);
  const db = u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0;
  return {
    host: u.hostname,
    port: u.port ? Number(u.port) : 6379,
    db,
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    // Workers need blocking commands that wait for as long as they must.
    maxRetriesPerRequest: null,
  };
}

/** BullMQ's connection: it hands these options to ioredis. */
const connection = (url: string) => redisOptions(url) as ConnectionOptions;

/** A client that gives up at once: reachability is checked before anything is queued or taken. */
async function connect(url: string): Promise<Redis> {
  const client = new Redis({ ...redisOptions(url), lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 3000 });
  // The socket's error (ECONNREFUSED, a DNS failure) says more than the "Connection is closed" connect() rejects with.
  let socketError: Error | undefined;
  client.on('error', (e: Error) => (socketError ??= e));
  try {
    await client.connect();
    await client.ping();
    return client;
  } catch (e) {
    client.disconnect();
    throw new InputError(`cannot reach Redis at ${url}: ${(socketError ?? (e as Error)).message}`, { cause: e });
  }
}

/** Queues a sweep's trials (a trial already queued, by its sweep and id, is not queued twice). */
export async function enqueueSweep(sweep: Sweep, url: string, runs: string): Promise<void> {
  const client = await connect(url);
  try {
    await client.set(VERSION_KEY, TSGAN_VERSION);
  } finally {
    client.disconnect();
  }
  const queue = new Queue<TrialJob>(QUEUE_NAME, { connection: connection(url) });
  try {
    await queue.addBulk(
      sweep.trials.map((t) => ({
        name: `${sweep.name}/${t.id}` as string,
        data: { sweep: sweep.name, trial: { id: t.id, config: t.config }, runs, version: TSGAN_VERSION },
        // A failed trial is retried (by any worker, resuming); finished jobs stay for the record.
        opts: { jobId: `${sweep.name}.${t.id}`, attempts: 3, removeOnComplete: false, removeOnFail: false },
      })),
    );
  } finally {
    await queue.close();
  }
}

/** Waits until every trial of the sweep has finished (or failed for good); reports each as it ends. */
export async function waitForSweep(sweep: Sweep, url: string, onDone: (id: string, ok: boolean, done: number) => void = () => {}): Promise<{ completed: string[]; failed: string[] }> {
  const queue = new Queue<TrialJob>(QUEUE_NAME, { connection: connection(url) });
  const seen = new Set<string>();
  const completed: string[] = [];
  const failed: string[] = [];
  try {
    while (seen.size < sweep.trials.length) {
      for (const t of sweep.trials) {
        if (seen.has(t.id)) continue;
        const job = await queue.getJob(`${sweep.name}.${t.id}`);
        const state = job ? await job.getState() : 'unknown';
        if (state === 'completed' || (state === 'failed' && job!.attemptsMade >= (job!.opts.attempts ?? 1))) {
          seen.add(t.id);
          (state === 'completed' ? completed : failed).push(t.id);
          onDone(t.id, state === 'completed', seen.size);
        }
      }
      if (seen.size < sweep.trials.length) await new Promise((r) => setTimeout(r, 500));
    }
  } finally {
    await queue.close();
  }
  return { completed, failed };
}

export interface WorkerOptions {
  concurrency?: number;
  device?: E.Device;
  /** Replaces the runs folder the jobs name (the shared storage mounted elsewhere on this machine). */
  runs?: string;
  /** How long a job's lock lasts without renewal: a dead worker's trial is taken over after about this long. */
  lockSeconds?: number;
  log?: (m: string) => void;
}

/** Starts a worker taking trials from the queue; resolves once it is listening. */
export async function startWorker(url: string, o: WorkerOptions = {}): Promise<Worker<TrialJob, TrialOutcome>> {
  const client = await connect(url);
  let queued: string | null;
  try {
    queued = await client.get(VERSION_KEY);
  } finally {
    client.disconnect();
  }
  if (queued !== null && queued !== TSGAN_VERSION) {
    throw new InputError(`worker of tsgan ${TSGAN_VERSION} refuses the trials at ${url}: they were queued by tsgan ${queued}; run a worker of tsgan ${queued}`);
  }
  // A device that cannot start is refused here, before any trial is taken.
  if (o.device && o.device !== 'cpu') await E.Program.checkDevice(o.device);
  const lockMs = (o.lockSeconds ?? 30) * 1000;
  const worker = new Worker<TrialJob, TrialOutcome>(
    QUEUE_NAME,
    async (job: Job<TrialJob>) => {
      if (job.data.version !== TSGAN_VERSION) throw new UnrecoverableError(`trial ${job.name} was queued by tsgan ${job.data.version}; this worker is tsgan ${TSGAN_VERSION}`);
      o.log?.(`trial ${job.name}: started (attempt ${job.attemptsMade + 1})`);
      // In a child process: trials taken side by side run on a core each (./fork.ts).
      const outcome = await runTrialInChild(job.data.sweep, job.data.trial, o.runs ?? job.data.runs, { device: o.device, log: o.log });
      o.log?.(`trial ${job.name}: done at step ${outcome.step}`);
      return outcome;
    },
    {
      connection: connection(url),
      concurrency: o.concurrency ?? 1,
      lockDuration: lockMs,
      stalledInterval: Math.max(500, lockMs / 2),
      // A trial whose worker died is taken over, resuming; after this many deaths it fails for good.
      maxStalledCount: 5,
    },
  );
  await worker.waitUntilReady();
  return worker;
}
