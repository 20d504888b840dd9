// Downscaling float images by an integer factor, as separable [out, in] weight matrices:
// area (the mean of each factor x factor block) and bicubic (Keys' cubic with a = -0.5, widened by
// the factor so it antialiases, with mirrored borders: MATLAB's imresize, which the
// super-resolution papers' low-resolution inputs come from).
import type { Filter } from './types.js';

function keys(x: number): number {
  const t = Math.abs(x);
  if (t <= 1) return (1.5 * t - 2.5) * t * t + 1;
  if (t < 2) return ((-0.5 * t + 2.5) * t - 4) * t + 2;
  return 0;
}

/** Weights [inSize / factor, inSize] of one axis. */
export function downscaleMatrix(inSize: number, factor: number, filter: Filter): Float64Array {
  const outSize = inSize / factor;
  const m = new Float64Array(outSize * inSize);
  for (let o = 0; o < outSize; o++) {
    if (filter === 'area') {
      for (let i = o * factor; i < (o + 1) * factor; i++) m[o * inSize + i] = 1 / factor;
      continue;
    }
    const centre = (o + 0.5) * factor - 0.5;
    let sum = 0;
    for (let i = Math.floor(centre - 2 * factor); i <= Math.ceil(centre + 2 * factor); i++) {
      const w = keys((centre - i) / factor);
      if (w === 0) continue;
      // Mirror at the borders: index -1 is 0, index inSize is inSize - 1.
      const j = i < 0 ? -i - 1 : i >= inSize ? 2 * inSize - i - 1 : i;
      m[o * inSize + j]! += w;
      sum += w;
    }
    for (let i = 0; i < inSize; i++) m[o * inSize + i]! /= sum;
  }
  return m;
}

/** Shrinks `planes` h x w planes by `factor` into out (planes of h/factor x w/factor). */
export function downscalePlanes(images: Float32Array, planes: number, h: number, w: number, factor: number, filter: Filter, out: Float32Array): Float32Array {
  const oh = h / factor;
  const ow = w / factor;
  const my = downscaleMatrix(h, factor, filter);
  const mx = downscaleMatrix(w, factor, filter);
  const rows = new Float64Array(h * ow);
  for (let p = 0; p < planes; p++) {
    const at = p * h * w;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < ow; x++) {
        let s = 0;
        for (let i = 0; i < w; i++) s += mx[x * w + i]! * images[at + y * w + i]!;
        rows[y * ow + x] = s;
      }
    }
    for (let y = 0; y < oh; y++) {
      for (let x = 0; x < ow; x++) {
        let s = 0;
        for (let i = 0; i < h; i++) s += my[y * h + i]! * rows[i * ow + x]!;
        // Bicubic overshoots at sharp edges; images stay in [-1, 1].
        out[p * oh * ow + y * ow + x] = Math.min(Math.max(s, -1), 1);
      }
    }
  }
  return out;
}
