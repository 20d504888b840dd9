// Pictures of a run: sample grids (images), scatter plots against real data (2-D vectors), and the
// loss curves.
import type { DataSource } from '../data/source.js';
import { imageGrid, linePlot, scatterPlot, writePng } from '../run/png.js';
import { writeGif } from '../run/gif.js';

/** Writes samples as a picture: a grid for images (`cols` per row), a scatter over real points for vectors. */
export function writeSamplePicture(path: string, samples: Float32Array, n: number, source: DataSource, real?: Float32Array, cols?: number): void {
  if (source.kind === 'video') {
    // One clip per row, its frames left to right.
    const [t, c, h, w] = source.shape as [number, number, number, number];
    writePng(path, imageGrid(samples, [n * t, c, h, w], { scale: h <= 32 ? 2 : 1, cols: t }));
    return;
  }
  if (source.kind === 'image') {
    const [c, h, w] = source.shape as [number, number, number];
    writePng(path, imageGrid(samples, [n, c, h, w], { scale: h <= 32 ? 2 : 1, cols }));
    return;
  }
  const d = source.shape[0]!;
  // Vectors: the first two coordinates.
  const first2 = (x: Float32Array, count: number) => {
    const out = new Float32Array(count * 2);
    for (let i = 0; i < count; i++) {
      out[2 * i] = x[i * d]!;
      out[2 * i + 1] = d > 1 ? x[i * d + 1]! : 0;
    }
    return out;
  };
  writePng(path, scatterPlot(first2(samples, n), { reference: real ? first2(real, real.length / d) : undefined }));
}

const COLORS: Record<string, [number, number, number]> = {
  loss_D: [214, 39, 40],
  loss_G: [31, 119, 180],
  d_real: [44, 160, 44],
  d_fake: [255, 127, 14],
  loss_E: [148, 103, 189],
};

/** Loss curves from the metrics log (red: D, blue: G; purple: f-AnoGAN's encoder stage), smoothed over windows of ~1% of the run. */
export function writeLossPlot(path: string, rows: Record<string, number>[]): void {
  if (rows.length < 2) return;
  const window = Math.max(1, Math.floor(rows.length / 100));
  const smooth = (key: string) => {
    const out: number[] = [];
    for (let i = 0; i + window <= rows.length; i += window) {
      let s = 0;
      for (let j = i; j < i + window; j++) s += rows[j]![key] ?? NaN;
      out.push(s / window);
    }
    return out;
  };
  const keys = ['loss_D', 'loss_G', ...(rows.some((r) => r.loss_E !== undefined) ? ['loss_E'] : [])];
  writePng(path, linePlot(keys.map((k) => ({ name: k, values: smooth(k), color: COLORS[k]! }))));
}

/** Nearest-neighbour enlargement of [n, C, h, w] images to [n, C, H, W] (H, W multiples of h, w), for display. */
export function enlarge(x: Float32Array, [n, c, h, w]: number[], [H, W]: number[]): Float32Array {
  if (h === H && w === W) return x;
  const out = new Float32Array(n! * c! * H! * W!);
  for (let p = 0; p < n! * c!; p++) {
    for (let y = 0; y < H!; y++) {
      for (let xx = 0; xx < W!; xx++) out[(p * H! + y) * W! + xx] = x[(p * h! + Math.floor((y * h!) / H!)) * w! + Math.floor((xx * w!) / W!)]!;
    }
  }
  return out;
}

/**
 * Before/after picture of a translation: for each group of `cols` examples, a row of inputs
 * (enlarged to the output size), a row of outputs and, if given, a row of targets.
 */
export function writeTranslationPicture(path: string, inputs: Float32Array, outputs: Float32Array, targets: Float32Array | undefined, n: number, inShape: number[], outShape: number[], cols = 8): void {
  const [c, h, w] = outShape as [number, number, number];
  const per = c * h * w;
  const rowsOf = [enlarge(inputs, [n, ...inShape], [h, w]), outputs, ...(targets ? [targets] : [])];
  const groups = Math.ceil(n / cols);
  const grid = new Float32Array(groups * rowsOf.length * cols * per);
  let cell = 0;
  for (let g = 0; g < groups; g++) {
    for (const src of rowsOf) {
      for (let i = g * cols; i < (g + 1) * cols; i++, cell++) if (i < n) grid.set(src.subarray(i * per, (i + 1) * per), cell * per);
    }
  }
  writePng(path, imageGrid(grid, [cell, c, h, w], { scale: h <= 32 ? 2 : 1, cols }));
}

/** Clips [n, T, C, H, W] as an animated GIF: frame t shows frame t of every clip, in a grid (at most 64 clips). */
export function writeClipAnimation(path: string, clips: Float32Array, n: number, [t, c, h, w]: number[]): void {
  const shown = Math.min(n, 64);
  const per = t! * c! * h! * w!;
  const plane = c! * h! * w!;
  const frames = Array.from({ length: t! }, (_, f) => {
    const grid = new Float32Array(shown * plane);
    for (let i = 0; i < shown; i++) grid.set(clips.subarray(i * per + f * plane, i * per + (f + 1) * plane), i * plane);
    return imageGrid(grid, [shown, c!, h!, w!], { scale: 2, cols: Math.min(shown, 8) });
  });
  writeGif(path, frames);
}
