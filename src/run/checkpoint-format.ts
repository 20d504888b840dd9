// The checkpoint format, without Node: bytes in, bytes out. ./checkpoint.ts adds files and Node's
// SHA-256; a page (web/playground) hashes with WebCrypto and writes files a Node run can resume from.
//
// Layout: "TSGANCK1" | u32 LE header length | header JSON | tensor bytes | SHA-256 of all before.
// The header's `version` is the format version (the magic's "1" is not); a file of another version
// is refused with a message naming both, never read as corrupt.
import type { DType, HostArray, HostTensor } from '../engine/index.js';
import { InputError } from '../errors.js';

export const CHECKPOINT_MAGIC = 'TSGANCK1';
/** Bumped whenever saved state stops fitting the code that reads it (version 2: the run state's PRNG streams were renamed and the networks' parameters are initialised in constructor order). */
export const CHECKPOINT_FORMAT_VERSION = 2;
/** The name a run directory gives the checkpoint of a step (in its checkpoints/ folder). */
export const checkpointFileName = (step: number) => `step-${String(step).padStart(8, '0')}.ckpt`;

/** Bytes of the trailing SHA-256. */
export const DIGEST_BYTES = 32;

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

export interface Header {
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

/** A checkpoint's bytes with the digest's place left zero: the caller writes SHA-256 of all before it there. */
export function layoutCheckpoint(c: Checkpoint): Uint8Array {
  const entries: TensorEntry[] = [];
  let offset = 0;
  for (const [name, t] of Object.entries(c.tensors)) {
    entries.push({ name, dtype: t.dtype, shape: t.shape, offset, bytes: t.data.byteLength });
    offset += t.data.byteLength;
  }
  const header = new TextEncoder().encode(JSON.stringify({ version: CHECKPOINT_FORMAT_VERSION, step: c.step, meta: c.meta, tensors: entries }));
  const total = 8 + 4 + header.length + offset + DIGEST_BYTES;
  const out = new Uint8Array(total);
  for (let i = 0; i < CHECKPOINT_MAGIC.length; i++) out[i] = CHECKPOINT_MAGIC.charCodeAt(i);
  new DataView(out.buffer).setUint32(8, header.length, true);
  out.set(header, 12);
  const base = 12 + header.length;
  for (const e of entries) {
    const d = c.tensors[e.name]!.data;
    out.set(new Uint8Array(d.buffer, d.byteOffset, d.byteLength), base + e.offset);
  }
  return out;
}

const sameBytes = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((v, i) => v === b[i]);

/** Whether bytes start with the magic; their header length, read little-endian. */
const hasMagic = (b: Uint8Array) => b.length >= 12 && String.fromCharCode(...b.subarray(0, 8)) === CHECKPOINT_MAGIC;
const headerLength = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength).getUint32(8, true);

/**
 * Decodes a checkpoint's bytes; `digest` is SHA-256 of all bytes but the last 32 (computed by the
 * caller: Node's hash is synchronous, WebCrypto's is not).
 */
export function decodeCheckpointBytes(bytes: Uint8Array, path: string, digest: (body: Uint8Array) => Uint8Array): Checkpoint {
  const corrupt = (why: string) => new CheckpointError(`checkpoint ${path} is corrupt (${why})`);
  if (bytes.length < 44 || !hasMagic(bytes)) throw corrupt('not a tsgan checkpoint');
  const end = bytes.length - DIGEST_BYTES;
  const header = parseHeader(bytes, end);
  // Before the checksum: another version's layout past the header may differ, and it is not corruption.
  if (header && typeof header.version === 'number' && header.version !== CHECKPOINT_FORMAT_VERSION) {
    throw new CheckpointVersionError(path, header.version);
  }
  if (!sameBytes(digest(bytes.subarray(0, end)), bytes.subarray(end))) throw corrupt('checksum mismatch');
  if (!header) throw corrupt('unreadable header');
  if (header.version !== CHECKPOINT_FORMAT_VERSION) throw corrupt('no format version in the header');
  const base = 12 + headerLength(bytes);
  const tensors: Record<string, HostTensor> = {};
  for (const e of header.tensors) {
    const Ctor = ARRAY[e.dtype];
    if (!Ctor || base + e.offset + e.bytes > end) throw corrupt(`tensor "${e.name}" is out of bounds`);
    const copy = new Uint8Array(e.bytes);
    copy.set(bytes.subarray(base + e.offset, base + e.offset + e.bytes));
    tensors[e.name] = { dtype: e.dtype, shape: e.shape, data: new Ctor(copy.buffer) };
  }
  return { step: header.step, meta: header.meta, tensors };
}

/** The header of a checkpoint's bytes (`end`: where the header must end by), or undefined when unreadable. */
export function parseHeader(bytes: Uint8Array, end: number): Header | undefined {
  if (!hasMagic(bytes)) return undefined;
  const hlen = headerLength(bytes);
  if (12 + hlen > end) return undefined;
  try {
    const header: unknown = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + hlen)));
    return typeof header === 'object' && header !== null ? (header as Header) : undefined;
  } catch {
    return undefined;
  }
}
