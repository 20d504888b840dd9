// What the trainer needs of a GAN type: how G turns noise (and labels) into samples, what D says
// about a sample, and any objective terms beyond the adversarial loss. The plain GAN is G(z) and
// D(x); the variants in ./variants/ add labels (CGAN, ACGAN), codes (InfoGAN) or a pyramid of
// generator/discriminator pairs (LAPGAN) behind the same interface, so one trainer serves all.
import type { Tensor } from '../engine/index.js';
import { Module, type Ctx } from '../nn/module.js';

/** D's verdict on a batch: the adversarial output, and the auxiliary heads some types have. */
export interface DOutput {
  /** [N', 1] (or [N', levels]) logits or critic scores; N' = N / pack for packed D. */
  logit: Tensor;
  /** ACGAN's class head / InfoGAN's categorical-code head: [N, classes] logits. */
  classLogits?: Tensor;
  /** InfoGAN's continuous-code head: [N, codes] predicted code values. */
  codes?: Tensor;
}

/** The batch an auxiliary objective term sees. */
export interface AuxTerms {
  real: DOutput;
  fake: DOutput;
  yReal?: Tensor;
  yFake?: Tensor;
  /** The noise the generated batch was drawn from (InfoGAN's continuous codes are part of it). */
  z: Tensor;
  /** What D judged: the real batch and the generated batch in D's form (translation types compare them). */
  realX: Tensor;
  fakeX: Tensor;
  /** The training pass, for terms that run a network again (CycleGAN's reconstructions). */
  ctx: Ctx;
}

/** Image-to-image types: what `translate` maps from and to. */
export interface TranslationShapes {
  /** Shape of one input image (the source domain, or the degraded image). */
  input: number[];
  /** Shape of one output image. */
  output: number[];
  /** The directions `translate` accepts (CycleGAN has two; paired types one, 'a2b'). */
  directions: Direction[];
}

export type Direction = 'a2b' | 'b2a';

/** Just the two networks of a plain GAN, with the shapes they work on. */
export interface GanNets {
  G: Module;
  D: Module;
  /** Shape of one noise vector (usually [latentDim]). */
  latentShape: number[];
  /** Shape of one data sample ([C, H, W] or [D]). */
  sampleShape: number[];
}

export interface GanModel extends GanNets {
  /** The GAN type, for messages and metadata. */
  type: string;
  /** Class-aware types: how many labels (classes, or InfoGAN's categorical code values). */
  classes?: number;
  /** The real batch's labels enter the objective (CGAN, ACGAN); generated labels are drawn uniformly. */
  usesDataLabels?: boolean;
  /** Generated samples for training, in the form D sees. `real` conditions LAPGAN's finer levels. */
  generate(z: Tensor, y: Tensor | undefined, ctx: Ctx, real: Tensor): Tensor;
  /** A real batch in the form D sees (LAPGAN: its pyramid levels with their conditions). */
  realInput(real: Tensor): Tensor;
  discriminate(x: Tensor, y: Tensor | undefined, ctx: Ctx): DOutput;
  /** Objective terms besides the adversarial loss (class or information losses), per player. */
  auxLoss?(player: 'D' | 'G', t: AuxTerms): Tensor;
  /** Inference: noise (and labels) to samples of sampleShape. */
  sample(z: Tensor, y: Tensor | undefined, ctx: Ctx): Tensor;
  /** Weight of G's adversarial loss (default 1; 0 trains G on its auxiliary terms alone, e.g. L1 only). */
  adversarialWeight?: number;
  /** Image-to-image types: their shapes, and inference from input images to output images. */
  translation?: TranslationShapes;
  translate?(x: Tensor, ctx: Ctx, direction: Direction): Tensor;
}

/** The plain GAN of the seeds: G(z), D(x). */
export function plainGan(nets: GanNets): GanModel {
  return {
    ...nets,
    type: 'gan',
    generate: (z, _y, ctx) => nets.G.call(z, ctx),
    realInput: (x) => x,
    discriminate: (x, _y, ctx) => ({ logit: nets.D.call(x, ctx) }),
    sample: (z, _y, ctx) => nets.G.call(z, ctx),
  };
}

export function isModel(m: GanNets | GanModel): m is GanModel {
  return 'generate' in m;
}

/** Several named sub-networks under one name ("G" or "D"); the model calls the parts itself. */
export class Networks<K extends string = string> extends Module {
  readonly parts: Record<K, Module>;
  constructor(parts: Record<K, Module>) {
    super();
    this.parts = parts;
    for (const [name, m] of Object.entries<Module>(parts)) this.add(name, m);
  }
  forward(): Tensor {
    throw new Error(`${this.path} holds several networks; call its parts`);
  }
}
