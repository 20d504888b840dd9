// Small raster helpers for run outputs: sample grids, 2-D scatter plots (toy datasets such as
// rings of Gaussians) and loss curves, all written as PNG. No text rendering: plots carry
// colour-coded legend squares and the numbers live in the metrics log.
import { PNG } from 'pngjs';
import { atomicWriteFile } from './atomic.js';

/** An 8-bit RGBA raster, row-major, 4 bytes per pixel. */
export interface Image {
  width: number;
  height: number;
  rgba: Uint8Array;
}

type Rgb = [number, number, number];

function blank(width: number, height: number, [r, g, b]: Rgb): Image {
  const rgba = new Uint8Array(width * height * 4);
  for (let i = 0; i < rgba.length; i += 4) {
    rgba[i] = r;
    rgba[i + 1] = g;
    rgba[i + 2] = b;
    rgba[i + 3] = 255;
  }
  return { width, height, rgba };
}

/** Set one pixel; coordinates outside the image are ignored so callers need not clip. */
function plot(img: Image, x: number, y: number, [r, g, b]: Rgb): void {
  if (x < 0 || y < 0 || x >= img.width || y >= img.height) return;
  const i = (y * img.width + x) * 4;
  img.rgba[i] = r;
  img.rgba[i + 1] = g;
  img.rgba[i + 2] = b;
  img.rgba[i + 3] = 255;
}

function fillRect(img: Image, x: number, y: number, w: number, h: number, color: Rgb): void {
  for (let yy = y; yy < y + h; yy++) for (let xx = x; xx < x + w; xx++) plot(img, xx, yy, color);
}

/** Bresenham line between integer endpoints (inclusive). */
function line(img: Image, x0: number, y0: number, x1: number, y1: number, color: Rgb): void {
  const dx = Math.abs(x1 - x0);
  const dy = -Math.abs(y1 - y0);
  const sx = x0 < x1 ? 1 : -1;
  const sy = y0 < y1 ? 1 : -1;
  let err = dx + dy;
  for (;;) {
    plot(img, x0, y0, color);
    if (x0 === x1 && y0 === y1) return;
    const e2 = 2 * err;
    if (e2 >= dy) {
      err += dy;
      x0 += sx;
    }
    if (e2 <= dx) {
      err += dx;
      y0 += sy;
    }
  }
}

/** Map a generator output in [-1, 1] to a byte (clamped; NaN becomes 0 so it stands out as black). */
function toByte(v: number): number {
  if (Number.isNaN(v)) return 0;
  return Math.round((Math.min(1, Math.max(-1, v)) + 1) * 127.5);
}

/**
 * Lay out a batch of NCHW images with values in [-1, 1] as a grid. C must be 1 (grey) or 3 (RGB).
 * `cols` defaults to ceil(sqrt(n)); `rows` defaults to as many as needed, and a smaller `rows`
 * shows only the first rows*cols images. `pad` output pixels of mid-grey (default 2) separate and
 * surround the images; `scale` (default 1) enlarges every source pixel to scale x scale.
 */
export function imageGrid(
  data: Float32Array,
  shape: [n: number, c: number, h: number, w: number],
  opts: { cols?: number; pad?: number; scale?: number; rows?: number } = {},
): Image {
  const [n, c, h, w] = shape;
  if (data.length !== n * c * h * w) throw new Error(`png: ${data.length} values do not fill shape [${shape}]`);
  if (c !== 1 && c !== 3) throw new Error(`png: images must have 1 or 3 channels, got ${c}`);
  const pad = opts.pad ?? 2;
  const scale = opts.scale ?? 1;
  if (!Number.isInteger(scale) || scale < 1) throw new Error(`png: scale must be a positive integer, got ${scale}`);
  if (!Number.isInteger(pad) || pad < 0) throw new Error(`png: pad must be a non-negative integer, got ${pad}`);
  const cols = Math.max(1, opts.cols ?? (opts.rows ? Math.ceil(n / opts.rows) : Math.ceil(Math.sqrt(n))));
  const rows = Math.max(1, opts.rows ?? Math.ceil(n / cols));
  const cw = w * scale;
  const ch = h * scale;
  const img = blank(cols * cw + (cols + 1) * pad, rows * ch + (rows + 1) * pad, [128, 128, 128]);
  const plane = h * w;
  for (let k = 0; k < Math.min(n, rows * cols); k++) {
    const ox = pad + (k % cols) * (cw + pad);
    const oy = pad + Math.floor(k / cols) * (ch + pad);
    const base = k * c * plane;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const p = base + y * w + x;
        const r = toByte(data[p]!);
        const color: Rgb = c === 1 ? [r, r, r] : [r, toByte(data[p + plane]!), toByte(data[p + 2 * plane]!)];
        fillRect(img, ox + x * scale, oy + y * scale, scale, scale, color);
      }
    }
  }
  return img;
}

export function encodePng(img: Image): Uint8Array {
  if (img.rgba.length !== img.width * img.height * 4) {
    throw new Error(`png: ${img.rgba.length} bytes do not fill a ${img.width}x${img.height} RGBA image`);
  }
  const png = new PNG({ width: img.width, height: img.height });
  png.data = Buffer.from(img.rgba.buffer, img.rgba.byteOffset, img.rgba.byteLength);
  return PNG.sync.write(png);
}

/** Write a PNG atomically (a half-written sample grid is worse than the previous one). */
export function writePng(path: string, img: Image): void {
  atomicWriteFile(path, encodePng(img));
}

/** Decode any PNG pngjs understands (grey, palette, 16-bit...) to 8-bit RGBA. */
export function decodePng(bytes: Uint8Array, name = 'image'): Image {
  try {
    const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    return { width: png.width, height: png.height, rgba: new Uint8Array(png.data) };
  } catch (err) {
    throw new Error(`${name} is not a readable PNG: ${err instanceof Error ? err.message : String(err)}`, {
      cause: err,
    });
  }
}

/**
 * Scatter plot of 2-D points ([n, 2] interleaved x, y) on a white square of `size` pixels
 * (default 512). Both axes share `range`; by default it is symmetric around 0 and covers every
 * point (and reference point) with a 10% margin. `reference` points (e.g. the real data) are
 * drawn first in light red so the generated points stay visible on top.
 */
export function scatterPlot(points: Float32Array, opts: { size?: number; range?: [number, number]; reference?: Float32Array } = {}): Image {
  const size = opts.size ?? 512;
  let [lo, hi] = opts.range ?? [0, 0];
  if (!opts.range) {
    let m = 0;
    for (const arr of [points, opts.reference ?? new Float32Array(0)]) {
      for (const v of arr) if (Number.isFinite(v)) m = Math.max(m, Math.abs(v));
    }
    m = m > 0 ? m * 1.1 : 1;
    [lo, hi] = [-m, m];
  }
  if (!(hi > lo)) throw new Error(`png: scatter range [${lo}, ${hi}] is empty`);
  const img = blank(size, size, [255, 255, 255]);
  const px = (v: number) => Math.round(((v - lo) / (hi - lo)) * (size - 1));
  const py = (v: number) => size - 1 - px(v); // image rows grow downwards
  if (lo <= 0 && hi >= 0) {
    const grey: Rgb = [190, 190, 190];
    line(img, px(0), 0, px(0), size - 1, grey);
    line(img, 0, py(0), size - 1, py(0), grey);
  }
  const dots = (arr: Float32Array, color: Rgb) => {
    for (let i = 0; i + 1 < arr.length; i += 2) {
      const x = arr[i]!;
      const y = arr[i + 1]!;
      if (Number.isFinite(x) && Number.isFinite(y)) fillRect(img, px(x), py(y), 2, 2, color);
    }
  };
  if (opts.reference) dots(opts.reference, [255, 150, 150]);
  dots(points, [30, 30, 30]);
  return img;
}

/** Layout of linePlot: frame inset and the gap between the frame and the data. */
const LINE_MARGIN = 10;
const LINE_INSET = 3;

/**
 * Line chart of one or more series (e.g. generator and discriminator loss) on a white background
 * with a light grey frame, default 640x360. All series share the y scale (min/max of their finite
 * values) and the x scale (`xs`, one x per index, or the index itself), both taken over finite
 * points only. A NaN/Inf value (a diverged step) breaks the line rather than wrecking the scale. A legend of 10x10 colour squares, one per series in order,
 * sits at the top-left inside the frame.
 */
export function linePlot(
  series: { name: string; values: number[]; color: [number, number, number] }[],
  opts: { width?: number; height?: number; xs?: number[] } = {},
): Image {
  const width = opts.width ?? 640;
  const height = opts.height ?? 360;
  const img = blank(width, height, [255, 255, 255]);
  const [fx0, fy0, fx1, fy1] = [LINE_MARGIN, LINE_MARGIN, width - 1 - LINE_MARGIN, height - 1 - LINE_MARGIN];
  const frame: Rgb = [210, 210, 210];
  line(img, fx0, fy0, fx1, fy0, frame);
  line(img, fx0, fy1, fx1, fy1, frame);
  line(img, fx0, fy0, fx0, fy1, frame);
  line(img, fx1, fy0, fx1, fy1, frame);

  const xOf = (i: number) => (opts.xs ? opts.xs[i]! : i);
  let [ymin, ymax, xmin, xmax] = [Infinity, -Infinity, Infinity, -Infinity];
  for (const s of series) {
    s.values.forEach((v, i) => {
      const x = xOf(i);
      if (!Number.isFinite(v) || !Number.isFinite(x)) return;
      [ymin, ymax, xmin, xmax] = [Math.min(ymin, v), Math.max(ymax, v), Math.min(xmin, x), Math.max(xmax, x)];
    });
  }
  if (ymin <= ymax) {
    // A flat series or a single point would give a zero-width scale; centre it instead.
    if (ymin === ymax) [ymin, ymax] = [ymin - 1, ymax + 1];
    if (xmin === xmax) [xmin, xmax] = [xmin - 1, xmax + 1];
    const [ax0, ay0, ax1, ay1] = [fx0 + LINE_INSET, fy0 + LINE_INSET, fx1 - LINE_INSET, fy1 - LINE_INSET];
    const X = (x: number) => Math.round(ax0 + ((x - xmin) / (xmax - xmin)) * (ax1 - ax0));
    const Y = (y: number) => Math.round(ay1 - ((y - ymin) / (ymax - ymin)) * (ay1 - ay0));
    for (const s of series) {
      let prev: [number, number] | undefined;
      s.values.forEach((v, i) => {
        const x = xOf(i);
        if (!Number.isFinite(v) || !Number.isFinite(x)) {
          prev = undefined;
          return;
        }
        const p: [number, number] = [X(x), Y(v)];
        line(img, prev?.[0] ?? p[0], prev?.[1] ?? p[1], p[0], p[1], s.color);
        prev = p;
      });
    }
  }
  series.forEach((s, k) => fillRect(img, fx0 + 4, fy0 + 4 + k * 14, 10, 10, s.color));
  return img;
}
