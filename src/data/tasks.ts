// Image-to-image tasks made from an image dataset. Paired tasks: each image is the target, and the
// task derives the input from it (the bottom half blanked out, a 2x/4x/8x downscaled copy, its edge
// map). The unpaired task (CycleGAN's) splits the dataset into two domains: A, the first half as it
// is, and B, the second half dilated; two image sources of their own are unpaired data too. A
// source delivers named fields: "input" and "target" (paired), or "a" and "b" (unpaired, drawn
// independently).
import type { Dataset } from './datasets.js';
import { edgeMaps } from './edges.js';
import { checkRange } from './heldout.js';
import { downscalePlanes } from './resample.js';
import { floatField, labelField, type DataSource, type FieldBuffers, type FieldInfo, type Filter, type HeldOut, type PairShapes, type SourceState, type Task } from './types.js';


const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/** The downscale tasks' factors. */
const FACTORS: Partial<Record<Task, number>> = { downscale2: 2, downscale4: 4, downscale8: 8 };

/** The shapes a task gives an image of shape [C, H, W]. */
export function taskShapes(task: Task, [c, h, w]: number[], filter: Filter = 'area'): PairShapes {
  const f = FACTORS[task];
  if (f) return { task, input: [c!, h! / f, w! / f], target: [c!, h!, w!], unpaired: false, scale: f, filter };
  return { task, input: [c!, h!, w!], target: [c!, h!, w!], unpaired: task === 'dilate-unpaired' };
}

/**
 * Writes the task's input for each of n images [n, C, H, W] into out.
 * - inpaint-bottom: rows H/2 .. H-1 set to -1 (black in [-1, 1]).
 * - downscale2/4/8: shrunk by the factor (area: block means; bicubic: ./resample.ts).
 * - edges: the image's edge map (./edges.ts).
 * - dilate-unpaired: the image in domain B, dilated (what an A -> B translation should produce).
 */
export function taskInputs(task: Task, images: Float32Array, n: number, [c, h, w]: number[], out: Float32Array = new Float32Array(n * size(taskShapes(task, [c!, h!, w!]).input)), filter: Filter = 'area'): Float32Array {
  if (task === 'dilate-unpaired') return dilate3(images, n, [c!, h!, w!], out);
  if (task === 'edges') return edgeMaps(images, n, [c!, h!, w!], out);
  if (task === 'inpaint-bottom') {
    out.set(images.subarray(0, n * c! * h! * w!));
    for (let p = 0; p < n * c!; p++) out.fill(-1, p * h! * w! + (h! / 2) * w!, (p + 1) * h! * w!);
    return out;
  }
  return downscalePlanes(images, n * c!, h!, w!, FACTORS[task]!, filter, out);
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
  const f = FACTORS[task];
  if (f && (h! % f !== 0 || w! % f !== 0)) return `data.task "${task}" needs image sides divisible by ${f}; the images are ${h}x${w}`;
  if (task === 'inpaint-bottom' && h! % 2 !== 0) return `data.task "inpaint-bottom" needs an even image height; the images are ${h}x${w}`;
  return undefined;
}

/** What the task sources share: the pairs' shapes, and the labels and dataset of the (first) image source. */
abstract class TaskSource implements DataSource {
  readonly kind = 'image' as const;
  /** Shape of one target image. */
  readonly shape: number[];
  readonly classes?: number;
  readonly dataset?: Dataset;
  notes?: string[];
  abstract readonly fields: Record<string, FieldInfo>;
  abstract readonly heldOut?: HeldOut;
  private buf = new Float32Array(0);

  constructor(
    images: DataSource,
    readonly pair: PairShapes,
  ) {
    this.dataset = images.dataset;
    this.shape = pair.target;
    this.classes = images.classes;
    this.notes = images.notes;
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

/** Held-out examples made from another source's (counted when asked, so a lazily loaded split stays unloaded until then). */
function derivedHeldOut(held: HeldOut, fields: Record<string, FieldInfo>, read: HeldOut['read']): HeldOut {
  return {
    name: held.name,
    get count() {
      return held.count;
    },
    fields,
    read,
  };
}

/** A dataset's images as (task input, image) pairs, fields "input" and "target" (and "y", the image's label); the pairs are made as batches are drawn. */
export class PairedSource extends TaskSource {
  readonly fields: Record<string, FieldInfo>;
  readonly heldOut?: HeldOut;

  /** `images`: a source of images (its position is this source's position); its held-out images become held-out pairs. */
  constructor(
    private readonly images: DataSource,
    private readonly task: Task,
    private readonly filter: Filter = 'area',
  ) {
    super(images, taskShapes(task, images.shape, filter));
    this.fields = { input: image(this.pair.input), target: image(this.pair.target), ...(images.fields.y ? { y: images.fields.y } : {}) };
    const held = images.heldOut;
    if (held) this.heldOut = derivedHeldOut(held, this.fields, (out, start, n) => this.derive(out, n, 0, (x) => held.read(x, start, n)));
  }

  next(out: FieldBuffers, n: number, offset = 0): void {
    this.derive(out, n, offset, (x) => this.images.next(x, n, 0));
  }

  /** Writes n targets (read by `fill` into buffers from their start), their labels and their task inputs at offset. */
  private derive(out: FieldBuffers, n: number, offset: number, fill: (x: FieldBuffers) => void): void {
    const t = size(this.pair.target);
    const target = floatField(out, 'target');
    const images = target ? target.subarray(offset * t, (offset + n) * t) : this.scratch(n * t);
    const labels = labelField(out);
    // Labels land at [offset, offset + n) as the image source writes them.
    fill({ x: images, ...(labels ? { y: labels.subarray(offset) } : {}) });
    const input = floatField(out, 'input');
    if (input) taskInputs(this.task, images, n, this.pair.target, input.subarray(offset * size(this.pair.input), (offset + n) * size(this.pair.input)), this.filter);
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
    bytes: d.bytes?.subarray(start * size, (start + count) * size),
    labels: d.labels?.subarray(start, start + count),
  });
  return [part(0, half), part(half, d.count - half)];
}

/**
 * Two image sources as unpaired domains: fields "a" and "b", drawn independently. With the task
 * "dilate-unpaired", b's images are dilated, and the held-out pairs are one held-out image set's
 * images (a) and their dilations (b); otherwise b is as its source gives it, and held-out example
 * i of a and of b are the i-th held-out images of each domain.
 */
export class UnpairedSource extends TaskSource {
  readonly fields: Record<string, FieldInfo>;
  readonly heldOut?: HeldOut;
  private readonly dilate: boolean;

  /** `task`: "dilate-unpaired", or a name saying where the domains come from; `held`: the dilate task's held-out images. */
  constructor(
    private readonly a: DataSource,
    private readonly b: DataSource,
    task: string,
    held?: HeldOut,
  ) {
    super(a, { task, input: a.shape, target: b.shape, unpaired: true });
    this.dilate = task === 'dilate-unpaired';
    this.notes = [...(a.notes ?? []), ...(b.notes ?? [])];
    this.fields = { a: image(this.pair.input), b: image(this.pair.target) };
    if (this.dilate && held) this.heldOut = this.dilatedHeldOut(held);
    else if (a.heldOut && b.heldOut) this.heldOut = unpairedHeldOut(a.heldOut, b.heldOut, this.fields);
  }

  private dilatedHeldOut(held: HeldOut): HeldOut {
    const s = size(this.pair.target);
    return derivedHeldOut(held, this.fields, (out, start, n) => {
      const a = floatField(out, 'a')?.subarray(0, n * s) ?? this.scratch(n * s);
      held.read({ x: a }, start, n);
      floatField(out, 'b')?.set(dilate3(a, n, this.pair.target));
    });
  }

  next(out: FieldBuffers, n: number, offset = 0): void {
    const sa = size(this.pair.input);
    const sb = size(this.pair.target);
    // Both domains advance whichever fields are asked for, so their positions never depend on it.
    this.a.next({ x: floatField(out, 'a')?.subarray(offset * sa, (offset + n) * sa) ?? this.scratch(n * sa) }, n, 0);
    const outB = floatField(out, 'b')?.subarray(offset * sb, (offset + n) * sb);
    if (!this.dilate) {
      this.b.next({ x: outB ?? this.scratch(n * sb) }, n, 0);
      return;
    }
    const b = this.scratch(n * sb);
    this.b.next({ x: b }, n, 0);
    if (outB) dilate3(b, n, this.pair.target, outB);
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

/**
 * Held-out images of two domains side by side: as many examples as the smaller domain holds, and
 * each labelled domain's labels as "ya" and "yb" (for checking that translation keeps the class).
 */
function unpairedHeldOut(a: HeldOut, b: HeldOut, fields: Record<string, FieldInfo>): HeldOut {
  const count = Math.min(a.count, b.count);
  return {
    name: `${a.name} | ${b.name}`,
    count,
    fields: { ...fields, ...(a.fields.y ? { ya: a.fields.y } : {}), ...(b.fields.y ? { yb: b.fields.y } : {}) },
    read(out, start, n) {
      checkRange(start, n, count);
      a.read({ x: out.a, y: out.ya }, start, n);
      b.read({ x: out.b, y: out.yb }, start, n);
    },
  };
}
