// Builds a config's GAN (networks and type) for the shape and labels of its data.
import type { ModelConfig } from '../config/schema.js';
import { InputError } from '../errors.js';
import { Flatten, Reshape } from '../nn/layers.js';
import { Lambda, Sequential } from '../nn/module.js';
import * as E from '../engine/index.js';
import { dcganDiscriminator28, dcganFeatures28, dcganGenerator28, mlpDiscriminator, mlpFeatures, mlpGenerator } from './nets.js';
import { plainGan, type GanModel } from './model.js';
import { conditionalGan } from './variants/cgan.js';
import { auxiliaryClassifierGan } from './variants/acgan.js';
import { infoGan } from './variants/infogan.js';
import { lapGan } from './variants/lapgan.js';
import type { DiscriminatorBody } from './variants/conditional.js';
import { pix2pix } from './variants/pix2pix.js';
import { srgan } from './variants/srgan.js';
import { cycleGan } from './variants/cyclegan.js';
import { videoGan } from './variants/videogan.js';
import type { PairShapes } from '../data/tasks.js';

/** What the model needs to know about the data. */
export interface DataInfo {
  /** Shape of one sample. */
  shape: number[];
  /** Number of classes when the data is labelled. */
  classes?: number;
  /** The data's kind, for messages. */
  kind?: string;
  /** Paired image-to-image data (data.task). */
  pair?: PairShapes;
}

/** The translation kinds and the data task each is made for. */
const TRANSLATION_TASKS: Record<string, string> = { pix2pix: 'inpaint-bottom', srgan: 'downscale4', cyclegan: 'dilate-unpaired' };

/** PacGAN packing: [N, ...] -> [N / pack, pack * size], so D sees `pack` samples as one input. */
const Pack = (pack: number) =>
  new Lambda((x) => {
    const n = x.shape[0]!;
    if (n % pack !== 0) throw new InputError(`model.pack ${pack} must divide the batch size ${n}`);
    return E.reshape(x, [n / pack, -1]);
  }, `Pack(${pack})`);

function checkDcganShape(sampleShape: number[], kind: string): void {
  const [, h, w] = sampleShape;
  if (sampleShape.length !== 3 || h !== 28 || w !== 28) {
    throw new InputError(`model "${kind}" generates 28x28 images; the data's samples have shape [${sampleShape.join(', ')}]`);
  }
}

export function buildModel(m: ModelConfig, data: DataInfo, train?: { loss: string; r1Gamma: number }): GanModel {
  const sampleShape = data.shape;
  const size = sampleShape.reduce((a, b) => a * b, 1);
  if (m.kind === 'lapgan' && train && (train.loss === 'wgan-gp' || train.r1Gamma > 0)) {
    // Input-gradient penalties would have to be taken per level, with respect to the level's image only.
    throw new InputError(`model "lapgan" does not support ${train.loss === 'wgan-gp' ? 'train.loss "wgan-gp"' : 'train.r1Gamma'}; use another loss or R1 off`);
  }
  const task = TRANSLATION_TASKS[m.kind];
  if (task && !data.pair) throw new InputError(`model "${m.kind}" translates images: it needs image-to-image data (data.task, e.g. "${task}")`);
  if (!task && data.pair) throw new InputError(`data.task "${data.pair.task}" makes image-to-image training data, which model "${m.kind}" cannot use; use model kind ${Object.keys(TRANSLATION_TASKS).join(', ')}`);
  if (m.kind === 'pix2pix') return pix2pix({ pair: data.pair!, width: m.width, l1Weight: m.l1Weight, adversarialWeight: m.adversarialWeight, spectralNorm: m.spectralNorm });
  if (m.kind === 'cyclegan') return cycleGan({ pair: data.pair!, width: m.width, cycleWeight: m.cycleWeight, identityWeight: m.identityWeight, spectralNorm: m.spectralNorm });
  if (m.kind === 'srgan') return srgan({ pair: data.pair!, width: m.width, blocks: m.blocks, contentWeight: m.contentWeight, adversarialWeight: m.adversarialWeight, spectralNorm: m.spectralNorm });
  if ((m.kind === 'video') !== (data.kind === 'moving-mnist')) {
    throw new InputError(m.kind === 'video' ? `model "video" generates clips; it needs video data (data.kind "moving-mnist"), not "${data.kind}"` : `data "moving-mnist" holds video clips; use model kind "video", not "${m.kind}"`);
  }
  if (m.kind === 'video') return videoGan({ clipShape: sampleShape, latent: m.latent, width: m.width, frames: m.frames, generator: m.generator, spectralNorm: m.spectralNorm });
  if (m.kind === 'lapgan') return lapGan({ sampleShape, latent: m.latent, width: m.width, spectralNorm: m.spectralNorm, condition: m.condition });
  if (m.kind === 'dcgan') checkDcganShape(sampleShape, 'dcgan');

  if (m.variant === 'gan') {
    if (m.kind === 'mlp') {
      const common = { init: m.init };
      let G: Sequential = mlpGenerator(m.latent, size, { ...common, hidden: m.gHidden, slope: m.gSlope, linearOut: m.output === 'linear' });
      let D: Sequential = mlpDiscriminator(size * m.pack, { ...common, hidden: m.dHidden, slope: m.dSlope, spectralNorm: m.spectralNorm });
      if (sampleShape.length > 1) G = new Sequential([G, Reshape(...sampleShape)]);
      if (sampleShape.length > 1 || m.pack > 1) D = new Sequential([m.pack > 1 ? Pack(m.pack) : Flatten(), D]);
      return plainGan({ G: G.named('G'), D: D.named('D'), latentShape: [m.latent], sampleShape });
    }
    const o = { width: m.width, channels: sampleShape[0], init: m.init, spectralNorm: m.spectralNorm, hidden: m.hidden, batchNormD: m.batchNormD };
    return plainGan({ G: dcganGenerator28(m.latent, o).named('G'), D: dcganDiscriminator28(o).named('D'), latentShape: [m.latent], sampleShape });
  }

  // Class-aware types: G reads [z, onehot(label)]; D's body feeds the type's heads.
  if (m.kind === 'mlp' && m.pack > 1) throw new InputError(`model.pack must be 1 for model.variant "${m.variant}" (packing mixes the labels of several samples)`);
  const classes = m.variant === 'infogan' ? m.categories : data.classes;
  if (classes === undefined) {
    throw new InputError(`model.variant "${m.variant}" needs labelled data (mnist, fashion, or the mixtures ring8 and grid25, labelled by mode); data of kind "${data.kind}" has no labels`);
  }
  const gIn = m.latent + classes;
  let G: Sequential;
  let D: DiscriminatorBody;
  if (m.kind === 'mlp') {
    G = mlpGenerator(gIn, size, { init: m.init, hidden: m.gHidden, slope: m.gSlope, linearOut: m.output === 'linear' });
    if (sampleShape.length > 1) G = new Sequential([G, Reshape(...sampleShape)]);
    D = mlpFeatures(size, { init: m.init, hidden: m.dHidden, slope: m.dSlope, spectralNorm: m.spectralNorm });
  } else {
    const o = { width: m.width, channels: sampleShape[0], init: m.init, spectralNorm: m.spectralNorm, hidden: m.hidden, batchNormD: m.batchNormD };
    G = dcganGenerator28(gIn, o);
    D = dcganFeatures28(o);
  }
  const common = { G, D, classes, latentShape: [m.latent], sampleShape, spectralNorm: m.spectralNorm };
  switch (m.variant) {
    case 'cgan':
      return conditionalGan(common);
    case 'acgan':
      return auxiliaryClassifierGan({ ...common, auxWeight: m.auxWeight });
    case 'infogan':
      if (m.codes >= m.latent) throw new InputError(`model.codes (${m.codes}) must be less than model.latent (${m.latent}): the continuous codes are part of z`);
      return infoGan({ ...common, codes: m.codes, infoWeight: m.infoWeight, codeWeight: m.codeWeight });
  }
}
