// Pix2Pix pairs in the two layouts the field uses: one folder of A|B side-by-side images (left
// half A, right half B, as the pix2pix datasets), or folders a and b holding files of the same
// relative paths. Both give two aligned sets, A and B, with the same names.
import { join } from 'node:path';
import { InputError } from '../../errors.js';
import { decodeAll, type DecodeJob } from './decodeAll.js';
import { listImages } from './folder.js';
import { decodeNotes, type ImageSet, type LoadOptions } from './set.js';

/** The pairs found: their names (relative paths) and the files (or halves) of each. */
export interface PairListing {
  name: string;
  names: string[];
  jobs(name: string): [DecodeJob, DecodeJob];
}

export interface PairSets {
  a: ImageSet;
  b: ImageSet;
}

/** A folder of side-by-side images: each file's left half is A, its right half B. */
export function sideBySide(dir: string): PairListing {
  return { name: `paired:${dir}`, names: listImages(dir), jobs: (n) => [{ file: join(dir, n), region: 'left' }, { file: join(dir, n), region: 'right' }] };
}

/** Folders a and b with files of the same relative paths; the first file without its partner is named. */
export function twoFolders(dirA: string, dirB: string): PairListing {
  const namesA = listImages(dirA);
  const namesB = listImages(dirB);
  const inA = new Set(namesA);
  const inB = new Set(namesB);
  const lonely = namesA.filter((n) => !inB.has(n)).map((n) => `${join(dirA, n)} has no partner ${join(dirB, n)}`);
  lonely.push(...namesB.filter((n) => !inA.has(n)).map((n) => `${join(dirB, n)} has no partner ${join(dirA, n)}`));
  if (lonely.length > 0) {
    throw new InputError(`paired folders ${dirA} and ${dirB} do not match: ${lonely[0]}${lonely.length > 1 ? ` (${lonely.length} files without a partner)` : ''}; pairs are files of the same relative path in both`);
  }
  return { name: `paired:${dirA}|${dirB}`, names: namesA, jobs: (n) => [{ file: join(dirA, n), region: 'whole' }, { file: join(dirB, n), region: 'whole' }] };
}

/** Decodes the named pairs into aligned sets; a pair with a bad file is dropped whole (when skipping). */
export async function loadPairs(p: PairListing, names: string[], o: LoadOptions): Promise<PairSets> {
  const d = await decodeAll(names.flatMap((n) => p.jobs(n)), o, o);
  const per = o.channels * o.size * o.size;
  const at = new Map(d.kept.map((j, k) => [j, k]));
  const pairs = names.map((_, i) => i).filter((i) => at.has(2 * i) && at.has(2 * i + 1));
  const side = (s: 0 | 1): ImageSet => {
    const pixels = new Uint8Array(pairs.length * per);
    pairs.forEach((i, k) => {
      const j = at.get(2 * i + s)!;
      pixels.set(d.pixels.subarray(j * per, (j + 1) * per), k * per);
    });
    return { name: `${p.name} (${s === 0 ? 'A' : 'B'})`, shape: [o.channels, o.size, o.size], names: pairs.map((i) => names[i]!), pixels, notes: [] };
  };
  const a = side(0);
  a.notes = decodeNotes(p.name, names.length, d);
  return { a, b: side(1) };
}
