import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/engine/index.js';

describe('Rng', () => {
  it('repeats exactly for the same seed and differs for another', () => {
    const a = new Rng(42).normal(1000);
    const b = new Rng(42).normal(1000);
    const c = new Rng(43).normal(1000);
    expect(Buffer.from(a.buffer).equals(Buffer.from(b.buffer))).toBe(true);
    expect(Buffer.from(a.buffer).equals(Buffer.from(c.buffer))).toBe(false);
  });

  it('resumes from a saved state with the same stream', () => {
    const r = new Rng(7);
    r.normal(33);
    const saved = r.getState();
    const next = r.normal(100);
    const resumed = new Rng(saved).normal(100);
    expect(Array.from(resumed)).toEqual(Array.from(next));
  });

  it('draws standard normals with the right moments (n = 200000)', () => {
    const x = new Rng(1).normal(200_000);
    let m = 0;
    for (const v of x) m += v;
    m /= x.length;
    let v2 = 0;
    let k4 = 0;
    for (const v of x) {
      v2 += (v - m) ** 2;
      k4 += (v - m) ** 4;
    }
    v2 /= x.length;
    k4 /= x.length;
    expect(Math.abs(m)).toBeLessThan(0.01); // sd of the mean is 0.0022
    expect(Math.abs(v2 - 1)).toBeLessThan(0.015);
    expect(Math.abs(k4 / (v2 * v2) - 3)).toBeLessThan(0.06);
  });

  it('draws uniforms in [0, 1) and permutations that cover every index', () => {
    const r = new Rng(3);
    const u = r.fillUniform(new Float32Array(10_000));
    expect(Math.min(...u)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...u)).toBeLessThan(1);
    const p = r.permutation(500);
    expect([...p].sort((a, b) => a - b)).toEqual([...Array(500).keys()]);
  });

  it('rejects a malformed state by name', () => {
    expect(() => new Rng([1, 2, 3] as never)).toThrow('RNG state must be four unsigned 32-bit integers, got [1,2,3]');
    expect(() => new Rng([0, 0, 0, 0])).toThrow('RNG state must not be all zeros');
  });
});
