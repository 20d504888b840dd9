// The runs under a runs folder and what the dashboard lists of each, read from what the trainer
// writes (src/run/rundir.ts): config.json, metrics.jsonl, checkpoints/, samples/, and an eval
// report (eval.json) when the user saved one there.
import { closeSync, existsSync, lstatSync, openSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { RunDir } from '../run/rundir.js';
import { runId } from './paths.js';
import type { RunStatus, RunSummary } from './protocol.js';

/** How deep under the runs folder runs are looked for (a sweep's trials are <runs>/<sweep>/<trial>). */
const MAX_DEPTH = 3;
/** metrics.jsonl written to this recently by a process that is not this server's child: "active". */
export const ACTIVE_MS = 15_000;
export const EVAL_FILE = 'eval.json';

/** Run directories (holding config.json) under `root`, depth first; symlinked folders are not followed. */
export function findRuns(root: string): string[] {
  const found: string[] = [];
  const walk = (dir: string, depth: number) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    if (entries.some((e) => e.isFile() && e.name === 'config.json')) {
      found.push(dir);
      return;
    }
    if (depth >= MAX_DEPTH) return;
    for (const e of entries) if (e.isDirectory() && !e.name.startsWith('.')) walk(join(dir, e.name), depth + 1);
  };
  walk(root, 0);
  return found.filter((d) => d !== root).sort();
}

/** The last complete line of a file, read from its end (a metrics log can be 100,000 lines). */
export function lastLine(path: string): string | undefined {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return undefined;
  }
  try {
    const size = statSync(path).size;
    for (let span = 4096; ; span *= 4) {
      const start = Math.max(0, size - span);
      const buf = Buffer.alloc(size - start);
      readSync(fd, buf, 0, buf.length, start);
      const text = buf.toString('utf8');
      const end = text.lastIndexOf('\n');
      if (end < 0) {
        if (start === 0) return undefined;
        continue;
      }
      const begin = text.lastIndexOf('\n', end - 1);
      if (begin >= 0 || start === 0) return text.slice(begin + 1, end);
    }
  } finally {
    closeSync(fd);
  }
}

const stepsIn = (dir: string, re: RegExp) => {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .map((f) => re.exec(f))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => Number(m[1]))
    .sort((a, b) => a - b);
};

const mtime = (p: string) => {
  try {
    return lstatSync(p).mtimeMs;
  } catch {
    return 0;
  }
};

/** The stored config as JSON, unvalidated (an older run's config may not pass today's schema, and is still shown). */
export function readRawConfig(dir: string): Record<string, any> | undefined {
  try {
    return JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as Record<string, any>;
  } catch {
    return undefined;
  }
}

export function summarize(root: string, dir: string, child?: { running: boolean; failed: boolean }): RunSummary {
  const run = new RunDir(dir);
  const cfg = readRawConfig(dir) ?? {};
  const model = (cfg.model ?? {}) as Record<string, unknown>;
  const data = (cfg.data ?? {}) as Record<string, unknown>;
  let step = 0;
  const line = lastLine(run.metricsPath);
  if (line) {
    try {
      step = Number((JSON.parse(line) as { step?: number }).step ?? 0);
    } catch {
      step = 0;
    }
  }
  const total = Number((cfg.train as { steps?: number } | undefined)?.steps ?? 0);
  const updated = Math.max(mtime(run.metricsPath), mtime(run.configPath));
  let status: RunStatus;
  if (child?.running) status = 'running';
  else if (child?.failed) status = 'failed';
  // Written to lately by another process (a child of this server that ended is not one).
  else if (!child && Date.now() - mtime(run.metricsPath) < ACTIVE_MS && step < total) status = 'active';
  else status = step >= total && total > 0 ? 'done' : 'stopped';
  return {
    id: runId(root, dir),
    type: [model.kind, model.variant && model.variant !== 'gan' ? model.variant : undefined].filter(Boolean).join('/'),
    data: [data.kind, data.name ?? data.task].filter(Boolean).join('/'),
    description: typeof cfg.description === 'string' ? cfg.description : undefined,
    step,
    total,
    status,
    updated,
    samples: stepsIn(run.samplesDir, /^step-(\d+)\.png$/),
    checkpoints: run.checkpointSteps(),
    hasEval: existsSync(join(dir, EVAL_FILE)),
  };
}
