// Pictures of a table report: per column, the real and synthetic distributions side by side
// (histograms of 20 equal-width bins over both tables' range for numeric and datetime columns, bars
// per category for the others, the 20 commonest real categories and "other"; missing values as a
// bar of their own), and the association matrices of the real and the synthetic rows (Pearson's r
// for two numeric columns, Cramer's V, over numeric columns' 10 bins, for the other pairs). Drawn as
// SVG and rasterised to PNG by sharp; written atomically.
import { join } from 'node:path';
import sharp from 'sharp';
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

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const clip = (s: string, n: number): string => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** Shares of each group (bins or categories), real and synthetic, and the groups' labels. */
interface Histogram {
  labels: string[];
  real: number[];
  synthetic: number[];
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
  return { labels: [...labels, 'missing'], real: shares(real), synthetic: shares(synthetic) };
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
  return { labels: h.labels.filter((_, i) => keep[i]), real: h.real.filter((_, i) => keep[i]), synthetic: h.synthetic.filter((_, i) => keep[i]) };
}

export function histogramSvg(title: string, h: Histogram, bars: 'touching' | 'grouped'): string {
  const { width, height } = HISTOGRAM_SIZE;
  const [left, right, top, bottom] = [50, 15, 40, bars === 'grouped' ? 90 : 40];
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  const max = Math.max(1e-12, ...h.real, ...h.synthetic);
  const slot = plotW / h.labels.length;
  const parts: string[] = [];
  h.labels.forEach((label, i) => {
    const x = left + i * slot;
    const bar = (share: number, dx: number, w: number, colour: string) => {
      const bh = (share / max) * plotH;
      parts.push(`<rect x="${(x + dx).toFixed(2)}" y="${(top + plotH - bh).toFixed(2)}" width="${w.toFixed(2)}" height="${bh.toFixed(2)}" fill="${colour}"/>`);
    };
    bar(h.real[i]!, slot * 0.05, slot * 0.45, REAL_COLOUR);
    bar(h.synthetic[i]!, slot * 0.5, slot * 0.45, SYNTHETIC_COLOUR);
    if (label && bars === 'grouped') {
      const cx = x + slot / 2;
      const y = top + plotH + 14;
      parts.push(`<text x="${cx.toFixed(1)}" y="${y}" font-size="11" text-anchor="end" transform="rotate(-40 ${cx.toFixed(1)} ${y})">${esc(clip(label, 16))}</text>`);
    } else if (label) {
      // The range's ends sit at the plot's edges (inside it); "missing" below, beside its bar.
      const [ax, anchor, y] = i === 0 ? [x, 'start', 14] : label === 'missing' ? [x + slot / 2, 'middle', 27] : [x + slot, 'end', 14];
      parts.push(`<text x="${ax.toFixed(1)}" y="${top + plotH + y}" font-size="11" text-anchor="${anchor}">${esc(label)}</text>`);
    }
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="DejaVu Sans, sans-serif">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${left}" y="24" font-size="15">${esc(clip(title, 60))}</text>`,
    `<rect x="${width - 170}" y="12" width="12" height="12" fill="${REAL_COLOUR}"/><text x="${width - 154}" y="23" font-size="12">real</text>`,
    `<rect x="${width - 105}" y="12" width="12" height="12" fill="${SYNTHETIC_COLOUR}"/><text x="${width - 89}" y="23" font-size="12">synthetic</text>`,
    `<line x1="${left}" y1="${top + plotH}" x2="${left + plotW}" y2="${top + plotH}" stroke="#444"/>`,
    `<text x="${left - 6}" y="${top + 4}" font-size="11" text-anchor="end">${(100 * max).toFixed(0)}%</text>`,
    ...parts,
    '</svg>',
  ].join('\n');
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

/** Blue for -1, white for 0, red for +1. */
function diverging(v: number): string {
  const t = Math.max(-1, Math.min(1, v));
  const mix = (from: number, to: number) => Math.round(from + (to - from) * Math.abs(t));
  return t >= 0 ? `rgb(255,${mix(255, 40)},${mix(255, 40)})` : `rgb(${mix(255, 40)},${mix(255, 90)},255)`;
}

export function matricesSize(columns: number): { width: number; height: number } {
  return { width: LABEL_MARGIN + 2 * columns * CELL + 40, height: LABEL_MARGIN + columns * CELL + 20 };
}

export function matricesSvg(names: string[], real: (number | null)[][], synthetic: (number | null)[][]): string {
  const n = names.length;
  const { width, height } = matricesSize(n);
  const parts: string[] = [];
  const draw = (m: (number | null)[][], x0: number, title: string, withRowLabels: boolean) => {
    parts.push(`<text x="${x0}" y="20" font-size="14">${title}</text>`);
    m.forEach((row, i) =>
      row.forEach((v, j) => {
        const x = x0 + j * CELL;
        const y = LABEL_MARGIN + i * CELL;
        parts.push(`<rect x="${x}" y="${y}" width="${CELL - 1}" height="${CELL - 1}" fill="${v === null ? '#ddd' : diverging(v)}"/>`);
        if (v !== null) parts.push(`<text x="${x + CELL / 2}" y="${y + CELL / 2 + 4}" font-size="10" text-anchor="middle">${v.toFixed(2)}</text>`);
      }),
    );
    names.forEach((name, j) => {
      const x = x0 + j * CELL + CELL / 2;
      parts.push(`<text x="${x}" y="${LABEL_MARGIN - 6}" font-size="11" transform="rotate(-60 ${x} ${LABEL_MARGIN - 6})">${esc(clip(name, 18))}</text>`);
      if (withRowLabels) parts.push(`<text x="${x0 - 6}" y="${LABEL_MARGIN + j * CELL + CELL / 2 + 4}" font-size="11" text-anchor="end">${esc(clip(name, 18))}</text>`);
    });
  };
  draw(real, LABEL_MARGIN, 'real', true);
  draw(synthetic, LABEL_MARGIN + n * CELL + 30, 'synthetic', false);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="DejaVu Sans, sans-serif">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    ...parts,
    '</svg>',
  ].join('\n');
}

export async function svgToPng(svg: string): Promise<Buffer> {
  return sharp(Buffer.from(svg)).png().toBuffer();
}

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
    atomicWriteFile(file, await svgToPng(histogramSvg(`${spec.name} (${spec.kind})`, h, columnShape(spec.kind) === 'continuous' ? 'touching' : 'grouped')));
    files.push(file);
  }
  const file = join(dir, 'associations.png');
  const names = real.columns.map((s) => s.name);
  atomicWriteFile(file, await svgToPng(matricesSvg(names, associationMatrix(real), associationMatrix(synthetic))));
  files.push(file);
  return files;
}
