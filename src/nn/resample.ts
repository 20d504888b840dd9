// Resampling by whole factors written with reshapes, for the residual GAN networks: nearest
// upsampling as a broadcast and average pooling as a mean over a reshaped block. Neither needs a
// matrix product (E.upsample) or a depthwise convolution (E.avgPool2d), so a step spends its
// arithmetic on the convolutions, and the gradients are a sum and a broadcast.
import * as E from '../engine/index.js';
import type { Tensor } from '../engine/index.js';
import { Lambda } from './module.js';

const dims = (x: Tensor) => x.shape as [number, number, number, number];

/** Nearest-neighbour upsampling of [N, C, H, W] by an integer factor: each pixel becomes a factor x factor block. */
export function upsampleNearest(x: Tensor, factor: number): Tensor {
  const [n, c, h, w] = dims(x);
  const blocks = E.expand(E.reshape(x, [n, c, h, 1, w, 1]), [n, c, h, factor, w, factor]);
  return E.reshape(blocks, [n, c, h * factor, w * factor]);
}

/** Average pooling of [N, C, H, W] over non-overlapping k x k blocks (H and W divisible by k). */
export function avgPoolBlocks(x: Tensor, k: number): Tensor {
  const [n, c, h, w] = dims(x);
  if (h % k !== 0 || w % k !== 0) throw new Error(`avgPoolBlocks: ${h}x${w} is not divisible into ${k}x${k} blocks`);
  return E.reduceMean(E.reshape(x, [n, c, h / k, k, w / k, k]), [3, 5], false);
}

/** Sum over the spatial axes: [N, C, H, W] -> [N, C] (SNGAN's discriminator features). */
export const sumOverSpace = (x: Tensor): Tensor => E.reduceSum(x, [2, 3], false);

export const NearestUp = (factor = 2) => new Lambda((x) => upsampleNearest(x, factor), `NearestUp(x${factor})`);
export const BlockAvgPool = (k = 2) => new Lambda((x) => avgPoolBlocks(x, k), `AvgPool(${k})`);
export const SumOverSpace = () => new Lambda(sumOverSpace, 'SumOverSpace');
