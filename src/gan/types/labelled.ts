// What the class-aware types share: a generator that reads its label as a one-hot vector appended
// to the noise (Mirza & Osindero 2014), and a discriminator body whose features the types' heads read.
import * as E from '../../engine/index.js';
import type { Tensor } from '../../engine/index.js';
import type { Ctx, Module } from '../../nn/module.js';
import type { Sampler } from '../recipe.js';

/** A feature extractor (D without its output layer) and the size of its features. */
export interface DiscriminatorBody {
  body: Module;
  features: number;
}

/** The networks and shapes every class-aware type is built from. */
export interface LabelledOptions {
  /** Generator taking [z, onehot(y)]: latent + classes inputs. */
  G: Module;
  D: DiscriminatorBody;
  /** Number of labels (InfoGAN: values of the categorical code). */
  classes: number;
  latent: number;
  sampleShape: number[];
  range: Sampler['range'];
  spectralNorm?: boolean;
  /** D uses batch statistics: it judges real and generated batches separately. */
  batchStatsD?: boolean;
}

/** G(z, y) = G'([z, onehot(y)]). */
export function labelledGenerator(G: Module, classes: number) {
  return (z: Tensor, y: Tensor | undefined, ctx: Ctx): Tensor => {
    if (!y) throw new Error(`${G.path}: this generator needs labels`);
    return G.call(E.concat([z, E.oneHot(y, classes)], 1), ctx);
  };
}

/** Sampling from a class-aware generator: noise and a label per sample. */
export function labelledSampler(o: LabelledOptions, meaning: 'class' | 'code', metadata?: Record<string, string>): Sampler {
  return { latent: [o.latent], output: o.sampleShape, range: o.range, labels: { classes: o.classes, meaning }, metadata, sample: labelledGenerator(o.G, o.classes) };
}
