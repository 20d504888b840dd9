// Auxiliary-classifier GAN (Odena et al. 2017): G(z, y) draws a sample of class y; D has a second
// head that classifies every sample. D learns to classify real samples (and generated ones by the
// label they were drawn with); G is rewarded when D's classifier recognises the drawn label.
import { Linear } from '../../nn/layers.js';
import { classCrossEntropy } from '../losses.js';
import { Networks, type GanModel } from '../model.js';
import * as E from '../../engine/index.js';
import { labelledModel, type LabelledOptions } from './conditional.js';

export interface AcganOptions extends LabelledOptions {
  /** Weight of the class terms against the adversarial loss. */
  auxWeight: number;
}

export function auxiliaryClassifierGan(o: AcganOptions): GanModel {
  const head = new Linear(o.D.features, 1, { spectralNorm: o.spectralNorm });
  // No spectral norm on the class head: it bounds the logits and with them how sure D can be.
  const classify = new Linear(o.D.features, o.classes);
  return {
    ...labelledModel('acgan', new Networks({ body: o.D.body, head, classify }), o),
    usesDataLabels: true,
    discriminate(x, _y, ctx) {
      const h = o.D.body.call(x, ctx);
      return { logit: head.call(h, ctx), classLogits: classify.call(h, ctx) };
    },
    auxLoss(player, t) {
      const onFake = classCrossEntropy(t.fake.classLogits!, t.yFake!);
      const loss = player === 'D' ? E.add(classCrossEntropy(t.real.classLogits!, t.yReal!), onFake) : onFake;
      return E.mul(loss, o.auxWeight);
    },
  };
}
