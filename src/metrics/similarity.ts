// Full-reference image quality: PSNR and SSIM of outputs against their targets, per image, averaged,
// and the bicubic upscaling super-resolution is compared with. Images are [n, C, H, W] in [-1, 1].
import { interpolationMatrix } from '../engine/functional.js';

/** Mean over images of 10 log10(range^2 / MSE); an exact image counts as 100 dB. */
export function psnr(a: Float32Array, b: Float32Array, n: number, range = 2): number {
  const per = a.length / n;
  let total = 0;
  for (let i = 0; i < n; i++) {
    let se = 0;
    for (let j = i * per; j < (i + 1) * per; j++) se += (a[j]! - b[j]!) ** 2;
    const mse = se / per;
    total += mse === 0 ? 100 : 10 * Math.log10((range * range) / mse);
  }
  return total / n;
}

/** Normalised 1-D Gaussian of `size` taps. */
function gaussian(size: number, sigma: number): number[] {
  const g = Array.from({ length: size }, (_, i) => Math.exp(-((i - (size - 1) / 2) ** 2) / (2 * sigma * sigma)));
  const s = g.reduce((x, y) => x + y, 0);
  return g.map((v) => v / s);
}

/** Separable 'valid' filtering of one [h, w] plane. */
function filter(x: Float64Array, h: number, w: number, g: number[]): Float64Array {
  const k = g.length;
  const ow = w - k + 1;
  const oh = h - k + 1;
  const rows = new Float64Array(h * ow);
  for (let y = 0; y < h; y++) for (let xx = 0; xx < ow; xx++) {
    let s = 0;
    for (let t = 0; t < k; t++) s += g[t]! * x[y * w + xx + t]!;
    rows[y * ow + xx] = s;
  }
  const out = new Float64Array(oh * ow);
  for (let y = 0; y < oh; y++) for (let xx = 0; xx < ow; xx++) {
    let s = 0;
    for (let t = 0; t < k; t++) s += g[t]! * rows[(y + t) * ow + xx]!;
    out[y * ow + xx] = s;
  }
  return out;
}

/**
 * Structural similarity (Wang et al. 2004) with their constants: an 11x11 Gaussian window of
 * sigma 1.5 (smaller for images under 11 pixels) over the valid region, K1 0.01, K2 0.03, on the images rescaled to [0, 1]. The mean
 * of the SSIM map per channel, averaged over channels and images.
 */
export function ssim(a: Float32Array, b: Float32Array, shape: number[]): number {
  const [n, c, h, w] = shape as [number, number, number, number];
  // Images smaller than the window use a window as large as they are (of the same sigma).
  const g = gaussian(Math.min(11, h, w), 1.5);
  const c1 = 0.01 ** 2;
  const c2 = 0.03 ** 2;
  const plane = h * w;
  let total = 0;
  for (let p = 0; p < n * c; p++) {
    const x = new Float64Array(plane);
    const y = new Float64Array(plane);
    for (let i = 0; i < plane; i++) {
      x[i] = (a[p * plane + i]! + 1) / 2;
      y[i] = (b[p * plane + i]! + 1) / 2;
    }
    const mul = (u: Float64Array, v: Float64Array) => u.map((ui, i) => ui * v[i]!);
    const mx = filter(x, h, w, g);
    const my = filter(y, h, w, g);
    const sxx = filter(mul(x, x), h, w, g);
    const syy = filter(mul(y, y), h, w, g);
    const sxy = filter(mul(x, y), h, w, g);
    let s = 0;
    for (let i = 0; i < mx.length; i++) {
      const vx = sxx[i]! - mx[i]! ** 2;
      const vy = syy[i]! - my[i]! ** 2;
      const cov = sxy[i]! - mx[i]! * my[i]!;
      s += ((2 * mx[i]! * my[i]! + c1) * (2 * cov + c2)) / ((mx[i]! ** 2 + my[i]! ** 2 + c1) * (vx + vy + c2));
    }
    total += s / mx.length;
  }
  return total / (n * c);
}

/** Bicubic upscaling of [n, C, h, w] images by `factor` (PyTorch's bicubic, align_corners=False), the baseline for super-resolution. */
export function upscaleBicubic(x: Float32Array, [n, c, h, w]: number[], factor: number): Float32Array {
  const H = h! * factor;
  const W = w! * factor;
  const my = interpolationMatrix(h!, H, 'bicubic');
  const mx = interpolationMatrix(w!, W, 'bicubic');
  const out = new Float32Array(n! * c! * H * W);
  const tmp = new Float64Array(h! * W);
  for (let p = 0; p < n! * c!; p++) {
    for (let y = 0; y < h!; y++) for (let X = 0; X < W; X++) {
      let s = 0;
      for (let xx = 0; xx < w!; xx++) s += mx[X * w! + xx]! * x[(p * h! + y) * w! + xx]!;
      tmp[y * W + X] = s;
    }
    for (let Y = 0; Y < H; Y++) for (let X = 0; X < W; X++) {
      let s = 0;
      for (let y = 0; y < h!; y++) s += my[Y * h! + y]! * tmp[y * W + X]!;
      out[(p * H + Y) * W + X] = s;
    }
  }
  return out;
}
