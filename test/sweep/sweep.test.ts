// Sweeps: trials expanded and validated from a sweep file, run here, or as BullMQ jobs on a real
// redis-server taken by two `gan worker` processes, one of them killed (SIGKILL) mid-trial.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../tempdir.js';
import { expandSweep } from '../../src/sweep/spec.js';
import { runSweepLocally } from '../../src/sweep/local.js';
import { enqueueSweep, startWorker } from '../../src/sweep/queue.js';
import { finalMetric, rankTrials } from '../../src/sweep/report.js';
import { readCheckpoint } from '../../src/run/checkpoint.js';
import { RunDir } from '../../src/run/rundir.js';
import { TSGAN_VERSION } from '../../src/version.js';

const ENTRY = join(process.cwd(), 'src', 'cli', 'entry.ts');
const gan = (...args: string[]) => spawn(process.execPath, ['--import', 'tsx', ENTRY, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });

/** A small ring8 model: a trial trains in a few seconds, with a checkpoint every 50 steps. */
const base = {
  preset: 'ring8',
  model: { gHidden: [16, 16], dHidden: [16, 16] },
  train: { batch: 32, checkpointEvery: 50, sampleEvery: 100000 },
};

function sweepOf(over: Record<string, unknown> = {}) {
  return expandSweep({ base, axes: { 'train.lrG': [0.0002, 0.0005] }, seeds: [1, 2], steps: 400, ...over }, 'test.yaml', 'grid');
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
});

/** A real redis-server on a free localhost port, keeping nothing on disk. */
async function startRedis(): Promise<string> {
  const port = await freePort();
  const server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  children.push(server);
  for (let tries = 0; ; tries++) {
    const client = new Redis({ port, lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
    client.on('error', () => {});
    try {
      await client.connect();
      await client.ping();
      return `redis://127.0.0.1:${port}`;
    } catch (e) {
      if (tries > 100) throw e;
      await new Promise((r) => setTimeout(r, 50));
    } finally {
      client.disconnect();
    }
  }
}

const sameTensors = (a: string, b: string) => {
  const ta = readCheckpoint(a).tensors;
  const tb = readCheckpoint(b).tensors;
  return Object.entries(ta).every(([k, v]) => Buffer.from(v.data.buffer, v.data.byteOffset, v.data.byteLength).equals(Buffer.from(tb[k]!.data.buffer, tb[k]!.data.byteOffset, tb[k]!.data.byteLength)));
};

describe('sweep files', () => {
  it('expands a grid over axes and seeds into validated trials', () => {
    const s = expandSweep({ base, axes: { 'train.lrG': [0.0002, 0.0005], 'train.dSteps': { range: [1, 3], count: 3 } }, seeds: [1, 2], steps: 300 }, 'test.yaml', 'grid');
    expect(s.trials.map((t) => t.id)).toEqual(Array.from({ length: 6 }, (_, k) => [`t00${k}-s1`, `t00${k}-s2`]).flat());
    expect(s.trials[3]!.values).toEqual({ 'train.lrG': 0.0002, 'train.dSteps': 2 });
    expect(s.trials[3]!.config.train).toMatchObject({ lrG: 0.0002, dSteps: 2, steps: 300, batch: 32 });
    expect(s.trials[3]!.config.seed).toBe(2);
  });

  it('draws random trials reproducibly, log-uniform within their bounds', () => {
    const spec = { base, search: 'random', trials: 5, axes: { 'train.lrG': { logUniform: [1e-5, 1e-2] }, 'model.gSlope': [0, 0.2] } };
    const a = expandSweep(spec, 'r.yaml').trials.map((t) => t.values);
    expect(expandSweep(spec, 'r.yaml').trials.map((t) => t.values)).toEqual(a);
    expect(expandSweep({ ...spec, drawSeed: 1 }, 'r.yaml').trials.map((t) => t.values)).not.toEqual(a);
    for (const v of a) {
      expect(v['train.lrG']).toBeGreaterThanOrEqual(1e-5);
      expect(v['train.lrG']).toBeLessThanOrEqual(1e-2);
      expect([0, 0.2]).toContain(v['model.gSlope']);
    }
  });

  it('refuses an unknown key, an out-of-range value and a random axis in a grid, naming the trial', () => {
    expect(() => expandSweep({ base, axes: { 'train.lrX': [1] } }, 'bad.yaml')).toThrow('config sweep bad.yaml, trial t000-s0 (train.lrX=1): unknown key "train.lrX"');
    expect(() => expandSweep({ base, axes: { 'train.lrG': [0.001, -1] } }, 'bad.yaml')).toThrow('config sweep bad.yaml, trial t001-s0 (train.lrG=-1): "train.lrG": must be > 0, got -1');
    expect(() => expandSweep({ base, axes: { 'train.lrG': { logUniform: [1e-4, 1e-3] } } }, 'bad.yaml')).toThrow('sweep bad.yaml: axis "train.lrG" draws values at random; it needs search: random');
    expect(() => expandSweep({ base, axis: {} }, 'bad.yaml')).toThrow('sweep bad.yaml: Unrecognized key: "axis"');
  });

  it('ranks trials by the mean of the metric over the last tenth of their steps', () => {
    const rows = Array.from({ length: 20 }, (_, i) => ({ step: i + 1, loss_G: i }));
    expect(finalMetric(rows, 'loss_G')).toBe(18.5);
    expect(() => finalMetric(rows, 'fid')).toThrow('metric "fid" is not a column of metrics.jsonl; its columns are step, loss_G');
  });
});

describe('sweeps here and on a queue', () => {
  const localRuns = tempDir('sweep-local');
  const s = sweepOf();

  it('runs the trials here, two at a time in processes of their own, and resumes an interrupted one', async () => {
    const lines: string[] = [];
    const done = await runSweepLocally(s, { runs: localRuns, parallel: 2, log: (m) => lines.push(m) });
    const pids = lines.map((l) => /: training in process (\d+)$/.exec(l)?.[1]).filter((p) => p !== undefined).map(Number);
    expect(pids).toHaveLength(4);
    expect(new Set(pids).size).toBe(4);
    expect(pids).not.toContain(process.pid);
    expect(done.map((t) => [t.id, t.step])).toEqual(s.trials.map((t) => [t.id, 400]));
    // A second pass trains nothing: every trial reached its step count.
    const again = await runSweepLocally(s, { runs: localRuns, parallel: 2 });
    expect(again.every((t) => t.resumedFrom === 400)).toBe(true);
    const ranked = rankTrials(s, localRuns);
    expect(ranked.map((r) => r.rank)).toEqual([1, 2, 3, 4]);
    const values = ranked.map((r) => r.value!);
    expect([...values].sort((a, b) => a - b)).toEqual(values);
  });

  it('an abort stops the running trials with a checkpoint and starts no more; the next pass finishes them alike', async () => {
    const runs = tempDir('sweep-abort');
    const stop = new AbortController();
    const lines: string[] = [];
    const firstTrial = join(runs, 'grid', s.trials[0]!.id, 'checkpoints');
    const pass = runSweepLocally(s, { runs, parallel: 1, signal: stop.signal, log: (m) => lines.push(m) });
    await waitFor(() => existsSync(firstTrial) && readdirSync(firstTrial).length > 0, 60_000);
    stop.abort();
    const stopped = await pass;
    expect(stopped).toHaveLength(1);
    expect(stopped[0]!.step).toBeGreaterThan(0);
    expect(stopped[0]!.step).toBeLessThan(400);
    expect(new RunDir(stopped[0]!.dir).latestGoodCheckpoint(() => {})!.step).toBe(stopped[0]!.step);
    const finished = await runSweepLocally(s, { runs, parallel: 2 });
    expect(finished[0]!.resumedFrom).toBe(stopped[0]!.step);
    for (const t of finished) expect(sameTensors(new RunDir(t.dir).checkpointPath(400), new RunDir(join(localRuns, 'grid', t.id)).checkpointPath(400)), t.id).toBe(true);
  });

  it('two workers take the queued trials; one killed mid-trial, the other resumes it; the results equal the local ones', async () => {
    const url = await startRedis();
    const runs = tempDir('sweep-queue');
    const logs = ['', ''];
    const workers = [0, 1].map((i) => {
      const w = gan('worker', '--queue', url, '--lock-seconds', '1');
      w.stderr!.on('data', (d: Buffer) => (logs[i] += d.toString()));
      children.push(w);
      return w;
    });
    await Promise.all(logs.map((_, i) => waitFor(() => logs[i]!.includes('taking up to 1 trial'), 30_000)));
    await enqueueSweep(s, url, runs);
    // Kill the first worker once its trial has written a checkpoint.
    await waitFor(() => {
      const id = /trial grid\/(t\d+-s\d+): started/.exec(logs[0]!)?.[1];
      return id !== undefined && existsSync(join(runs, 'grid', id, 'checkpoints')) && readdirSync(join(runs, 'grid', id, 'checkpoints')).length > 0;
    }, 60_000);
    const killed = /trial grid\/(t\d+-s\d+): started/.exec(logs[0]!)![1]!;
    const orphan = Number(new RegExp(`trial ${killed}: training in process (\\d+)`).exec(logs[0]!)![1]);
    workers[0]!.kill('SIGKILL');
    // The killed worker's trial process goes with it: nothing else writes into the run the other worker resumes.
    await waitFor(() => !alive(orphan), 10_000);
    await waitFor(() => (logs[1]!.match(/: done at step 400/g) ?? []).length + (logs[0]!.match(/: done at step 400/g) ?? []).length >= 4 && logs[1]!.includes(`trial grid/${killed}: done`), 120_000);
    expect(logs[1]).toMatch(new RegExp(`trial ${killed}: resuming from step [1-9]\\d*`));
    for (const t of s.trials) {
      const path = new RunDir(join(runs, 'grid', t.id)).checkpointPath(400);
      expect(sameTensors(path, new RunDir(join(localRuns, 'grid', t.id)).checkpointPath(400)), t.id).toBe(true);
    }
    workers[1]!.kill('SIGTERM');
  });

  it('refuses a worker of another version than the queued trials, by name', async () => {
    const url = await startRedis();
    const client = new Redis(url);
    await client.set('tsgan:trials-version', '0.0.1');
    client.disconnect();
    await expect(startWorker(url)).rejects.toThrow(`worker of tsgan ${TSGAN_VERSION} refuses the trials at ${url}: they were queued by tsgan 0.0.1; run a worker of tsgan 0.0.1`);
  });

  it('refuses an unreachable Redis before queueing anything, and writes nothing', async () => {
    const port = await freePort();
    const runs = tempDir('sweep-unreachable');
    const file = join(runs, 'sweep.yaml');
    writeFileSync(file, JSON.stringify({ base, steps: 10 }));
    const child = gan('sweep', '--config', file, '--runs', join(runs, 'out'), '--queue', `redis://127.0.0.1:${port}`);
    let err = '';
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise((r) => child.on('exit', r));
    expect(code).toBe(2);
    expect(err).toContain(`gan: cannot reach Redis at redis://127.0.0.1:${port}: connect ECONNREFUSED 127.0.0.1:${port}`);
    expect(existsSync(join(runs, 'out'))).toBe(false);
  });
});

/** Whether a process still runs (a zombie, ended but not yet reaped by whoever adopted it, does not). */
function alive(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]![0] !== 'Z';
  } catch {
    return false;
  }
}

async function waitFor(ok: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 100));
  }
}
