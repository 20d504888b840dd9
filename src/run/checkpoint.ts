// Checkpoints: every state tensor plus the run's position (step, PRNG states, data order), in one
// file with a SHA-256 checksum that is verified on load. Written atomically. The format itself
// (layout, versions, errors) is ./checkpoint-format.ts, which pages use too.
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { atomicWriteFile } from './atomic.js';
import { CHECKPOINT_MAGIC, CheckpointError, DIGEST_BYTES, decodeCheckpointBytes, layoutCheckpoint, parseHeader, type Checkpoint } from './checkpoint-format.js';

export { CHECKPOINT_FORMAT_VERSION, CheckpointError, CheckpointVersionError, type Checkpoint } from './checkpoint-format.js';

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest();

export function encodeCheckpoint(c: Checkpoint): Uint8Array {
  const out = layoutCheckpoint(c);
  out.set(sha256(out.subarray(0, out.length - DIGEST_BYTES)), out.length - DIGEST_BYTES);
  return out;
}

export function decodeCheckpoint(bytes: Uint8Array, path: string): Checkpoint {
  return decodeCheckpointBytes(bytes, path, sha256);
}

/** The format version in a checkpoint file's header, read without loading the tensors; undefined when unreadable. */
export function checkpointFormatVersion(path: string): number | undefined {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return undefined;
  }
  try {
    const start = Buffer.alloc(12);
    if (readSync(fd, start, 0, 12, 0) < 12 || start.toString('ascii', 0, 8) !== CHECKPOINT_MAGIC) return undefined;
    const hlen = start.readUInt32LE(8);
    if (12 + hlen > fstatSync(fd).size) return undefined; // a damaged length field
    const buf = Buffer.alloc(12 + hlen);
    start.copy(buf);
    if (readSync(fd, buf, 12, hlen, 12) < hlen) return undefined;
    const version = parseHeader(buf, buf.length)?.version;
    return typeof version === 'number' ? version : undefined;
  } finally {
    closeSync(fd);
  }
}

export function writeCheckpoint(path: string, c: Checkpoint): void {
  atomicWriteFile(path, encodeCheckpoint(c));
}

export function readCheckpoint(path: string): Checkpoint {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new CheckpointError(`checkpoint ${path} cannot be read: ${(e as Error).message}`);
  }
  return decodeCheckpoint(bytes, path);
}
