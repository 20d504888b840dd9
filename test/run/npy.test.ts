import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeNpy, encodeNpy, readNpy, writeNpy } from '../../src/run/npy.js';

const PYTHON = '/usr/bin/python3';
const hasNumpy = fs.existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import numpy']).status === 0;

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsgan-npy-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Header text of an encoded file (version 1.0 layout). */
function headerOf(bytes: Uint8Array): string {
  const len = bytes[8]! | (bytes[9]! << 8);
  return new TextDecoder().decode(bytes.subarray(10, 10 + len));
}

/** Hand-built .npy file, for inputs our encoder never produces. */
function rawNpy(dict: string, body: Uint8Array, major = 1): Uint8Array {
  const pre = major === 1 ? 10 : 12;
  const header = dict + ' '.repeat((64 - ((pre + dict.length + 1) % 64)) % 64) + '\n';
  const out = new Uint8Array(pre + header.length + body.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, major, 0]);
  const view = new DataView(out.buffer);
  if (major === 1) view.setUint16(8, header.length, true);
  else view.setUint32(8, header.length, true);
  out.set(new TextEncoder().encode(header), pre);
  out.set(body, pre + header.length);
  return out;
}

describe('encodeNpy / decodeNpy', () => {
  const shapes: number[][] = [[], [5], [2, 3, 4]];
  for (const shape of shapes) {
    const n = shape.reduce((a, b) => a * b, 1);
    it(`round-trips float32, int64 and int32 with shape (${shape})`, () => {
      const f = Float32Array.from({ length: n }, (_, i) => i * 0.5 - 3.25);
      const l = BigInt64Array.from({ length: n }, (_, i) => BigInt(i) * 10_000_000_000n - 7n);
      const k = Int32Array.from({ length: n }, (_, i) => -i * 1000 + 3);
      for (const [data, dtype] of [
        [f, 'float32'],
        [l, 'int64'],
        [k, 'int32'],
      ] as const) {
        const bytes = encodeNpy(data, shape);
        const back = decodeNpy(bytes);
        expect(back.dtype).toBe(dtype);
        expect(back.shape).toEqual(shape);
        expect(back.data.constructor).toBe(data.constructor);
        expect([...back.data]).toEqual([...data]);
      }
    });
  }

  it('writes a v1.0 header padded to a multiple of 64 bytes', () => {
    const bytes = encodeNpy(new Float32Array(24), [2, 3, 4]);
    expect([...bytes.subarray(0, 8)]).toEqual([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
    const header = headerOf(bytes);
    expect((10 + header.length) % 64).toBe(0);
    expect(header.endsWith('\n')).toBe(true);
    expect(header.trimEnd()).toBe("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3, 4), }");
    expect(bytes.length).toBe(10 + header.length + 24 * 4);
    expect(headerOf(encodeNpy(new Int32Array(5), [5])).trimEnd()).toBe("{'descr': '<i4', 'fortran_order': False, 'shape': (5,), }");
    expect(headerOf(encodeNpy(new BigInt64Array(1), [])).trimEnd()).toBe("{'descr': '<i8', 'fortran_order': False, 'shape': (), }");
  });

  it('encodes only the viewed part of a subarray', () => {
    const big = Float32Array.of(9, 1, 2, 3, 9);
    expect([...decodeNpy(encodeNpy(big.subarray(1, 4), [3])).data]).toEqual([1, 2, 3]);
  });

  it('rejects data that does not fill the shape', () => {
    expect(() => encodeNpy(new Float32Array(5), [2, 3])).toThrow('npy: 5 values do not fill shape [2,3]');
  });

  it('reads v2.0 headers and converts <f8 and |u1 to float32', () => {
    const f8 = decodeNpy(
      rawNpy("{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }", new Uint8Array(Float64Array.of(0.5, -2, 1e3).buffer), 2),
    );
    expect(f8.dtype).toBe('float32');
    expect(f8.data).toBeInstanceOf(Float32Array);
    expect([...f8.data]).toEqual([0.5, -2, 1000]);
    const u1 = decodeNpy(rawNpy("{'descr': '|u1', 'fortran_order': False, 'shape': (2, 2), }", Uint8Array.of(0, 127, 128, 255)));
    expect(u1.dtype).toBe('float32');
    expect(u1.shape).toEqual([2, 2]);
    expect([...u1.data]).toEqual([0, 127, 128, 255]);
  });

  it('names the array in error messages', () => {
    expect(() => decodeNpy(Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11), 'x.npy')).toThrow('x.npy is not a .npy file (bad magic)');
    expect(() => decodeNpy(rawNpy("{'descr': '>f4', 'fortran_order': False, 'shape': (1,), }", new Uint8Array(4)))).toThrow(
      "array: unsupported dtype '>f4' (expected <f4, <f8, <i8, <i4 or |u1)",
    );
    expect(() => decodeNpy(rawNpy("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }", new Uint8Array(16)), 'm')).toThrow(
      'm: fortran_order arrays are not supported',
    );
    const full = encodeNpy(new Float32Array(6), [2, 3]);
    const truncated = full.subarray(0, 10 + headerOf(full).length + 3 * 4 + 2); // 3.5 values
    expect(() => decodeNpy(truncated, 't')).toThrow('t: header says 6 values but the file holds 3');
  });
});

describe('writeNpy / readNpy', () => {
  it('round-trips through a file', () => {
    const file = path.join(dir, 'sub', 'z.npy');
    writeNpy(file, Float32Array.of(1, 2, 3, 4, 5, 6), [3, 2]);
    const back = readNpy(file);
    expect(back.shape).toEqual([3, 2]);
    expect([...back.data]).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('prefixes errors with the path', () => {
    const missing = path.join(dir, 'missing.npy');
    expect(() => readNpy(missing)).toThrow(`cannot read ${missing}: no such file`);
    const junk = path.join(dir, 'junk.npy');
    fs.writeFileSync(junk, 'hello, world');
    expect(() => readNpy(junk)).toThrow(`${junk} is not a .npy file (bad magic)`);
  });

  it.skipIf(!hasNumpy)('interoperates with numpy', () => {
    const ours = path.join(dir, 'ours.npy');
    const f = Float32Array.from({ length: 24 }, (_, i) => i * 0.25 - 1);
    writeNpy(ours, f, [2, 3, 4]);
    writeNpy(path.join(dir, 'ours_i8.npy'), BigInt64Array.of(1n, -2n, 3n ** 30n), [3]);
    writeNpy(path.join(dir, 'ours_i4.npy'), Int32Array.of(-5), []);
    const script = `
import numpy as np, sys, os
d = sys.argv[1]
a = np.load(os.path.join(d, 'ours.npy'))
b = np.load(os.path.join(d, 'ours_i8.npy'))
c = np.load(os.path.join(d, 'ours_i4.npy'))
print(a.dtype, a.shape, float(a.sum()), a[1, 2, 3])
print(b.dtype, b.shape, int(b.sum()))
print(c.dtype, c.shape, int(c))
np.save(os.path.join(d, 'theirs_f4.npy'), np.arange(12, dtype=np.float32).reshape(3, 4) / 4)
np.save(os.path.join(d, 'theirs_f8.npy'), np.array([[0.1, 0.2], [0.3, 1e10]]))
np.save(os.path.join(d, 'theirs_i8.npy'), np.array([-1, 2**40], dtype=np.int64))
np.save(os.path.join(d, 'theirs_u1.npy'), np.array([0, 255], dtype=np.uint8))
np.save(os.path.join(d, 'theirs_scalar.npy'), np.int32(7))
`;
    const out = execFileSync(PYTHON, ['-c', script, dir], { encoding: 'utf8' }).trim().split('\n');
    const sum = f.reduce((a, b) => a + b, 0);
    expect(out).toEqual([`float32 (2, 3, 4) ${sum.toFixed(1)} ${f[23]}`, `int64 (3,) ${(1n - 2n + 3n ** 30n).toString()}`, 'int32 () -5']);

    const f4 = readNpy(path.join(dir, 'theirs_f4.npy'));
    expect([f4.dtype, f4.shape]).toEqual(['float32', [3, 4]]);
    expect([...f4.data]).toEqual(Array.from({ length: 12 }, (_, i) => i / 4));
    const f8 = readNpy(path.join(dir, 'theirs_f8.npy'));
    expect([f8.dtype, f8.shape]).toEqual(['float32', [2, 2]]);
    expect([...f8.data]).toEqual([...Float32Array.of(0.1, 0.2, 0.3, 1e10)]);
    const i8 = readNpy(path.join(dir, 'theirs_i8.npy'));
    expect([i8.dtype, i8.shape, [...i8.data]]).toEqual(['int64', [2], [-1n, 2n ** 40n]]);
    const u1 = readNpy(path.join(dir, 'theirs_u1.npy'));
    expect([u1.dtype, [...u1.data]]).toEqual(['float32', [0, 255]]);
    const s = readNpy(path.join(dir, 'theirs_scalar.npy'));
    expect([s.dtype, s.shape, [...s.data]]).toEqual(['int32', [], [7]]);
  });
});
