// Checkpoints: every state tensor plus the run's position (step, PRNG states, data order), in one
// file with a SHA-256 checksum that is verified on load. Written atomically.
//
// Layout: "TSGANCK1" | u32 LE header length | header JSON | tensor bytes | SHA-256 of all before.
// The header's `version` is the format version (the magic's "1" is not); a file of another version
// is refused with a message naming both, never read as corrupt.
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import type { DType, HostArray, HostTensor } from '../engine/index.js';
import { InputError } from '../errors.js';
import { atomicWriteFile } from './atomic.js';

const MAGIC = 'TSGANCK1';
/** Bumped whenever saved state stops fitting the code that reads it (version 2: the run state's PRNG streams were renamed and the networks' parameters are initialised in constructor order). */
export const CHECKPOINT_FORMAT_VERSION = 2;

export interface Checkpoint {
  step: number;
  /** JSON-serialisable run state: PRNG states, data-source position, anything else to restore. */
  meta: Record<string, unknown>;
  tensors: Record<string, HostTensor>;
}

export class CheckpointError extends InputError {
  constructor(message: string) {
    super(message);
    this.name = 'CheckpointError';
  }
}

/** An intact checkpoint in another format version: the run cannot continue here, and the file is kept. */
export class CheckpointVersionError extends CheckpointError {
  constructor(
    readonly path: string,
    readonly found: number,
  ) {
    super(
      `checkpoint ${path} was written in format version ${found}; this tsgan reads format version ${CHECKPOINT_FORMAT_VERSION} ` +
        '(train the run again, or use the tsgan version that wrote it)',
    );
    this.name = 'CheckpointVersionError';
  }
}

interface Header {
  version?: unknown;
  step: number;
  meta: Record<string, unknown>;
  tensors: TensorEntry[];
}

interface TensorEntry {
  name: string;
  dtype: DType;
  shape: number[];
  offset: number;
  bytes: number;
}

const ARRAY: Record<string, { new (b: ArrayBuffer): HostArray; BYTES_PER_ELEMENT: number }> = {
  float32: Float32Array,
  int64: BigInt64Array,
  int32: Int32Array,
  uint8: Uint8Array,
  bool: Uint8Array,
};

export function encodeCheckpoint(c: Checkpoint): Uint8Array {
  const entries: TensorEntry[] = [];
  let offset = 0;
  for (const [name, t] of Object.entries(c.tensors)) {
    entries.push({ name, dtype: t.dtype, shape: t.shape, offset, bytes: t.data.byteLength });
    offset += t.data.byteLength;
  }
  const header = Buffer.from(JSON.stringify({ version: CHECKPOINT_FORMAT_VERSION, step: c.step, meta: c.meta, tensors: entries }), 'utf8');
  const total = 8 + 4 + header.length + offset + 32;
  const out = Buffer.alloc(total);
  out.write(MAGIC, 0, 'ascii');
  out.writeUInt32LE(header.length, 8);
  header.copy(out, 12);
  const base = 12 + header.length;
  for (const e of entries) {
    const d = c.tensors[e.name]!.data;
    out.set(new Uint8Array(d.buffer, d.byteOffset, d.byteLength), base + e.offset);
  }
  createHash('sha256').update(out.subarray(0, total - 32)).digest().copy(out, total - 32);
  return out;
}

export function decodeCheckpoint(bytes: Uint8Array, path: string): Checkpoint {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const corrupt = (why: string) => new CheckpointError(`checkpoint ${path} is corrupt (${why})`);
  if (buf.length < 44 || buf.toString('ascii', 0, 8) !== MAGIC) throw corrupt('not a tsgan checkpoint');
  const header = parseHeader(buf, buf.length - 32);
  // Before the checksum: another version's layout past the header may differ, and it is not corruption.
  if (header && typeof header.version === 'number' && header.version !== CHECKPOINT_FORMAT_VERSION) {
    throw new CheckpointVersionError(path, header.version);
  }
  const digest = createHash('sha256').update(buf.subarray(0, buf.length - 32)).digest();
  if (!digest.equals(buf.subarray(buf.length - 32))) throw corrupt('checksum mismatch');
  if (!header) throw corrupt('unreadable header');
  if (header.version !== CHECKPOINT_FORMAT_VERSION) throw corrupt('no format version in the header');
  const base = 12 + buf.readUInt32LE(8);
  const tensors: Record<string, HostTensor> = {};
  for (const e of header.tensors) {
    const Ctor = ARRAY[e.dtype];
    if (!Ctor || base + e.offset + e.bytes > buf.length - 32) throw corrupt(`tensor "${e.name}" is out of bounds`);
    const copy = new Uint8Array(e.bytes);
    copy.set(buf.subarray(base + e.offset, base + e.offset + e.bytes));
    tensors[e.name] = { dtype: e.dtype, shape: e.shape, data: new Ctor(copy.buffer) };
  }
  return { step: header.step, meta: header.meta, tensors };
}

/** The header of a checkpoint's bytes (`end`: where the header must end by), or undefined when unreadable. */
function parseHeader(buf: Buffer, end: number): Header | undefined {
  const hlen = buf.readUInt32LE(8);
  if (12 + hlen > end) return undefined;
  try {
    const header: unknown = JSON.parse(buf.toString('utf8', 12, 12 + hlen));
    return typeof header === 'object' && header !== null ? (header as Header) : undefined;
  } catch {
    return undefined;
  }
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
    if (readSync(fd, start, 0, 12, 0) < 12 || start.toString('ascii', 0, 8) !== MAGIC) return undefined;
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
