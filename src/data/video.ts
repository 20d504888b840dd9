// Moving MNIST clips, made on the fly: one MNIST training digit, scaled to 20x20, placed on a 32x32
// black frame and moved in a straight line (a random direction, 1 to 2 pixels a frame), bouncing
// off the edges; 8 frames. A clip is [T, 1, H, W] in [-1, 1]; its label is the digit's.
import type { Rng } from '../engine/index.js';
import { interpolationMatrix } from '../engine/functional.js';
import type { Dataset } from './datasets.js';
import { floatField, labelField, sampleFields, type DataSource, type FieldBuffers, type FieldInfo, type SourceState } from './types.js';

export const CLIP = { frames: 8, size: 32, digit: 20, minSpeed: 1, maxSpeed: 2 } as const;

/** Bilinear resize of one [h, w] image to [oh, ow]. */
export function resizeImage(x: Float32Array, h: number, w: number, oh: number, ow: number): Float32Array {
  const my = interpolationMatrix(h, oh, 'bilinear');
  const mx = interpolationMatrix(w, ow, 'bilinear');
  const out = new Float32Array(oh * ow);
  for (let y = 0; y < oh; y++) {
    for (let xx = 0; xx < ow; xx++) {
      let s = 0;
      for (let i = 0; i < h; i++) {
        const wy = my[y * h + i]!;
        if (wy === 0) continue;
        for (let j = 0; j < w; j++) s += wy * mx[xx * w + j]! * x[i * w + j]!;
      }
      out[y * ow + xx] = s;
    }
  }
  return out;
}

/** Positions of the digit's top-left corner in each frame: straight line, reflected at the borders of [0, span]. */
export function bouncingPath(x0: number, y0: number, vx: number, vy: number, frames: number, span: number): [number, number][] {
  const path: [number, number][] = [];
  let [x, y, dx, dy] = [x0, y0, vx, vy];
  for (let t = 0; t < frames; t++) {
    path.push([x, y]);
    x += dx;
    y += dy;
    if (x < 0 || x > span) {
      dx = -dx;
      x = x < 0 ? -x : 2 * span - x;
    }
    if (y < 0 || y > span) {
      dy = -dy;
      y = y < 0 ? -y : 2 * span - y;
    }
  }
  return path;
}

/** Renders one clip [T, 1, S, S] of a 20x20 digit (values in [-1, 1]) along a path (rounded positions). */
export function renderClip(digit: Float32Array, path: [number, number][], out: Float32Array, offset = 0): void {
  const { size, digit: d } = CLIP;
  out.fill(-1, offset, offset + path.length * size * size);
  path.forEach(([px, py], t) => {
    const x0 = Math.round(px);
    const y0 = Math.round(py);
    for (let y = 0; y < d; y++) {
      for (let x = 0; x < d; x++) out[offset + t * size * size + (y0 + y) * size + x0 + x] = digit[y * d + x]!;
    }
  });
}

/** Draws clips of digits from an image source (28x28 MNIST digits) with motion from rng. */
export class MovingDigitsSource implements DataSource {
  readonly kind = 'video' as const;
  readonly shape = [CLIP.frames, 1, CLIP.size, CLIP.size];
  readonly fields: Record<string, FieldInfo>;
  readonly classes?: number;
  readonly dataset?: Dataset;
  private digits = new Float32Array(0);

  constructor(
    private readonly images: DataSource,
    private readonly rng: Rng,
  ) {
    this.classes = images.classes;
    this.dataset = images.dataset;
    this.fields = sampleFields(this.shape, images.fields.y !== undefined);
  }

  /** Clips in "x" (the digit's label in "y"). */
  next(out: FieldBuffers, n: number, offset = 0): void {
    if (this.digits.length < n * 784) this.digits = new Float32Array(n * 784);
    const labels = labelField(out);
    this.images.next({ x: this.digits, ...(labels ? { y: labels.subarray(offset) } : {}) }, n, 0);
    const per = CLIP.frames * CLIP.size * CLIP.size;
    // Clips nobody asked for are still drawn, so the source's position does not depend on the fields asked for.
    const asked = floatField(out, 'x');
    const clips = asked ? asked.subarray(offset * per, (offset + n) * per) : new Float32Array(n * per);
    const span = CLIP.size - CLIP.digit;
    for (let i = 0; i < n; i++) {
      const digit = resizeImage(this.digits.subarray(i * 784, (i + 1) * 784), 28, 28, CLIP.digit, CLIP.digit);
      const angle = this.rng.uniform() * 2 * Math.PI;
      const speed = CLIP.minSpeed + this.rng.uniform() * (CLIP.maxSpeed - CLIP.minSpeed);
      const path = bouncingPath(this.rng.uniform() * span, this.rng.uniform() * span, speed * Math.cos(angle), speed * Math.sin(angle), CLIP.frames, span);
      renderClip(digit, path, clips, i * per);
    }
  }

  getState(): SourceState {
    const images = this.images.getState();
    return { rng: images.rng, parts: [images, { rng: this.rng.getState() }] };
  }

  setState(s: SourceState): void {
    if (!s.parts || s.parts.length !== 2) throw new Error('moving-digits source state lacks its parts');
    this.images.setState(s.parts[0]!);
    this.rng.setState(s.parts[1]!.rng);
  }
}
