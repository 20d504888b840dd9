// Charts for reports: Vega-Lite specs compiled by vega-lite and rendered to SVG by vega's headless
// View (renderer 'none': no browser, no canvas; text widths are estimated), rasterised to PNG by sharp.
import sharp from 'sharp';
import * as vega from 'vega';
import { compile, type Config, type TopLevelSpec } from 'vega-lite';

export type { TopLevelSpec };
/** A view inside a composed chart (a part of hconcat, vconcat or layer). */
export type ChartPart = Extract<TopLevelSpec, { hconcat: unknown }>['hconcat'][number];

export interface Size {
  width: number;
  height: number;
}

// Without a canvas vega guesses a text's width as 0.8 em a character, too wide for most text: titles
// and slanted labels then take room they do not need. vega-scenegraph lets a user-defined width
// function stand in (as vl-convert does); this one adds up DejaVu Sans' advance widths (em, measured
// by rendering with Pango), which is the font the charts ask for.
const ADVANCE: [string, number][] = [
  ["'", 0.27],
  ['IJijl', 0.28],
  [' ,.', 0.32],
  ['/:;\\|', 0.34],
  ['f', 0.345],
  ['-', 0.36],
  ['()[]rt', 0.39],
  ['!', 0.4],
  ['"', 0.46],
  ['*_`', 0.5],
  ['sz', 0.52],
  ['?', 0.53],
  ['c', 0.55],
  ['L', 0.56],
  ['Fkvxy', 0.58],
  ['T', 0.59],
  ['P', 0.6],
  ['Yaoé', 0.61],
  ['e', 0.62],
  ['ES', 0.63],
  ['bdghnpqu', 0.63],
  ['$0123456789{}', 0.64],
  ['K', 0.66],
  ['V', 0.68],
  ['BRXZ', 0.69],
  ['C', 0.7],
  ['A', 0.71],
  ['U', 0.73],
  ['HN', 0.75],
  ['DG', 0.77],
  ['&', 0.78],
  ['OQ', 0.79],
  ['w', 0.82],
  ['#+<=>^~−', 0.84],
  ['M', 0.86],
  ['%', 0.95],
  ['m', 0.97],
  ['W', 0.99],
  ['@…', 1],
];
const advance = new Map(ADVANCE.flatMap(([chars, w]) => [...chars].map((c) => [c, w] as const)));
/** A text's width in em: DejaVu Sans' advances; 1 em for wide (CJK and later) characters, 0.62 for other ones. */
export function textWidthEm(text: string): number {
  let w = 0;
  for (const c of text) w += advance.get(c) ?? (c.codePointAt(0)! >= 0x2e80 ? 1 : 0.62);
  return w;
}
interface TextItem {
  text?: unknown;
  fontSize?: number;
  fontWeight?: string | number;
}
const metrics = (vega as unknown as { textMetrics: { width: (item: TextItem, text?: unknown) => number } }).textMetrics;
metrics.width = (item, text) => {
  const t = text ?? item.text;
  const s = t === null || t === undefined ? '' : Array.isArray(t) ? t.join(' ') : String(t);
  const bold = item.fontWeight === 'bold' || (typeof item.fontWeight === 'number' && item.fontWeight >= 600);
  return textWidthEm(s) * (item.fontSize ?? 11) * (bold ? 1.08 : 1);
};

/** The look every report chart shares: a white background, the fonts sharp's librsvg has here. */
export const CHART_CONFIG: Config = {
  background: 'white',
  font: 'DejaVu Sans, sans-serif',
  padding: 8,
  title: { fontSize: 15, fontWeight: 'normal', anchor: 'start', subtitleFontSize: 11, subtitleColor: '#555', offset: 8 },
  axis: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: 'normal', gridColor: '#eee', domainColor: '#888', tickColor: '#888' },
  legend: { labelFontSize: 12, titleFontSize: 12, titleFontWeight: 'normal' },
  view: { stroke: '#ccc' },
};

/**
 * The SVG of a Vega-Lite spec. Errors of vega-lite and vega are thrown; their warnings go to `warn`
 * (dropped by default: a chart of odd data is still drawn).
 */
export async function renderSvg(spec: TopLevelSpec, warn: (message: string) => void = () => {}): Promise<string> {
  const errors: string[] = [];
  const text = (args: unknown[]) => args.map(String).join(' ');
  // vega-util's LoggerInterface: levels below warnings are not asked for.
  const log = {
    level: (_?: number) => log,
    error: (...args: unknown[]) => (errors.push(text(args)), log),
    warn: (...args: unknown[]) => (warn(text(args)), log),
    info: () => log,
    debug: () => log,
  };
  const vg = compile({ ...spec, config: { ...CHART_CONFIG, ...spec.config } }, { logger: log }).spec;
  const view = new vega.View(vega.parse(vg), { renderer: 'none', logger: log });
  try {
    const svg = await view.toSVG();
    if (errors.length) throw new Error(`chart: ${errors.join('; ')}`);
    return svg;
  } finally {
    view.finalize();
  }
}

/** The width and height an SVG's root element gives. */
export function svgSize(svg: string): Size {
  const root = /<svg\b[^>]*>/.exec(svg)?.[0] ?? '';
  const attr = (name: string) => Number(new RegExp(`\\s${name}="([\\d.]+)"`).exec(root)?.[1] ?? NaN);
  return { width: attr('width'), height: attr('height') };
}

/**
 * Renders a chart whose plotting area `build` sizes so that the whole picture is `target`: a first
 * rendering measures what the titles, axes and legend take around the plot, a second gives the plot
 * the rest. The SVG comes back at its own size (svgToPng frames it to `target` exactly).
 */
export async function renderSvgSized(build: (plot: Size) => TopLevelSpec, target: Size, guess: Size): Promise<string> {
  const first = await renderSvg(build(guess));
  const got = svgSize(first);
  if (got.width === target.width && got.height === target.height) return first;
  const plot = {
    width: Math.max(40, guess.width + target.width - got.width),
    height: Math.max(40, guess.height + target.height - got.height),
  };
  return renderSvg(build(plot));
}

/**
 * A PNG of an SVG at 1 pixel per SVG unit. With `size`: exactly that size, the drawing centred on
 * white (scaled down to fit, never stretched, when it is larger).
 */
export async function svgToPng(svg: string, size?: Size): Promise<Buffer> {
  if (!size) return sharp(Buffer.from(svg)).png().toBuffer();
  const white = { r: 255, g: 255, b: 255, alpha: 1 };
  let png = await sharp(Buffer.from(svg)).flatten({ background: white }).png().toBuffer();
  let meta = await sharp(png).metadata();
  if (meta.width > size.width || meta.height > size.height) {
    png = await sharp(png).resize({ width: size.width, height: size.height, fit: 'inside' }).png().toBuffer();
    meta = await sharp(png).metadata();
  }
  const dx = size.width - meta.width;
  const dy = size.height - meta.height;
  if (dx === 0 && dy === 0) return png;
  const [left, top] = [Math.floor(dx / 2), Math.floor(dy / 2)];
  return sharp(png)
    .extend({ left, right: dx - left, top, bottom: dy - top, background: white })
    .png()
    .toBuffer();
}
