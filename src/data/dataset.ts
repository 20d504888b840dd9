// A finite dataset held in memory, and reading samples out of it, without Node: Node loads the
// bundled sets from files (./datasets.ts); a page builds one from a shipped asset or dropped images.
// Images are NCHW float32 in [-1, 1].
export interface Dataset {
  name: string;
  /** Shape of one sample: [C, H, W] for images, [D] for vectors. */
  shape: number[];
  count: number;
  /** [count, ...shape] values. */
  data: Float32Array;
  /**
   * Decoded images keep their bytes (a quarter of the memory): value = byte / 127.5 - 1. Sources
   * convert the samples they draw; `data` is then made from the bytes only when something reads it.
   */
  bytes?: Uint8Array;
  labels?: Int32Array;
  classNames?: string[];
  /** After data.classes (which re-indexes labels 0..k-1): the label each class has in the whole source. */
  labelValues?: number[];
}

export const MNIST_CLASSES = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

/** Writes samples [start, start + n) of a dataset into out at sample `at` (from bytes when it keeps them). */
export function copySamples(d: Dataset, start: number, n: number, out: Float32Array, at: number): void {
  const size = d.shape.reduce((a, b) => a * b, 1);
  if (!d.bytes) {
    out.set(d.data.subarray(start * size, (start + n) * size), at * size);
    return;
  }
  const from = start * size;
  const to = at * size;
  for (let q = 0; q < n * size; q++) out[to + q] = d.bytes[from + q]! / 127.5 - 1;
}

/** Samples [start, start + n) of a dataset as a flat array. */
export function sampleRange(d: Dataset, start: number, n: number): Float32Array {
  const size = d.shape.reduce((a, b) => a * b, 1);
  return d.data.subarray(start * size, (start + n) * size);
}
