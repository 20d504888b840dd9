import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/engine/index.js';
import { frechetDistance, matmul64, meanAndCovariance, sqrtPsd, symmetricEigen, traceSqrtProduct } from '../../src/metrics/frechet.js';

/** A random SPD matrix B B^T / m + eps I (d x d) with a spread of eigenvalues. */
function randomSpd(rng: Rng, d: number, m = d + 5, eps = 1e-3): Float64Array {
  const b = rng.normal(d * m);
  const c = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) {
      let s = 0;
      for (let k = 0; k < m; k++) s += b[i * m + k]! * b[j * m + k]!;
      c[i * d + j] = s / m + (i === j ? eps : 0);
    }
  }
  return c;
}

const maxAbs = (a: Float64Array) => a.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
const diff = (a: Float64Array, b: Float64Array) => a.map((v, i) => v - b[i]!);

describe('symmetric eigendecomposition and square root', () => {
  it('diagonalise random symmetric matrices: A V = V diag(w), V orthogonal', () => {
    const rng = new Rng(1);
    for (const d of [1, 2, 7, 40]) {
      const a = randomSpd(rng, d);
      // Make it indefinite too.
      for (let i = 0; i < d; i++) a[i * d + i]! -= 0.5;
      const { values, vectors } = symmetricEigen(a, d);
      const av = matmul64(a, vectors, d);
      const vd = vectors.map((v, idx) => v * values[idx % d]!);
      expect(maxAbs(diff(av, vd))).toBeLessThan(1e-12 * Math.max(1, maxAbs(a)) * d);
      const vtv = new Float64Array(d * d);
      for (let i = 0; i < d; i++)
        for (let j = 0; j < d; j++) for (let k = 0; k < d; k++) vtv[i * d + j]! += vectors[k * d + i]! * vectors[k * d + j]!;
      for (let i = 0; i < d; i++) vtv[i * d + i]! -= 1;
      expect(maxAbs(vtv)).toBeLessThan(1e-13 * d);
    }
  });

  it('sqrtPsd(C) squares back to C on random SPD matrices', () => {
    const rng = new Rng(2);
    for (const [d, m] of [
      [5, 10],
      [30, 50],
      [128, 20], // rank-deficient (+ eps I): eigenvalues spanning 1e-3 .. ~30
    ] as const) {
      const c = randomSpd(rng, d, m);
      const s = sqrtPsd(c, d);
      expect(maxAbs(diff(matmul64(s, s, d), c))).toBeLessThan(1e-10 * maxAbs(c));
      expect(
        maxAbs(
          diff(
            s,
            Float64Array.from({ length: d * d }, (_, i) => s[(i % d) * d + Math.floor(i / d)]!),
          ),
        ),
      ).toBe(0); // symmetric
    }
  });

  it('run in well under a second at d = 128', () => {
    const rng = new Rng(3);
    const a = randomSpd(rng, 128, 200);
    const b = randomSpd(rng, 128, 200);
    const t0 = performance.now();
    traceSqrtProduct(a, b, 128);
    const ms = performance.now() - t0;
    expect(ms).toBeLessThan(1000);
  });

  it('Tr((A B)^{1/2}) matches the trace of the square root for commuting (diagonal) matrices', () => {
    const d = 6;
    const a = new Float64Array(d * d);
    const b = new Float64Array(d * d);
    let expected = 0;
    for (let i = 0; i < d; i++) {
      a[i * d + i] = i + 1;
      b[i * d + i] = 1 / (i + 2);
      expected += Math.sqrt((i + 1) / (i + 2));
    }
    expect(traceSqrtProduct(a, b, d)).toBeCloseTo(expected, 12);
  });
});

describe('frechetDistance', () => {
  const rng = new Rng(4);
  const n = 3000;
  const d = 16;
  const x = rng.normal(n * d);
  // Correlated features: mix the columns.
  const mixed = new Float32Array(n * d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) for (let k = 0; k <= j; k++) mixed[i * d + j]! += x[i * d + k]! * (1 + 0.1 * k);
  const a = meanAndCovariance(mixed, n, d);

  it('meanAndCovariance is the float64 mean and unbiased covariance', () => {
    const s = meanAndCovariance(Float32Array.of(1, 2, 3, 5, 5, 11), 3, 2);
    expect(Array.from(s.mean)).toEqual([3, 6]);
    // x: 1,3,5 (var 4); y: 2,5,11 (var 21); cov = ((-2)(-4) + 0 + 2*5) / 2 = 9
    expect(Array.from(s.cov)).toEqual([4, 9, 9, 21]);
  });

  it('is zero for identical statistics', () => {
    let trace = 0;
    for (let i = 0; i < d; i++) trace += a.cov[i * d + i]!;
    expect(Math.abs(frechetDistance(a, a, d))).toBeLessThan(1e-6 * trace);
  });

  it('is the squared shift of the means when the covariances are equal', () => {
    const shift = Float64Array.from({ length: d }, (_, i) => 0.25 * (i - 5));
    const b = { mean: a.mean.map((m, i) => m + shift[i]!), cov: a.cov };
    const expected = shift.reduce((s, v) => s + v * v, 0);
    // The exact value up to rounding of the trace term (2 Tr C - 2 Tr C).
    expect(frechetDistance(a, b, d)).toBeCloseTo(expected, 8);
    expect(frechetDistance(b, a, d)).toBeCloseTo(expected, 8);
  });

  it('matches the closed form for diagonal covariances', () => {
    const dd = 3;
    const a1 = { mean: Float64Array.of(0, 0, 0), cov: Float64Array.of(1, 0, 0, 0, 4, 0, 0, 0, 9) };
    const b1 = { mean: Float64Array.of(1, 0, 0), cov: Float64Array.of(4, 0, 0, 0, 4, 0, 0, 0, 1) };
    // 1 + sum (sa - sb)^2 = 1 + (1-2)^2 + 0 + (3-1)^2 = 6
    expect(frechetDistance(a1, b1, dd)).toBeCloseTo(6, 10);
  });
});
