// The GAN types, one entry each: the config section a type reads (model.kind; on the mlp,
// dcgan and resnet networks also model.variant), what data it takes, and how it is built. Adding a type is
// one file in ./types/ (its config section, networks and objectives), its entry here, a preset,
// docs and tests.
import { z } from 'zod';
import type { PairShapes } from '../data/types.js';
import { InputError } from '../errors.js';
import { Flatten, Reshape } from '../nn/layers.js';
import { Sequential, type Ctx, type Module } from '../nn/module.js';
import * as E from '../engine/index.js';
import { DCGAN_SIDES, DcganConfig, dcganNetworks, MlpConfig, mlpDiscriminator, mlpFeatures, mlpGenerator, Pack, RESNET_SIDES, ResnetConfig, resnetNetworks, type ImageNetworks } from './nets.js';
import { squareSide } from './nets/image.js';
import type { GanRecipe } from './recipe.js';
import type { FieldInfo } from '../data/types.js';
import { gan } from './types/gan.js';
import { cgan } from './types/cgan.js';
import { acgan } from './types/acgan.js';
import { infogan } from './types/infogan.js';
import { lapgan, LapganConfig } from './types/lapgan.js';
import { pix2pix, Pix2PixConfig } from './types/pix2pix.js';
import { srgan, SrganConfig } from './types/srgan.js';
import { cyclegan, CycleganConfig } from './types/cyclegan.js';
import { videoGan, VideoConfig } from './types/video.js';
import { ctgan, CtganConfig } from './types/ctgan.js';
import type { TableEncoding } from '../tables/types.js';
import { fanogan, FanoganConfig } from './types/fanogan.js';
import type { DiscriminatorBody, LabelledOptions } from './types/labelled.js';

/** What a type needs to know about the data. */
export interface DataInfo {
  /** The data's kind (data.kind), for messages. */
  kind: string;
  /** The fields of the data's batches. */
  fields: Record<string, FieldInfo>;
  /** Shape of one sample (for image-to-image data, of one target image). */
  shape: number[];
  /** Number of classes when samples are labelled. */
  classes?: number;
  /** Image-to-image data (data.task): the shapes of inputs and targets. */
  pair?: PairShapes;
  /** Tables (data kind "table"): the encoding of their rows. */
  table?: TableEncoding;
}

/** The model section of a config: one of the types' sections, by `kind`. */
export const ModelConfig = z.discriminatedUnion('kind', [MlpConfig, DcganConfig, ResnetConfig, LapganConfig, Pix2PixConfig, VideoConfig, CycleganConfig, SrganConfig, CtganConfig, FanoganConfig]);
export type ModelConfig = z.infer<typeof ModelConfig>;

type Kind = ModelConfig['kind'];
type ConfigOf<K extends Kind> = Extract<ModelConfig, { kind: K }>;

interface TypeEntry<K extends Kind> {
  /** Why the type cannot use this data, or undefined when it can. */
  refuses?(data: DataInfo): string | undefined;
  build(m: ConfigOf<K>, data: DataInfo): GanRecipe;
}

/** Image-to-image types need data.task; the others must not have it. */
const translates = (kind: string, task: string) => (d: DataInfo) =>
  d.pair ? undefined : `model "${kind}" translates images: it needs image-to-image data (data.task, e.g. "${task}")`;
const TRANSLATION_KINDS = ['pix2pix', 'srgan', 'cyclegan'];
const drawsFromNoise = (kind: string) => (d: DataInfo) => {
  if (d.pair) return `data.task "${d.pair.task}" makes image-to-image training data, which model "${kind}" cannot use; use model kind ${TRANSLATION_KINDS.join(', ')}`;
  if (d.kind === 'moving-mnist') return `data "moving-mnist" holds video clips; use model kind "video", not "${kind}"`;
  if (d.table) return `data "table" holds table rows; use model kind "ctgan", not "${kind}"`;
  return undefined;
};

/** The convolutional families build square images of some sides only. */
const buildsSides = (kind: string, sides: number[], which: string) => (d: DataInfo) =>
  squareSide(d.shape, sides) === undefined
    ? `model "${kind}" generates square images ${which} (${sides.join(', ')}); the data's samples have shape [${d.shape.join(', ')}]`
    : undefined;

const GAN_TYPES: { [K in Kind]: TypeEntry<K> } = {
  mlp: { refuses: drawsFromNoise('mlp'), build: (m, d) => onNetworks(m, d) },
  dcgan: { refuses: (d) => drawsFromNoise('dcgan')(d) ?? buildsSides('dcgan', DCGAN_SIDES, 'of side 28 or a power of two from 16 to 256')(d), build: (m, d) => onNetworks(m, d) },
  resnet: { refuses: (d) => drawsFromNoise('resnet')(d) ?? buildsSides('resnet', RESNET_SIDES, 'of a power-of-two side from 32 to 256')(d), build: (m, d) => onNetworks(m, d) },
  lapgan: { refuses: drawsFromNoise('lapgan'), build: (m, d) => lapgan({ ...m, sampleShape: d.shape }) },
  pix2pix: {
    refuses: translates('pix2pix', 'inpaint-bottom'),
    build: (m, d) => pix2pix({ ...m, pair: d.pair! }),
  },
  srgan: {
    refuses: translates('srgan', 'downscale4'),
    build: (m, d) => srgan({ ...m, pair: d.pair! }),
  },
  cyclegan: {
    refuses: translates('cyclegan', 'dilate-unpaired'),
    build: (m, d) => cyclegan({ ...m, pair: d.pair! }),
  },
  fanogan: {
    refuses: (d) => drawsFromNoise('fanogan')(d) ?? buildsSides('fanogan', DCGAN_SIDES, 'of side 28 or a power of two from 16 to 256 (its networks are DCGAN\'s)')(d),
    build: (m, d) => fanogan({ ...m, sampleShape: d.shape }),
  },
  video: {
    refuses: (d) => (d.kind === 'moving-mnist' ? undefined : `model "video" generates clips; it needs video data (data.kind "moving-mnist"), not "${d.kind}"`),
    build: (m, d) => videoGan({ ...m, clipShape: d.shape }),
  },
  ctgan: {
    refuses: (d) => (d.table ? undefined : `model "ctgan" generates table rows; it needs table data (data.kind "table"), not "${d.kind}"`),
    build: (m, d) => ctgan({ ...m, encoding: d.table! }),
  },
};

/** Builds a config's GAN type (its networks and objectives) for the data. */
export function buildRecipe(m: ModelConfig, data: DataInfo): GanRecipe {
  const entry = GAN_TYPES[m.kind] as TypeEntry<Kind>;
  const refusal = entry.refuses?.(data);
  if (refusal) throw new InputError(refusal);
  return entry.build(m, data);
}

/**
 * D's logit for each of N samples [N, ...]: a packed D judges `pack` copies of the sample and its
 * logit is divided by `pack` (for an optimal D the logit of a pack is the sum of its samples' log
 * density ratios).
 */
function sampleLogit(D: Module, x: E.Tensor, pack: number, ctx: Ctx): E.Tensor {
  const n = x.shape[0]!;
  // [n, pack * size] holds each sample's copies in consecutive rows of [n * pack, ...]: what Pack groups.
  const copies = pack > 1 ? E.reshape(E.concat(Array.from({ length: pack }, () => E.reshape(x, [n, -1])), 1), [n * pack, ...x.shape.slice(1)]) : x;
  const logit = E.reshape(D.call(copies, ctx), [n]);
  return pack > 1 ? E.mul(logit, 1 / pack) : logit;
}

/** model.rejection "drs" of a plain GAN: D's per-sample logit (packed D: see sampleLogit) and the quantile kept for sure. */
const rejectionOf = (m: ConfigOf<'mlp' | 'dcgan' | 'resnet'>, D: Module) =>
  m.rejection === 'drs' ? { quantile: m.rejectionQuantile, score: (x: E.Tensor, ctx: Ctx) => sampleLogit(D, x, m.pack, ctx) } : undefined;

/** The convolutional networks of a dcgan or resnet config for square [C, S, S] samples. */
function imageNetworks(m: ConfigOf<'dcgan' | 'resnet'>, sampleShape: number[]): ImageNetworks {
  const [channels, side] = sampleShape as [number, number];
  if (m.kind === 'resnet') return resnetNetworks(side, { gWidth: m.gWidth, dWidth: m.dWidth, channels, init: m.init, spectralNorm: m.spectralNorm });
  return dcganNetworks(side, { width: m.width, dWidth: m.dWidth, channels, init: m.init, spectralNorm: m.spectralNorm, hidden: m.hidden, batchNormD: dcganBatchNormD(m, side) });
}

/** model.batchNormD, by default off at 28x28 (today's MNIST networks) and on at the power-of-two sizes (the DCGAN paper's D). */
const dcganBatchNormD = (m: ConfigOf<'dcgan'>, side: number) => m.batchNormD ?? side !== 28;

/** The GAN types on the mlp, dcgan and resnet networks (model.variant): plain, conditional, auxiliary classifier, InfoGAN. */
function onNetworks(m: ConfigOf<'mlp' | 'dcgan' | 'resnet'>, data: DataInfo): GanRecipe {
  const sampleShape = data.shape;
  const size = sampleShape.reduce((a, b) => a * b, 1);
  const range = m.kind === 'mlp' && m.output === 'linear' ? 'unbounded' : '[-1, 1]';
  // D then judges real and generated batches separately: one pass over both is exact only without batch statistics.
  const batchStatsD = m.kind === 'dcgan' ? dcganBatchNormD(m, sampleShape[1]!) : m.kind === 'mlp' ? m.minibatchStd : false;
  const conv = m.kind === 'mlp' ? undefined : imageNetworks(m, sampleShape);

  if (m.variant === 'gan') {
    if (m.kind === 'mlp') {
      let G: Sequential = mlpGenerator(m.latent, size, { init: m.init, hidden: m.gHidden, slope: m.gSlope, batchNorm: m.gBatchNorm, linearOut: m.output === 'linear' });
      let D: Sequential = mlpDiscriminator(size * m.pack, { init: m.init, hidden: m.dHidden, slope: m.dSlope, spectralNorm: m.spectralNorm, maxout: m.dMaxout, minibatchStd: m.minibatchStd });
      if (sampleShape.length > 1) G = new Sequential([G, Reshape(...sampleShape)]);
      if (sampleShape.length > 1 || m.pack > 1) D = new Sequential([m.pack > 1 ? Pack(m.pack) : Flatten(), D]);
      const named = D.named('D');
      return gan({ G: G.named('G'), D: named, latent: m.latent, sampleShape, range, batchStatsD, rejection: rejectionOf(m, named) });
    }
    const judge = conv!.discriminator(sampleShape[0]! * m.pack);
    const D = (m.pack > 1 ? new Sequential([Pack(m.pack, true), judge]) : judge).named('D');
    return gan({ G: conv!.generator(m.latent).named('G'), D, latent: m.latent, sampleShape, range, batchStatsD, rejection: rejectionOf(m, D) });
  }

  // Class-aware types: G reads [z, onehot(label)]; D's body feeds the type's heads.
  if (m.rejection !== 'none' && (m.kind !== 'mlp' || m.variant !== 'infogan')) {
    const takes = m.kind === 'mlp' ? '"gan" or "infogan"' : `"gan" on ${m.kind} networks`;
    throw new InputError(`model.rejection "${m.rejection}" needs model.variant ${takes} (D's logit of one unlabelled sample), not "${m.variant}"`);
  }
  if (m.pack > 1) throw new InputError(`model.pack must be 1 for model.variant "${m.variant}" (packing mixes the labels of several samples)`);
  const classes = m.variant === 'infogan' ? m.categories : data.classes;
  if (classes === undefined) {
    throw new InputError(`model.variant "${m.variant}" needs labelled data (mnist, fashion, or the mixtures ring8 and grid25, labelled by mode); data of kind "${data.kind}" has no labels`);
  }
  const gIn = m.latent + classes;
  let G: Module;
  let D: DiscriminatorBody;
  if (m.kind === 'mlp') {
    G = mlpGenerator(gIn, size, { init: m.init, hidden: m.gHidden, slope: m.gSlope, batchNorm: m.gBatchNorm, linearOut: m.output === 'linear' });
    if (sampleShape.length > 1) G = new Sequential([G, Reshape(...sampleShape)]);
    D = mlpFeatures(size, { init: m.init, hidden: m.dHidden, slope: m.dSlope, spectralNorm: m.spectralNorm, maxout: m.dMaxout, minibatchStd: m.minibatchStd });
  } else {
    G = conv!.generator(gIn);
    D = conv!.features();
  }
  const o: LabelledOptions = { G, D, classes, latent: m.latent, sampleShape, range, spectralNorm: m.spectralNorm, batchStatsD };
  switch (m.variant) {
    case 'cgan':
      return cgan(o);
    case 'acgan':
      return acgan({ ...o, auxWeight: m.auxWeight });
    case 'infogan':
      if (m.codes >= m.latent) throw new InputError(`model.codes (${m.codes}) must be less than model.latent (${m.latent}): the continuous codes are part of z`);
      return infogan({ ...o, codes: m.codes, infoWeight: m.infoWeight, codeWeight: m.codeWeight, rejectionQuantile: m.kind === 'mlp' && m.rejection === 'drs' ? m.rejectionQuantile : undefined });
  }
}
