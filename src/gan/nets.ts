// Network builders shared by the GAN types, presets and benchmarks, and the config sections of
// the network families the plain and class-aware types run on (model.kind mlp, dcgan and resnet).
// The convolutional families are in ./nets/.
import { z } from 'zod';
import { int } from '../config/fields.js';
import type { InitName } from '../nn/init.js';
import { BatchNorm, Flatten, LeakyReLU, Linear, ReLU, Tanh } from '../nn/layers.js';
import { Lambda, Sequential, type Module } from '../nn/module.js';
import * as E from '../engine/index.js';
import { variance } from '../engine/functional.js';
import { powersOfTwo } from './nets/image.js';
import { InputError } from '../errors.js';

export * from './nets/dcgan.js';
export * from './nets/resnet.js';
export type { ImageNetworks } from './nets/image.js';

/**
 * PacGAN packing: `pack` consecutive samples become one input of D, flattened ([N, ...] ->
 * [N / pack, pack * size]) or, for images, stacked along the channels ([N, C, H, W] ->
 * [N / pack, pack * C, H, W]). Real and generated samples are never packed together: the batch
 * halves D judges in one pass are each a multiple of pack. `key` names the option in the refusal.
 */
export const Pack = (pack: number, images = false, key = 'model.pack') =>
  new Lambda((x) => {
    const n = x.shape[0]!;
    if (n % pack !== 0) throw new InputError(`${key} ${pack} must divide the batch size ${n}`);
    return E.reshape(x, images ? [n / pack, pack * x.shape[1]!, ...x.shape.slice(2)] : [n / pack, -1]);
  }, `Pack(${pack})`);

export interface MlpOptions {
  hidden: number[];
  /** Negative slope of the hidden LeakyReLUs (0 gives ReLU). */
  slope?: number;
  init?: InitName;
  spectralNorm?: boolean;
  /** Batch norm after each hidden linear layer (before its activation). */
  batchNorm?: boolean;
  /** Maxout hidden units (Goodfellow et al. 2013): each unit is the maximum of this many linear pieces, instead of an activation; 1: off. */
  maxout?: number;
  /** Minibatch standard deviation (Karras et al. 2018): the batch's mean standard deviation of the last hidden features, appended as one more feature. */
  minibatchStd?: boolean;
}

/** Maxout: [N, units * pieces] -> [N, units], the maximum of each unit's pieces. */
export const Maxout = (pieces: number) =>
  new Lambda((x) => E.reduceMax(E.reshape(x, [x.shape[0]!, -1, pieces]), [2], false), `Maxout(${pieces})`);

/** Minibatch standard deviation: [N, F] -> [N, F + 1], the last feature the mean over features of their standard deviation over the batch. */
export const MinibatchStd = () =>
  new Lambda((x) => {
    const sd = E.reduceMean(E.sqrt(E.add(variance(x, [0], true), 1e-8)), [1], true);
    return E.concat([x, E.expand(sd, [x.shape[0]!, 1])], 1);
  }, 'MinibatchStd');

function hiddenLayers(inDim: number, o: MlpOptions): { layers: Module[]; features: number } {
  const layers: Module[] = [];
  const pieces = o.maxout ?? 1;
  let d = inDim;
  for (const h of o.hidden) {
    layers.push(new Linear(d, h * pieces, { init: o.init, spectralNorm: o.spectralNorm, bias: !o.batchNorm }));
    if (o.batchNorm) layers.push(new BatchNorm(h * pieces));
    layers.push(pieces > 1 ? Maxout(pieces) : o.slope === 0 ? ReLU() : LeakyReLU(o.slope ?? 0.2));
    d = h;
  }
  if (o.minibatchStd) {
    layers.push(MinibatchStd());
    d += 1;
  }
  return { layers, features: d };
}

function mlp(inDim: number, outDim: number, o: MlpOptions, out?: Module): Sequential {
  const { layers, features } = hiddenLayers(inDim, o);
  layers.push(new Linear(features, outDim, { init: o.init, spectralNorm: o.spectralNorm }));
  if (out) layers.push(out);
  return new Sequential(layers);
}

/** Vanilla GAN generator: z -> hidden LeakyReLU layers -> outDim (tanh output unless linearOut). */
export function mlpGenerator(latent: number, outDim: number, o: MlpOptions & { linearOut?: boolean }): Sequential {
  return mlp(latent, outDim, o, o.linearOut ? undefined : Tanh());
}

/** Vanilla GAN discriminator: x -> hidden LeakyReLU layers -> one logit. */
export function mlpDiscriminator(inDim: number, o: MlpOptions): Sequential {
  return mlp(inDim, 1, o);
}

/** The MLP discriminator without its last layer: flattened samples to hidden features. */
export function mlpFeatures(inDim: number, o: MlpOptions): { body: Sequential; features: number } {
  const { layers, features } = hiddenLayers(inDim, o);
  return { body: new Sequential([Flatten(), ...layers]), features };
}

export const VARIANTS = ['gan', 'cgan', 'acgan', 'infogan'] as const;

/** The GAN type on an architecture's networks, and its settings (mlp, dcgan and resnet models). */
const VARIANT_FIELDS = {
  /** GAN type on these networks: plain, conditional (cgan), auxiliary classifier (acgan) or InfoGAN. */
  variant: z.enum(VARIANTS).default('gan'),
  /** ACGAN: weight of the class terms. */
  auxWeight: z.number().min(0).default(1),
  /** InfoGAN: values of the categorical code, continuous codes, weight lambda of the information term. */
  categories: int(2).max(1000).default(10),
  codes: int(0).max(64).default(2),
  infoWeight: z.number().min(0).default(1),
  /** InfoGAN: weight of the continuous codes' term (the paper keeps it below the categorical one's). */
  codeWeight: z.number().min(0).default(0.1),
};

/** PacGAN (Lin et al. 2018): D judges this many samples jointly (all real or all generated), against mode collapse. */
const PACK = int(1).max(16).default(1);

const INIT = z.enum(['dcgan', 'xavier', 'kaiming', 'default']);

const REJECTION_FIELDS = {
  /**
   * Discriminator rejection sampling (Azadi et al. 2019) when samples are drawn (gan sample, gan
   * eval, run.sample; variant gan, and infogan on mlp networks): a generated sample is kept with
   * probability min(1, exp(logit - c)), where logit is D's (log p_data / p_G for a D trained with
   * a BCE loss) and c the `rejectionQuantile` quantile of D's logits on a pool of generated samples.
   */
  rejection: z.enum(['none', 'drs']).default('none'),
  /** DRS: the quantile of the pool's logits above which samples are always kept (1: the maximum, exact rejection sampling for an optimal D). */
  rejectionQuantile: z.number().min(0).max(1).default(0.95),
};

/** model.kind "mlp": fully connected networks for vectors or flattened images. */
export const MlpConfig = z.strictObject({
  kind: z.literal('mlp'),
  latent: int(1).max(4096).default(64),
  gHidden: z.array(int(1)).min(1).default([256, 256]),
  dHidden: z.array(int(1)).min(1).default([256, 256]),
  /** Negative slope of the hidden LeakyReLUs (0 = ReLU). */
  gSlope: z.number().min(0).max(1).default(0.2),
  dSlope: z.number().min(0).max(1).default(0.2),
  /** G's last layer: tanh for data in [-1, 1] (images), linear for unbounded vectors. */
  output: z.enum(['tanh', 'linear']).default('tanh'),
  spectralNorm: z.boolean().default(false),
  init: INIT.default('default'),
  pack: PACK,
  /** Batch norm after each of G's hidden linear layers (PacGAN's 2-D generator). */
  gBatchNorm: z.boolean().default(false),
  /** D's hidden units are maxout units of this many pieces (PacGAN's 2-D discriminator: 5) instead of LeakyReLUs; 1: off. */
  dMaxout: int(1).max(16).default(1),
  /** Minibatch standard deviation: D sees the batch's mean feature spread as one more feature (D then judges real and generated batches separately). */
  minibatchStd: z.boolean().default(false),
  ...REJECTION_FIELDS,
  ...VARIANT_FIELDS,
});

/** The sides model.kind "dcgan" builds: 28 (MNIST's) and the powers of two from 16 to 256. */
export const DCGAN_SIDES = [28, ...powersOfTwo(16, 256)];
/** The sides model.kind "resnet" builds. */
export const RESNET_SIDES = powersOfTwo(32, 256);


/** model.kind "dcgan": convolutional networks for 28x28 images and square power-of-two sizes 16..256. */
export const DcganConfig = z.strictObject({
  kind: z.literal('dcgan'),
  latent: int(1).max(4096).default(100),
  /**
   * 28x28: channels of G's 7x7 map and of D's last conv (default 128). Powers of two: channels at
   * the largest resolution below the image (G's last hidden map, D's first conv; default 64, the
   * PyTorch example's ngf/ndf), doubled at each halving of the side down to 4x4.
   */
  width: int(8).max(1024).optional(),
  /** D's width in the same sense (default: width), to give D more or less capacity than G. */
  dWidth: int(8).max(1024).optional(),
  spectralNorm: z.boolean().default(false),
  init: INIT.default('dcgan'),
  /** A fully connected layer of this width after G's input and after D's convolutions (InfoGAN paper: 1024); 0: none. */
  hidden: int(0).max(8192).default(0),
  /**
   * Batch norm in D after every conv but the first (the DCGAN paper's D; the InfoGAN paper's at
   * 28x28); D then judges real and generated batches separately. Default: off at 28x28, on at the
   * power-of-two sizes.
   */
  batchNormD: z.boolean().optional(),
  /** PacGAN: D judges this many images jointly, stacked along the channels (the paper's DCGAN packing). */
  pack: PACK,
  ...REJECTION_FIELDS,
  ...VARIANT_FIELDS,
});

/**
 * model.kind "resnet": SNGAN's residual networks for square power-of-two sizes 32..256 (at 32x32
 * the CIFAR-10 pair). SNGAN trains them with the hinge loss (train.loss "hinge"; the default
 * loss is non-saturating) and spectral norm on every D layer (on here by default); the paper's
 * CIFAR-10 recipe also takes 5 D steps per G step (train.dSteps) and Adam betas (0, 0.9).
 */
export const ResnetConfig = z.strictObject({
  kind: z.literal('resnet'),
  latent: int(1).max(4096).default(128),
  /** G's channels at 32x32 and below (SNGAN: 256); halved at each doubling of the side above 32. */
  gWidth: int(8).max(2048).default(256),
  /** D's channels at 16x16 and below (SNGAN: 128); halved at each doubling of the side above 16. */
  dWidth: int(8).max(2048).default(128),
  /** Spectral norm on every layer of D, its shortcuts and its linear head included. */
  spectralNorm: z.boolean().default(true),
  init: INIT.default('xavier'),
  /** PacGAN: D judges this many images jointly, stacked along the channels. */
  pack: PACK,
  ...REJECTION_FIELDS,
  ...VARIANT_FIELDS,
});
