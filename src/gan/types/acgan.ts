// Auxiliary-classifier GAN (Odena et al. 2017): G(z, y) draws a sample of class y; D has a second
// head that classifies every sample. D learns to classify real samples (and generated ones by the
// label they were drawn with); G is rewarded when D's classifier recognises the drawn label.
import * as E from '../../engine/index.js';
import type { Tensor } from '../../engine/index.js';
import { Linear } from '../../nn/layers.js';
import { Networks, type Ctx } from '../../nn/module.js';
import { classCrossEntropy } from '../losses.js';
import { defineRecipe, field, normal, uniformLabel, type GanRecipe } from '../recipe.js';
import { labelledGenerator, labelledSampler, type LabelledOptions } from './labelled.js';

export interface AcganOptions extends LabelledOptions {
  /** Weight of the class terms against the adversarial loss. */
  auxWeight: number;
}

export function acgan(o: AcganOptions): GanRecipe {
  const head = new Linear(o.D.features, 1, { spectralNorm: o.spectralNorm });
  // No spectral norm on the class head: it bounds the logits and with them how sure D can be.
  const classify = new Linear(o.D.features, o.classes);
  const G = o.G.named('G');
  const D = new Networks({ body: o.D.body, head, classify }).named('D');
  const generator = labelledGenerator(G, o.classes);
  const judge = (x: Tensor, ctx: Ctx) => {
    const h = o.D.body.call(x, ctx);
    return { logit: head.call(h, ctx), classes: classify.call(h, ctx) };
  };
  const weighted = (t: Tensor) => E.mul(t, o.auxWeight);
  return defineRecipe({
    type: 'acgan',
    G,
    D,
    inputs: { x: field('x'), y: field('y'), z: normal(o.latent), yFake: uniformLabel(o.classes) },
    generate: ({ z, yFake }, ctx) => ({ x: generator(z, yFake, ctx) }),
    dLoss({ x, y, yFake }, fake, adv) {
      const d = adv.d(judge, x, fake.x);
      return E.add(d.loss, weighted(E.add(classCrossEntropy(d.real.classes, y), classCrossEntropy(d.fake.classes, yFake))));
    },
    gLoss({ yFake }, fake, adv) {
      const g = adv.g(judge, fake.x);
      return E.add(g.loss, weighted(classCrossEntropy(g.fake.classes, yFake)));
    },
    joinRealFake: !o.batchStatsD,
    // A sample's score: D's realness logit plus the log-probability its class head gives the label.
    sampler: {
      ...labelledSampler(o, 'class'),
      judge(x, y, ctx) {
        const d = judge(x, ctx);
        return E.add(E.reshape(d.logit, [-1]), E.reduceSum(E.mul(E.oneHot(y, o.classes), E.logSoftmax(d.classes, -1)), 1));
      },
    },
  });
}
