// Subsets of labelled data (data.classes, data.perClass): only some classes, and a seeded choice
// of n samples of each. Kept classes are re-indexed 0..k-1 in the source's own class order, so a
// class-aware GAN on classes [3, 7] has 2 classes; the dataset's classNames keep their original
// names ("3", "7"), which is what outputs are labelled with. Held-out data is filtered by classes
// only: perClass chooses training samples.
import { z } from 'zod';
import { Rng } from '../engine/index.js';
import { int } from '../config/fields.js';
import { InputError } from '../errors.js';
import type { Dataset } from './dataset.js';

/** The config keys of every labelled source. */
export const subsetFields = {
  /** Keep only these classes: names (folder names, emoji categories, "3" for a digit) or label values (0-based indices). */
  classes: z.array(z.union([int(0), z.string().min(1)])).min(1).optional(),
  /** Train on a seeded choice of this many samples of each (kept) class. */
  perClass: int(1).optional(),
  /** Seed of the perClass choice (default: the run's seed). */
  subsetSeed: int(0).optional(),
};

export interface Subset {
  classes?: (number | string)[] | undefined;
  perClass?: number | undefined;
  subsetSeed?: number | undefined;
}

/** Stream of the perClass choice, apart from every stream the trainer forks from the same seed. */
const PER_CLASS_STREAM = 0x5ab5e7;

export const hasSubset = (s: Subset): boolean => s.classes !== undefined || s.perClass !== undefined;

/**
 * The label values of the asked classes, in the source's class order. A string is a class name;
 * a number is the class named by that number when there is one (MNIST digits, folders named 0..9),
 * else a label value.
 */
export function resolveClasses(asked: (number | string)[], classNames: string[], where: string): number[] {
  const found = new Set<number>();
  for (const a of asked) {
    let k = classNames.indexOf(String(a));
    if (k < 0 && typeof a === 'number' && a < classNames.length) k = a;
    if (k < 0) throw new InputError(`data.classes: ${where} has no class ${JSON.stringify(a)}; its classes are ${classNames.map((n, i) => `${i} "${n}"`).join(', ')}`);
    found.add(k);
  }
  return [...found].sort((p, q) => p - q);
}

/** The class names of a labelled dataset (numbered when it has none), or a message for an unlabelled one. */
function namesOf(d: Dataset, where: string): string[] {
  if (!d.labels) throw new InputError(`data.classes and data.perClass need labelled data; ${where} has no labels`);
  return d.classNames ?? Array.from({ length: d.labels.reduce((a, b) => Math.max(a, b), -1) + 1 }, (_, i) => String(i));
}

/** The samples at the given indices, labels re-indexed through `newLabel`, with the kept class names. */
function pick(d: Dataset, indices: number[], newLabel: Map<number, number>, classNames: string[]): Dataset {
  const size = d.shape.reduce((a, b) => a * b, 1);
  const out: Dataset = { name: d.name, shape: d.shape, count: indices.length, data: new Float32Array(0), labels: Int32Array.from(indices, (j) => newLabel.get(d.labels![j]!)!), classNames };
  if (d.bytes) {
    const bytes = new Uint8Array(indices.length * size);
    indices.forEach((j, k) => bytes.set(d.bytes!.subarray(j * size, (j + 1) * size), k * size));
    let floats: Float32Array | undefined;
    out.bytes = bytes;
    Object.defineProperty(out, 'data', { get: () => (floats ??= Float32Array.from(bytes, (v) => v / 127.5 - 1)), enumerable: true });
  } else {
    const data = new Float32Array(indices.length * size);
    indices.forEach((j, k) => data.set(d.data.subarray(j * size, (j + 1) * size), k * size));
    out.data = data;
  }
  return out;
}

/** A dataset's subset: `held` data (evaluation) is filtered by classes only. */
export function subsetDataset(d: Dataset, s: Subset, o: { seed: number; where: string; held?: boolean }): Dataset {
  if (!hasSubset(s)) return d;
  const names = namesOf(d, o.where);
  const kept = s.classes ? resolveClasses(s.classes, names, o.where) : names.map((_, i) => i);
  const newLabel = new Map(kept.map((k, i) => [k, i]));
  const byClass = kept.map(() => [] as number[]);
  d.labels!.forEach((l, j) => {
    const c = newLabel.get(l);
    if (c !== undefined) byClass[c]!.push(j);
  });
  if (s.perClass !== undefined && !o.held) {
    const rng = new Rng(s.subsetSeed ?? o.seed).fork(PER_CLASS_STREAM);
    byClass.forEach((idx, c) => {
      if (idx.length < s.perClass!) throw new InputError(`data.perClass ${s.perClass} is more than class "${names[kept[c]!]}" of ${o.where} has (${idx.length} training samples)`);
      const chosen = rng.permutation(idx.length).subarray(0, s.perClass);
      byClass[c] = Array.from(chosen, (i) => idx[i]!).sort((p, q) => p - q);
    });
  }
  const indices = byClass.flat().sort((p, q) => p - q);
  const out = pick(d, indices, newLabel, kept.map((k) => names[k]!));
  out.labelValues = kept.map((k) => d.labelValues?.[k] ?? k);
  return out;
}
