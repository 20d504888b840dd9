// Synthetic 2-D distributions: mixtures of Gaussians with known modes (for measuring mode
// coverage), a spiral and two moons.
import type { Rng } from '../engine/index.js';

export interface Mixture {
  name: string;
  /** Mode centres, [x, y] each. */
  centers: [number, number][];
  /** Standard deviation of every mode. */
  sd: number;
}

/** 8 modes evenly spaced on the unit circle, sd 0.01. */
export const RING8: Mixture = {
  name: 'ring8',
  centers: Array.from({ length: 8 }, (_, i) => [Math.cos((2 * Math.PI * i) / 8), Math.sin((2 * Math.PI * i) / 8)] as [number, number]),
  sd: 0.01,
};

/** 25 modes on the grid {-4, -2, 0, 2, 4}^2, sd 0.05. */
export const GRID25: Mixture = {
  name: 'grid25',
  centers: [-4, -2, 0, 2, 4].flatMap((x) => [-4, -2, 0, 2, 4].map((y) => [x, y] as [number, number])),
  sd: 0.05,
};

/** n points [n, 2] from a mixture with equal weights; each point's mode index goes to `modes` if given. */
export function sampleMixture(m: Mixture, rng: Rng, n: number, modes?: BigInt64Array, offset = 0): Float32Array {
  const out = new Float32Array(n * 2);
  const noise = rng.normal(n * 2, 0, m.sd);
  for (let i = 0; i < n; i++) {
    const k = rng.int(m.centers.length);
    if (modes) modes[offset + i] = BigInt(k);
    const c = m.centers[k]!;
    out[2 * i] = c[0] + noise[2 * i]!;
    out[2 * i + 1] = c[1] + noise[2 * i + 1]!;
  }
  return out;
}

/** A two-turn Archimedean spiral in [-1, 1]^2 with Gaussian noise (sd 0.02). */
export function sampleSpiral(rng: Rng, n: number): Float32Array {
  const out = new Float32Array(n * 2);
  for (let i = 0; i < n; i++) {
    const t = Math.sqrt(rng.uniform()) * 4 * Math.PI;
    const r = t / (4 * Math.PI);
    out[2 * i] = r * Math.cos(t) + 0.02 * rng.normal(1)[0]!;
    out[2 * i + 1] = r * Math.sin(t) + 0.02 * rng.normal(1)[0]!;
  }
  return out;
}

/** scikit-learn's two interleaving half circles, centred, with Gaussian noise (sd 0.05). */
export function sampleTwoMoons(rng: Rng, n: number): Float32Array {
  const out = new Float32Array(n * 2);
  for (let i = 0; i < n; i++) {
    const t = Math.PI * rng.uniform();
    const upper = rng.uniform() < 0.5;
    const x = upper ? Math.cos(t) : 1 - Math.cos(t);
    const y = upper ? Math.sin(t) : 0.5 - Math.sin(t);
    const e = rng.normal(2, 0, 0.05);
    out[2 * i] = x - 0.5 + e[0]!;
    out[2 * i + 1] = y - 0.25 + e[1]!;
  }
  return out;
}
