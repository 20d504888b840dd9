// CycleGAN's ResNet generator (Zhu et al. 2017, after Johnson et al. 2016), in the paper's notation
// c7s1-w, d2w, d4w, R4w x blocks, u2w, uw, c7s1-C: a 7x7 conv, two 3x3 stride-2 convs down, residual
// blocks at a quarter of the size, two 3x3 stride-2 transposed convs up and a 7x7 conv to the
// output channels; reflection padding before the 7x7 convs and inside the blocks, norm and ReLU
// after every conv but the last. The paper's w is 64, with 6 blocks at 128x128 and 9 at 256x256.
import type { Tensor } from '../../engine/index.js';
import { Conv2d, ConvTranspose2d, ReflectionPad2d, ReLU, Residual } from '../../nn/layers.js';
import { Module, Sequential, type Ctx } from '../../nn/module.js';
import { normLayers, type NormKind } from './translation-nets.js';

/** The paper's block count: 9 from 256x256, 6 below. */
export const resnetBlocks = (side: number) => (side >= 256 ? 9 : 6);

export interface ResnetGeneratorOptions {
  inChannels: number;
  outChannels: number;
  width: number;
  blocks: number;
  norm: NormKind;
}

export class ResnetGenerator extends Module {
  private readonly body: Sequential;

  constructor(o: ResnetGeneratorOptions) {
    super();
    const w = o.width;
    // Convolutions followed by batch norm need no bias (its shift replaces it), as in PyTorch's.
    const bias = o.norm !== 'batch';
    const block = () =>
      new Residual(
        new Sequential([
          ReflectionPad2d(1),
          new Conv2d(4 * w, 4 * w, 3, { bias }),
          ...normLayers(o.norm, 4 * w),
          ReLU(),
          ReflectionPad2d(1),
          new Conv2d(4 * w, 4 * w, 3, { bias }),
          ...normLayers(o.norm, 4 * w),
        ]),
      );
    const down = (cin: number, cout: number) => [new Conv2d(cin, cout, 3, { stride: 2, padding: 1, bias }), ...normLayers(o.norm, cout), ReLU()];
    const up = (cin: number, cout: number) => [new ConvTranspose2d(cin, cout, 3, { stride: 2, padding: 1, outputPadding: 1, bias }), ...normLayers(o.norm, cout), ReLU()];
    this.body = this.add(
      'body',
      new Sequential([
        ReflectionPad2d(3),
        new Conv2d(o.inChannels, w, 7, { bias }),
        ...normLayers(o.norm, w),
        ReLU(),
        ...down(w, 2 * w),
        ...down(2 * w, 4 * w),
        ...Array.from({ length: o.blocks }, block),
        ...up(4 * w, 2 * w),
        ...up(2 * w, w),
        ReflectionPad2d(3),
        // Linear output, clipped for inference, as the project's U-Nets (see unet.ts).
        new Conv2d(w, o.outChannels, 7),
      ]),
    );
  }

  forward(x: Tensor, ctx: Ctx): Tensor {
    return this.body.call(x, ctx);
  }
}
