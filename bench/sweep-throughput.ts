// Sweep throughput: trials per hour run here (`gan sweep --parallel 1|2`) and through the queue
// (`gan worker` processes on a real redis-server, 1 and 2 workers), the same trials each time, and
// the queue's cost per trial against the local executor. Runs the built CLI (dist/, `npm run build`)
// as a user would; each trial trains in a process of its own, single-threaded.
// Taken in rounds (every row once per round) so that load changes reach every row alike; each row's
// figure is the median of its rounds.
// usage: npm run bench -- --sweep [...], or npx tsx bench/sweep-throughput.ts [--trials 8] [--steps 3000] [--preset ring8-drs] [--rounds 3] [--json]
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ENTRY = fileURLToPath(new URL('../dist/cli/entry.js', import.meta.url));
const say = (s: string) => process.stderr.write(`${s}\n`);

function gan(args: string[], log?: (s: string) => void): ChildProcess {
  const c = spawn(process.execPath, [ENTRY, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  c.stderr!.on('data', (d: Buffer) => log?.(d.toString()));
  return c;
}

const exited = (c: ChildProcess) => new Promise<number>((r) => c.on('exit', (code) => r(code ?? -1)));

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: process.argv.slice(2).filter((a) => a !== '--sweep'),
    options: {
      trials: { type: 'string', default: '8' },
      steps: { type: 'string', default: '3000' },
      preset: { type: 'string', default: 'ring8-drs' },
      rounds: { type: 'string', default: '3' },
      json: { type: 'boolean', default: false },
    },
  });
  if (!existsSync(join(ENTRY, '..', '..', 'sweep', 'child.js')))
    throw new Error(`${ENTRY} is missing or out of date: run npm run build first`);
  const trials = Number(values.trials);
  const children: ChildProcess[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'tsgan-sweep-bench-'));
  const file = join(dir, 'sweep.json');
  // `trials` trials: one axis value per trial, so every trial is a distinct run of the same size.
  const lrs = Array.from({ length: trials }, (_, i) => Number((2e-4 * (1 + i / trials)).toPrecision(4)));
  writeFileSync(
    file,
    JSON.stringify({
      name: 'tp',
      base: { preset: values.preset, train: { checkpointEvery: 1000, sampleEvery: 1000000 } },
      axes: { 'train.lrG': lrs },
      seeds: [1],
      steps: Number(values.steps),
    }),
  );
  const times = new Map<string, number[]>();
  let round = 0;
  const timed = async (how: string, run: (runs: string) => Promise<void>) => {
    const runs = join(dir, `${how.replace(/\W+/g, '-')}-${round}`);
    const t0 = performance.now();
    await run(runs);
    const seconds = (performance.now() - t0) / 1000;
    times.set(how, [...(times.get(how) ?? []), seconds]);
    say(`${how}: ${seconds.toFixed(1)} s (round ${round + 1})`);
  };
  const port = await freePort();
  const redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: 'ignore',
  });
  children.push(redis);
  await new Promise((r) => setTimeout(r, 500));
  try {
    for (round = 0; round < Number(values.rounds); round++) {
      for (const parallel of [1, 2]) {
        await timed(`here, --parallel ${parallel}`, async (runs) => {
          const code = await exited(gan(['sweep', '--config', file, '--runs', runs, '--parallel', String(parallel)]));
          if (code !== 0) throw new Error(`gan sweep exited with ${code}`);
        });
      }
      for (const workers of [1, 2]) {
        // A database of its own per row and round: no job of another row is in its queue.
        const url = `redis://127.0.0.1:${port}/${round * 2 + workers}`;
        // Workers start (and are ready) before the clock starts, as on machines already waiting for work.
        const logs = Array.from({ length: workers }, () => '');
        const ws = logs.map((_, i) => gan(['worker', '--queue', url], (s) => (logs[i] += s)));
        children.push(...ws);
        while (!logs.every((l) => l.includes('taking up to'))) await new Promise((r) => setTimeout(r, 100));
        await timed(`queue, ${workers} worker${workers > 1 ? 's' : ''}`, async (runs) => {
          const code = await exited(gan(['sweep', '--config', file, '--runs', runs, '--queue', url]));
          if (code !== 0) throw new Error(`gan sweep --queue exited with ${code}`);
        });
        for (const w of ws) w.kill('SIGTERM');
        await Promise.all(ws.map(exited));
      }
    }
  } finally {
    for (const c of children) c.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
  const r1 = (x: number) => Math.round(x * 10) / 10;
  const rows = [...times].map(([how, xs]) => ({
    how,
    seconds: r1(median(xs)),
    rounds: xs.map(r1),
    trialsPerHour: Math.round((trials * 3600) / median(xs)),
  }));
  const at = (how: string) => rows.find((r) => r.how === how)!.seconds;
  const summary = {
    trials,
    steps: Number(values.steps),
    preset: values.preset,
    speedup_2_parallel: Math.round((at('here, --parallel 1') / at('here, --parallel 2')) * 100) / 100,
    speedup_2_workers: Math.round((at('queue, 1 worker') / at('queue, 2 workers')) * 100) / 100,
    queue_overhead_s_per_trial: Math.round(((at('queue, 1 worker') - at('here, --parallel 1')) / trials) * 100) / 100,
  };
  if (values.json) {
    for (const r of rows) console.log(JSON.stringify(r));
    console.log(JSON.stringify(summary));
  } else {
    for (const r of rows)
      console.log(`${r.how.padEnd(22)} ${r.seconds.toFixed(1).padStart(7)} s  ${String(r.trialsPerHour).padStart(6)} trials/hour`);
    console.log(JSON.stringify(summary));
  }
}

await main();
