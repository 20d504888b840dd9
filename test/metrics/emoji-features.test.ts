// The shipped emoji feature network (assets/features/emoji.onnx, scripts/train-emoji-features.ts):
// 256 features per image and a category for each, measured on the held-out emoji.
import { describe, expect, it } from 'vitest';
import * as E from '../../src/engine/index.js';
import { openSource } from '../../src/data/source.js';
import { DataConfig } from '../../src/data/config.js';
import { openFeatureSpace } from '../../src/metrics/features.js';
import { compareFeatures } from '../../src/metrics/distribution.js';

async function heldOut(vendor: 'google' | 'apple', size: number) {
  const src = await openSource(DataConfig.parse({ kind: 'emoji', vendor, size }), new E.Rng(0));
  const h = src.heldOut!;
  const x = new Float32Array(h.count * 3 * size * size);
  const y = new BigInt64Array(h.count);
  h.read({ x, y }, 0, h.count);
  return { x, y, n: h.count };
}

const accuracy = (p: Int32Array, y: BigInt64Array) => p.reduce((s, c, i) => s + (BigInt(c) === y[i] ? 1 : 0), 0) / p.length;

describe('emoji feature space', () => {
  it('classifies held-out emoji of both vendors by category (about the 83% it was trained to) and gives 256 features', async () => {
    const space = await openFeatureSpace('emoji');
    try {
      expect(space.name).toBe('emoji');
      expect(space.input).toEqual([3, 64, 64]);
      for (const vendor of ['google', 'apple'] as const) {
        const { x, y, n } = await heldOut(vendor, 64);
        expect(accuracy(await space.classify!(x, n, [3, 64, 64]), y), vendor).toBeGreaterThan(0.78);
        const f = await space.embed(x, n, [3, 64, 64]);
        expect(f.d).toBe(256);
      }
      // Samples at 32x32 are resized up to the network's 64x64: still recognised.
      const small = await heldOut('google', 32);
      expect(accuracy(await space.classify!(small.x, small.n, [3, 32, 32]), small.y)).toBeGreaterThan(0.6);
    } finally {
      await space.release();
    }
  });

  it('tells the two vendors apart: Google against Apple is over twice as far as Google against Google', async () => {
    const space = await openFeatureSpace('emoji');
    try {
      const per = 3 * 64 * 64;
      // Every other held-out image (the files are in code-point order, so halves would differ in category).
      const alternate = async (vendor: 'google' | 'apple', parity: number) => {
        const { x, n } = await heldOut(vendor, 64);
        const idx = Array.from({ length: n }, (_, i) => i).filter((i) => i % 2 === parity);
        const out = new Float32Array(idx.length * per);
        idx.forEach((i, k) => out.set(x.subarray(i * per, (i + 1) * per), k * per));
        return space.embed(out, idx.length, [3, 64, 64]);
      };
      const googleEven = await alternate('google', 0);
      const same = await compareFeatures(googleEven, await alternate('google', 1), { seed: 0 });
      const other = await compareFeatures(googleEven, await alternate('apple', 1), { seed: 0 });
      expect(other.fd).toBeGreaterThan(2 * same.fd);
    } finally {
      await space.release();
    }
  });
});
