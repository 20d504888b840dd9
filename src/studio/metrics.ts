// A run's metrics.jsonl read incrementally: each refresh parses only the bytes appended since the
// last one (a line still being written waits for its newline), into columns. A file replaced or
// cut shorter (a resume truncates it to its checkpoint's step) is read again from the start.
// Steps/s is derived from the rows' `time` (when their call of steps ended): the steps between two
// calls over the seconds between them.
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import type { Columns } from './buckets.js';

/** The derived column of training speed. */
export const STEPS_PER_S = 'steps_per_s';
/** Columns kept out of the charts' data (`time` is only the source of steps/s). */
const SKIPPED = new Set(['step', 'time']);

export class MetricsLog implements Columns {
  step: number[] = [];
  cols: Record<string, number[]> = {};
  /** Counts the times the file was read anew (replaced or cut), so a reader knows its rows are stale. */
  generation = 0;
  private offset = 0;
  private ino = -1;
  private pending = '';
  /** The newest call of steps: its first row, end time, and the end time and last step of the one before. */
  private call = { start: 0, time: NaN, prevTime: NaN, prevEndStep: 0 };
  /** Seconds between the ends of recent calls. */
  private callSeconds: number[] = [];

  constructor(readonly path: string) {}

  get rows(): number {
    return this.step.length;
  }

  /** Reads what was appended. `reset` when the file was replaced or cut and all rows were read anew. */
  refresh(): { reset: boolean; added: number } {
    let st;
    try {
      st = statSync(this.path);
    } catch {
      const reset = this.rows > 0;
      if (reset) this.clear();
      return { reset, added: 0 };
    }
    let reset = false;
    if (st.ino !== this.ino || st.size < this.offset) {
      reset = this.rows > 0 || this.offset > 0;
      this.clear();
      this.ino = st.ino;
    }
    if (st.size === this.offset) return { reset, added: 0 };
    const before = this.rows;
    const fd = openSync(this.path, 'r');
    try {
      const buf = Buffer.alloc(st.size - this.offset);
      const got = readSync(fd, buf, 0, buf.length, this.offset);
      this.offset += got;
      this.parse(this.pending + buf.subarray(0, got).toString('utf8'));
    } finally {
      closeSync(fd);
    }
    return { reset, added: this.rows - before };
  }

  private clear(): void {
    this.generation++;
    this.step = [];
    this.cols = {};
    this.offset = 0;
    this.pending = '';
    this.call = { start: 0, time: NaN, prevTime: NaN, prevEndStep: 0 };
    this.callSeconds = [];
  }

  private parse(text: string): void {
    const lines = text.split('\n');
    this.pending = lines.pop()!;
    for (const line of lines) {
      if (!line.trim()) continue;
      let row: Record<string, unknown>;
      try {
        row = JSON.parse(line) as Record<string, unknown>;
      } catch {
        continue; // a line cut short by a crash
      }
      if (typeof row.step !== 'number') continue;
      this.push(row as Record<string, number>);
    }
    this.rateNewestCall();
  }

  private push(row: Record<string, number>): void {
    const i = this.rows;
    if (typeof row.time === 'number' && row.time !== this.call.time) this.startCall(i, row.time);
    this.step.push(row.step!);
    for (const [k, v] of Object.entries(row)) {
      if (SKIPPED.has(k) || typeof v !== 'number') continue;
      this.column(k, i).push(v);
    }
    if (typeof row.time === 'number') this.column(STEPS_PER_S, i).push(NaN);
    for (const col of Object.values(this.cols)) if (col.length < i + 1) col.push(NaN);
  }

  private column(name: string, i: number): number[] {
    return (this.cols[name] ??= Array<number>(i).fill(NaN));
  }

  /** Row `i` begins another call (rows of one call share its end time). */
  private startCall(i: number, time: number): void {
    if (i > 0 && Number.isFinite(this.call.time)) {
      this.rateNewestCall();
      if (Number.isFinite(this.call.prevTime)) this.callSeconds.push(this.call.time - this.call.prevTime);
      if (this.callSeconds.length > 64) this.callSeconds.shift();
      this.call.prevTime = this.call.time;
      this.call.prevEndStep = this.step[i - 1]!;
    }
    this.call.start = i;
    this.call.time = time;
  }

  /**
   * Steps/s of the newest call (rows call.start ..): its steps over the seconds since the call before it ended. The
   * first call in the log, and one after a pause of over ten times the median call (a resume, whose
   * first call also compiles its program), have none.
   */
  private rateNewestCall(): void {
    const c = this.call;
    const col = this.cols[STEPS_PER_S];
    if (!col || !Number.isFinite(c.prevTime)) return;
    const dt = c.time - c.prevTime;
    const sorted = [...this.callSeconds].sort((a, b) => a - b);
    const paused = sorted.length >= 3 && dt > 10 * sorted[Math.floor(sorted.length / 2)]!;
    const rate = dt > 0 && !paused ? (this.step[this.rows - 1]! - c.prevEndStep) / dt : NaN;
    for (let j = c.start; j < this.rows; j++) col[j] = rate;
  }
}
