// Data sources turn a config's data section into batches. A source's position (its PRNG state and,
// for finite datasets, the epoch's shuffled order and how far it has got) is saved in checkpoints,
// so a resumed run draws exactly the batches an uninterrupted one would.
import type { Rng } from '../engine/index.js';
import type { DataConfig } from './config.js';
import { mixtureSource } from './mixture-source.js';
import { loadFashionMnist, loadMnist, type Dataset } from './datasets.js';
import { DatasetSource } from './dataset-source.js';
import { loadCsvDataset } from './files.js';
import { datasetHeldOut } from './heldout.js';
import { openImageSource, openPairedSource, openUnpairedSource } from './image-sources.js';
import { domainHalves, PairedSource, taskMismatch, UnpairedSource } from './tasks.js';
import { InputError } from '../errors.js';
import { MovingDigitsSource } from './video.js';
import { StackedMnistSource } from './stacked.js';
import { openTableSource } from './table-source.js';
import type { DataSource, Filter, Task } from './types.js';

export type { DataSource, HeldOut, SourceState } from './types.js';
export { DatasetSource } from './dataset-source.js';

/** MNIST or Fashion-MNIST's training split, its test split (loaded when first read) held out. */
function bundledSource(kind: 'mnist' | 'fashion', rng: Rng): DatasetSource {
  const load = kind === 'mnist' ? loadMnist : loadFashionMnist;
  const src = new DatasetSource(load('train'), rng);
  let test: Dataset | undefined;
  src.heldOut = datasetHeldOut('test split', true, src.shape, () => (test ??= load('test')));
  return src;
}

/** A task's source over an image source: pairs made from its images, or (dilate-unpaired) its two halves as domains. */
function taskSource(images: DatasetSource, task: Task, filter: Filter | undefined, rng: Rng): DataSource {
  const mismatch = taskMismatch(task, images.shape);
  if (mismatch) throw new InputError(mismatch);
  if (task !== 'dilate-unpaired') return new PairedSource(images, task, filter);
  const [a, b] = domainHalves(images.dataset);
  return new UnpairedSource(new DatasetSource(a, rng.fork(1)), new DatasetSource(b, rng.fork(2)), task, images.heldOut);
}

/** Loads a config's data (reading and decoding files now, so errors surface before training starts). */
export async function openSource(cfg: DataConfig, rng: Rng): Promise<DataSource> {
  switch (cfg.kind) {
    case 'mixture':
      return mixtureSource(cfg.name, rng);
    case 'mnist':
    case 'fashion':
    case 'images':
    case 'emoji': {
      const images = cfg.kind === 'mnist' || cfg.kind === 'fashion' ? bundledSource(cfg.kind, rng) : await openImageSource(cfg, rng);
      return cfg.task ? taskSource(images, cfg.task, cfg.filter, rng) : images;
    }
    case 'paired':
      return openPairedSource(cfg, rng);
    case 'unpaired':
      return openUnpairedSource(cfg, rng);
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
    case 'table':
      return openTableSource(cfg, rng);
  }
  throw new Error(`unknown data kind ${(cfg as { kind: string }).kind}`);
}
