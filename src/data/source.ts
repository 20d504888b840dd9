// Data sources turn a config's data section into batches. A source's position (its PRNG state and,
// for finite datasets, the epoch's shuffled order and how far it has got) is saved in checkpoints,
// so a resumed run draws exactly the batches an uninterrupted one would.
import { Rng } from '../engine/index.js';
import type { DataConfig } from './config.js';
import { GeneratorSource, mixtureSource } from './mixture-source.js';
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
import { hasSubset, resolveClasses, subsetDataset, type Subset } from './subset.js';
import { GRID25, RING8, sampleMixture, type Mixture } from './mixtures.js';
import type { DataSource, Filter, Task } from './types.js';

export type { DataSource, HeldOut, SourceState } from './types.js';
export { DatasetSource } from './dataset-source.js';

/** MNIST or Fashion-MNIST's training split, its test split (loaded when first read, filtered by data.classes) held out. */
function bundledSource(kind: 'mnist' | 'fashion', subset: Subset, rng: Rng, seed: number): DatasetSource {
  const load = kind === 'mnist' ? loadMnist : loadFashionMnist;
  const src = new DatasetSource(subsetDataset(load('train'), subset, { seed, where: kind }), rng);
  let test: Dataset | undefined;
  src.heldOut = datasetHeldOut('test split', true, src.shape, () => (test ??= subsetDataset(load('test'), subset, { seed, where: kind, held: true })));
  return src;
}

/** A labelled mixture's subset: only the modes of data.classes (re-indexed), and with data.perClass a fixed draw of that many points per mode. */
function labelledMixtureSource(name: 'ring8' | 'grid25', subset: Subset, rng: Rng, seed: number): DataSource {
  if (!hasSubset(subset)) return mixtureSource(name, rng);
  const m = name === 'ring8' ? RING8 : GRID25;
  const names = m.centers.map((_, i) => String(i));
  const kept = subset.classes ? resolveClasses(subset.classes, names, `mixture ${m.name}`) : names.map((_, i) => i);
  const sub: Mixture = { name: kept.length === names.length ? m.name : `${m.name} modes ${kept.join(',')}`, centers: kept.map((k) => m.centers[k]!), sd: m.sd };
  if (subset.perClass === undefined) return new GeneratorSource(rng, (r, n) => sampleMixture(sub, r, n), sub);
  const draw = new Rng(subset.subsetSeed ?? seed).fork(0x5ab5e8);
  const n = subset.perClass * kept.length;
  const labels = Int32Array.from({ length: n }, (_, i) => Math.floor(i / subset.perClass!));
  const noise = draw.normal(n * 2, 0, m.sd);
  const data = Float32Array.from(noise, (e, q) => sub.centers[labels[q >> 1]!]![q & 1]! + e);
  const src = new DatasetSource({ name: sub.name, shape: [2], count: n, data, labels, classNames: kept.map((k) => names[k]!), labelValues: kept }, rng);
  src.mixture = sub;
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

/**
 * Loads a config's data (reading and decoding files now, so errors surface before training starts).
 * `seed` (the run's) chooses data.perClass's samples unless data.subsetSeed is given.
 */
export async function openSource(cfg: DataConfig, rng: Rng, seed = 0): Promise<DataSource> {
  switch (cfg.kind) {
    case 'mixture':
      if (cfg.name === 'ring8' || cfg.name === 'grid25') return labelledMixtureSource(cfg.name, cfg, rng, seed);
      return mixtureSource(cfg.name, rng);
    case 'mnist':
    case 'fashion':
    case 'images':
    case 'emoji': {
      const images = cfg.kind === 'mnist' || cfg.kind === 'fashion' ? bundledSource(cfg.kind, cfg, rng, seed) : await openImageSource(cfg, rng, seed);
      return cfg.task ? taskSource(images, cfg.task, cfg.filter, rng) : images;
    }
    case 'paired':
      return openPairedSource(cfg, rng);
    case 'unpaired':
      return openUnpairedSource(cfg, rng, seed);
    case 'stacked-mnist':
      return new StackedMnistSource(loadMnist('train'), rng);
    case 'moving-mnist':
      return new MovingDigitsSource(new DatasetSource(subsetDataset(loadMnist('train'), cfg, { seed, where: 'moving-mnist' }), rng.fork(1)), rng.fork(2));
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
