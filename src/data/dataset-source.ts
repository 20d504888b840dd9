// Shuffled passes over a finite dataset held in memory (a new permutation each epoch); its
// position is the epoch's PRNG state and how far it has got.
import type { Rng, RngState } from '../engine/index.js';
import { copySamples, type Dataset } from './dataset.js';
import { floatField, labelField, sampleFields, type DataSource, type FieldInfo, type FieldBuffers, type HeldOut, type SourceState } from './types.js';

/** Shuffled passes over a finite dataset; a new permutation each epoch. */
export class DatasetSource implements DataSource {
  readonly shape: number[];
  readonly fields: Record<string, FieldInfo>;
  readonly kind: 'vector' | 'image';
  private order!: Int32Array;
  private position = 0;
  private epoch = 0;
  private epochRng!: RngState;
  readonly classes?: number;
  standardization?: DataSource['standardization'];
  /** A labelled mixture's fixed draw (data.perClass): the mixture it was drawn from. */
  mixture?: DataSource['mixture'];
  heldOut?: HeldOut;
  notes?: string[];

  constructor(
    readonly dataset: Dataset,
    private readonly rng: Rng,
  ) {
    this.shape = dataset.shape;
    this.kind = dataset.shape.length === 3 ? 'image' : 'vector';
    if (dataset.labels) this.classes = dataset.classNames?.length ?? dataset.labels.reduce((a, b) => Math.max(a, b), 0) + 1;
    this.fields = sampleFields(this.shape, dataset.labels !== undefined);
    this.shuffle();
  }

  private shuffle(): void {
    this.epochRng = this.rng.getState();
    this.order = this.rng.permutation(this.dataset.count);
    this.position = 0;
  }

  next(out: FieldBuffers, n: number, offset = 0): void {
    const x = floatField(out, 'x');
    const labels = labelField(out);
    if (labels && !this.dataset.labels) throw new Error(`dataset ${this.dataset.name} has no labels`);
    for (let i = 0; i < n; i++) {
      if (this.position >= this.order.length) {
        this.epoch++;
        this.shuffle();
      }
      const j = this.order[this.position++]!;
      if (x) copySamples(this.dataset, j, 1, x, offset + i);
      if (labels) labels[offset + i] = BigInt(this.dataset.labels![j]!);
    }
  }

  getState(): SourceState {
    return { rng: this.rng.getState(), epochRng: this.epochRng, position: this.position, epoch: this.epoch };
  }

  setState(s: SourceState): void {
    if (!s.epochRng || s.position === undefined) throw new Error('data source state lacks the epoch order');
    this.rng.setState(s.epochRng);
    this.shuffle();
    this.rng.setState(s.rng);
    this.position = s.position;
    this.epoch = s.epoch ?? 0;
  }
}
