// `gan sweep --report`: the trials ranked by the sweep's metric (a column of metrics.jsonl averaged
// over the last tenth of the steps, so one noisy step does not decide), and a plot of the metric
// against each axis (SVG drawn with Vega-Lite: one panel per axis, a point per trial labelled with its
// id, the best trial in red).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { renderSvg, type ChartPart, type TopLevelSpec } from '../charts/vega.js';
import { atomicWriteFile } from '../run/atomic.js';
import { RunDir } from '../run/rundir.js';
import { InputError } from '../errors.js';
import type { Sweep } from './spec.js';
import { trialDir } from './trial.js';

export interface RankedTrial {
  rank: number;
  id: string;
  values: Record<string, unknown>;
  seed: number;
  step: number;
  /** The metric's mean over the last tenth of the logged steps; undefined for a trial not started. */
  value?: number;
}

/** The mean of `metric` over the last tenth (at least one) of a run's logged steps. */
export function finalMetric(rows: Record<string, number>[], metric: string): number | undefined {
  if (rows.length === 0) return undefined;
  if (!(metric in rows[rows.length - 1]!)) {
    throw new InputError(`metric "${metric}" is not a column of metrics.jsonl; its columns are ${Object.keys(rows[rows.length - 1]!).join(', ')}`);
  }
  const tail = rows.slice(-Math.max(1, Math.floor(rows.length / 10)));
  return tail.reduce((s, r) => s + r[metric]!, 0) / tail.length;
}

export function rankTrials(sweep: Sweep, runs: string): RankedTrial[] {
  const rows = sweep.trials.map((t) => {
    const run = new RunDir(trialDir(runs, sweep.name, t.id));
    const metrics = existsSync(run.path) && run.hasRun() ? run.readMetrics() : [];
    const step = metrics.length ? metrics[metrics.length - 1]!.step! : 0;
    return { id: t.id, values: t.values, seed: t.seed, step, value: finalMetric(metrics, sweep.spec.metric) };
  });
  const sign = sweep.spec.goal === 'min' ? 1 : -1;
  rows.sort((a, b) => (a.value === undefined ? 1 : b.value === undefined ? -1 : sign * (a.value - b.value)));
  return rows.map((r, i) => ({ rank: i + 1, ...r }));
}

/** The ranking as text, one trial a line. */
export function formatRanking(sweep: Sweep, ranked: RankedTrial[]): string {
  const axes = Object.keys(sweep.spec.axes);
  const header = ['rank', 'trial', ...axes, 'seed', 'step', `${sweep.spec.metric} (${sweep.spec.goal})`];
  const cell = (v: unknown) => (typeof v === 'number' ? String(Number(v.toPrecision(6))) : JSON.stringify(v));
  const lines = ranked.map((r) => [String(r.rank), r.id, ...axes.map((a) => cell(r.values[a])), String(r.seed), String(r.step), r.value === undefined ? '-' : cell(r.value)]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  return [header, ...lines].map((l) => l.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n');
}

/** Panels label every point with its trial id up to this many trials, and the best ones only beyond. */
const LABEL_ALL_UP_TO = 40;
const LABEL_BEST = 10;
const [POINT, BEST] = ['#1f77b4', '#d62728'];
type PositionDef = NonNullable<NonNullable<Extract<ChartPart, { layer: unknown }>['encoding']>['x']>;

/**
 * The chart of the metric (y, one scale for all panels) against each axis (x: a linear or, for
 * positive numbers spanning 100x or more, log scale; values that are not all numbers as categories
 * in sweep order). A sweep without axes gets one panel of the trials in rank order.
 */
export function reportSpec(sweep: Sweep, ranked: RankedTrial[]): TopLevelSpec {
  const { metric, goal } = sweep.spec;
  const done = ranked.filter((r) => r.value !== undefined);
  const labelled = new Set((done.length <= LABEL_ALL_UP_TO ? done : done.slice(0, LABEL_BEST)).map((r) => r.id));
  const best = done[0];
  const y = { field: 'y', type: 'quantitative' as const, title: `${metric} (${goal === 'min' ? 'lower' : 'higher'} is better)`, scale: { zero: false, padding: 8 } };
  const panel = (title: string, x: PositionDef, xs: unknown[], first: boolean): ChartPart => ({
    width: 300,
    height: 220,
    title: { text: title, anchor: 'middle', fontSize: 13 },
    data: { values: done.map((r, i) => ({ id: r.id, x: xs[i], y: r.value, best: r.id === best?.id, label: labelled.has(r.id) ? r.id : '' })) },
    // The y scale is shared: its title on the first panel only.
    encoding: { x, y: first ? y : { ...y, title: null } },
    layer: [
      {
        mark: { type: 'point', filled: true, size: 60, opacity: 0.9 },
        encoding: { color: { condition: { test: 'datum.best', value: BEST }, value: POINT } },
      },
      { mark: { type: 'text', align: 'left', dx: 6, dy: -6, fontSize: 9, color: '#333' }, encoding: { text: { field: 'label' } } },
    ],
  });
  const axes = Object.keys(sweep.spec.axes);
  const parts = axes.map((axis, a) => {
    const raw = done.map((r) => r.values[axis]);
    const numeric = raw.length > 0 && raw.every((v) => typeof v === 'number');
    if (!numeric) {
      // Categories in sweep order: strings as they are, other values as JSON.
      const name = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));
      const shown = raw.map(name);
      const order = [...new Set(sweep.trials.map((t) => name(t.values[axis])))];
      return panel(axis, { field: 'x', type: 'ordinal', title: null, sort: order, axis: { labelAngle: -30, labelLimit: 160 } }, shown, a === 0);
    }
    const nums = raw as number[];
    const log = nums.every((v) => v > 0) && Math.max(...nums) / Math.min(...nums) >= 100;
    return panel(`${axis}${log ? ' (log scale)' : ''}`, { field: 'x', type: 'quantitative', title: null, scale: log ? { type: 'log', nice: false, padding: 12 } : { type: 'linear', zero: false, padding: 12 } }, nums, a === 0);
  });
  if (parts.length === 0) parts.push(panel('trials in rank order', { field: 'x', type: 'ordinal', title: null, sort: done.map((r) => r.id), axis: { labelAngle: -45 } }, done.map((r) => r.id), true));
  const subtitle = best ? `best: ${best.id} = ${Number(best.value!.toPrecision(6))}; ${done.length} of ${ranked.length} trials have metrics` : `no trial has metrics yet (${ranked.length} trials)`;
  return {
    title: { text: `sweep ${sweep.name}: ${metric} (mean of the last tenth of the steps)`, subtitle },
    resolve: { scale: { y: 'shared' } },
    spacing: 24,
    hconcat: parts,
  };
}

/** An SVG of the metric (y) against each axis: reportSpec drawn. */
export async function reportSvg(sweep: Sweep, ranked: RankedTrial[]): Promise<string> {
  return renderSvg(reportSpec(sweep, ranked));
}

/** Ranks the trials, writes report.json and report.svg into the sweep's folder, and returns the text table. */
export async function writeReport(sweep: Sweep, runs: string): Promise<{ text: string; ranked: RankedTrial[]; files: string[] }> {
  const ranked = rankTrials(sweep, runs);
  const dir = join(runs, sweep.name);
  if (!existsSync(dir)) throw new InputError(`sweep "${sweep.name}" has no trials in ${dir}; run it first (gan sweep --config FILE)`);
  const files = [join(dir, 'report.json'), join(dir, 'report.svg')];
  atomicWriteFile(files[0]!, `${JSON.stringify({ sweep: sweep.name, metric: sweep.spec.metric, goal: sweep.spec.goal, trials: ranked }, null, 2)}\n`);
  atomicWriteFile(files[1]!, await reportSvg(sweep, ranked));
  return { text: formatRanking(sweep, ranked), ranked, files };
}
