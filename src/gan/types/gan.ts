// The GAN of the seeds (Goodfellow et al. 2014): G maps noise z to a sample, D gives the
// probability that a sample is real. D learns to call the data real and G(z) fake; G learns to
// make D call G(z) real. The loss (minimax, non-saturating, least squares, Wasserstein, hinge)
// and any penalty are the run's train settings, supplied by the step library.
import type { Module } from '../../nn/module.js';
import { defineRecipe, field, normal, type GanRecipe, type Sampler } from '../recipe.js';

export interface GanOptions {
  /** z [N, latent] -> samples [N, ...sample]. */
  G: Module;
  /** samples -> [N', 1] logits (N' = N / pack for a packed D). */
  D: Module;
  latent: number;
  sampleShape: number[];
  range: Sampler['range'];
  /** D uses batch statistics: it judges real and generated batches separately. */
  batchStatsD?: boolean;
  /** Discriminator rejection sampling: D's per-sample logit and the quantile accepted for sure (see Sampler.rejection). */
  rejection?: Sampler['rejection'];
}

export function gan(o: GanOptions): GanRecipe {
  const { G, D } = o;
  return defineRecipe({
    type: 'gan',
    G,
    D,
    inputs: { x: field('x'), z: normal(o.latent) },
    generate: ({ z }, ctx) => ({ x: G.call(z, ctx) }),
    dLoss: ({ x }, fake, adv) => adv.d(D, x, fake.x).loss,
    gLoss: (_, fake, adv) => adv.g(D, fake.x).loss,
    joinRealFake: !o.batchStatsD,
    sampler: { latent: [o.latent], output: o.sampleShape, range: o.range, sample: (z, _y, ctx) => G.call(z, ctx), rejection: o.rejection },
  });
}
