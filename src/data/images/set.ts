// A decoded set of images (CHW bytes at the output size) with their names (relative paths) and
// labels, and its conversion to the float datasets sources draw from.
import type { Dataset } from '../datasets.js';
import { decodeAll, type DecodeJob } from './decodeAll.js';
import type { DecodeOptions } from './decode.js';

export interface ImageSet {
  /** For messages and dataset names: "images:DIR", "emoji:google". */
  name: string;
  shape: [number, number, number];
  /** Relative path of each image (the split hashes them). */
  names: string[];
  /** [names.length, ...shape] bytes. */
  pixels: Uint8Array;
  labels?: Int32Array;
  classNames?: string[];
  /** What loading had to say: files skipped, the cache used or not written. */
  notes: string[];
}

export interface LoadOptions extends DecodeOptions {
  skipBad: boolean;
  cache: boolean;
}

export interface Entry {
  file: string;
  /** Relative path: the image's name. */
  name: string;
  label?: number;
}

/** Decodes the entries (through the cache) into a set; skipped files drop out with their labels. */
export async function loadSet(name: string, entries: Entry[], o: LoadOptions, classNames?: string[]): Promise<ImageSet> {
  const jobs: DecodeJob[] = entries.map((e) => ({ file: e.file, region: 'whole' }));
  const d = await decodeAll(jobs, o, o);
  const kept = d.kept.map((i) => entries[i]!);
  const set: ImageSet = { name, shape: [o.channels, o.size, o.size], names: kept.map((e) => e.name), pixels: d.pixels, notes: decodeNotes(name, entries.length, d) };
  if (classNames) {
    set.labels = Int32Array.from(kept, (e) => e.label!);
    set.classNames = classNames;
  }
  return set;
}

/** The log lines of one decoding: skipped files, and whether the cache was used. */
export function decodeNotes(name: string, total: number, d: Awaited<ReturnType<typeof decodeAll>>): string[] {
  const notes: string[] = [];
  if (d.bad.length > 0) notes.push(`${name}: skipped ${d.bad.length} of ${total} files that cannot be decoded (first: ${d.bad[0]!.file}: ${d.bad[0]!.message})`);
  if (d.fromCache) notes.push(`${name}: decoded images read from the cache`);
  if (d.cacheError) notes.push(`${name}: decoded images not cached: ${d.cacheError}`);
  return notes;
}

const imageSize = (s: ImageSet) => s.shape[0] * s.shape[1] * s.shape[2];

/** The images at the given indices, as a dataset of NCHW values in [-1, 1] kept as bytes. */
export function toDataset(s: ImageSet, indices: number[], name = s.name): Dataset {
  const per = imageSize(s);
  const bytes = new Uint8Array(indices.length * per);
  indices.forEach((j, k) => bytes.set(s.pixels.subarray(j * per, (j + 1) * per), k * per));
  let floats: Float32Array | undefined;
  const d: Dataset = {
    name,
    shape: [...s.shape],
    count: indices.length,
    bytes,
    get data() {
      return (floats ??= Float32Array.from(bytes, (v) => v / 127.5 - 1));
    },
  };
  if (s.labels) {
    d.labels = Int32Array.from(indices, (j) => s.labels![j]!);
    d.classNames = s.classNames;
  }
  return d;
}
