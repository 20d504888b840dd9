// Data sources turn a config's data section into batches. A source's position (its PRNG state and,
// for finite datasets, the epoch's shuffled order and how far it has got) is saved in checkpoints,
// so a resumed run draws exactly the batches an uninterrupted one would.
import type { Rng, RngState } from '../engine/index.js';
import type { DataConfig } from './config.js';
import { GRID25, RING8, sampleMixture, sampleSpiral, sampleTwoMoons, type Mixture } from './mixtures.js';
import { loadFashionMnist, loadMnist, type Dataset } from './datasets.js';
import { loadCsvDataset, loadImageFolder } from './files.js';
import { domainHalves, PairedSource, taskMismatch, UnpairedSource } from './tasks.js';
import { InputError } from '../errors.js';
import { MovingDigitsSource } from './video.js';
import { StackedMnistSource } from './stacked.js';
import { floatField, labelField, sampleFields, type DataSource, type FieldInfo, type FieldBuffers, type SourceState } from './types.js';


export type { DataSource, SourceState } from './types.js';

class GeneratorSource implements DataSource {
  kind = 'vector' as const;
  shape = [2];
  readonly fields: Record<string, FieldInfo>;
  /** A mixture's samples are labelled with the index of their mode. */
  readonly classes?: number;
  constructor(
    private rng: Rng,
    private readonly draw: (rng: Rng, n: number) => Float32Array,
    readonly mixture?: Mixture,
  ) {
    this.classes = mixture?.centers.length;
    this.fields = sampleFields(this.shape, mixture !== undefined);
  }
  next(out: FieldBuffers, n: number, offset = 0): void {
    const m = this.mixture;
    const labels = labelField(out);
    if (labels && !m) throw new Error('this data source has no labels');
    const x = m ? sampleMixture(m, this.rng, n, labels, offset) : this.draw(this.rng, n);
    floatField(out, 'x')?.set(x, offset * 2);
  }
  getState(): SourceState {
    return { rng: this.rng.getState() };
  }
  setState(s: SourceState): void {
    this.rng.setState(s.rng);
  }
}

/** Shuffled passes over a finite dataset; a new permutation each epoch. */
export class DatasetSource implements DataSource {
  readonly shape: number[];
  readonly fields: Record<string, FieldInfo>;
  readonly kind: 'vector' | 'image';
  private order!: Int32Array;
  private position = 0;
  private epoch = 0;
  private epochRng!: RngState;
  private readonly size: number;
  readonly classes?: number;
  standardization?: DataSource['standardization'];

  constructor(
    readonly dataset: Dataset,
    private readonly rng: Rng,
  ) {
    this.shape = dataset.shape;
    this.kind = dataset.shape.length === 3 ? 'image' : 'vector';
    this.size = dataset.shape.reduce((a, b) => a * b, 1);
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
      x?.set(this.dataset.data.subarray(j * this.size, (j + 1) * this.size), (offset + i) * this.size);
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

/** Loads a config's data (reading files now, so errors surface before training starts). */
export function openSource(cfg: DataConfig, rng: Rng): DataSource {
  switch (cfg.kind) {
    case 'mixture':
      switch (cfg.name) {
        case 'ring8':
          return new GeneratorSource(rng, (r, n) => sampleMixture(RING8, r, n), RING8);
        case 'grid25':
          return new GeneratorSource(rng, (r, n) => sampleMixture(GRID25, r, n), GRID25);
        case 'spiral':
          return new GeneratorSource(rng, sampleSpiral);
        case 'moons':
          return new GeneratorSource(rng, sampleTwoMoons);
      }
      break;
    case 'mnist':
    case 'fashion':
    case 'images': {
      const dataset = cfg.kind === 'mnist' ? loadMnist('train') : cfg.kind === 'fashion' ? loadFashionMnist('train') : loadImageFolder(cfg.path, cfg.size, cfg.channels);
      if (!cfg.task) return new DatasetSource(dataset, rng);
      const mismatch = taskMismatch(cfg.task, dataset.shape);
      if (mismatch) throw new InputError(mismatch);
      if (cfg.task === 'dilate-unpaired') {
        const [a, b] = domainHalves(dataset);
        return new UnpairedSource(new DatasetSource(a, rng.fork(1)), new DatasetSource(b, rng.fork(2)), cfg.task);
      }
      return new PairedSource(new DatasetSource(dataset, rng), cfg.task);
    }
    case 'stacked-mnist':
      return new StackedMnistSource(loadMnist('train'), rng);
    case 'moving-mnist':
      return new MovingDigitsSource(new DatasetSource(loadMnist('train'), rng.fork(1)), rng.fork(2));
    case 'csv': {
      const { dataset, standardization } = loadCsvDataset(cfg.path);
      const src = new DatasetSource(dataset, rng);
      src.standardization = standardization;
      return src;
    }
  }
  throw new Error(`unknown data kind ${(cfg as { kind: string }).kind}`);
}
