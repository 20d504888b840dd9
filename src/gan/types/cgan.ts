// Conditional GAN (Mirza & Osindero 2014): the label y enters both players, so G learns p(x | y)
// and a user picks the class of each sample. G reads y with its noise; D reads it through a
// projection (Miyato & Koyama 2018): D(x, y) = head(phi(x)) + <embed(y), phi(x)>, which trains
// more stably than appending y to D's input.
import * as E from '../../engine/index.js';
import { Linear } from '../../nn/layers.js';
import { Networks, type GanModel } from '../model.js';
import { labelledModel, type LabelledOptions } from './conditional.js';

export type CganOptions = LabelledOptions;

export function conditionalGan(o: CganOptions): GanModel {
  const sn = o.spectralNorm;
  const head = new Linear(o.D.features, 1, { spectralNorm: sn });
  // The class embedding is a bias-free linear map of onehot(y), so spectral norm applies to it too.
  const embed = new Linear(o.classes, o.D.features, { bias: false, spectralNorm: sn });
  return {
    ...labelledModel('cgan', new Networks({ body: o.D.body, head, embed }), o),
    usesDataLabels: true,
    discriminate(x, y, ctx) {
      if (!y) throw new Error('the conditional discriminator needs labels');
      const h = o.D.body.call(x, ctx);
      const projection = E.reduceSum(E.mul(embed.call(E.oneHot(y, o.classes), ctx), h), 1, true);
      return { logit: E.add(head.call(h, ctx), projection) };
    },
  };
}
