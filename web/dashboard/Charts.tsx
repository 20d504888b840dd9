// The curves of one run, or of several overlaid (one colour per run, one dash per quantity).
import type { RunMetrics } from './live.js';
import { Chart, type Line } from './Chart.js';
import { smooth } from './smooth.js';

export const CHARTS = [
  { id: 'losses', title: 'D and G losses', cols: ['loss_D', 'loss_G'] },
  { id: 'outputs', title: 'D(x) and D(G(z))', cols: ['d_real', 'd_fake'] },
  { id: 'grads', title: 'gradient norms', cols: ['grad_norm_D', 'grad_norm_G'] },
  { id: 'speed', title: 'steps/s', cols: ['steps_per_s'] },
] as const;

/** One run's colours per quantity (D red, G blue, as the trainer's loss.png). */
export const COLORS: Record<string, string> = {
  loss_D: '#d62728',
  loss_G: '#1f77b4',
  d_real: '#2ca02c',
  d_fake: '#ff7f0e',
  grad_norm_D: '#9467bd',
  grad_norm_G: '#8c564b',
  steps_per_s: '#17becf',
};
/** Several runs: one colour each. */
const RUN_COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#17becf', '#8c564b', '#e377c2'];
const DASHES = [undefined, [6, 4]];

interface Props {
  ids: string[];
  metrics: Record<string, RunMetrics>;
  log: boolean;
  smoothing: number;
}

export function Charts({ ids, metrics, log, smoothing }: Props) {
  const compare = ids.length > 1;
  const version = `${ids.map((id) => metrics[id]?.version ?? -1).join(',')}|${smoothing}`;
  return (
    <div class="charts">
      {CHARTS.map((c) => {
        const lines: Line[] = [];
        ids.forEach((id, r) => {
          const m = metrics[id];
          if (!m) return;
          c.cols.forEach((col, k) => {
            const values = m.buckets.cols[col]?.mean;
            if (!values) return;
            lines.push({
              label: compare ? `${id}: ${col}` : col,
              color: compare ? RUN_COLORS[r % RUN_COLORS.length]! : COLORS[col]!,
              dash: compare ? DASHES[k] : undefined,
              x: m.buckets.step,
              y: col === 'steps_per_s' ? values : smooth(values, smoothing),
            });
          });
        });
        if (lines.length === 0 && Object.keys(metrics).length > 0) {
          return (
            <p key={c.id} class="muted chart-empty">
              {c.title}: not in these runs' metrics{c.id === 'speed' ? ' (logged before the trainer recorded each call\'s time)' : ''}.
            </p>
          );
        }
        return <Chart key={c.id} testId={`chart-${c.id}`} title={c.title} lines={lines} log={log} version={version} />;
      })}
    </div>
  );
}
