// DCGAN networks (Radford et al. 2016): the 28x28 pair the MNIST presets train, and the paper's
// pattern for square power-of-two sizes, as in the PyTorch DCGAN example.
import { normalInit } from '../../nn/init.js';
import type { InitName } from '../../nn/init.js';
import { BatchNorm, Conv2d, ConvTranspose2d, Flatten, LeakyReLU, Linear, ReLU, Reshape, Tanh } from '../../nn/layers.js';
import { Sequential, type Module } from '../../nn/module.js';
import type { ImageNetworks } from './image.js';

export interface DcganOptions {
  /**
   * 28x28: channels of the 7x7 map G starts from and of D's last conv (default 128).
   * Power-of-two sizes: channels at the largest resolution below the image, i.e. of G's last
   * hidden map and D's first conv (the PyTorch example's ngf = ndf = 64, the default); every
   * halving of the side doubles them.
   */
  width?: number;
  /** D's width, in `width`'s sense (default: `width`): D alone can be made wider or narrower than G. */
  dWidth?: number;
  channels?: number;
  init?: InitName;
  spectralNorm?: boolean;
  /** A fully connected layer of this width (with batch norm) after G's input and after D's convolutions (the InfoGAN paper's 1024); 0: none. */
  hidden?: number;
  /** Batch norm in D after every conv but the first (and after its hidden layer). */
  batchNormD?: boolean;
}

/** DCGAN's batch-norm scales start at N(1, 0.02) with its weight initialisation, else at 1. */
const bnScaleInit = (init: InitName) => (init === 'dcgan' ? normalInit(1, 0.02) : undefined);

/** G's optional hidden layer: Linear -> BN -> ReLU. */
function hiddenInput(latent: number, o: DcganOptions, init: InitName): Module[] {
  return o.hidden ? [new Linear(latent, o.hidden, { bias: false, init }), new BatchNorm(o.hidden, { scaleInit: bnScaleInit(init) }), ReLU()] : [];
}

/** DCGAN generator for 28x28: [Linear -> BN -> ReLU] -> Linear -> BN -> ReLU -> 7x7 -> ConvT x2 (14, 28) -> tanh. */
export function dcganGenerator28(latent: number, o: DcganOptions = {}): Sequential {
  const w = o.width ?? 128;
  const c = o.channels ?? 1;
  const init = o.init ?? 'dcgan';
  const bnScale = bnScaleInit(init);
  return new Sequential([
    ...hiddenInput(latent, o, init),
    new Linear(o.hidden || latent, w * 49, { bias: false, init }),
    new BatchNorm(w * 49, { scaleInit: bnScale }),
    ReLU(),
    Reshape(w, 7, 7),
    new ConvTranspose2d(w, w / 2, 4, { stride: 2, padding: 1, bias: false, init }),
    new BatchNorm(w / 2, { scaleInit: bnScale }),
    ReLU(),
    new ConvTranspose2d(w / 2, c, 4, { stride: 2, padding: 1, init }),
    Tanh(),
  ]);
}

const dWidth28 = (o: DcganOptions) => o.dWidth ?? o.width ?? 128;

function dcganFeatureLayers28(o: DcganOptions): Module[] {
  const w = dWidth28(o);
  const c = o.channels ?? 1;
  const init = o.init ?? 'dcgan';
  const sn = o.spectralNorm;
  const bn = (n: number) => (o.batchNormD ? [new BatchNorm(n)] : []);
  return [
    new Conv2d(c, w / 2, 4, { stride: 2, padding: 1, init, spectralNorm: sn }),
    LeakyReLU(0.2),
    new Conv2d(w / 2, w, 4, { stride: 2, padding: 1, init, spectralNorm: sn, bias: !o.batchNormD }),
    ...bn(w),
    LeakyReLU(0.2),
    Flatten(),
    ...(o.hidden ? [new Linear(w * 49, o.hidden, { init, spectralNorm: sn, bias: !o.batchNormD }), ...bn(o.hidden), LeakyReLU(0.2)] : []),
  ];
}

/** DCGAN discriminator for 28x28: Conv s2 (14) -> LeakyReLU -> Conv s2 (7) -> LeakyReLU -> Linear -> logit. */
export function dcganDiscriminator28(o: DcganOptions = {}): Sequential {
  return new Sequential([...dcganFeatureLayers28(o), new Linear(o.hidden || dWidth28(o) * 49, 1, { init: o.init ?? 'dcgan', spectralNorm: o.spectralNorm })]);
}

/** The DCGAN discriminator without its last layer: 28x28 images to width * 49 (or `hidden`) features. */
export function dcganFeatures28(o: DcganOptions = {}): { body: Sequential; features: number } {
  return { body: new Sequential(dcganFeatureLayers28(o)), features: o.hidden || dWidth28(o) * 49 };
}

/** Halvings from a side of `size` down to 4 (size a power of two). */
const doublings = (size: number) => Math.log2(size) - 2;

/**
 * DCGAN generator for size x size images (a power of two, 8 or more), the PyTorch example's
 * pattern: z -> 4x4 x width*2^(n-1) (the example's ConvT k4 s1 p0 from 1x1, written as the same
 * linear map) -> BN -> ReLU, then n - 1 ConvT k4 s2 p1 each doubling the side and halving the
 * channels (BN, ReLU), and a last ConvT k4 s2 p1 to the image's channels -> tanh. No biases.
 */
export function dcganGenerator(latent: number, size: number, o: DcganOptions = {}): Sequential {
  const n = doublings(size);
  const w = o.width ?? 64;
  const init = o.init ?? 'dcgan';
  const bn = (ch: number) => new BatchNorm(ch, { scaleInit: bnScaleInit(init) });
  const ch = (i: number) => w * 2 ** (n - 1 - i);
  const layers: Module[] = [...hiddenInput(latent, o, init), new Linear(o.hidden || latent, ch(0) * 16, { bias: false, init }), Reshape(ch(0), 4, 4), bn(ch(0)), ReLU()];
  for (let i = 1; i < n; i++) layers.push(new ConvTranspose2d(ch(i - 1), ch(i), 4, { stride: 2, padding: 1, bias: false, init }), bn(ch(i)), ReLU());
  layers.push(new ConvTranspose2d(w, o.channels ?? 1, 4, { stride: 2, padding: 1, bias: false, init }), Tanh());
  return new Sequential(layers);
}

/**
 * The mirror: Conv k4 s2 p1 (channels -> width) -> LeakyReLU(0.2), then n - 1 Conv k4 s2 p1 each
 * halving the side and doubling the channels ([BN] -> LeakyReLU) down to 4x4, flattened. Without
 * D's batch norm those convs have biases; the first has none, as in the PyTorch example.
 */
function dcganFeatureLayers(size: number, o: DcganOptions): { layers: Module[]; features: number } {
  const n = doublings(size);
  const w = o.dWidth ?? o.width ?? 64;
  const init = o.init ?? 'dcgan';
  const sn = o.spectralNorm;
  const bn = (ch: number) => (o.batchNormD ? [new BatchNorm(ch, { scaleInit: bnScaleInit(init) })] : []);
  const layers: Module[] = [new Conv2d(o.channels ?? 1, w, 4, { stride: 2, padding: 1, bias: false, init, spectralNorm: sn }), LeakyReLU(0.2)];
  for (let i = 1; i < n; i++) {
    layers.push(new Conv2d(w * 2 ** (i - 1), w * 2 ** i, 4, { stride: 2, padding: 1, bias: !o.batchNormD, init, spectralNorm: sn }), ...bn(w * 2 ** i), LeakyReLU(0.2));
  }
  layers.push(Flatten());
  const flat = w * 2 ** (n - 1) * 16;
  if (!o.hidden) return { layers, features: flat };
  layers.push(new Linear(flat, o.hidden, { init, spectralNorm: sn, bias: !o.batchNormD }), ...bn(o.hidden), LeakyReLU(0.2));
  return { layers, features: o.hidden };
}

/** DCGAN discriminator for size x size images: the features, then one logit (the example's Conv k4 s1 p0 on 4x4, written as the same linear map; no bias). */
export function dcganDiscriminator(size: number, o: DcganOptions = {}): Sequential {
  const { layers, features } = dcganFeatureLayers(size, o);
  return new Sequential([...layers, new Linear(features, 1, { bias: false, init: o.init ?? 'dcgan', spectralNorm: o.spectralNorm })]);
}

/** The DCGAN discriminator without its logit: images to features for the class-aware heads. */
export function dcganFeatures(size: number, o: DcganOptions = {}): { body: Sequential; features: number } {
  const { layers, features } = dcganFeatureLayers(size, o);
  return { body: new Sequential(layers), features };
}

/** The DCGAN networks for square images of side `size` (28, or a power of two). */
export function dcganNetworks(size: number, o: DcganOptions): ImageNetworks {
  if (size === 28) {
    return {
      generator: (inputs) => dcganGenerator28(inputs, o),
      discriminator: (channels) => dcganDiscriminator28({ ...o, channels }),
      features: () => dcganFeatures28(o),
    };
  }
  return {
    generator: (inputs) => dcganGenerator(inputs, size, o),
    discriminator: (channels) => dcganDiscriminator(size, { ...o, channels }),
    features: () => dcganFeatures(size, o),
  };
}
