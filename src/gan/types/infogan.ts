// InfoGAN (Chen et al. 2016): part of G's input is a code c (a categorical code, drawn like a label,
// and continuous codes, the last entries of z) and an auxiliary head Q on D's features recovers c
// from the generated sample. Both players minimise lambda * (cross-entropy of the categorical code +
// codeWeight * squared error of the continuous codes / 2), a lower bound on the mutual information
// I(c; G(z, c)), so the codes come to control distinct factors of the data without any labels.
// The continuous term is weighted down (0.1, as the paper advises): at full weight on MNIST the
// continuous codes took over the digit's identity and the categorical code matched classes only 48%.
import * as E from '../../engine/index.js';
import type { Tensor } from '../../engine/index.js';
import { LeakyReLU, Linear } from '../../nn/layers.js';
import { Networks, Sequential, type Ctx } from '../../nn/module.js';
import { classCrossEntropy } from '../losses.js';
import { defineRecipe, field, normal, uniformLabel, type GanRecipe } from '../recipe.js';
import { labelledGenerator, labelledSampler, type LabelledOptions } from './labelled.js';

/** `classes` is the number of values of the categorical code. */
export interface InfoganOptions extends LabelledOptions {
  /** Continuous codes: the last `codes` entries of z. */
  codes: number;
  /** lambda: weight of the information term. */
  infoWeight: number;
  /** Weight of the continuous codes' squared error within the information term. */
  codeWeight: number;
  /** Discriminator rejection sampling on D's adversarial logit (it reads no code), with this quantile accepted for sure. */
  rejectionQuantile?: number;
}

/** D's heads: the adversarial logit, Q's categorical-code logits and its continuous codes (when there are any). */
type InfoHeads = { logit: Tensor; code: Tensor; continuous?: Tensor };

/** The continuous codes inside a batch of noise vectors [N, latent]. */
export function continuousCodes(z: Tensor, codes: number): Tensor {
  const latent = z.shape[1]!;
  return E.slice(z, [latent - codes], [latent], [1]);
}

export function infogan(o: InfoganOptions): GanRecipe {
  const head = new Linear(o.D.features, 1, { spectralNorm: o.spectralNorm });
  const q = new Sequential([new Linear(o.D.features, 128), LeakyReLU(0.2), new Linear(128, o.classes + o.codes)]);
  const G = o.G.named('G');
  // Declared in the order a pass reads them, which is the order their initial values are drawn in.
  const D = new Networks({ body: o.D.body, q, head }).named('D');
  const generator = labelledGenerator(G, o.classes);
  const k = o.classes;
  // D's adversarial head, and Q's reading of the categorical code and the continuous codes.
  const judge = (x: Tensor, ctx: Ctx): InfoHeads => {
    const h = o.D.body.call(x, ctx);
    const qOut = q.call(h, ctx);
    const codes = o.codes > 0 ? { continuous: E.slice(qOut, [k], [k + o.codes], [1]) } : {};
    return { logit: head.call(h, ctx), code: E.slice(qOut, [0], [k], [1]), ...codes };
  };
  /** The information term: how badly Q reads the codes G was given from the generated samples. */
  const information = (onFake: InfoHeads, c: Tensor, z: Tensor) => {
    let info = classCrossEntropy(onFake.code, c);
    if (onFake.continuous) {
      const err = E.sub(onFake.continuous, E.stopGradient(continuousCodes(z, o.codes)));
      info = E.add(info, E.mul(E.reduceMean(E.reduceSum(E.square(err), 1)), 0.5 * o.codeWeight));
    }
    return E.mul(info, o.infoWeight);
  };
  const latent = o.latent;
  return defineRecipe({
    type: 'infogan',
    G,
    D,
    // No data labels: the categorical code c is drawn like a label, the continuous codes are part of z.
    inputs: { x: field('x'), z: normal(latent), c: uniformLabel(o.classes) },
    generate: ({ z, c }, ctx) => ({ x: generator(z, c, ctx) }),
    // The same information term for both players: Q (part of D) learns to read the codes, G to make them readable.
    dLoss({ x, z, c }, fake, adv) {
      const d = adv.d(judge, x, fake.x);
      return E.add(d.loss, information(d.fake, c, z));
    },
    gLoss({ z, c }, fake, adv) {
      const g = adv.g(judge, fake.x);
      return E.add(g.loss, information(g.fake, c, z));
    },
    joinRealFake: !o.batchStatsD,
    sampler: {
      ...labelledSampler(o, 'code', o.codes > 0 ? { continuous_codes: `z[:, ${latent - o.codes}:${latent}] (InfoGAN's continuous codes, standard normal)` } : undefined),
      ...(o.rejectionQuantile === undefined ? {} : { rejection: { quantile: o.rejectionQuantile, score: (x: Tensor, ctx: Ctx) => E.reshape(head.call(o.D.body.call(x, ctx), ctx), [x.shape[0]!]) } }),
    },
  });
}
