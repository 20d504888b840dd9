// f-AnoGAN (Schlegl et al. 2019): anomaly detection with a GAN of normal data and an encoder.
// 1. A GAN learns the normal samples only (the paper trains a WGAN-GP: train.loss "wgan-gp").
// 2. With G and D frozen, an encoder E learns to map each image x to the z G redraws it from,
//    the paper's izi_f objective: ||x - G(E(x))||^2 / n + kappa ||f(x) - f(G(E(x)))||^2 / n_f,
//    with f D's last hidden features (n pixels, n_f features).
// Both stages run in one `gan train`: the encoder takes the last model.encoderShare of the steps
// (or of --minutes). The anomaly score of an image is the same two terms: G draws only what is
// normal, so an anomaly comes back changed. Scoring is one pass of E, G and D per image, with no
// per-sample search for z (AnoGAN's, Schlegl et al. 2017).
import { z } from 'zod';
import { int } from '../../config/fields.js';
import * as E from '../../engine/index.js';
import type { Tensor } from '../../engine/index.js';
import { Linear } from '../../nn/layers.js';
import { Networks, Sequential, type Ctx } from '../../nn/module.js';
import { dcganNetworks } from '../nets/dcgan.js';
import { defineRecipe, field, normal, type GanRecipe } from '../recipe.js';

/** model.kind "fanogan": the config section and its defaults. */
export const FanoganConfig = z.strictObject({
  kind: z.literal('fanogan'),
  latent: int(1).max(4096).default(100),
  /** Channels of the DCGAN networks (as model.kind "dcgan"'s width); E mirrors D. */
  width: int(8).max(1024).optional(),
  /** Weight of the discriminator-feature residual in the encoder's loss and the score (the paper's 1). */
  kappa: z.number().min(0).default(1),
  /** Share of the training steps (and of a --minutes limit) the encoder stage takes, at the end. */
  encoderShare: z.number().gt(0).lt(1).default(0.3),
  /** The encoder's Adam learning rate. */
  lrE: z.number().positive().default(1e-3),
  spectralNorm: z.boolean().default(false),
});

export type FanoganOptions = Omit<z.infer<typeof FanoganConfig>, 'kind'> & { sampleShape: number[] };

/** Per-sample mean of squares over every axis but the first: [N, ...] -> [N]. */
const meanSquare = (t: Tensor) => E.reduceMean(E.square(E.reshape(t, [t.shape[0]!, -1])), [1], false);

export function fanogan(o: FanoganOptions): GanRecipe {
  const [channels, side] = o.sampleShape as [number, number];
  const nets = (spectralNorm: boolean) => dcganNetworks(side, { width: o.width, channels, spectralNorm, batchNormD: false });
  const G = nets(false).generator(o.latent).named('G');
  // D's features f are what the residual compares; its head gives the critic score.
  const f = nets(o.spectralNorm).features();
  const head = new Linear(f.features, 1, { spectralNorm: o.spectralNorm });
  const D = new Networks({ body: f.body, head }).named('D');
  const critic = (x: Tensor, ctx: Ctx) => head.call(f.body.call(x, ctx), ctx);
  // E mirrors D's convolutions (its own weights) and ends in z.
  const e = nets(false).features();
  const encoder = new Sequential([e.body, new Linear(e.features, o.latent)]).named('E');

  /** izi_f per image: the pixel residual of G(E(x)) and, weighted by kappa, the residual of D's features. */
  const izif = (x: Tensor, ctx: Ctx) => {
    const redrawn = G.call(encoder.call(x, ctx), ctx);
    return E.add(meanSquare(E.sub(x, redrawn)), E.mul(meanSquare(E.sub(f.body.call(x, ctx), f.body.call(redrawn, ctx))), o.kappa));
  };
  return defineRecipe({
    type: 'fanogan',
    G,
    D,
    inputs: { x: field('x'), z: normal(o.latent) },
    generate: ({ z }, ctx) => ({ x: G.call(z, ctx) }),
    dLoss: ({ x }, fake, adv) => adv.d(critic, x, fake.x).loss,
    gLoss: (_, fake, adv) => adv.g(critic, fake.x).loss,
    sampler: { latent: [o.latent], output: o.sampleShape, range: '[-1, 1]', sample: (z, _y, ctx) => G.call(z, ctx) },
    stage: { name: 'E', module: encoder, share: o.encoderShare, lr: o.lrE, fields: ['x'], loss: ({ x }, ctx) => E.reduceMean(izif(x!, ctx)) },
    anomaly: { input: o.sampleShape, score: izif },
  });
}
