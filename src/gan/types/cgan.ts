// Conditional GAN (Mirza & Osindero 2014): the label y enters both players, so G learns p(x | y)
// and a user picks the class of each sample. G reads y with its noise; D reads it through a
// projection (Miyato & Koyama 2018): D(x, y) = head(phi(x)) + <embed(y), phi(x)>, which trains
// more stably than appending y to D's input. Real samples are judged with their labels, generated
// ones with the labels they were drawn for.
import * as E from '../../engine/index.js';
import type { Tensor } from '../../engine/index.js';
import { Linear } from '../../nn/layers.js';
import { Networks, type Ctx } from '../../nn/module.js';
import { defineRecipe, field, normal, uniformLabel, type GanRecipe } from '../recipe.js';
import { labelledGenerator, labelledSampler, type LabelledOptions } from './labelled.js';

export function cgan(o: LabelledOptions): GanRecipe {
  const sn = o.spectralNorm;
  const head = new Linear(o.D.features, 1, { spectralNorm: sn });
  // The class embedding is a bias-free linear map of onehot(y), so spectral norm applies to it too.
  const embed = new Linear(o.classes, o.D.features, { bias: false, spectralNorm: sn });
  const G = o.G.named('G');
  // Declared in the order a pass reads them, which is the order their initial values are drawn in.
  const D = new Networks({ body: o.D.body, embed, head }).named('D');
  const generator = labelledGenerator(G, o.classes);
  const judge = (x: Tensor, ctx: Ctx, y: Tensor) => {
    const h = o.D.body.call(x, ctx);
    const projection = E.reduceSum(E.mul(embed.call(E.oneHot(y, o.classes), ctx), h), 1, true);
    return E.add(head.call(h, ctx), projection);
  };
  return defineRecipe({
    type: 'cgan',
    G,
    D,
    inputs: { x: field('x'), y: field('y'), z: normal(o.latent), yFake: uniformLabel(o.classes) },
    generate: ({ z, yFake }, ctx) => ({ x: generator(z, yFake, ctx) }),
    dLoss: ({ x, y, yFake }, fake, adv) => adv.d(judge, x, fake.x, { real: [y], fake: [yFake] }).loss,
    gLoss: ({ yFake }, fake, adv) => adv.g(judge, fake.x, [yFake]).loss,
    joinRealFake: !o.batchStatsD,
    sampler: { ...labelledSampler(o, 'class'), judge: (x, y, ctx) => E.reshape(judge(x, ctx, y), [-1]) },
  });
}
