// CTGAN's networks (Xu et al. 2019; the authors' models.py) and the output activation of an
// encoded table row: a residual generator whose blocks concatenate their output with their input,
// a packed critic with dropout, tanh for the continuous values and Gumbel-softmax for the one-hot
// groups (modes, categories), and the conditional vector's cross-entropy term.
import * as E from '../../engine/index.js';
import type { Tensor } from '../../engine/index.js';
import { BatchNorm, LeakyReLU, Linear, ReLU } from '../../nn/layers.js';
import { Module, Sequential, type Ctx } from '../../nn/module.js';
import type { DiscreteColumn, Span } from '../../tables/types.js';

/** How many fresh uniform inputs each pass (trace) has asked for under each name. */
const drawsPerTrace = new WeakMap<Ctx, Map<string, number>>();

/**
 * A uniform [0, 1) program input of this shape that no other call in the same pass shares: each
 * call gets the next name (`name.0`, `name.1`, ...), so a network called several times in one
 * training step (real, fake, interpolates, then the G step) draws new values every time, as
 * PyTorch does. The names follow the order of the calls, so the trainer draws them in a fixed order.
 */
export function freshUniform(ctx: Ctx, name: string, shape: number[]): Tensor {
  let counts = drawsPerTrace.get(ctx);
  if (!counts) drawsPerTrace.set(ctx, (counts = new Map()));
  const i = counts.get(name) ?? 0;
  counts.set(name, i + 1);
  return ctx.uniformInput(`${name}.${i}`, shape);
}

/** Dropout whose mask is drawn afresh at every call (nn's Dropout keeps one mask per training step). */
export class FreshDropout extends Module {
  constructor(readonly p: number) {
    super();
  }
  forward(x: Tensor, ctx: Ctx): Tensor {
    if (!ctx.training || this.p === 0) return x;
    return E.dropout(x, freshUniform(ctx, `${this.path}.mask`, [...x.shape]), this.p);
  }
  override describe(): string {
    return `Dropout(${this.p})`;
  }
}

/** CTGAN's Residual: Linear -> BatchNorm -> ReLU, its output concatenated with its input ([N, in] -> [N, in + out]). */
export class ConcatResidual extends Module {
  private readonly body: Sequential;
  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
  ) {
    super();
    this.body = this.add('body', new Sequential([new Linear(inFeatures, outFeatures), new BatchNorm(outFeatures), ReLU()]));
  }
  forward(x: Tensor, ctx: Ctx): Tensor {
    return E.concat([this.body.call(x, ctx), x], 1);
  }
  override describe(): string {
    return `Residual(${this.inFeatures} -> ${this.inFeatures + this.outFeatures}, concat)`;
  }
}

/** The generator: residual blocks of the given widths, then a linear layer to the encoded row's raw units. */
export function ctganGenerator(inFeatures: number, hidden: readonly number[], outFeatures: number): Sequential {
  const layers: Module[] = [];
  let d = inFeatures;
  for (const h of hidden) {
    layers.push(new ConcatResidual(d, h));
    d += h;
  }
  layers.push(new Linear(d, outFeatures));
  return new Sequential(layers);
}

/** The critic of packed rows [N / pac, pac * features]: (Linear -> LeakyReLU(0.2) -> Dropout) per hidden width, then Linear to 1. */
export function ctganDiscriminator(inFeatures: number, hidden: readonly number[], dropout: number): Sequential {
  const layers: Module[] = [];
  let d = inFeatures;
  for (const h of hidden) {
    layers.push(new Linear(d, h), LeakyReLU(0.2), new FreshDropout(dropout));
    d = h;
  }
  layers.push(new Linear(d, 1));
  return new Sequential(layers);
}

/** Rows [N, F] packed `pac` at a time into [N / pac, pac * F] (consecutive rows form one pack). */
export function packRows(x: Tensor, pac: number): Tensor {
  return E.reshape(x, [x.shape[0]! / pac, pac * x.shape[1]!]);
}

/** Units [offset, offset + width) of rows [N, F]. */
export const columnsOf = (x: Tensor, offset: number, width: number): Tensor => E.slice(x, [offset], [offset + width], [1]);

/**
 * Gumbel-softmax (Jang et al. 2017) of logits [N, K] with uniform draws u [N, K]:
 * softmax((logits + g) / tau) with g = -log(-log u), as torch.nn.functional.gumbel_softmax(hard=False).
 * u is clipped inside (0, 1): a float32 draw can be 0, or round up to 1.
 */
export function gumbelSoftmax(logits: Tensor, u: Tensor, tau: number): Tensor {
  const g = E.neg(E.log(E.neg(E.log(E.clip(u, 1e-20, 1 - 2 ** -24)))));
  return E.softmax(E.div(E.add(logits, g), tau), 1);
}

export interface ActivationOptions {
  /** Gumbel-softmax temperature (training); sampling uses the plain softmax (tau 1, no noise). */
  tau: number;
  /** Training: uniform draws [N, width] for the Gumbel noise (each span reads its own units); absent: softmax probabilities. */
  uniform?: Tensor;
}

/**
 * The generator's raw output [N, width] activated span by span: tanh for 'tanh' spans, and for
 * 'softmax' spans Gumbel-softmax in training or softmax probabilities for sampling (whose draws
 * are the categories: argmax(logits + Gumbel noise) is a draw from softmax(logits), at any tau).
 */
export function activateSpans(raw: Tensor, spans: readonly Span[], o: ActivationOptions): Tensor {
  const parts = spans.map((s) => {
    const logits = columnsOf(raw, s.offset, s.width);
    if (s.activation === 'tanh') return E.tanh(logits);
    return o.uniform ? gumbelSoftmax(logits, columnsOf(o.uniform, s.offset, s.width), o.tau) : E.softmax(logits, 1);
  });
  return parts.length === 1 ? parts[0]! : E.concat(parts, 1);
}

/**
 * CTGAN's conditional term: for each row, the cross-entropy between the selected discrete column's
 * raw logits and the category its conditional vector asks for, summed over rows and divided by N.
 * The conditional vector cond [N, condWidth] is one-hot in the selected column's block and zero in
 * every other, so summing cond * log_softmax over every block picks exactly that term.
 */
export function conditionalCrossEntropy(raw: Tensor, cond: Tensor, discrete: readonly DiscreteColumn[]): Tensor {
  const n = raw.shape[0]!;
  const terms = discrete.map((d) => E.reduceSum(E.mul(columnsOf(cond, d.condOffset, d.width), E.logSoftmax(columnsOf(raw, d.offset, d.width), 1))));
  const total = terms.reduce((a, b) => E.add(a, b));
  return E.div(E.neg(total), n);
}
