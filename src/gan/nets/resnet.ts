// Residual GAN networks in the style of SNGAN (Miyato et al. 2018, the CIFAR-10 ResNet; the
// block layout of Gulrajani et al. 2017): at 32x32 exactly the CIFAR-10 pair, with one more up- or
// down-block per doubling of the side beyond it. Nearest upsampling (products with 0/1 matrices) and
// 2x2 average pooling (a depthwise conv) are the engine's: both measured faster in ONNX Runtime,
// forward and backward, than a broadcast or a mean over reshaped blocks.
import type { InitName } from '../../nn/init.js';
import { AvgPool, BatchNorm, Conv2d, Linear, ReLU, Reshape, Residual, SumOverSpace, Tanh, Upsample } from '../../nn/layers.js';
import { Sequential, type Module } from '../../nn/module.js';
import type { ImageNetworks } from './image.js';

export interface ResnetOptions {
  /** G's channels at 32x32 and below (SNGAN: 256); each doubling of the side above 32 halves them. */
  gWidth?: number;
  /** D's channels at 16x16 and below (SNGAN: 128); each doubling above 16 halves them. */
  dWidth?: number;
  channels?: number;
  init?: InitName;
  /** Spectral norm on every layer of D (SNGAN). */
  spectralNorm?: boolean;
}

/** Channels at side r for a network of `width` channels up to side `full`, halving per doubling above it. */
const channelsAt = (width: number, r: number, full: number) => (r <= full ? width : Math.max(1, Math.ceil((width * full) / r)));

/** G's up-block: BN-ReLU-nearest x2-conv3-BN-ReLU-conv3, shortcut nearest x2 + conv1. */
function upBlock(cin: number, cout: number, init: InitName): Residual {
  const conv3 = (a: number, b: number) => new Conv2d(a, b, 3, { padding: 1, init });
  return new Residual(
    new Sequential([new BatchNorm(cin), ReLU(), Upsample(2, 'nearest'), conv3(cin, cout), new BatchNorm(cout), ReLU(), conv3(cout, cout)]),
    new Sequential([Upsample(2, 'nearest'), new Conv2d(cin, cout, 1, { init })]),
  );
}

/**
 * Residual generator for size x size images (a power of two, 8 or more): Linear(inputs -> 4x4 x
 * channels), one up-block per doubling, then BN-ReLU-conv3(-> image channels)-tanh.
 */
export function resnetGenerator(inputs: number, size: number, o: ResnetOptions = {}): Sequential {
  const width = o.gWidth ?? 256;
  const init = o.init ?? 'xavier';
  const ch = (r: number) => channelsAt(width, r, 32);
  const layers: Module[] = [new Linear(inputs, ch(4) * 16, { init }), Reshape(ch(4), 4, 4)];
  for (let r = 8; r <= size; r *= 2) layers.push(upBlock(ch(r / 2), ch(r), init));
  layers.push(new BatchNorm(ch(size)), ReLU(), new Conv2d(ch(size), o.channels ?? 3, 3, { padding: 1, init }), Tanh());
  return new Sequential(layers);
}

type Block = 'first' | 'down' | 'plain';

/**
 * D's blocks: the optimised first block conv3-ReLU-conv3-avgpool (shortcut avgpool + conv1);
 * down-blocks ReLU-conv3-ReLU-conv3-avgpool (shortcut conv1 + avgpool); plain blocks
 * ReLU-conv3-ReLU-conv3 (shortcut conv1).
 */
function dBlock(kind: Block, cin: number, cout: number, o: ResnetOptions): Residual {
  const opts = { init: o.init ?? 'xavier', spectralNorm: o.spectralNorm ?? true };
  const conv3 = (a: number, b: number) => new Conv2d(a, b, 3, { padding: 1, ...opts });
  const conv1 = new Conv2d(cin, cout, 1, opts);
  const convs = [conv3(cin, cout), ReLU(), conv3(cout, cout)];
  if (kind === 'first') return new Residual(new Sequential([...convs, AvgPool(2)]), new Sequential([AvgPool(2), conv1]));
  const body = [ReLU(), ...convs];
  if (kind === 'down') return new Residual(new Sequential([...body, AvgPool(2)]), new Sequential([conv1, AvgPool(2)]));
  return new Residual(new Sequential(body), conv1);
}

/** D's body: the first block, down-blocks to 8x8, two plain blocks, ReLU, sum over space: [N, channels at 8x8] features. */
function resnetFeatureLayers(size: number, channels: number, o: ResnetOptions): { layers: Module[]; features: number } {
  const width = o.dWidth ?? 128;
  const ch = (r: number) => channelsAt(width, r, 16);
  const blocks: Module[] = [dBlock('first', channels, ch(size / 2), o)];
  for (let r = size / 4; r >= 8; r /= 2) blocks.push(dBlock('down', ch(r * 2), ch(r), o));
  blocks.push(dBlock('plain', ch(8), ch(8), o), dBlock('plain', ch(8), ch(8), o), ReLU(), SumOverSpace());
  return { layers: blocks, features: ch(8) };
}

/** Residual discriminator: the body, then Linear(features -> 1) (spectrally normalised with the rest). */
export function resnetDiscriminator(size: number, o: ResnetOptions = {}): Sequential {
  const { layers, features } = resnetFeatureLayers(size, o.channels ?? 3, o);
  return new Sequential([...layers, new Linear(features, 1, { init: o.init ?? 'xavier', spectralNorm: o.spectralNorm ?? true })]);
}

export function resnetNetworks(size: number, o: ResnetOptions): ImageNetworks {
  return {
    generator: (inputs) => resnetGenerator(inputs, size, o),
    discriminator: (channels) => resnetDiscriminator(size, { ...o, channels }),
    features: () => {
      const { layers, features } = resnetFeatureLayers(size, o.channels ?? 3, o);
      return { body: new Sequential(layers), features };
    },
  };
}
