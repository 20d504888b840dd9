// Presets: named configs. `gan presets` lists them; `gan train --preset NAME` runs one.
import { validateConfig, type GanConfig } from './schema.js';

const raw: Record<string, unknown> = {
  ring8: {
    description: 'Vanilla MLP GAN on 8 Gaussians on the unit circle (sd 0.01): mode coverage',
    data: { kind: 'mixture', name: 'ring8' },
    model: { kind: 'mlp', latent: 2, gHidden: [128, 128, 128], dHidden: [128, 128, 128], gSlope: 0, output: 'linear' },
    train: { steps: 5000, batch: 256, lrG: 5e-4, lrD: 5e-4, lrSchedule: 'linear', emaDecay: 0, checkpointEvery: 1000, sampleEvery: 1000 },
  },
  grid25: {
    description: 'Vanilla MLP GAN on a 5x5 grid of Gaussians (sd 0.05): mode coverage',
    data: { kind: 'mixture', name: 'grid25' },
    model: { kind: 'mlp', latent: 2, gHidden: [128, 128, 128], dHidden: [128, 128, 128], gSlope: 0, output: 'linear' },
    train: { steps: 10000, batch: 256, lrG: 5e-4, lrD: 5e-4, lrSchedule: 'linear', emaDecay: 0, checkpointEvery: 2000, sampleEvery: 2000 },
  },
  'mnist-mlp': {
    description: 'Vanilla (fully connected) GAN on MNIST digits',
    data: { kind: 'mnist' },
    model: { kind: 'mlp', latent: 100, gHidden: [256, 512, 1024], dHidden: [512, 256], output: 'tanh' },
    train: { steps: 30000, batch: 64, lrG: 2e-4, lrD: 2e-4, emaDecay: 0.999, checkpointEvery: 2000, sampleEvery: 2000 },
  },
  'mnist-dcgan': {
    description: 'DCGAN on MNIST digits',
    data: { kind: 'mnist' },
    model: { kind: 'dcgan', latent: 100, width: 128 },
    train: { steps: 30000, batch: 64, lrG: 2e-4, lrD: 2e-4, emaDecay: 0.999, checkpointEvery: 1000, sampleEvery: 1000 },
  },
  'fashion-dcgan': {
    description: 'DCGAN on Fashion-MNIST garments',
    data: { kind: 'fashion' },
    model: { kind: 'dcgan', latent: 100, width: 128 },
    train: { steps: 30000, batch: 64, lrG: 2e-4, lrD: 2e-4, emaDecay: 0.999, checkpointEvery: 1000, sampleEvery: 1000 },
  },
};

export const PRESET_NAMES = Object.keys(raw);

export function preset(name: string): GanConfig {
  const r = raw[name];
  if (!r) throw new Error(`unknown preset "${name}"; presets: ${PRESET_NAMES.join(', ')}`);
  return validateConfig(r, `preset ${name}`);
}
