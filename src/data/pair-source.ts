// Pairs read from files (data.kind "paired"): aligned input and target datasets, drawn together
// in shuffled epochs, fields "input" and "target".
import type { Rng } from '../engine/index.js';
import { copySamples, type Dataset } from './datasets.js';
import { DatasetSource } from './dataset-source.js';
import { checkRange } from './heldout.js';
import { floatField, type DataSource, type FieldBuffers, type FieldInfo, type HeldOut, type PairShapes, type SourceState } from './types.js';

/** Aligned datasets: example i is (inputs[i], targets[i]). */
export interface PairData {
  inputs: Dataset;
  targets: Dataset;
}

/** Writes pairs at the given indices into the buffers, from sample `offset` on. */
function writePairs(d: PairData, indices: ArrayLike<number>, out: FieldBuffers, offset: number): void {
  const input = floatField(out, 'input');
  const target = floatField(out, 'target');
  for (let k = 0; k < indices.length; k++) {
    if (input) copySamples(d.inputs, indices[k]!, 1, input, offset + k);
    if (target) copySamples(d.targets, indices[k]!, 1, target, offset + k);
  }
}

export class PairFolderSource implements DataSource {
  readonly kind = 'image' as const;
  readonly shape: number[];
  readonly fields: Record<string, FieldInfo>;
  readonly pair: PairShapes;
  readonly heldOut: HeldOut;
  /** Draws pair indices: a dataset of the numbers 0..count-1, shuffled each epoch. */
  private readonly draws: DatasetSource;

  constructor(
    private readonly train: PairData,
    held: PairData,
    heldName: string,
    rng: Rng,
    task: string,
    readonly notes?: string[],
  ) {
    const count = train.inputs.count;
    this.draws = new DatasetSource({ name: `${task} pairs`, shape: [1], count, data: Float32Array.from({ length: count }, (_, i) => i) }, rng);
    this.pair = { task, input: train.inputs.shape, target: train.targets.shape, unpaired: false };
    this.shape = this.pair.target;
    this.fields = { input: { shape: this.pair.input, dtype: 'float32' }, target: { shape: this.pair.target, dtype: 'float32' } };
    this.heldOut = {
      name: heldName,
      count: held.inputs.count,
      fields: this.fields,
      read: (out, start, n) => {
        checkRange(start, n, held.inputs.count);
        writePairs(held, Array.from({ length: n }, (_, i) => start + i), out, 0);
      },
    };
  }

  next(out: FieldBuffers, n: number, offset = 0): void {
    const picks = new Float32Array(n);
    this.draws.next({ x: picks }, n);
    writePairs(this.train, picks, out, offset);
  }

  getState(): SourceState {
    return this.draws.getState();
  }

  setState(s: SourceState): void {
    this.draws.setState(s);
  }
}
