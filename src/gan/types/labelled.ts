// What the class-aware types share: a generator that reads its label as a one-hot vector appended
// to the noise, and a discriminator body whose features the types' heads read.
import * as E from '../../engine/index.js';
import type { Tensor } from '../../engine/index.js';
import type { Ctx, Module } from '../../nn/module.js';
import type { GanModel } from '../model.js';

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
  latentShape: number[];
  sampleShape: number[];
  spectralNorm?: boolean;
}

/** G(z, y) = G'([z, onehot(y)]): the label enters the generator with the noise (Mirza & Osindero 2014). */
export function labelledGenerator(G: Module, classes: number) {
  return (z: Tensor, y: Tensor | undefined, ctx: Ctx): Tensor => {
    if (!y) throw new Error(`${G.path}: this generator needs labels`);
    return G.call(E.concat([z, E.oneHot(y, classes)], 1), ctx);
  };
}

/** What the class-aware types share: G(z, y) from [z, onehot(y)], samples straight from G, D as given. */
export function labelledModel(
  type: string,
  D: Module,
  o: LabelledOptions,
): Pick<GanModel, 'type' | 'G' | 'D' | 'latentShape' | 'sampleShape' | 'classes' | 'generate' | 'sample' | 'realInput'> {
  const G = o.G.named('G');
  const generate = labelledGenerator(G, o.classes);
  return { type, G, D: D.named('D'), latentShape: o.latentShape, sampleShape: o.sampleShape, classes: o.classes, generate, sample: generate, realInput: (x) => x };
}
