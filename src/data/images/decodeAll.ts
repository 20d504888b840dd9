// Many image files decoded into one array of CHW bytes, through the cache: a second load of the
// same files (same paths, modification times and sizes) with the same decoding reads the cache.
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { InputError } from '../../errors.js';
import { readCache, writeCache } from './cache.js';
import { decodeImage, type DecodeOptions, type Region } from './decode.js';

/** Bumped when decoding changes what it produces for the same files. */
const VERSION = 1;
/** Files in flight at once (sharp decodes on its own threads). */
const PARALLEL = 8;

export interface DecodeJob {
  file: string;
  region: Region;
}

export interface Decoded {
  /** [kept.length, C, size, size] bytes, in job order. */
  pixels: Uint8Array;
  /** Indices of the jobs decoded (all, unless bad files were skipped). */
  kept: number[];
  /** Files that could not be decoded, with sharp's reason. */
  bad: { file: string; message: string }[];
  /** Whether the cache gave the pixels. */
  fromCache: boolean;
  /** Why the cache was not written, when it was not. */
  cacheError?: string;
}

interface Header {
  kept: number[];
  bad: Decoded['bad'];
}

function stamp(file: string): [number, number] {
  try {
    const s = statSync(file);
    // Whole milliseconds: what file systems and utimes keep of a modification time everywhere.
    return [Math.floor(s.mtimeMs), s.size];
  } catch (e) {
    throw new InputError(`image ${file} cannot be read: ${(e as Error).message}`, { cause: e });
  }
}

/** Decodes every job (or reads them from the cache); bad files are refused unless skipBad. */
export async function decodeAll(jobs: DecodeJob[], o: DecodeOptions, opts: { cache: boolean; skipBad: boolean }): Promise<Decoded> {
  const per = o.channels * o.size * o.size;
  const key = { version: VERSION, size: o.size, fit: o.fit, channels: o.channels, background: o.background, jobs: jobs.map((j) => [resolve(j.file), j.region, ...stamp(j.file)]) };
  const hit = opts.cache ? readCache<Header>(key, (h) => h.kept.length * per) : undefined;
  const result: Decoded = hit ? { pixels: hit.bytes, kept: hit.header.kept, bad: hit.header.bad, fromCache: true } : await decodeFresh(jobs, o, per);
  if (result.bad.length > 0 && !opts.skipBad) {
    const first = result.bad[0]!;
    throw new InputError(`image ${first.file} cannot be decoded: ${first.message}${result.bad.length > 1 ? ` (and ${result.bad.length - 1} more bad files; data.skipBad: true skips them)` : ' (data.skipBad: true skips bad files)'}`);
  }
  if (opts.cache && !hit) result.cacheError = writeCache(key, { kept: result.kept, bad: result.bad } satisfies Header, result.pixels);
  return result;
}

async function decodeFresh(jobs: DecodeJob[], o: DecodeOptions, per: number): Promise<Decoded> {
  const images: (Uint8Array | undefined)[] = new Array(jobs.length);
  const failed = new Map<number, string>();
  const decode = async (i: number) => {
    try {
      images[i] = await decodeImage(jobs[i]!.file, jobs[i]!.region, o);
      failed.delete(i);
    } catch (e) {
      const cause = (e as Error).cause;
      failed.set(i, cause instanceof Error ? cause.message : (e as Error).message);
    }
  };
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) await decode(next++);
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL, jobs.length) }, worker));
  // libvips keeps one error message for all its threads, so decodes failing side by side can
  // report "Unknown error"; each failure is tried again alone for its own message.
  for (const i of [...failed.keys()]) await decode(i);
  const kept: number[] = [];
  const bad: Decoded['bad'] = [];
  for (let i = 0; i < jobs.length; i++) {
    if (images[i]) kept.push(i);
    // A file split into halves fails once, for both.
    else if (!bad.some((b) => b.file === jobs[i]!.file)) bad.push({ file: jobs[i]!.file, message: failed.get(i)! });
  }
  const pixels = new Uint8Array(kept.length * per);
  kept.forEach((j, k) => pixels.set(images[j]!, k * per));
  return { pixels, kept, bad, fromCache: false };
}
