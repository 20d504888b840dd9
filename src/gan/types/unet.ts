// U-Nets: encoder-decoders whose decoder also reads the encoder's map of each size (skip
// connections), so detail the input already has can pass straight through. Their outputs are
// linear, clipped to [-1, 1] only for inference: with tanh, the L1 term, whose gradient keeps its
// size up to the target, drove the background towards exactly -1 until tanh saturated everywhere
// and G stopped learning (all-black outputs).
import * as E from '../../engine/index.js';
import type { Tensor } from '../../engine/index.js';
import { Conv2d, ConvTranspose2d, Dropout, LeakyReLU, ReLU } from '../../nn/layers.js';
import { Module, Sequential, type Ctx } from '../../nn/module.js';
import { normLayers, type NetFamily, type NormKind } from './translation-nets.js';

/**
 * The compact U-Net of the 28x28 presets, for sides divisible by 4: two stride-2 levels down, a
 * 3x3 block, two levels up with skips, and a last 3x3 conv that also reads the input. With
 * `globalSize` (the input's [H, W]) a third level reduces the quarter-size maps to one 1x1 cell and
 * back, as the Pix2Pix U-Net goes down to 1x1: without it an output pixel sees only about 26 pixels
 * around it, too little to complete a digit from its far half.
 */
export class UNet extends Module {
  private readonly down1: Sequential;
  private readonly down2: Sequential;
  private readonly middle: Sequential;
  private readonly up2: Sequential;
  private readonly up1: Sequential;
  private readonly out: Conv2d;
  private readonly global?: { down: Sequential; up: Sequential };

  constructor(inChannels: number, outChannels: number, width: number, globalSize?: [number, number]) {
    super();
    const w = width;
    // Levels are declared in the order a pass reads them, which is the order their initial values are drawn in.
    this.down1 = this.add('down1', new Sequential([new Conv2d(inChannels, w, 4, { stride: 2, padding: 1 }), LeakyReLU(0.2)]));
    this.down2 = this.add('down2', new Sequential([new Conv2d(w, 2 * w, 4, { stride: 2, padding: 1 }), LeakyReLU(0.2)]));
    if (globalSize) {
      const quarter: [number, number] = [globalSize[0] / 4, globalSize[1] / 4];
      this.global = {
        down: this.add('down3', new Sequential([new Conv2d(2 * w, 4 * w, quarter), LeakyReLU(0.2)])),
        up: this.add('up3', new Sequential([new ConvTranspose2d(4 * w, 2 * w, quarter), ReLU()])),
      };
    }
    const middleIn = globalSize ? 4 * w : 2 * w;
    this.middle = this.add('middle', new Sequential([new Conv2d(middleIn, 2 * w, 3, { padding: 1 }), ReLU(), new Conv2d(2 * w, 2 * w, 3, { padding: 1 }), ReLU()]));
    this.up2 = this.add('up2', new Sequential([new ConvTranspose2d(4 * w, w, 4, { stride: 2, padding: 1 }), ReLU()]));
    this.up1 = this.add('up1', new Sequential([new ConvTranspose2d(2 * w, w, 4, { stride: 2, padding: 1 }), ReLU()]));
    this.out = this.add('out', new Conv2d(w + inChannels, outChannels, 3, { padding: 1 }));
  }

  forward(x: Tensor, ctx: Ctx): Tensor {
    const d1 = this.down1.call(x, ctx);
    const d2 = this.down2.call(d1, ctx);
    const m = this.middle.call(this.global ? E.concat([d2, this.global.up.call(this.global.down.call(d2, ctx), ctx)], 1) : d2, ctx);
    const u2 = this.up2.call(E.concat([m, d2], 1), ctx);
    const u1 = this.up1.call(E.concat([u2, d1], 1), ctx);
    return this.out.call(E.concat([u1, x], 1), ctx);
  }
}

/** The paper's U-Net goes down to 1x1: 8 levels at 256, one fewer per halving of the smaller side. */
export const unetDepth = (h: number, w: number) => Math.min(8, Math.log2(Math.min(h, w)));

export interface PaperUNetOptions {
  inChannels: number;
  outChannels: number;
  width: number;
  depth: number;
  norm: NormKind;
  /** Dropout in the three decoder levels after the innermost (the paper's 0.5; 0 = none). */
  dropout: number;
}

/**
 * The Pix2Pix paper's U-Net (pytorch-CycleGAN-and-pix2pix's UnetGenerator): `depth` levels of 4x4
 * stride-2 convolutions, channels w, 2w, 4w, 8w, 8w, ... (capped at 8w); LeakyReLU(0.2) before each
 * conv but the first, norm after each but the first and the innermost. The decoder mirrors it with
 * ReLU, 4x4 stride-2 transposed convolutions and norm, each level reading its own output
 * concatenated with the encoder's map of the same size; the outermost gives the output channels.
 */
export class PaperUNet extends Module {
  private readonly downs: Sequential[] = [];
  private readonly ups: Sequential[] = [];

  constructor(o: PaperUNetOptions) {
    super();
    const channels = (i: number) => Math.min(o.width * 2 ** i, 8 * o.width);
    // Convolutions followed by batch norm need no bias (its shift replaces it); PyTorch's drops it on every down conv then.
    const bias = o.norm !== 'batch';
    const innermost = o.depth - 1;
    for (let i = 0; i < o.depth; i++) {
      const conv = new Conv2d(i === 0 ? o.inChannels : channels(i - 1), channels(i), 4, { stride: 2, padding: 1, bias });
      const layers = i === 0 ? [conv] : [LeakyReLU(0.2), conv, ...(i === innermost ? [] : normLayers(o.norm, channels(i)))];
      this.downs.push(this.add(`down${i}`, new Sequential(layers)));
    }
    for (let i = innermost; i >= 0; i--) {
      const cin = i === innermost ? channels(i) : 2 * channels(i);
      if (i === 0) {
        this.ups.push(this.add('up0', new Sequential([ReLU(), new ConvTranspose2d(cin, o.outChannels, 4, { stride: 2, padding: 1 })])));
        continue;
      }
      const dropout = o.dropout > 0 && i < innermost && i >= innermost - 3 ? [new Dropout(o.dropout)] : [];
      const up = [ReLU(), new ConvTranspose2d(cin, channels(i - 1), 4, { stride: 2, padding: 1, bias }), ...normLayers(o.norm, channels(i - 1)), ...dropout];
      this.ups.push(this.add(`up${i}`, new Sequential(up)));
    }
  }

  forward(x: Tensor, ctx: Ctx): Tensor {
    const skips: Tensor[] = [];
    let h = x;
    for (const down of this.downs) skips.push((h = down.call(h, ctx)));
    // The innermost up reads the innermost map alone; each further up also reads the encoder's map of its size.
    h = this.ups[0]!.call(skips.pop()!, ctx);
    for (const up of this.ups.slice(1)) h = up.call(E.concat([h, skips.pop()!], 1), ctx);
    return h;
  }
}

export interface UNetChoice {
  inChannels: number;
  outChannels: number;
  width: number;
  norm: NormKind;
  dropout: number;
  /** Compact U-Net only: the 1x1 global level (Pix2Pix, to complete a digit from its far half). */
  global: boolean;
}

/** The U-Net for images of [h, w]: the paper's, as deep as the size allows, or the compact one. */
export function unetFor(size: [number, number], family: NetFamily, o: UNetChoice): Module {
  if (family === 'compact') return new UNet(o.inChannels, o.outChannels, o.width, o.global ? size : undefined);
  return new PaperUNet({ ...o, depth: unetDepth(...size) });
}
