// Held-out examples (DataSource.heldOut) read from a dataset kept out of training.
import { copySamples, type Dataset } from './datasets.js';
import { floatField, labelField, sampleFields, type DataSource, type FieldBuffers, type HeldOut } from './types.js';

/** A dataset's samples as held-out examples, fields "x" (and "y" when `labelled`); `get` may load it when first counted or read. */
export function datasetHeldOut(name: string, labelled: boolean, shape: number[], get: () => Dataset): HeldOut {
  return {
    name,
    get count() {
      return get().count;
    },
    fields: sampleFields(shape, labelled),
    read(out: FieldBuffers, start: number, n: number) {
      const d = get();
      checkRange(start, n, d.count);
      const x = floatField(out, 'x');
      if (x) copySamples(d, start, n, x, 0);
      const y = labelField(out);
      if (y) for (let i = 0; i < n; i++) y[i] = BigInt(d.labels![start + i]!);
    },
  };
}

/** Held-out examples from a dataset in memory; when it is empty, the training dataset stands in (and the name says so). */
export function heldOutOrTraining(held: Dataset, train: Dataset, share: number): HeldOut {
  const use = held.count > 0 ? held : train;
  const name = held.count > 0 ? `held-out images (${held.count}, data.holdout ${share})` : 'training images (data.holdout left none out)';
  return datasetHeldOut(name, use.labels !== undefined, use.shape, () => use);
}

export function checkRange(start: number, n: number, count: number): void {
  if (start < 0 || n < 0 || start + n > count) throw new Error(`held-out examples [${start}, ${start + n}) asked for; there are ${count}`);
}

/** Up to n held-out translation examples of image-to-image data: inputs and targets (unpaired: a and b), and labels when the data has them. */
export function heldOutPairs(src: DataSource, n: number): { count: number; inputs: Float32Array; targets: Float32Array; labels?: BigInt64Array } {
  const held = src.heldOut;
  if (!src.pair || !held) throw new Error('the data has no held-out image-to-image examples');
  const count = Math.min(n, held.count);
  const [fi, ft] = src.pair.unpaired ? ['a', 'b'] : ['input', 'target'];
  const inputs = new Float32Array(count * src.pair.input.reduce((a, b) => a * b, 1));
  const targets = new Float32Array(count * src.pair.target.reduce((a, b) => a * b, 1));
  const labels = held.fields.y ? new BigInt64Array(count) : undefined;
  held.read({ [fi!]: inputs, [ft!]: targets, ...(labels ? { y: labels } : {}) }, 0, count);
  return { count, inputs, targets, ...(labels ? { labels } : {}) };
}
