// Which images train and which are held out for evaluation. An image is held out when a hash of
// its relative path falls below the holdout share, so the split of the files already there does
// not change when files are added. `limit` keeps the first N training images in the order of a
// second hash (spread over classes and sub-folders, unlike path order).
import { createHash } from 'node:crypto';

/** A uniform number in [0, 1) from a string. */
function unit(salt: string, s: string): number {
  return createHash('sha1').update(salt).update(s).digest().readUInt32BE(0) / 2 ** 32;
}

export interface Split {
  /** Indices (into the names given) of the training images, in name order unless limited. */
  train: number[];
  /** Indices of the held-out images, in name order. */
  heldOut: number[];
}

/** Splits items by their names (relative paths): a `holdout` share held out, at most `limit` of the rest trained on. */
export function splitByName(names: string[], holdout: number, limit?: number): Split {
  const train: number[] = [];
  const heldOut: number[] = [];
  names.forEach((name, i) => (unit('holdout:', name) < holdout ? heldOut : train).push(i));
  if (limit === undefined || limit >= train.length) return { train, heldOut };
  const order = train.map((i) => ({ i, u: unit('limit:', names[i]!) })).sort((p, q) => p.u - q.u);
  return { train: order.slice(0, limit).map((p) => p.i).sort((a, b) => a - b), heldOut };
}
