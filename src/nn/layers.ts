// Layers built from engine ops.
import * as E from '../engine/index.js';
import type { Tensor } from '../engine/index.js';
import { normalInit, onesInit, torchDefault, weightInit, zerosInit, type InitName } from './init.js';
import { Lambda, Module, type Ctx, type Initializer } from './module.js';
import { spectralNormalize } from './spectral.js';

export interface WeightOptions {
  bias?: boolean;
  /** Weight initialisation scheme (default: 'default', PyTorch's). */
  init?: InitName;
  /** Spectral normalisation of the weight (one power iteration per training call). */
  spectralNorm?: boolean;
}

function biasInit(scheme: InitName | undefined, fanIn: number): Initializer {
  return scheme === undefined || scheme === 'default' ? torchDefault({ fanIn, fanOut: 0 }) : zerosInit;
}

/** y = x W + b with W: [in, out]. */
export class Linear extends Module {
  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    readonly opts: WeightOptions = {},
  ) {
    super();
    const fans = { fanIn: inFeatures, fanOut: outFeatures };
    this.param('weight', [inFeatures, outFeatures], weightInit(opts.init ?? 'default', fans));
    if (opts.spectralNorm) this.buffer('sn_u', [outFeatures], normalInit(0, 1));
    if (opts.bias ?? true) this.param('bias', [outFeatures], biasInit(opts.init, inFeatures));
  }
  forward(x: Tensor, ctx: Ctx): Tensor {
    let w = this.read(ctx, 'weight');
    if (this.opts.spectralNorm) {
      w = E.transpose(spectralNormalize(E.transpose(w), this.read(ctx, 'sn_u'), ctx, (v) => this.writeBuffer(ctx, 'sn_u', v)));
    }
    let y = E.matmul(x, w);
    if (this.opts.bias ?? true) y = E.add(y, this.read(ctx, 'bias'));
    return y;
  }
  override describe(): string {
    return `Linear(${this.inFeatures} -> ${this.outFeatures}${this.opts.bias === false ? ', no bias' : ''}${this.opts.spectralNorm ? ', SN' : ''})`;
  }
}

export interface ConvLayerOptions extends WeightOptions, E.ConvOptions {}

function convFans(cin: number, cout: number, k: [number, number], groups: number) {
  const rf = k[0] * k[1];
  return { fanIn: (cin / groups) * rf, fanOut: (cout / groups) * rf };
}

const kpair = (k: number | [number, number]): [number, number] => (typeof k === 'number' ? [k, k] : k);

/** What 2-D convolutions share: the weight (optionally spectrally normalised) and a per-channel bias. */
abstract class ConvLayer extends Module {
  readonly kernel: [number, number];
  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    kernel: number | [number, number],
    readonly opts: ConvLayerOptions & { outputPadding?: number | [number, number] } = {},
  ) {
    super();
    this.kernel = kpair(kernel);
    const { shape, fans } = this.weightLayout();
    this.param('weight', shape, weightInit(opts.init ?? 'default', fans));
    if (opts.spectralNorm) this.buffer('sn_u', [shape[0]!], normalInit(0, 1));
    if (opts.bias ?? true) this.param('bias', [outChannels], biasInit(opts.init, fans.fanIn));
  }

  /** The weight's shape and the fans its initialiser uses. */
  protected abstract weightLayout(): { shape: number[]; fans: { fanIn: number; fanOut: number } };

  /** The weight; with spectral norm, divided by the norm of its [shape[0], -1] matrix. */
  protected weight(ctx: Ctx): Tensor {
    const w = this.read(ctx, 'weight');
    if (!this.opts.spectralNorm) return w;
    return E.reshape(spectralNormalize(E.reshape(w, [w.shape[0]!, -1]), this.read(ctx, 'sn_u'), ctx, (v) => this.writeBuffer(ctx, 'sn_u', v)), w.shape);
  }

  protected withBias(ctx: Ctx, y: Tensor): Tensor {
    if (!(this.opts.bias ?? true)) return y;
    return E.add(y, E.reshape(this.read(ctx, 'bias'), [1, this.outChannels, 1, 1]));
  }

  protected label(kind: string): string {
    return `${kind}(${this.inChannels} -> ${this.outChannels}, k${this.kernel.join('x')}, s${this.opts.stride ?? 1}, p${this.opts.padding ?? 0}${this.opts.spectralNorm ? ', SN' : ''})`;
  }
}

export class Conv2d extends ConvLayer {
  protected weightLayout() {
    const g = this.opts.groups ?? 1;
    return { shape: [this.outChannels, this.inChannels / g, ...this.kernel], fans: convFans(this.inChannels, this.outChannels, this.kernel, g) };
  }
  forward(x: Tensor, ctx: Ctx): Tensor {
    return this.withBias(ctx, E.conv2d(x, this.weight(ctx), this.opts));
  }
  override describe(): string {
    return this.label('Conv2d');
  }
}

export class ConvTranspose2d extends ConvLayer {
  protected weightLayout() {
    const g = this.opts.groups ?? 1;
    // PyTorch computes a transposed conv's fans from its weight [in, out/g, k, k] as if it were a conv.
    const k = this.kernel[0] * this.kernel[1];
    return { shape: [this.inChannels, this.outChannels / g, ...this.kernel], fans: { fanIn: (this.outChannels / g) * k, fanOut: this.inChannels * k } };
  }
  forward(x: Tensor, ctx: Ctx): Tensor {
    return this.withBias(ctx, E.convTranspose2d(x, this.weight(ctx), this.opts));
  }
  override describe(): string {
    return this.label('ConvTranspose2d');
  }
}

export interface NormOptions {
  eps?: number;
  momentum?: number;
  affine?: boolean;
  /** Scale initialiser; DCGAN uses normal(1, 0.02). */
  scaleInit?: Initializer;
}

/** Batch normalisation over [N, C] or [N, C, H, W]; running statistics are buffers. */
export class BatchNorm extends Module {
  constructor(
    readonly channels: number,
    readonly opts: NormOptions = {},
  ) {
    super();
    if (opts.affine ?? true) {
      this.param('weight', [channels], opts.scaleInit ?? onesInit);
      this.param('bias', [channels], zerosInit);
    }
    this.buffer('running_mean', [channels], zerosInit);
    this.buffer('running_var', [channels], onesInit);
  }
  forward(x: Tensor, ctx: Ctx): Tensor {
    const affine = this.opts.affine ?? true;
    const gamma = affine ? this.read(ctx, 'weight') : undefined;
    const beta = affine ? this.read(ctx, 'bias') : undefined;
    const runningMean = this.read(ctx, 'running_mean');
    const runningVar = this.read(ctx, 'running_var');
    const r = E.batchNorm(x, { gamma, beta, eps: this.opts.eps, momentum: this.opts.momentum, training: ctx.training, runningMean, runningVar });
    if (r.newRunningMean) this.writeBuffer(ctx, 'running_mean', r.newRunningMean);
    if (r.newRunningVar) this.writeBuffer(ctx, 'running_var', r.newRunningVar);
    return r.y;
  }
  override describe(): string {
    return `BatchNorm(${this.channels})`;
  }
}

/** Layer normalisation over the trailing dimensions given by `shape`. */
export class LayerNorm extends Module {
  constructor(
    readonly shape: number[],
    readonly opts: NormOptions = {},
  ) {
    super();
    if (opts.affine ?? true) {
      this.param('weight', shape, onesInit);
      this.param('bias', shape, zerosInit);
    }
  }
  forward(x: Tensor, ctx: Ctx): Tensor {
    const affine = this.opts.affine ?? true;
    const g = affine ? this.read(ctx, 'weight') : undefined;
    const b = affine ? this.read(ctx, 'bias') : undefined;
    return E.layerNorm(x, this.shape.length, g, b, this.opts.eps);
  }
  override describe(): string {
    return `LayerNorm([${this.shape.join(', ')}])`;
  }
}

export class InstanceNorm extends Module {
  constructor(
    readonly channels: number,
    readonly opts: NormOptions = {},
  ) {
    super();
    if (opts.affine ?? false) {
      this.param('weight', [channels], onesInit);
      this.param('bias', [channels], zerosInit);
    }
  }
  forward(x: Tensor, ctx: Ctx): Tensor {
    const affine = this.opts.affine ?? false;
    const g = affine ? this.read(ctx, 'weight') : undefined;
    const b = affine ? this.read(ctx, 'bias') : undefined;
    return E.instanceNorm(x, g, b, this.opts.eps);
  }
  override describe(): string {
    return `InstanceNorm(${this.channels})`;
  }
}

/** Rows of a [count, dim] table for int64 indices. */
export class Embedding extends Module {
  constructor(
    readonly count: number,
    readonly dim: number,
    init: Initializer = normalInit(0, 1),
  ) {
    super();
    this.param('weight', [count, dim], init);
  }
  forward(idx: Tensor, ctx: Ctx): Tensor {
    return E.embedding(this.read(ctx, 'weight'), idx);
  }
  override describe(): string {
    return `Embedding(${this.count}, ${this.dim})`;
  }
}

/**
 * Inverted dropout. Its random mask enters as a uniform program input declared on the trace
 * (`${path}.mask`), which the trainer fills with U(0,1) draws from the run's PRNG; in eval mode it
 * is the identity.
 */
export class Dropout extends Module {
  constructor(readonly p: number) {
    super();
    if (!(p >= 0 && p < 1)) throw new Error(`dropout probability must be in [0, 1), got ${p}`);
  }
  forward(x: Tensor, ctx: Ctx): Tensor {
    if (!ctx.training || this.p === 0) return x;
    return E.dropout(x, ctx.uniformInput(`${this.path}.mask`, x.shape), this.p);
  }
  override describe(): string {
    return `Dropout(${this.p})`;
  }
}

/** Residual block: x + body(x) (with an optional 1x1 projection when shapes differ). */
export class Residual extends Module {
  constructor(
    readonly body: Module,
    readonly shortcut?: Module,
  ) {
    super();
    this.add('body', body);
    if (shortcut) this.add('shortcut', shortcut);
  }
  forward(x: Tensor, ctx: Ctx): Tensor {
    return E.add(this.shortcut ? this.shortcut.call(x, ctx) : x, this.body.call(x, ctx));
  }
}

// ---- parameter-free layers ----
export const ReLU = () => new Lambda((x) => E.relu(x), 'ReLU');
export const LeakyReLU = (alpha = 0.2) => new Lambda((x) => E.leakyRelu(x, alpha), `LeakyReLU(${alpha})`);
export const Tanh = () => new Lambda((x) => E.tanh(x), 'Tanh');
export const Sigmoid = () => new Lambda((x) => E.sigmoid(x), 'Sigmoid');
export const Softplus = () => new Lambda((x) => E.softplus(x), 'Softplus');
export const Flatten = () => new Lambda((x) => E.flatten(x), 'Flatten');
/** Reshapes each sample to `shape` (the batch axis is kept). */
export const Reshape = (...shape: number[]) => new Lambda((x) => E.reshape(x, [x.shape[0]!, ...shape]), `Reshape(${shape.join('x')})`);
export const Upsample = (factor: number, mode: E.ResizeMode = 'nearest') =>
  new Lambda((x) => E.upsample(x, factor, mode), `Upsample(x${factor}, ${mode})`);
export const PixelShuffle = (r: number) => new Lambda((x) => E.pixelShuffle(x, r), `PixelShuffle(${r})`);
export const AvgPool = (k: number) => new Lambda((x) => E.avgPool2d(x, k), `AvgPool(${k})`);
/** Sum over the spatial axes: [N, C, H, W] -> [N, C] (SNGAN's discriminator features). */
export const SumOverSpace = () => new Lambda((x) => E.reduceSum(x, [2, 3], false), 'SumOverSpace');


/**
 * Reflection padding of the last two axes by p (PyTorch's ReflectionPad2d: the border pixel is not
 * repeated), built from one-pixel slices so its gradient needs no op of its own. CycleGAN's ResNet
 * generator pads this way to avoid the dark frame zero padding leaves around translated images.
 */
export function reflectionPad2d(x: Tensor, p: number): Tensor {
  if (p === 0) return x;
  const padAxis = (t: Tensor, axis: number): Tensor => {
    const n = t.shape[axis]!;
    if (p >= n) throw new Error(`reflection padding ${p} needs more than ${p} pixels along axis ${axis}, got ${n}`);
    const at = (i: number) => E.slice(t, [i], [i + 1], [axis]);
    const before = Array.from({ length: p }, (_, k) => at(p - k));
    const after = Array.from({ length: p }, (_, k) => at(n - 2 - k));
    return E.concat([...before, t, ...after], axis);
  };
  return padAxis(padAxis(x, 2), 3);
}
export const ReflectionPad2d = (p: number) => new Lambda((x) => reflectionPad2d(x, p), `ReflectionPad2d(${p})`);
