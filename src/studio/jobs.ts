// Trainings the studio starts: each is `gan train` in a child process, exactly as on the command
// line, so a run started from the page is the same run the CLI would make. Stop sends SIGTERM, on
// which `gan train` finishes its current call of steps, writes a checkpoint and exits (143);
// resume is `gan train --out DIR --resume`.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '../errors.js';

/** The `gan` command's entry beside this module: dist/cli/entry.js, or src/cli/entry.ts run with tsx. */
export function ganCommand(): string[] {
  const here = fileURLToPath(import.meta.url);
  const ts = here.endsWith('.ts');
  const entry = fileURLToPath(new URL(`../cli/entry.${ts ? 'ts' : 'js'}`, import.meta.url));
  return ts ? ['--import', 'tsx', entry] : [entry];
}

/** Lines of a child's stderr kept for the page. */
const LOG_LINES = 200;
/** `gan train`'s exit codes that are no failure: done, SIGINT, SIGTERM (both with a checkpoint). */
const CLEAN_EXITS = new Set([0, 130, 143]);

export interface Job {
  child: ChildProcess;
  log: string[];
  running: boolean;
  exitCode?: number | null;
  /** Resolves when the child has exited. */
  exited: Promise<void>;
}

export class Jobs {
  private jobs = new Map<string, Job>();

  constructor(private readonly onChange: () => void = () => {}) {}

  get(id: string): Job | undefined {
    return this.jobs.get(id);
  }

  /** What the run list needs of a run's job. */
  state(id: string): { running: boolean; failed: boolean } | undefined {
    const j = this.jobs.get(id);
    return j && { running: j.running, failed: !j.running && !CLEAN_EXITS.has(j.exitCode ?? -1) };
  }

  isRunning(id: string): boolean {
    return this.jobs.get(id)?.running ?? false;
  }

  /** `gan train --config <the resolved config> --out DIR`: the config is already validated. */
  startNew(id: string, dir: string, resolvedConfig: unknown, steps?: number): Job {
    const tmp = mkdtempSync(join(tmpdir(), 'tsgan-studio-'));
    const file = join(tmp, `${id.replace(/[^\w.-]/g, '_')}.json`);
    writeFileSync(file, JSON.stringify(resolvedConfig));
    const job = this.spawn(id, ['train', '--config', file, '--out', dir, '--no-progress', ...stepsArg(steps)]);
    void job.exited.then(() => rmSync(tmp, { recursive: true, force: true }));
    return job;
  }

  /**
   * Waits until the child has opened its run (config.json written: data and networks built) and
   * resolves, or rejects with its last message when it exits before (a data folder it cannot read).
   */
  async opened(job: Job, dir: string, timeoutMs = 120_000): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (job.running && !existsSync(join(dir, 'config.json')) && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
    if (!job.running && !existsSync(join(dir, 'config.json'))) {
      throw new InputError(job.log.filter((l) => l.trim()).at(-1)?.replace(/^gan: /, '') ?? `gan train exited with code ${job.exitCode} before opening the run`);
    }
  }

  /** `gan train --out DIR --resume`: continues from the run's last good checkpoint. */
  resume(id: string, dir: string, steps?: number): Job {
    return this.spawn(id, ['train', '--out', dir, '--resume', '--no-progress', ...stepsArg(steps)]);
  }

  /** SIGTERM: the child checkpoints and exits. False when this server trains no such run. */
  stop(id: string): boolean {
    const j = this.jobs.get(id);
    if (!j?.running) return false;
    j.child.kill('SIGTERM');
    return true;
  }

  /** Stops every child (each writes its checkpoint) and waits for them. */
  async stopAll(): Promise<void> {
    const running = [...this.jobs.values()].filter((j) => j.running);
    for (const j of running) j.child.kill('SIGTERM');
    await Promise.all(running.map((j) => j.exited));
  }

  private spawn(id: string, args: string[]): Job {
    const child = spawn(process.execPath, [...ganCommand(), ...args], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    let resolveExit!: () => void;
    const job: Job = { child, log: [], running: true, exited: new Promise((r) => (resolveExit = r)) };
    let partial = '';
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (d: string) => {
      const lines = (partial + d).split('\n');
      partial = lines.pop()!;
      job.log.push(...lines);
      if (job.log.length > LOG_LINES) job.log.splice(0, job.log.length - LOG_LINES);
    });
    child.on('error', (e) => job.log.push(`cannot start gan train: ${e.message}`));
    child.on('close', (code, signal) => {
      if (partial) job.log.push(partial);
      job.running = false;
      job.exitCode = code ?? (signal ? null : -1);
      resolveExit();
      this.onChange();
    });
    this.jobs.set(id, job);
    this.onChange();
    return job;
  }
}

const stepsArg = (steps?: number) => (steps === undefined ? [] : ['--steps', String(steps)]);
