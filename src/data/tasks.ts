// Paired image-to-image tasks made from an image dataset: each image is the target, and the task
// derives the input from it (the bottom half blanked out, or a 4x downscaled copy). A paired
// source delivers [input | target] flattened into one row per sample, the form the translation
// types (Pix2Pix, SRGAN) take apart again.
import type { Dataset } from './datasets.js';
import type { DataSource, SourceState } from './source.js';

export const TASKS = ['inpaint-bottom', 'downscale4'] as const;
export type Task = (typeof TASKS)[number];

export interface PairShapes {
  task: Task;
  /** Shape of one input image. */
  input: number[];
  /** Shape of one target image (the dataset's image). */
  target: number[];
}

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/** The shapes a task gives an image of shape [C, H, W]. */
export function taskShapes(task: Task, [c, h, w]: number[]): PairShapes {
  if (task === 'downscale4') return { task, input: [c!, h! / 4, w! / 4], target: [c!, h!, w!] };
  return { task, input: [c!, h!, w!], target: [c!, h!, w!] };
}

/**
 * Writes the task's input for each of n images [n, C, H, W] into out.
 * - inpaint-bottom: rows H/2 .. H-1 set to -1 (black in [-1, 1]).
 * - downscale4: the mean of each 4x4 block.
 */
export function taskInputs(task: Task, images: Float32Array, n: number, [c, h, w]: number[], out = new Float32Array(n * size(taskShapes(task, [c!, h!, w!]).input))): Float32Array {
  if (task === 'inpaint-bottom') {
    out.set(images.subarray(0, n * c! * h! * w!));
    for (let p = 0; p < n * c!; p++) out.fill(-1, p * h! * w! + (h! / 2) * w!, (p + 1) * h! * w!);
    return out;
  }
  const oh = h! / 4;
  const ow = w! / 4;
  for (let p = 0; p < n * c!; p++) {
    for (let y = 0; y < oh; y++) {
      for (let x = 0; x < ow; x++) {
        let s = 0;
        for (let dy = 0; dy < 4; dy++) for (let dx = 0; dx < 4; dx++) s += images[p * h! * w! + (4 * y + dy) * w! + 4 * x + dx]!;
        out[p * oh * ow + y * ow + x] = s / 16;
      }
    }
  }
  return out;
}

/** Checks that a task fits the data's images; returns the reason it does not, or undefined. */
export function taskMismatch(task: Task, shape: number[]): string | undefined {
  if (shape.length !== 3) return `data.task "${task}" needs images; the data's samples have shape [${shape.join(', ')}]`;
  const [, h, w] = shape;
  if (task === 'downscale4' && (h! % 4 !== 0 || w! % 4 !== 0)) return `data.task "downscale4" needs image sides divisible by 4; the images are ${h}x${w}`;
  if (task === 'inpaint-bottom' && h! % 2 !== 0) return `data.task "inpaint-bottom" needs an even image height; the images are ${h}x${w}`;
  return undefined;
}

/** Splits packed rows [n, input | target] into inputs and targets. */
export function unpackPairs(rows: Float32Array, n: number, p: PairShapes): { inputs: Float32Array; targets: Float32Array } {
  const a = size(p.input);
  const b = size(p.target);
  const inputs = new Float32Array(n * a);
  const targets = new Float32Array(n * b);
  for (let i = 0; i < n; i++) {
    inputs.set(rows.subarray(i * (a + b), i * (a + b) + a), i * a);
    targets.set(rows.subarray(i * (a + b) + a, (i + 1) * (a + b)), i * b);
  }
  return { inputs, targets };
}

/** A dataset's images as (task input, image) pairs, packed one pair per row; the pairs are made as batches are drawn. */
export class PairedSource implements DataSource {
  readonly kind = 'vector' as const;
  readonly shape: number[];
  readonly pair: PairShapes;
  readonly classes?: number;
  readonly dataset?: Dataset;
  private buf = new Float32Array(0);

  /** `images`: a source of images (its position is this source's position). */
  constructor(
    private readonly images: DataSource,
    task: Task,
  ) {
    this.dataset = images.dataset;
    this.pair = taskShapes(task, images.shape);
    this.shape = [size(this.pair.input) + size(this.pair.target)];
    this.classes = this.images.classes;
  }

  next(out: Float32Array, n: number, offset = 0, labels?: BigInt64Array): void {
    const t = size(this.pair.target);
    if (this.buf.length < n * t) this.buf = new Float32Array(n * t);
    const images = this.buf.subarray(0, n * t);
    // Labels land at [offset, offset + n) as the image source writes them.
    this.images.next(images, n, 0, labels ? labels.subarray(offset) : undefined);
    const inputs = taskInputs(this.pair.task, images, n, this.pair.target);
    const a = size(this.pair.input);
    for (let i = 0; i < n; i++) {
      const row = (offset + i) * (a + t);
      out.set(inputs.subarray(i * a, (i + 1) * a), row);
      out.set(images.subarray(i * t, (i + 1) * t), row + a);
    }
  }

  getState(): SourceState {
    return this.images.getState();
  }

  setState(s: SourceState): void {
    this.images.setState(s);
  }
}
