// Decoded folders kept on disk: one file per (files, decoding) key, in $TSGAN_CACHE or
// ~/.cache/tsgan. A file is a 4-byte header length, a JSON header and the pixel bytes; it is
// written atomically, and anything that does not read back whole is treated as absent.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { atomicWriteFile } from '../../run/atomic.js';

export function cacheDir(): string {
  return process.env.TSGAN_CACHE || join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'tsgan');
}

/** The cache file of a key (any JSON value naming everything the bytes depend on). */
export function cacheFile(key: unknown): string {
  return join(cacheDir(), `images-${createHash('sha256').update(JSON.stringify(key)).digest('hex').slice(0, 40)}.bin`);
}

export interface Cached<H> {
  header: H;
  bytes: Uint8Array;
}

/** The cached header and bytes of a key, or undefined (absent, unreadable, or not of `bytesOf(header)` bytes). */
export function readCache<H>(key: unknown, bytesOf: (h: H) => number): Cached<H> | undefined {
  let buf: Buffer;
  try {
    buf = readFileSync(cacheFile(key));
  } catch {
    return undefined;
  }
  try {
    const n = buf.readUInt32LE(0);
    const header = JSON.parse(buf.subarray(4, 4 + n).toString('utf8')) as H;
    const bytes = buf.subarray(4 + n);
    return bytes.length === bytesOf(header) ? { header, bytes } : undefined;
  } catch {
    return undefined;
  }
}

/** Writes a key's header and bytes; returns the error message if the cache cannot be written. */
export function writeCache(key: unknown, header: unknown, bytes: Uint8Array): string | undefined {
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const buf = Buffer.alloc(4 + json.length + bytes.length);
  buf.writeUInt32LE(json.length, 0);
  json.copy(buf, 4);
  buf.set(bytes, 4 + json.length);
  try {
    atomicWriteFile(cacheFile(key), buf);
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}
