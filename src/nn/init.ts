// Parameter initialisers. Fan-in/fan-out follow PyTorch: for a weight [out, in, k...] fan_in = in*k...
// Our Linear stores [in, out], so it passes its fans explicitly.
import type { Rng, Shape } from '../engine/index.js';
import type { Initializer } from './module.js';

const size = (shape: Shape) => shape.reduce((a, b) => a * b, 1);

export const zerosInit: Initializer = (_, shape) => new Float32Array(size(shape));
export const onesInit: Initializer = (_, shape) => new Float32Array(size(shape)).fill(1);
export const constantInit = (v: number): Initializer => (_, shape) => new Float32Array(size(shape)).fill(v);

/** N(mean, std): DCGAN uses normal(0, 0.02) for weights and normal(1, 0.02) for batch-norm scales. */
export const normalInit = (mean = 0, std = 0.02): Initializer => (rng, shape) => rng.normal(size(shape), mean, std);

export const uniformInit = (lo: number, hi: number): Initializer => (rng: Rng, shape) =>
  rng.fillUniform(new Float32Array(size(shape)), lo, hi);

export interface Fans {
  fanIn: number;
  fanOut: number;
}

/** Xavier/Glorot uniform: U(-a, a), a = gain * sqrt(6 / (fan_in + fan_out)). */
export const xavierUniform = (f: Fans, gain = 1): Initializer => {
  const a = gain * Math.sqrt(6 / (f.fanIn + f.fanOut));
  return uniformInit(-a, a);
};

export const xavierNormal = (f: Fans, gain = 1): Initializer => normalInit(0, gain * Math.sqrt(2 / (f.fanIn + f.fanOut)));

/** He/Kaiming normal for (leaky) ReLU with negative slope `a`, fan_in mode. */
export const kaimingNormal = (f: Fans, a = 0): Initializer => normalInit(0, Math.sqrt(2 / (1 + a * a)) / Math.sqrt(f.fanIn));

export const kaimingUniform = (f: Fans, a = 0): Initializer => {
  const bound = Math.sqrt(3) * (Math.sqrt(2 / (1 + a * a)) / Math.sqrt(f.fanIn));
  return uniformInit(-bound, bound);
};

/** PyTorch's default for Linear/Conv weights and biases: U(-1/sqrt(fan_in), 1/sqrt(fan_in)). */
export const torchDefault = (f: Fans): Initializer => {
  const b = 1 / Math.sqrt(f.fanIn);
  return uniformInit(-b, b);
};

export type InitName = 'dcgan' | 'xavier' | 'kaiming' | 'default';

/** The weight initialiser of a named scheme for a layer with the given fans. */
export function weightInit(scheme: InitName, f: Fans): Initializer {
  switch (scheme) {
    case 'dcgan':
      return normalInit(0, 0.02);
    case 'xavier':
      return xavierUniform(f);
    case 'kaiming':
      return kaimingNormal(f, 0.2);
    case 'default':
      return torchDefault(f);
  }
}
