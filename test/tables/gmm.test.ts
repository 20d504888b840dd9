// The Dirichlet-process Gaussian mixture: its special functions against known values, what it
// recovers from a hand-made mixture, and the same numbers for the same seed.
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/engine/random.js';
import { fitMixture, MODE_WEIGHT_THRESHOLD } from '../../src/tables/index.js';
import { betaln, digamma, gammaln } from '../../src/tables/special.js';

describe('special functions', () => {
  it('match known values and each other (digamma = d/dx log-gamma)', () => {
    expect(digamma(1)).toBeCloseTo(-0.5772156649015329, 12); // -Euler's gamma
    expect(digamma(0.5)).toBeCloseTo(-1.9635100260214235, 12); // -gamma - 2 ln 2
    expect(gammaln(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 12);
    expect(gammaln(10)).toBeCloseTo(Math.log(362880), 10);
    expect(gammaln(1)).toBeCloseTo(0, 12);
    expect(betaln(2, 3)).toBeCloseTo(Math.log(1 / 12), 12);
    for (const x of [0.3, 2.5, 17, 4000]) {
      const h = 1e-5 * Math.max(1, x);
      expect(digamma(x)).toBeCloseTo((gammaln(x + h) - gammaln(x - h)) / (2 * h), 5);
    }
  });
});

const normalPdf = (x: number, m: number, s: number) => Math.exp(-0.5 * ((x - m) / s) ** 2) / (s * Math.sqrt(2 * Math.PI));

/** The L1 distance between the fitted density and a mixture of normals, on a fine grid over [lo, hi]. */
function l1Distance(fit: ReturnType<typeof fitMixture>, parts: [number, number, number][], lo: number, hi: number): number {
  const steps = 4000;
  const h = (hi - lo) / steps;
  let d = 0;
  for (let i = 0; i <= steps; i++) {
    const x = lo + i * h;
    const p = parts.reduce((s, [w, m, sd]) => s + w * normalPdf(x, m, sd), 0);
    const q = fit.weights.reduce((s, w, k) => s + w * normalPdf(x, fit.means[k]!, fit.sds[k]!), 0);
    d += Math.abs(p - q) * h;
  }
  return d;
}

/** n draws from a mixture of normals [weight, mean, sd][]. */
function drawMixture(parts: [number, number, number][], n: number, seed: number): Float64Array {
  const rng = new Rng(seed);
  const z = rng.normal(n);
  return Float64Array.from(z, (zi) => {
    let u = rng.uniform();
    const part = parts.find(([w]) => (u -= w) < 0) ?? parts[parts.length - 1]!;
    return part[1] + part[2] * zi;
  });
}

describe('fitMixture', () => {
  const truth: [number, number, number][] = [
    [0.5, -5, 1],
    [0.3, 3, 0.5],
    [0.2, 10, 2],
  ];
  const x = drawMixture(truth, 3000, 11);
  const fit = fitMixture(x, { seed: 5 });

  it('recovers a hand-made mixture: its density, and the weight, mean and spread of each part', () => {
    // The same fit as sklearn's from the same start (scripts/gmm-vs-sklearn.ts: equal to 1e-13).
    expect(l1Distance(fit, truth, -15, 25)).toBeLessThan(0.06);
    const w = fit.weights;
    const kept = w.flatMap((wk, k) => (wk > MODE_WEIGHT_THRESHOLD ? [k] : []));
    // A variational fit may split a true component into several modes: group the kept modes by the
    // true component they sit in, and compare each group's weight, mean and variance with the truth.
    const groups = truth.map(() => [] as number[]);
    for (const k of kept) {
      const m = fit.means[k]!;
      const nearest = truth.reduce(
        (best, t, i) => (Math.abs(m - t[1]) / t[2] < Math.abs(m - truth[best]![1]) / truth[best]![2] ? i : best),
        0,
      );
      groups[nearest]!.push(k);
    }
    truth.forEach(([weight, mean, sd], i) => {
      const ks = groups[i]!;
      const gw = ks.reduce((s, k) => s + w[k]!, 0);
      const gm = ks.reduce((s, k) => s + w[k]! * fit.means[k]!, 0) / gw;
      const gv = ks.reduce((s, k) => s + w[k]! * (fit.sds[k]! ** 2 + (fit.means[k]! - gm) ** 2), 0) / gw;
      expect(Math.abs(gw - weight)).toBeLessThan(0.03);
      expect(Math.abs(gm - mean)).toBeLessThan(0.15 * sd);
      expect(Math.sqrt(gv) / sd).toBeGreaterThan(0.85);
      expect(Math.sqrt(gv) / sd).toBeLessThan(1.15);
    });
    // The Dirichlet process prunes: the dropped modes together weigh almost nothing.
    expect(w.reduce((s, wk) => s + (wk > MODE_WEIGHT_THRESHOLD ? 0 : wk), 0)).toBeLessThan(0.02);
    expect(fit.state.fitRows).toBe(3000);
  });

  it('gives each value the posterior of the component it came from', () => {
    const p = new Float64Array(fit.components);
    const mass = (value: number, near: number, sd: number) => {
      fit.posterior(value, p);
      return fit.means.reduce((s, m, k) => s + (Math.abs(m - near) < 2 * sd ? p[k]! : 0), 0);
    };
    expect(p.length).toBe(10);
    expect(mass(-5, -5, 1)).toBeGreaterThan(0.99);
    expect(mass(3, 3, 0.5)).toBeGreaterThan(0.99);
    expect(mass(11, 10, 2)).toBeGreaterThan(0.99);
    fit.posterior(0, p);
    expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
  });

  it('fits one normal, and a constant column without dividing by zero', () => {
    const one = fitMixture(drawMixture([[1, 7, 2]], 2000, 3), { seed: 1 });
    expect(l1Distance(one, [[1, 7, 2]], -5, 19)).toBeLessThan(0.06);
    const mean = one.weights.reduce((s, w, k) => s + w * one.means[k]!, 0);
    const variance = one.weights.reduce((s, w, k) => s + w * (one.sds[k]! ** 2 + (one.means[k]! - mean) ** 2), 0);
    expect(mean).toBeCloseTo(7, 1);
    expect(Math.sqrt(variance)).toBeCloseTo(2, 1);
    const constant = fitMixture(new Float64Array(50).fill(4.2), { seed: 1 });
    const p = constant.posterior(4.2, new Float64Array(10));
    expect(p.every(Number.isFinite)).toBe(true);
    expect(constant.means[constant.weights.indexOf(Math.max(...constant.weights))]).toBeCloseTo(4.2, 10);
  });

  it('is deterministic for a seed, and fits a seeded subsample of long columns', () => {
    expect(fitMixture(x, { seed: 5 }).state).toEqual(fit.state);
    const sub = fitMixture(x, { seed: 5, maxRows: 500 });
    expect(sub.state.fitRows).toBe(500);
    expect(fitMixture(x, { seed: 5, maxRows: 500 }).state).toEqual(sub.state);
    expect(fitMixture(x, { seed: 6, maxRows: 500 }).state).not.toEqual(sub.state);
  });
});
