// One uPlot chart of several lines that may have different x values (steps): the lines are joined
// on a common x axis, gaps spanned. Redraws when `version` changes; follows its box's width.
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface Line {
  label: string;
  color: string;
  dash?: number[];
  x: number[];
  y: (number | null)[];
}

interface Props {
  title: string;
  lines: Line[];
  log: boolean;
  version: string;
  testId: string;
}

const HEIGHT = 220;

function aligned(lines: Line[], log: boolean): uPlot.AlignedData {
  const keep = (v: number | null) => (v === null || (log && v <= 0) ? null : v);
  if (lines.length === 0) return [[]];
  return uPlot.join(lines.map((l) => [l.x, l.y.map(keep)] as uPlot.AlignedData));
}

export function Chart({ title, lines, log, version, testId }: Props) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | undefined>(undefined);
  const shape = `${log}|${lines.map((l) => `${l.label}${l.color}`).join(',')}`;

  useEffect(() => {
    const el = box.current!;
    const opts: uPlot.Options = {
      title,
      width: Math.max(200, el.clientWidth),
      height: HEIGHT,
      scales: { x: { time: false }, y: { distr: log ? 3 : 1 } },
      axes: [{ label: 'step' }, {}],
      legend: { live: false },
      series: [{ label: 'step' }, ...lines.map((l) => ({ label: l.label, stroke: l.color, width: 1.5, dash: l.dash, spanGaps: true, points: { show: false } }))],
    };
    const p = new uPlot(opts, aligned(lines, log), el);
    plot.current = p;
    const resize = new ResizeObserver(() => p.setSize({ width: Math.max(200, el.clientWidth), height: HEIGHT }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      p.destroy();
    };
  }, [shape]);

  useEffect(() => {
    plot.current?.setData(aligned(lines, log));
  }, [version]);

  return <div class="chart" data-testid={testId} ref={box} />;
}
