// Sources of the user's images and the emoji set (data.kind images, emoji, paired, unpaired):
// decoded (through the cache), split into training and held-out images, and drawn in epochs.
import type { Rng } from '../engine/index.js';
import { InputError } from '../errors.js';
import type { DataConfig, DomainConfig, EmojiConfig, ImagesConfig } from './config.js';
import { DatasetSource } from './dataset-source.js';
import { heldOutOrTraining } from './heldout.js';
import { checkBackground } from './images/decode.js';
import { emojiEntries } from './images/emoji.js';
import { folderEntries } from './images/folder.js';
import { loadPairs, sideBySide, twoFolders } from './images/pairs.js';
import { loadSet, toDataset, type Entry, type ImageSet, type LoadOptions } from './images/set.js';
import { splitByName } from './images/split.js';
import { PairFolderSource } from './pair-source.js';
import { UnpairedSource } from './tasks.js';
import { subsetDataset, type Subset } from './subset.js';

type Split = { holdout: number; limit?: number | undefined };
type PairedConfig = Extract<DataConfig, { kind: 'paired' }>;
type UnpairedConfig = Extract<DataConfig, { kind: 'unpaired' }>;

type DecodeConfig = { size: number; channels: 1 | 3; background: string; cache: boolean; fit?: LoadOptions['fit']; skipBad?: boolean };

function loadOptions(c: DecodeConfig): LoadOptions {
  checkBackground(c.background);
  return { size: c.size, fit: c.fit ?? 'crop', channels: c.channels, background: c.background, cache: c.cache, skipBad: c.skipBad ?? false };
}

/** The training and held-out names of a listing; no training images left is refused. */
function split(name: string, names: string[], s: Split): { train: string[]; heldOut: string[] } {
  const parts = splitByName(names, s.holdout, s.limit);
  if (parts.train.length === 0) throw new InputError(`${name}: all ${names.length} images are held out (data.holdout ${s.holdout}); lower data.holdout or add images`);
  return { train: parts.train.map((i) => names[i]!), heldOut: parts.heldOut.map((i) => names[i]!) };
}

/** Indices of a decoded set's images that are training images, and of the others (held out). */
function partition(set: ImageSet, train: string[]): { train: number[]; heldOut: number[] } {
  const isTrain = new Set(train);
  const parts: { train: number[]; heldOut: number[] } = { train: [], heldOut: [] };
  set.names.forEach((n, i) => (isTrain.has(n) ? parts.train : parts.heldOut).push(i));
  if (parts.train.length === 0) throw new InputError(`${set.name}: none of the ${train.length} training images could be decoded`);
  return parts;
}

/**
 * Decodes a listing's training and held-out images only, as a training source whose held-out images
 * are its heldOut; data.classes keeps some classes of both, data.perClass some training images of each.
 */
async function setSource(name: string, listing: { entries: Entry[]; classNames?: string[] }, c: Split & DecodeConfig & Subset, rng: Rng, seed: number): Promise<DatasetSource> {
  const byName = new Map(listing.entries.map((e) => [e.name, e]));
  const names = split(name, [...byName.keys()], c);
  const set = await loadSet(name, [...names.train, ...names.heldOut].map((n) => byName.get(n)!), loadOptions(c), listing.classNames);
  const parts = partition(set, names.train);
  const train = subsetDataset(toDataset(set, parts.train), c, { seed, where: name });
  const src = new DatasetSource(train, rng);
  const held = subsetDataset(toDataset(set, parts.heldOut, `${set.name} (held out)`), c, { seed, where: name, held: true });
  src.heldOut = heldOutOrTraining(held, train, c.holdout);
  src.notes = set.notes;
  return src;
}

/** data.kind "images" or "emoji" (or an unpaired domain): the images, without a task (./source.ts adds one); `seed` chooses data.perClass's images. */
export async function openImageSource(cfg: ImagesConfig | EmojiConfig | Exclude<DomainConfig, string>, rng: Rng, seed: number): Promise<DatasetSource> {
  if (cfg.kind === 'emoji') return setSource(`emoji:${cfg.vendor}`, emojiEntries(cfg.vendor), cfg, rng, seed);
  return setSource(`images:${cfg.path}`, folderEntries(cfg.path, cfg.labels), cfg, rng, seed);
}

/** data.kind "paired": side-by-side images or two folders; direction BtoA swaps inputs and targets. */
export async function openPairedSource(cfg: PairedConfig, rng: Rng): Promise<PairFolderSource> {
  const listing = cfg.path !== undefined ? sideBySide(cfg.path) : twoFolders(cfg.a!, cfg.b!);
  const names = split(listing.name, listing.names, cfg);
  const sets = await loadPairs(listing, [...names.train, ...names.heldOut], loadOptions(cfg));
  const parts = partition(sets.a, names.train);
  const [inputs, targets] = cfg.direction === 'AtoB' ? [sets.a, sets.b] : [sets.b, sets.a];
  const pairsAt = (indices: number[]) => ({ inputs: toDataset(inputs, indices), targets: toDataset(targets, indices) });
  const train = pairsAt(parts.train);
  const none = parts.heldOut.length === 0;
  const heldName = none ? 'training pairs (data.holdout left none out)' : `held-out pairs (${parts.heldOut.length}, data.holdout ${cfg.holdout})`;
  return new PairFolderSource(train, none ? train : pairsAt(parts.heldOut), heldName, rng, `${listing.name} (${cfg.direction})`, sets.a.notes);
}

/** data.kind "unpaired": domains a and b, each a folder (decoded as the section says) or a data section of its own. */
export async function openUnpairedSource(cfg: UnpairedConfig, rng: Rng, seed: number): Promise<UnpairedSource> {
  const { a: _a, b: _b, kind: _k, ...shared } = cfg;
  const domain = async (d: DomainConfig, k: number) => {
    try {
      return await openImageSource(typeof d === 'string' ? { kind: 'images', path: d, labels: 'none', ...shared } : d, rng.fork(k), seed);
    } catch (e) {
      if (e instanceof InputError) throw new InputError(`unpaired domain ${k === 1 ? 'a' : 'b'}: ${e.message}`, { cause: e });
      throw e;
    }
  };
  const a = await domain(cfg.a, 1);
  const b = await domain(cfg.b, 2);
  if (a.shape.join() !== b.shape.join()) {
    throw new InputError(`unpaired domains a and b must give images of one shape; a gives [${a.shape.join(', ')}] (${a.dataset.name}), b [${b.shape.join(', ')}] (${b.dataset.name})`);
  }
  return new UnpairedSource(a, b, `unpaired ${a.dataset.name} <-> ${b.dataset.name}`);
}
