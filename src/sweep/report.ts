// `gan sweep --report`: the trials ranked by the sweep's metric (a column of metrics.jsonl averaged
// over the last tenth of the steps, so one noisy step does not decide), and a plot of the metric
// against each axis (SVG: one panel per axis, values and trial ids as text).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
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

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

/** An SVG of the metric (y) against each axis (x: its values, evenly spaced in sweep order when not numbers). */
export function reportSvg(sweep: Sweep, ranked: RankedTrial[]): string {
  const axes = Object.keys(sweep.spec.axes);
  const [W, H, M] = [360, 260, 44];
  const done = ranked.filter((r) => r.value !== undefined);
  const ys = done.map((r) => r.value!);
  const [y0, y1] = ys.length ? [Math.min(...ys), Math.max(...ys)] : [0, 1];
  const yOf = (v: number) => H - M - ((v - y0) / (y1 - y0 || 1)) * (H - 2 * M);
  const panels = axes.map((axis, p) => {
    const raw = done.map((r) => r.values[axis]);
    const numeric = raw.every((v) => typeof v === 'number');
    const distinct = [...new Set(raw.map((v) => JSON.stringify(v)))];
    const logScale = numeric && raw.every((v) => (v as number) > 0) && Math.max(...(raw as number[])) / Math.min(...(raw as number[])) >= 100;
    const t = (v: unknown) => (numeric ? (logScale ? Math.log10(v as number) : (v as number)) : distinct.indexOf(JSON.stringify(v)));
    const xs = raw.map(t);
    const [x0, x1] = xs.length ? [Math.min(...xs), Math.max(...xs)] : [0, 1];
    const xOf = (v: number) => M + ((v - x0) / (x1 - x0 || 1)) * (W - 2 * M);
    const dots = done.map((r, i) => `<circle cx="${xOf(xs[i]!).toFixed(1)}" cy="${yOf(r.value!).toFixed(1)}" r="4" fill="#1f77b4"><title>${esc(r.id)}: ${r.value}</title></circle>`);
    return `<g transform="translate(${p * W},0)"><rect x="${M}" y="${M}" width="${W - 2 * M}" height="${H - 2 * M}" fill="none" stroke="#ccc"/>
<text x="${W / 2}" y="${H - 10}" text-anchor="middle" font-size="12">${esc(axis)}${logScale ? ' (log scale)' : ''}</text>
<text x="${M}" y="${H - M + 14}" font-size="10">${esc(numeric ? String(raw.length ? Math.min(...(raw as number[])) : '') : String(distinct[0] ?? ''))}</text>
<text x="${W - M}" y="${H - M + 14}" font-size="10" text-anchor="end">${esc(numeric ? String(raw.length ? Math.max(...(raw as number[])) : '') : String(distinct[distinct.length - 1] ?? ''))}</text>
<text x="${M - 4}" y="${M + 4}" font-size="10" text-anchor="end">${Number(y1.toPrecision(4))}</text>
<text x="${M - 4}" y="${H - M}" font-size="10" text-anchor="end">${Number(y0.toPrecision(4))}</text>
<text x="12" y="${H / 2}" font-size="12" transform="rotate(-90 12 ${H / 2})" text-anchor="middle">${esc(sweep.spec.metric)}</text>
${dots.join('\n')}</g>`;
  });
  const width = Math.max(1, axes.length) * W;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${H}" font-family="sans-serif">\n<rect width="100%" height="100%" fill="white"/>\n${panels.join('\n')}\n</svg>\n`;
}

/** Ranks the trials, writes report.json and report.svg into the sweep's folder, and returns the text table. */
export function writeReport(sweep: Sweep, runs: string): { text: string; ranked: RankedTrial[]; files: string[] } {
  const ranked = rankTrials(sweep, runs);
  const dir = join(runs, sweep.name);
  if (!existsSync(dir)) throw new InputError(`sweep "${sweep.name}" has no trials in ${dir}; run it first (gan sweep --config FILE)`);
  const files = [join(dir, 'report.json'), join(dir, 'report.svg')];
  atomicWriteFile(files[0]!, `${JSON.stringify({ sweep: sweep.name, metric: sweep.spec.metric, goal: sweep.spec.goal, trials: ranked }, null, 2)}\n`);
  atomicWriteFile(files[1]!, reportSvg(sweep, ranked));
  return { text: formatRanking(sweep, ranked), ranked, files };
}
