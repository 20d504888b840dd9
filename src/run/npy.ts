// NumPy .npy files (format version 1.0 written, 1.0 and 2.0 read), so that samples, latents and
// datasets can be exchanged with Python without extra tooling.
// Spec: https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html
//
// Typed arrays are read and written in host byte order; every platform Node 20 ships for is
// little-endian, which matches the '<' descriptors used here.
import * as fs from 'node:fs';
import { InputError } from '../errors.js';
import { atomicWriteFile } from './atomic.js';

export type NpyArray = Float32Array | BigInt64Array | Int32Array;
export type NpyDtype = 'float32' | 'int64' | 'int32';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"

const ITEM_SIZE: Record<string, number | undefined> = { '<f4': 4, '<f8': 8, '<i8': 8, '<i4': 4, '|u1': 1 };

function descrOf(data: NpyArray): string {
  if (data instanceof Float32Array) return '<f4';
  if (data instanceof BigInt64Array) return '<i8';
  return '<i4';
}

function product(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Python tuple literal: (), (5,), (2, 3, 4). */
function shapeLiteral(shape: number[]): string {
  if (shape.length === 1) return `(${shape[0]},)`;
  return `(${shape.join(', ')})`;
}

/** Serialise `data` (C order) with the given shape as a version 1.0 .npy file. */
export function encodeNpy(data: NpyArray, shape: number[]): Uint8Array {
  if (!shape.every((d) => Number.isInteger(d) && d >= 0) || data.length !== product(shape)) {
    throw new Error(`npy: ${data.length} values do not fill shape [${shape}]`);
  }
  const dict = `{'descr': '${descrOf(data)}', 'fortran_order': False, 'shape': ${shapeLiteral(shape)}, }`;
  // The preamble (magic 6 + version 2 + length 2) plus header must be a multiple of 64 bytes so
  // that the data is aligned for memory mapping; the header ends with '\n'.
  const unpadded = 10 + dict.length + 1;
  const header = dict + ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  if (header.length > 0xffff) throw new Error(`npy: header too long for format 1.0 (shape [${shape}])`);
  const body = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const out = new Uint8Array(10 + header.length + body.length);
  out.set(MAGIC, 0);
  out[6] = 1; // major version
  out[7] = 0; // minor version
  out[8] = header.length & 0xff;
  out[9] = header.length >> 8;
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i); // header is ASCII
  out.set(body, 10 + header.length);
  return out;
}

/** Parse a .npy file. '<f8' and '|u1' are converted to float32; `name` is used in error messages. */
export function decodeNpy(bytes: Uint8Array, name = 'array'): { data: NpyArray; shape: number[]; dtype: NpyDtype } {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new InputError(`${name} is not a .npy file (bad magic)`);
  }
  const major = bytes[6]!;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerLen: number;
  let headerStart: number;
  if (major === 1) {
    headerLen = view.getUint16(8, true);
    headerStart = 10;
  } else if (major === 2 || major === 3) {
    // 2.0 only widens the length field; 3.0 additionally allows a UTF-8 header, same layout.
    if (bytes.length < 12) throw new InputError(`${name}: truncated .npy header`);
    headerLen = view.getUint32(8, true);
    headerStart = 12;
  } else {
    throw new InputError(`${name}: unsupported .npy format version ${major}.${bytes[7]}`);
  }
  const dataStart = headerStart + headerLen;
  if (dataStart > bytes.length) throw new InputError(`${name}: truncated .npy header`);
  const header = new TextDecoder().decode(bytes.subarray(headerStart, dataStart));

  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    throw new InputError(`${name}: malformed .npy header ${JSON.stringify(header.trim())}`);
  }
  const itemSize = ITEM_SIZE[descr];
  if (itemSize === undefined) {
    throw new InputError(`${name}: unsupported dtype '${descr}' (expected <f4, <f8, <i8, <i4 or |u1)`);
  }
  if (fortran === 'True') throw new InputError(`${name}: fortran_order arrays are not supported`);
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((s) => (/^\d+L?$/.test(s) ? parseInt(s, 10) : NaN)); // 'L': Python 2 long literals
  if (shape.some((d) => Number.isNaN(d))) throw new InputError(`${name}: bad shape (${shapeText}) in .npy header`);

  const n = product(shape);
  const available = bytes.length - dataStart;
  if (available < n * itemSize) {
    throw new InputError(`${name}: header says ${n} values but the file holds ${Math.floor(available / itemSize)}`);
  }
  // Copy into a fresh ArrayBuffer: that fixes alignment for the typed array views and detaches the
  // result from the input. (Not bytes.slice(): on a Node Buffer, slice() is a view, not a copy.)
  const raw = new Uint8Array(bytes.subarray(dataStart, dataStart + n * itemSize)).buffer;
  switch (descr) {
    case '<f4':
      return { data: new Float32Array(raw), shape, dtype: 'float32' };
    case '<i8':
      return { data: new BigInt64Array(raw), shape, dtype: 'int64' };
    case '<i4':
      return { data: new Int32Array(raw), shape, dtype: 'int32' };
    case '<f8':
      return { data: Float32Array.from(new Float64Array(raw)), shape, dtype: 'float32' };
    default: // '|u1'
      return { data: Float32Array.from(new Uint8Array(raw)), shape, dtype: 'float32' };
  }
}

/** Write a .npy file atomically. */
export function writeNpy(path: string, data: NpyArray, shape: number[]): void {
  atomicWriteFile(path, encodeNpy(data, shape));
}

/** Read and decode a .npy file; errors start with the path. */
export function readNpy(path: string): { data: NpyArray; shape: number[]; dtype: NpyDtype } {
  let bytes: Uint8Array;
  try {
    bytes = fs.readFileSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const cause = code === 'ENOENT' ? 'no such file' : err instanceof Error ? err.message : String(err);
    throw new InputError(`cannot read ${path}: ${cause}`, { cause: err });
  }
  return decodeNpy(bytes, path);
}
