// Image-to-image tasks made from an image dataset. Paired tasks: each image is the target, and the
// task derives the input from it (the bottom half blanked out, or a 4x downscaled copy). The
// unpaired task (CycleGAN's) splits the dataset into two domains: A, the first half as it is, and
// B, the second half dilated. A source delivers named fields: "input" and "target" (paired), or
// "a" and "b" (unpaired, drawn independently).
import type { Dataset } from './datasets.js';
import { floatField, labelField, type DataSource, type FieldBuffers, type FieldInfo, type PairShapes, type SourceState, type Task } from './types.js';


const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/** The shapes a task gives an image of shape [C, H, W]. */
export function taskShapes(task: Task, [c, h, w]: number[]): PairShapes {
  if (task === 'downscale4') return { task, input: [c!, h! / 4, w! / 4], target: [c!, h!, w!], unpaired: false };
  return { task, input: [c!, h!, w!], target: [c!, h!, w!], unpaired: task === 'dilate-unpaired' };
}

/**
 * Writes the task's input for each of n images [n, C, H, W] into out.
 * - inpaint-bottom: rows H/2 .. H-1 set to -1 (black in [-1, 1]).
 * - downscale4: the mean of each 4x4 block.
 * - dilate-unpaired: the image in domain B, dilated (what an A -> B translation should produce).
 */
export function taskInputs(task: Task, images: Float32Array, n: number, [c, h, w]: number[], out: Float32Array = new Float32Array(n * size(taskShapes(task, [c!, h!, w!]).input))): Float32Array {
  if (task === 'dilate-unpaired') return dilate3(images, n, [c!, h!, w!], out);
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

/**
 * Input/target examples made from images of the dataset: paired tasks derive the input from the
 * image (the image is the target); the unpaired task takes the image as an A input and its
 * dilation as the B image a translation should produce.
 */
export function exampleTranslations(pair: PairShapes, images: Float32Array, n: number): { inputs: Float32Array; targets: Float32Array } {
  const made = taskInputs(pair.task, images, n, pair.target);
  const own = images.subarray(0, n * size(pair.target));
  return pair.unpaired ? { inputs: own, targets: made } : { inputs: made, targets: own };
}

/** The maximum over each pixel's 3x3 neighbourhood (within the image): thicker strokes. */
export function dilate3(images: Float32Array, n: number, [c, h, w]: number[], out: Float32Array = new Float32Array(n * c! * h! * w!)): Float32Array {
  for (let p = 0; p < n * c!; p++) {
    const at = p * h! * w!;
    for (let y = 0; y < h!; y++) {
      for (let x = 0; x < w!; x++) {
        let m = -Infinity;
        for (let dy = Math.max(0, y - 1); dy <= Math.min(h! - 1, y + 1); dy++) {
          for (let dx = Math.max(0, x - 1); dx <= Math.min(w! - 1, x + 1); dx++) m = Math.max(m, images[at + dy * w! + dx]!);
        }
        out[at + y * w! + x] = m;
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

/** What the task sources share: the task's shapes, and the labels and dataset of the (first) image source. */
abstract class TaskSource implements DataSource {
  readonly kind = 'image' as const;
  /** Shape of one target image. */
  readonly shape: number[];
  readonly pair: PairShapes;
  readonly classes?: number;
  readonly dataset?: Dataset;
  abstract readonly fields: Record<string, FieldInfo>;
  private buf = new Float32Array(0);

  constructor(images: DataSource, task: Task) {
    this.dataset = images.dataset;
    this.pair = taskShapes(task, images.shape);
    this.shape = this.pair.target;
    this.classes = images.classes;
  }

  /** A reusable buffer of at least `length` values (its first `length`). */
  protected scratch(length: number): Float32Array {
    if (this.buf.length < length) this.buf = new Float32Array(length);
    return this.buf.subarray(0, length);
  }

  abstract next(out: FieldBuffers, n: number, offset?: number): void;
  abstract getState(): SourceState;
  abstract setState(s: SourceState): void;
}

const image = (shape: number[]): FieldInfo => ({ shape, dtype: 'float32' });

/** A dataset's images as (task input, image) pairs, fields "input" and "target" (and "y", the image's label); the pairs are made as batches are drawn. */
export class PairedSource extends TaskSource {
  readonly fields: Record<string, FieldInfo>;

  /** `images`: a source of images (its position is this source's position). */
  constructor(
    private readonly images: DataSource,
    task: Task,
  ) {
    super(images, task);
    this.fields = { input: image(this.pair.input), target: image(this.pair.target), ...(images.fields.y ? { y: images.fields.y } : {}) };
  }

  next(out: FieldBuffers, n: number, offset = 0): void {
    const t = size(this.pair.target);
    const target = floatField(out, 'target');
    const images = target ? target.subarray(offset * t, (offset + n) * t) : this.scratch(n * t);
    const labels = labelField(out);
    // Labels land at [offset, offset + n) as the image source writes them.
    this.images.next({ x: images, ...(labels ? { y: labels.subarray(offset) } : {}) }, n, 0);
    const input = floatField(out, 'input');
    if (input) taskInputs(this.pair.task, images, n, this.pair.target, input.subarray(offset * size(this.pair.input), (offset + n) * size(this.pair.input)));
  }

  getState(): SourceState {
    return this.images.getState();
  }

  setState(s: SourceState): void {
    this.images.setState(s);
  }
}

/** The first and second halves of a dataset: CycleGAN's domains A and B before B is dilated. */
export function domainHalves(d: Dataset): [Dataset, Dataset] {
  const size = d.shape.reduce((a, b) => a * b, 1);
  const half = Math.floor(d.count / 2);
  const part = (start: number, count: number): Dataset => ({
    ...d,
    name: `${d.name}[${start}:${start + count}]`,
    count,
    data: d.data.subarray(start * size, (start + count) * size),
    labels: d.labels?.subarray(start, start + count),
  });
  return [part(0, half), part(half, d.count - half)];
}

/** Two image sources as unpaired domains: fields "a" and "b" (b dilated), drawn independently. */
export class UnpairedSource extends TaskSource {
  readonly fields: Record<string, FieldInfo>;

  constructor(
    private readonly a: DataSource,
    private readonly b: DataSource,
    task: Task,
  ) {
    super(a, task);
    this.fields = { a: image(this.pair.input), b: image(this.pair.target) };
  }

  next(out: FieldBuffers, n: number, offset = 0): void {
    const s = size(this.pair.target);
    const at = (name: string) => floatField(out, name)?.subarray(offset * s, (offset + n) * s);
    // Both domains advance whichever fields are asked for, so their positions never depend on it.
    this.a.next({ x: at('a') ?? this.scratch(n * s) }, n, 0);
    const b = this.scratch(n * s);
    this.b.next({ x: b }, n, 0);
    const outB = at('b');
    if (outB) taskInputs(this.pair.task, b, n, this.pair.target, outB);
  }

  getState(): SourceState {
    const parts = [this.a.getState(), this.b.getState()];
    return { rng: parts[0]!.rng, parts };
  }

  setState(s: SourceState): void {
    if (!s.parts || s.parts.length !== 2) throw new Error('unpaired data source state lacks its two domains');
    this.a.setState(s.parts[0]!);
    this.b.setState(s.parts[1]!);
  }
}
