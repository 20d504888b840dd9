// What the studio server and its web app say to each other (JSON over HTTP and server-sent
// events). Types only, so the page imports them without any Node module.
import type { Buckets } from './buckets.js';

/** Where a run stands: trained by a child of this server, written to by another process, or at rest. */
export type RunStatus = 'running' | 'active' | 'stopped' | 'done' | 'failed';

export interface RunSummary {
  /** The run directory relative to the runs folder, with "/" between parts (e.g. "ring8", "sweep/t3"). */
  id: string;
  /** model.kind, with its variant when it has one (e.g. "mlp", "dcgan/cgan"). */
  type: string;
  /** data.kind, with the mixture's or task's name when it has one. */
  data: string;
  description?: string;
  /** The last step in metrics.jsonl. */
  step: number;
  /** train.steps of the stored config. */
  total: number;
  status: RunStatus;
  /** Milliseconds since the epoch of the newest change to metrics.jsonl (or config.json). */
  updated: number;
  /** Steps of the sample grids in samples/, ascending. */
  samples: number[];
  /** Steps of the checkpoints, ascending. */
  checkpoints: number[];
  /** An eval report (eval.json, from `gan eval --run DIR > DIR/eval.json`) is there. */
  hasEval: boolean;
}

export interface RunsMessage {
  runs: RunSummary[];
}

/** GET /api/run: one run in full. */
export interface RunDetail {
  summary: RunSummary;
  /** config.json as stored (the resolved config). */
  config: unknown;
  /** eval.json, when there is one. */
  eval?: unknown;
  /** The last lines the training child of this server wrote to stderr (when it started one). */
  log: string[];
  /** The child's exit code, when one of this server's children trained it and has ended. */
  exitCode?: number | null;
}

/** GET /api/run/metrics and the stream's "rows" events: rows `from` .. `from + rows - 1` of the log, in buckets. */
export interface MetricsMessage {
  from: number;
  /** Rows the server has read in all. */
  rows: number;
  buckets: Buckets;
}

/** POST /api/runs/start. */
export interface StartRequest {
  /** The run directory's name inside the runs folder. */
  name: string;
  /** A preset's name... */
  preset?: string;
  /** ...or a config as JSON or YAML text (it may name a preset and give only what it changes). */
  config?: string;
  /** Train to this total step count (overrides train.steps). */
  steps?: number;
}

/** POST /api/run/resume. */
export interface ResumeRequest {
  steps?: number;
}

export interface ApiError {
  error: string;
}
