// What every data source is: named fields per sample, drawn in batches, with a position that
// checkpoints save. The GAN types name the fields they need ("x", "y", "input", "target", "a", "b").
import type { RngState } from '../engine/index.js';
import type { Mixture } from './mixtures.js';
import type { Dataset } from './dataset.js';
import type { TableEncoding } from '../tables/types.js';

/** Image-to-image tasks made from an image dataset (./tasks.ts). */
export const TASKS = ['inpaint-bottom', 'downscale2', 'downscale4', 'downscale8', 'edges', 'dilate-unpaired'] as const;
export type Task = (typeof TASKS)[number];
/** How the downscale tasks shrink images. */
export const FILTERS = ['area', 'bicubic'] as const;
export type Filter = (typeof FILTERS)[number];

/** The shapes of image-to-image data's inputs and targets. */
export interface PairShapes {
  /** Where the pairs come from, for messages: a task ("downscale4"), "paired images", "unpaired images". */
  task: string;
  /** Shape of one input image. */
  input: number[];
  /** Shape of one target image (the dataset's image). */
  target: number[];
  /** Unpaired (two domains, A and B): an image of each per sample, drawn independently. */
  unpaired: boolean;
  /** Super-resolution (the downscale tasks): target side / input side (2, 4 or 8), and how inputs were shrunk. */
  scale?: number;
  filter?: Filter;
}

/** The shape and type of one field of the data's batches (per sample). */
export interface FieldInfo {
  shape: number[];
  dtype: 'float32' | 'int64';
}

/** Where a batch's fields are written: one buffer per wanted field, [n, ...shape] from the offset on. */
export type FieldBuffers = Partial<Record<string, Float32Array | BigInt64Array>>;

export interface SourceState {
  rng: RngState;
  /** Finite datasets: the PRNG state the current epoch's order was drawn from, and the position in it. */
  epochRng?: RngState;
  position?: number;
  epoch?: number;
  /** Sources made of several (CycleGAN's two domains): each one's state. */
  parts?: SourceState[];
}

/**
 * Examples kept out of training, for evaluation and previews: the same fields as training batches
 * (unpaired data: example i of "a" and of "b" are unrelated, unless the task derives b from a; and
 * labelled domains add their labels as "ya" and "yb").
 */
export interface HeldOut {
  /** What they are, for reports: "test split", "held-out images (10%)", or "training images" when none are held out. */
  name: string;
  count: number;
  fields: Record<string, FieldInfo>;
  /** Writes examples [start, start + n) (a fixed order) into the buffers given, from their start; fields not given are not written. */
  read(out: FieldBuffers, start: number, n: number): void;
}

export interface DataSource {
  /** The fields of a batch: "x" (samples) and "y" (labels), or "input"/"target" pairs, or domains "a"/"b". */
  fields: Record<string, FieldInfo>;
  /** Shape of one sample (image-to-image data: of one target image). */
  shape: number[];
  /** vector: [D]; image: [C, H, W]; video: [T, C, H, W] clips; table: [width] encoded rows (src/tables/). */
  kind: 'vector' | 'image' | 'video' | 'table';
  /** Tables: the encoding and the encoded training rows. */
  table?: EncodedTable;
  /** Files a new run keeps beside its config, by name (a table's fitted encoding). */
  runFiles?: Record<string, string>;
  /** The mixture behind a synthetic 2-D source (for mode metrics). */
  mixture?: Mixture;
  /** The dataset behind a finite source. */
  dataset?: Dataset;
  /** Per-column mean and standard deviation a CSV source standardised its data with. */
  standardization?: { mean: number[]; std: number[]; header: string[] };
  /** Number of classes when samples are labelled (mnist, fashion, the labelled mixtures). */
  classes?: number;
  /** Image-to-image data (data.task, paired, unpaired): the shapes of inputs and targets. */
  pair?: PairShapes;
  /** Examples not trained on (image datasets; MNIST and Fashion-MNIST: their test split). */
  heldOut?: HeldOut;
  /** What loading had to say (files skipped, cache use), one line each, for the trainer's log. */
  notes?: string[];
  /** Writes the next n samples' fields into the buffers given (at offset, in samples); fields not given are not written. */
  next(out: FieldBuffers, n: number, offset?: number): void;
  getState(): SourceState;
  setState(s: SourceState): void;
}

/** A table's training rows in their encoding (src/tables/), for the table source and the CTGAN type. */
export interface EncodedTable {
  encoding: TableEncoding;
  /** [rows, encoding.width] encoded training rows. */
  data: Float32Array;
  rows: number;
}

/** A float field of the given buffers, or an error naming it. */
export function floatField(out: FieldBuffers, name: string): Float32Array | undefined {
  const b = out[name];
  if (b !== undefined && !(b instanceof Float32Array)) throw new Error(`data field "${name}" takes a Float32Array`);
  return b;
}

/** The label field "y" of the given buffers, if asked for. */
export function labelField(out: FieldBuffers): BigInt64Array | undefined {
  const b = out.y;
  if (b !== undefined && !(b instanceof BigInt64Array)) throw new Error('data field "y" takes a BigInt64Array');
  return b;
}

/** The fields of a source of samples of one shape, labelled or not. */
export function sampleFields(shape: number[], labelled: boolean): Record<string, FieldInfo> {
  const x: FieldInfo = { shape, dtype: 'float32' };
  return labelled ? { x, y: { shape: [], dtype: 'int64' } } : { x };
}