// What the studio knows of the runs folder, kept fresh: the run list and, for runs a page is
// watching, their metrics logs. A change is noticed by fs.watch on the folder (recursive) and, where
// that misses events (network file systems, some containers), by polling; subscribers get only
// what changed: the list when it differs, and each stream the rows it has not been sent yet.
import { watch, type FSWatcher } from 'node:fs';
import { join } from 'node:path';
import { bucketize, bucketSize } from './buckets.js';
import type { Jobs } from './jobs.js';
import { MetricsLog } from './metrics.js';
import type { MetricsMessage, RunSummary } from './protocol.js';
import { runId } from './paths.js';
import { findRuns, summarize } from './runs.js';

/** Buckets a message of rows holds at most. */
export const MAX_POINTS = 2000;

export type Send = (event: string, data: unknown) => void;

interface Watcher {
  run: string;
  sent: number;
  generation: number;
  send: Send;
}

export class Live {
  private summaries: RunSummary[] = [];
  private listJson = '';
  private logs = new Map<string, MetricsLog>();
  private listeners = new Set<Send>();
  private watchers = new Set<Watcher>();
  private fsWatcher?: FSWatcher;
  private timer?: NodeJS.Timeout;
  private pending?: NodeJS.Timeout;

  constructor(
    readonly root: string,
    private readonly jobs: Jobs,
    private readonly pollMs = 1000,
    /** False: polling alone (as where fs.watch is missing or misses events). */
    private readonly useWatch = true,
  ) {}

  start(): void {
    this.refreshList();
    try {
      if (this.useWatch) {
        this.fsWatcher = watch(this.root, { recursive: true }, () => this.soon());
        this.fsWatcher.on('error', () => this.fsWatcher?.close());
      }
    } catch {
      // no recursive watch here: polling alone
    }
    this.timer = setInterval(() => this.tick(), this.pollMs);
  }

  close(): void {
    this.fsWatcher?.close();
    clearInterval(this.timer);
    clearTimeout(this.pending);
  }

  /** A change was seen: look within a few milliseconds (events come in bursts). */
  soon(): void {
    if (this.pending) return;
    this.pending = setTimeout(() => {
      this.pending = undefined;
      this.tick();
    }, 10);
  }

  list(): RunSummary[] {
    return this.summaries;
  }

  summary(id: string): RunSummary | undefined {
    return this.summaries.find((s) => s.id === id);
  }

  /** The run's metrics log, brought up to date. */
  metrics(id: string): MetricsLog {
    let log = this.logs.get(id);
    if (!log) this.logs.set(id, (log = new MetricsLog(join(this.root, id, 'metrics.jsonl'))));
    log.refresh();
    return log;
  }

  /** The rows from `from` on, in at most MAX_POINTS buckets. */
  rowsMessage(log: MetricsLog, from: number): MetricsMessage {
    const start = Math.min(from, log.rows);
    return { from: start, rows: log.rows, buckets: bucketize(log, start, log.rows, bucketSize(log.rows - start, MAX_POINTS)) };
  }

  onList(send: Send): () => void {
    this.listeners.add(send);
    send('runs', { runs: this.summaries });
    return () => this.listeners.delete(send);
  }

  /** Streams a run's rows from `from` on, and its summary when it changes. */
  onRun(run: string, from: number, send: Send): () => void {
    const log = this.metrics(run);
    const w: Watcher = { run, sent: from, generation: log.generation, send };
    this.watchers.add(w);
    this.push(w, log, true);
    return () => this.watchers.delete(w);
  }

  private tick(): void {
    const changedList = this.refreshList();
    const logs = new Map<string, MetricsLog>();
    for (const w of this.watchers) {
      if (!logs.has(w.run)) logs.set(w.run, this.metrics(w.run));
      this.push(w, logs.get(w.run)!, changedList);
    }
  }

  private push(w: Watcher, log: MetricsLog, listChanged: boolean): void {
    if (log.generation !== w.generation || log.rows < w.sent) {
      // The log was replaced or cut (a resume truncates it): the page starts the run's rows afresh.
      w.generation = log.generation;
      w.sent = 0;
      w.send('reset', { rows: log.rows });
    }
    if (log.rows > w.sent) {
      w.send('rows', this.rowsMessage(log, w.sent));
      w.sent = log.rows;
    }
    if (listChanged) {
      const s = this.summary(w.run);
      if (s) w.send('summary', s);
    }
  }

  /** Re-reads the run list; true (and the listeners told) when it changed. */
  private refreshList(): boolean {
    this.summaries = findRuns(this.root).map((dir) => summarize(this.root, dir, this.jobs.state(runId(this.root, dir))));
    const json = JSON.stringify(this.summaries);
    if (json === this.listJson) return false;
    this.listJson = json;
    for (const send of this.listeners) send('runs', { runs: this.summaries });
    return true;
  }
}
