// Pictures of a table report: per column, the real and synthetic distributions side by side
// (histograms of 20 equal-width bins over both tables' range for numeric and datetime columns, bars
// per category for the others, the 20 commonest real categories and "other"; missing values as a
// bar of their own), and the association matrices of the real and the synthetic rows (Pearson's r
// for two numeric columns, Cramer's V, over numeric columns' 10 bins, for the other pairs). Drawn
// with Vega-Lite (src/charts/vega.ts: SVG rendered headless), rasterised to PNG by sharp; written
// atomically.
import { join } from 'node:path';
import { renderSvg, renderSvgSized, svgToPng, type ChartPart, type Size, type TopLevelSpec } from '../../charts/vega.js';
import { atomicWriteFile } from '../../run/atomic.js';
import type { Table } from '../../tables/types.js';
import { columnShape, labelColumn, numericColumn } from './columns.js';
import { completePairs, cramersV, discretize, pearson } from './pairs.js';
import { countBy } from './shapes.js';

export const REAL_COLOUR = '#1f77b4';
export const SYNTHETIC_COLOUR = '#ff7f0e';
export const HISTOGRAM_SIZE = { width: 640, height: 360 };
const BINS = 20;
const TOP_CATEGORIES = 20;
const CELL = 36;
const LABEL_MARGIN = 150;
/** Matrices of at most this many columns show each cell's value. */
const VALUES_UP_TO = 12;

const clip = (s: string, n: number): string => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** Shares of each group (bins or categories), real and synthetic, and the groups' labels. */
interface Histogram {
  labels: string[];
  real: number[];
  synthetic: number[];
  /** Numeric histograms: the bins' edges (one more than the bins; groups past the bins are "missing"). */
  edges?: number[];
  /** The edges are times (ms since 1970, UTC). */
  datetime?: boolean;
}

function numericHistogram(real: (number | null)[], synthetic: (number | null)[], datetime: boolean): Histogram {
  const all = [...real, ...synthetic].filter((v): v is number => v !== null);
  const lo = all.length ? Math.min(...all) : 0;
  const hi = all.length ? Math.max(...all) : 1;
  const width = hi > lo ? (hi - lo) / BINS : 1;
  const shares = (xs: (number | null)[]) => {
    const h = new Array<number>(BINS + 1).fill(0);
    for (const v of xs) h[v === null ? BINS : Math.min(BINS - 1, Math.floor((v - lo) / width))]!++;
    return h.map((c) => c / Math.max(1, xs.length));
  };
  const fmt = (v: number) => (datetime ? new Date(v).toISOString().slice(0, 10) : Number(v.toPrecision(4)).toString());
  const labels = Array.from({ length: BINS }, (_, i) => (i === 0 ? fmt(lo) : i === BINS - 1 ? fmt(hi) : ''));
  const edges = Array.from({ length: BINS + 1 }, (_, i) => lo + i * width);
  return { labels: [...labels, 'missing'], real: shares(real), synthetic: shares(synthetic), edges, datetime };
}

function categoryHistogram(real: (string | null)[], synthetic: (string | null)[]): Histogram {
  const counts = countBy(real.filter((l): l is string => l !== null));
  const top = [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, TOP_CATEGORIES).map(([l]) => l);
  const groups = [...top, 'other', 'missing'];
  const shares = (xs: (string | null)[]) => {
    const h = new Array<number>(groups.length).fill(0);
    for (const l of xs) h[l === null ? groups.length - 1 : top.includes(l) ? top.indexOf(l) : top.length]!++;
    return h.map((c) => c / Math.max(1, xs.length));
  };
  return { labels: groups, real: shares(real), synthetic: shares(synthetic) };
}

/** Drops trailing "other" / "missing" groups that neither side has. */
function trim(h: Histogram, optional: string[]): Histogram {
  const keep = h.labels.map((l, i) => !(optional.includes(l) && h.real[i] === 0 && h.synthetic[i] === 0));
  return { ...h, labels: h.labels.filter((_, i) => keep[i]), real: h.real.filter((_, i) => keep[i]), synthetic: h.synthetic.filter((_, i) => keep[i]) };
}

const SIDES = ['real', 'synthetic'];
const sideColour = {
  field: 'side',
  type: 'nominal' as const,
  title: null,
  scale: { domain: SIDES, range: [REAL_COLOUR, SYNTHETIC_COLOUR] },
  legend: { orient: 'top' as const, direction: 'horizontal' as const, symbolType: 'square', symbolSize: 160, labelFontSize: 12 },
};
const shareAxis = { field: 'share', type: 'quantitative' as const, title: 'share of rows', axis: { format: '.0%', tickCount: 5 } };
/** A Vega expression mapping a group's index (the axis value) to its label, clipped to `n` characters. */
const labelOf = (labels: string[], n: number) => `${JSON.stringify(labels.map((l) => clip(l, n)))}[datum.value]`;

/**
 * The chart of a histogram: real and synthetic bars side by side per group. Numeric ('touching'):
 * bins on a value (or UTC date) axis, with "missing" in a narrow panel of its own; categories
 * ('grouped'): a band per category, labels clipped to 16 characters and slanted.
 */
export function histogramSpec(title: string, h: Histogram, bars: 'touching' | 'grouped', plot: Size): TopLevelSpec {
  const head = { text: clip(title, 60), subtitle: bars === 'touching' ? `share of rows in ${BINS} equal-width bins over both tables' range` : `share of rows per category: the ${TOP_CATEGORIES} commonest real ones, then any other` };
  const edges = bars === 'touching' ? h.edges : undefined;
  if (!edges) {
    const values = h.labels.flatMap((_, i) => SIDES.map((side) => ({ i, side, share: (side === 'real' ? h.real : h.synthetic)[i]! })));
    return {
      title: head,
      width: plot.width,
      height: plot.height,
      data: { values },
      mark: { type: 'bar' },
      encoding: {
        x: { field: 'i', type: 'ordinal', title: 'category', axis: { labelExpr: labelOf(h.labels, 16), labelAngle: -40, labelAlign: 'right', labelLimit: 400 } },
        xOffset: { field: 'side', type: 'nominal', scale: { domain: SIDES } },
        y: shareAxis,
        color: sideColour,
      },
    };
  }
  const bins = edges.length - 1;
  const values = Array.from({ length: bins }, (_, i) => {
    const [a, b] = [edges[i]!, edges[i + 1]!];
    const mid = (a + b) / 2;
    return [
      { side: 'real', x0: a + 0.05 * (b - a), x1: mid, share: h.real[i]! },
      { side: 'synthetic', x0: mid, x1: b - 0.05 * (b - a), share: h.synthetic[i]! },
    ];
  }).flat();
  const missing = h.labels.length > bins;
  const body: ChartPart = {
    width: missing ? plot.width - 50 : plot.width,
    height: plot.height,
    data: { values },
    mark: { type: 'rect' },
    encoding: {
      x: {
        field: 'x0',
        type: h.datetime ? 'temporal' : 'quantitative',
        title: h.datetime ? 'date (UTC)' : 'value',
        // domainMin/Max rather than domain: vega-lite warns of a conflict for a temporal domain with x2.
        scale: { ...(h.datetime ? { type: 'utc' as const } : { type: 'linear' as const, zero: false }), domainMin: edges[0]!, domainMax: edges[bins]!, nice: false },
        axis: { labelFlush: true, labelOverlap: true, ...(h.datetime ? { format: '%Y-%m-%d', tickCount: 6 } : {}) },
      },
      x2: { field: 'x1' },
      y: shareAxis,
      color: sideColour,
    },
  };
  if (!missing) return { title: head, ...body } as TopLevelSpec;
  const gaps = SIDES.map((side) => ({ group: 'missing', side, share: (side === 'real' ? h.real : h.synthetic)[bins]! }));
  return {
    title: head,
    spacing: 8,
    resolve: { scale: { y: 'shared', color: 'shared' } },
    hconcat: [
      body,
      {
        width: 36,
        height: plot.height,
        data: { values: gaps },
        mark: { type: 'bar' },
        encoding: {
          x: { field: 'group', type: 'nominal', title: null, axis: { labelAngle: 0 } },
          xOffset: { field: 'side', type: 'nominal', scale: { domain: SIDES } },
          y: { ...shareAxis, title: null, axis: { format: '.0%', tickCount: 5, labels: false, ticks: false, domain: false } },
          color: sideColour,
        },
      },
    ],
  };
}

/** The SVG of a histogram, HISTOGRAM_SIZE (svgToPng frames it to that size exactly). */
export async function histogramSvg(title: string, h: Histogram, bars: 'touching' | 'grouped'): Promise<string> {
  return renderSvgSized((plot) => histogramSpec(title, h, bars, plot), HISTOGRAM_SIZE, { width: 540, height: 200 });
}

/** The association matrix of a table: r for numeric pairs, Cramer's V for the others; 1 on the diagonal, null where undefined. */
export function associationMatrix(t: Table): (number | null)[][] {
  const cols = t.columns.map((spec, c) => {
    if (columnShape(spec.kind) === 'discrete') return { discrete: labelColumn(t, c) as (string | number | null)[] };
    const values = numericColumn(t, c);
    return { values, discrete: discretize(values) as (string | number | null)[] };
  });
  return cols.map((a, i) =>
    cols.map((b, j) => {
      if (i === j) return 1;
      if (a.values && b.values) return pearson(...completePairs(a.values, b.values));
      return cramersV(a.discrete, b.discrete);
    }),
  );
}

/** The size of associations.png: room for labels of 18 characters, the two maps and the colour legend. */
export function matricesSize(columns: number): { width: number; height: number } {
  return { width: LABEL_MARGIN + 2 * columns * CELL + 260, height: LABEL_MARGIN + Math.max(columns * CELL, 120) + 30 };
}

/**
 * The two association matrices side by side as heat maps on one diverging scale (blue -1, white 0,
 * red +1; grey where undefined), each cell's value written in it when there are at most 12 columns;
 * `plot` is the two maps' width together and their height.
 */
export function matricesSpec(names: string[], real: (number | null)[][], synthetic: (number | null)[][], plot: Size): TopLevelSpec {
  const n = names.length;
  const indices = names.map((_, i) => i);
  const heat = (m: (number | null)[][], title: string, rowLabels: boolean): ChartPart => {
    const values = m.flatMap((row, i) => row.map((v, j) => ({ row: i, col: j, v })));
    const valid = { filter: 'isValid(datum.v)' };
    return {
      title: { text: title, anchor: 'middle', fontSize: 14 },
      width: plot.width / 2,
      height: plot.height,
      data: { values },
      encoding: {
        x: { field: 'col', type: 'ordinal', title: null, scale: { domain: indices }, axis: { orient: 'top', labelExpr: labelOf(names, 18), labelAngle: -45, labelAlign: 'left', labelLimit: 400, ticks: false, domain: false } },
        y: { field: 'row', type: 'ordinal', title: null, scale: { domain: indices }, axis: rowLabels ? { labelExpr: labelOf(names, 18), labelLimit: 400, ticks: false, domain: false } : null },
      },
      layer: [
        { mark: { type: 'rect', fill: '#ddd', stroke: 'white', strokeWidth: 1 } },
        {
          transform: [valid],
          mark: { type: 'rect', stroke: 'white', strokeWidth: 1 },
          encoding: {
            color: {
              field: 'v',
              type: 'quantitative',
              title: ['association', "(Pearson's r,", "Cramer's V)"],
              scale: { domain: [-1, 1], scheme: 'redblue', reverse: true },
              legend: { gradientLength: Math.max(80, Math.min(240, n * CELL)), values: [-1, -0.5, 0, 0.5, 1], format: '.1~f' },
            },
          },
        },
        ...(n <= VALUES_UP_TO
          ? [
              {
                transform: [valid],
                mark: { type: 'text' as const, fontSize: 10 },
                encoding: {
                  text: { field: 'v', type: 'quantitative' as const, format: '.2f' },
                  color: { condition: { test: 'abs(datum.v) > 0.55', value: 'white' }, value: 'black' },
                },
              },
            ]
          : []),
      ],
    };
  };
  return {
    spacing: 24,
    resolve: { scale: { color: 'shared' } },
    hconcat: [heat(real, 'real', true), heat(synthetic, 'synthetic', false)],
  };
}

/** The SVG of both matrices, cells of 36 pixels (svgToPng frames it to matricesSize(names.length)). */
export async function matricesSvg(names: string[], real: (number | null)[][], synthetic: (number | null)[][]): Promise<string> {
  const n = names.length;
  return renderSvg(matricesSpec(names, real, synthetic, { width: 2 * n * CELL, height: n * CELL }));
}

export { svgToPng };

/** A file name for a column's picture: its name with anything but letters, digits, '-' and '_' as '_'. */
export const pictureName = (column: string, index: number): string => `column-${String(index).padStart(2, '0')}-${column.replace(/[^A-Za-z0-9_-]+/g, '_')}.png`;

/** Writes a PNG per column and associations.png into `dir`; returns the files written. */
export async function writeTablePictures(dir: string, real: Table, synthetic: Table): Promise<string[]> {
  const files: string[] = [];
  for (const [c, spec] of real.columns.entries()) {
    const h =
      columnShape(spec.kind) === 'continuous'
        ? trim(numericHistogram(numericColumn(real, c), numericColumn(synthetic, c), spec.kind === 'datetime'), ['missing'])
        : trim(categoryHistogram(labelColumn(real, c), labelColumn(synthetic, c)), ['other', 'missing']);
    const file = join(dir, pictureName(spec.name, c));
    const svg = await histogramSvg(`${spec.name} (${spec.kind})`, h, columnShape(spec.kind) === 'continuous' ? 'touching' : 'grouped');
    atomicWriteFile(file, await svgToPng(svg, HISTOGRAM_SIZE));
    files.push(file);
  }
  const file = join(dir, 'associations.png');
  const names = real.columns.map((s) => s.name);
  atomicWriteFile(file, await svgToPng(await matricesSvg(names, associationMatrix(real), associationMatrix(synthetic)), matricesSize(names.length)));
  files.push(file);
  return files;
}
