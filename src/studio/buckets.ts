// Metrics downsampled for drawing: consecutive rows grouped into buckets, each keeping its last
// step, its row count and per column the mean, min and max of its finite values. The server sends
// at most ~2,000 buckets a series, so a run of 100,000 steps draws as fast as one of 2,000; the
// page merges neighbouring buckets as live rows arrive, weighting means by row count (exact
// wherever a column has a value on every row, as the trainer's columns do).
// No Node imports: the web app uses this file too.

export interface ColumnBuckets {
  mean: (number | null)[];
  min: (number | null)[];
  max: (number | null)[];
}

export interface Buckets {
  /** The last step of each bucket. */
  step: number[];
  /** Rows in each bucket. */
  n: number[];
  cols: Record<string, ColumnBuckets>;
}

/** Rows in columns: `step[i]` and `cols[name][i]` (NaN where a row lacks the column). */
export interface Columns {
  step: ArrayLike<number>;
  cols: Record<string, ArrayLike<number>>;
}

export const emptyBuckets = (names: string[] = []): Buckets => ({
  step: [],
  n: [],
  cols: Object.fromEntries(names.map((c) => [c, { mean: [], min: [], max: [] }])),
});

/** The smallest power of two rows per bucket that leaves at most `target` buckets for `rows` rows. */
export function bucketSize(rows: number, target: number): number {
  let size = 1;
  while (Math.ceil(rows / size) > target) size *= 2;
  return size;
}

/** Rows `from` .. `to - 1` in buckets of `size` rows (the last may hold fewer). */
export function bucketize(c: Columns, from: number, to: number, size: number): Buckets {
  const names = Object.keys(c.cols);
  const out = emptyBuckets(names);
  for (let start = from; start < to; start += size) {
    const end = Math.min(to, start + size);
    out.step.push(c.step[end - 1]!);
    out.n.push(end - start);
    for (const name of names) {
      const v = c.cols[name]!;
      let sum = 0;
      let k = 0;
      let lo = Infinity;
      let hi = -Infinity;
      for (let i = start; i < end; i++) {
        const x = v[i]!;
        if (!Number.isFinite(x)) continue;
        sum += x;
        k++;
        if (x < lo) lo = x;
        if (x > hi) hi = x;
      }
      const col = out.cols[name]!;
      col.mean.push(k ? sum / k : null);
      col.min.push(k ? lo : null);
      col.max.push(k ? hi : null);
    }
  }
  return out;
}

/** Appends `more` after `into` (in place); a column only one side has is padded with nulls. */
export function appendBuckets(into: Buckets, more: Buckets): void {
  const before = into.step.length;
  for (const name of Object.keys(more.cols)) {
    if (!into.cols[name]) into.cols[name] = { mean: Array(before).fill(null), min: Array(before).fill(null), max: Array(before).fill(null) };
  }
  into.step.push(...more.step);
  into.n.push(...more.n);
  for (const [name, col] of Object.entries(into.cols)) {
    const add = more.cols[name];
    for (const key of ['mean', 'min', 'max'] as const) col[key].push(...(add ? add[key] : Array<null>(more.step.length).fill(null)));
  }
}

/** Merges neighbouring pairs of buckets (in place) until at most `target` remain. */
export function shrinkBuckets(b: Buckets, target: number): void {
  while (b.step.length > target) {
    const m = b.step.length;
    const pairs = Math.ceil(m / 2);
    const pick = (i: number) => [2 * i, Math.min(2 * i + 1, m - 1)] as const;
    const n = Array.from({ length: pairs }, (_, i) => {
      const [a, c] = pick(i);
      return a === c ? b.n[a]! : b.n[a]! + b.n[c]!;
    });
    for (const col of Object.values(b.cols)) {
      const mean: (number | null)[] = [];
      const min: (number | null)[] = [];
      const max: (number | null)[] = [];
      for (let i = 0; i < pairs; i++) {
        const [a, c] = pick(i);
        if (a === c) {
          mean.push(col.mean[a]!);
          min.push(col.min[a]!);
          max.push(col.max[a]!);
          continue;
        }
        const [ma, mc] = [col.mean[a]!, col.mean[c]!];
        mean.push(ma === null ? mc : mc === null ? ma : (ma * b.n[a]! + mc * b.n[c]!) / (b.n[a]! + b.n[c]!));
        min.push(pickFinite(col.min[a]!, col.min[c]!, Math.min));
        max.push(pickFinite(col.max[a]!, col.max[c]!, Math.max));
      }
      col.mean = mean;
      col.min = min;
      col.max = max;
    }
    b.step = Array.from({ length: pairs }, (_, i) => b.step[pick(i)[1]]!);
    b.n = n;
  }
}

const pickFinite = (a: number | null, c: number | null, f: (x: number, y: number) => number) => (a === null ? c : c === null ? a : f(a, c));
