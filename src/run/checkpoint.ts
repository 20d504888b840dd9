// Checkpoints: every state tensor plus the run's position (step, PRNG states, data order), in one
// file with a SHA-256 checksum that is verified on load. Written atomically.
//
// Layout: "TSGANCK1" | u32 LE header length | header JSON | tensor bytes | SHA-256 of all before.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { DType, HostArray, HostTensor } from '../engine/index.js';
import { InputError } from '../errors.js';
import { atomicWriteFile } from './atomic.js';

const MAGIC = 'TSGANCK1';

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
  const header = Buffer.from(JSON.stringify({ version: 1, step: c.step, meta: c.meta, tensors: entries }), 'utf8');
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
  const digest = createHash('sha256').update(buf.subarray(0, buf.length - 32)).digest();
  if (!digest.equals(buf.subarray(buf.length - 32))) throw corrupt('checksum mismatch');
  const hlen = buf.readUInt32LE(8);
  let header: { step: number; meta: Record<string, unknown>; tensors: TensorEntry[] };
  try {
    header = JSON.parse(buf.toString('utf8', 12, 12 + hlen));
  } catch {
    throw corrupt('unreadable header');
  }
  const base = 12 + hlen;
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
