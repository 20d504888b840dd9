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
import { Sequential } from '../../nn/module.js';
import { classCrossEntropy } from '../losses.js';
import { Networks, type GanModel } from '../model.js';
import { labelledModel, type LabelledOptions } from './conditional.js';

/** `classes` is the number of values of the categorical code. */
export interface InfoganOptions extends LabelledOptions {
  /** Continuous codes: the last `codes` entries of z. */
  codes: number;
  /** lambda: weight of the information term. */
  infoWeight: number;
  /** Weight of the continuous codes' squared error within the information term. */
  codeWeight: number;
}

/** The continuous codes inside a batch of noise vectors [N, latent]. */
export function continuousCodes(z: Tensor, codes: number): Tensor {
  const latent = z.shape[1]!;
  return E.slice(z, [latent - codes], [latent], [1]);
}

export function infoGan(o: InfoganOptions): GanModel {
  const head = new Linear(o.D.features, 1, { spectralNorm: o.spectralNorm });
  const q = new Sequential([new Linear(o.D.features, 128), LeakyReLU(0.2), new Linear(128, o.classes + o.codes)]);
  return {
    ...labelledModel('infogan', new Networks({ body: o.D.body, head, q }), o),
    discriminate(x, _y, ctx) {
      const h = o.D.body.call(x, ctx);
      const qOut = q.call(h, ctx);
      const k = o.classes;
      return {
        logit: head.call(h, ctx),
        classLogits: E.slice(qOut, [0], [k], [1]),
        codes: o.codes > 0 ? E.slice(qOut, [k], [k + o.codes], [1]) : undefined,
      };
    },
    // The same term for both players: Q (part of D) learns to read the codes, G to make them readable.
    auxLoss(_player, t) {
      let info = classCrossEntropy(t.fake.classLogits!, t.yFake!);
      if (o.codes > 0) {
        const err = E.sub(t.fake.codes!, E.stopGradient(continuousCodes(t.z, o.codes)));
        info = E.add(info, E.mul(E.reduceMean(E.reduceSum(E.square(err), 1)), 0.5 * o.codeWeight));
      }
      return E.mul(info, o.infoWeight);
    },
  };
}
