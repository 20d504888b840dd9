// A run directory holds everything a run writes: the resolved config, checkpoints, metrics,
// sample grids and the loss curve. Nothing is written anywhere else.
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, validateConfig, type GanConfig } from '../config/schema.js';
import { atomicWriteFile } from './atomic.js';
import { checkpointFileName } from './checkpoint-format.js';
import {
  CHECKPOINT_FORMAT_VERSION,
  CheckpointError,
  CheckpointVersionError,
  checkpointFormatVersion,
  readCheckpoint,
  type Checkpoint,
} from './checkpoint.js';

export class RunDir {
  constructor(readonly path: string) {}

  get configPath(): string {
    return join(this.path, 'config.json');
  }
  get metricsPath(): string {
    return join(this.path, 'metrics.jsonl');
  }
  get checkpointDir(): string {
    return join(this.path, 'checkpoints');
  }
  get samplesDir(): string {
    return join(this.path, 'samples');
  }
  get lossPlotPath(): string {
    return join(this.path, 'loss.png');
  }

  checkpointPath(step: number): string {
    return join(this.checkpointDir, checkpointFileName(step));
  }

  samplePath(step: number): string {
    return join(this.samplesDir, `step-${String(step).padStart(8, '0')}.png`);
  }

  hasRun(): boolean {
    return existsSync(this.configPath);
  }

  writeConfig(cfg: GanConfig): void {
    atomicWriteFile(this.configPath, `${JSON.stringify(cfg, null, 2)}\n`);
  }

  readConfig(): GanConfig {
    if (!this.hasRun()) throw new ConfigError(`run directory ${this.path} holds no run (no config.json)`);
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(this.configPath, 'utf8'));
    } catch (e) {
      throw new ConfigError(`${this.configPath} is not valid JSON: ${(e as Error).message}`);
    }
    return validateConfig(raw, this.configPath);
  }

  /** Checkpoint steps present, ascending. */
  checkpointSteps(): number[] {
    if (!existsSync(this.checkpointDir)) return [];
    return readdirSync(this.checkpointDir)
      .map((f) => /^step-(\d+)\.ckpt$/.exec(f))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => Number(m[1]))
      .sort((a, b) => a - b);
  }

  /**
   * The newest checkpoint that verifies. Corrupt ones are reported through `warn` by name and
   * skipped, never used. One written in another format version is not skipped: its
   * CheckpointVersionError is thrown, since no older checkpoint of the run can be read either.
   * Undefined when there is none.
   */
  latestGoodCheckpoint(warn: (msg: string) => void): { step: number; path: string; checkpoint: Checkpoint } | undefined {
    const steps = this.checkpointSteps();
    for (let i = steps.length - 1; i >= 0; i--) {
      const path = this.checkpointPath(steps[i]!);
      try {
        return { step: steps[i]!, path, checkpoint: readCheckpoint(path) };
      } catch (e) {
        if (!(e instanceof CheckpointError) || e instanceof CheckpointVersionError) throw e;
        warn(`${e.message}; skipping it`);
      }
    }
    return undefined;
  }

  /** Deletes all but the newest `keep` checkpoints, except any of another format version (kept for the tsgan that reads them). */
  pruneCheckpoints(keep: number): void {
    const steps = this.checkpointSteps();
    for (const s of steps.slice(0, Math.max(0, steps.length - keep))) {
      const path = this.checkpointPath(s);
      const version = checkpointFormatVersion(path);
      if (version === undefined || version === CHECKPOINT_FORMAT_VERSION) rmSync(path, { force: true });
    }
  }

  /** Keeps only the metrics lines of steps up to `step` (after resuming from a checkpoint). */
  truncateMetrics(step: number): void {
    if (!existsSync(this.metricsPath)) return;
    const kept = readFileSync(this.metricsPath, 'utf8')
      .split('\n')
      .filter((line) => {
        if (!line.trim()) return false;
        try {
          return (JSON.parse(line) as { step: number }).step <= step;
        } catch {
          return false; // a line cut short by a crash
        }
      });
    atomicWriteFile(this.metricsPath, kept.length ? `${kept.join('\n')}\n` : '');
  }

  readMetrics(): Record<string, number>[] {
    if (!existsSync(this.metricsPath)) return [];
    return readFileSync(this.metricsPath, 'utf8')
      .split('\n')
      .filter((l) => l.trim())
      .flatMap((l) => {
        try {
          return [JSON.parse(l) as Record<string, number>];
        } catch {
          return [];
        }
      });
  }
}

