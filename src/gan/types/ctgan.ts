// CTGAN (Xu et al. 2019, "Modeling Tabular Data using Conditional GAN"): a GAN for table rows in
// their reversible encoding (src/tables/: mode-specific normalisation of continuous columns,
// one-hot categories). G reads noise and a conditional vector, the one-hot of one category of one
// discrete column; its raw output goes through tanh (continuous values) and Gumbel-softmax (modes
// and categories). The critic judges packs of `pack` rows, each with its conditional vector, under
// WGAN-GP (train.loss "wgan-gp") with the penalty on the packed input. G's loss adds the
// cross-entropy between the selected column's raw logits and the category asked for, so that G
// honours the condition. Training-by-sampling is the data source's (src/data/table-source.ts):
// real rows have the asked categories, and reach D in another order than G's rows (as the
// authors' code permutes them). As in the authors' loop, G's step does not reuse the rows D was
// just shown: it draws its own noise ("gz"), conditional vectors ("gCond", drawn by the source
// like "cond", with no real rows) and Gumbel noise, and runs G again (so batch norm's running
// statistics move twice per step, as they do in the authors' code).
import { z } from 'zod';
import { int } from '../../config/fields.js';
import * as E from '../../engine/index.js';
import type { Tensor } from '../../engine/index.js';
import type { Ctx } from '../../nn/module.js';
import { InputError } from '../../errors.js';
import type { TableEncoding } from '../../tables/types.js';
import { activateSpans, conditionalCrossEntropy, ctganDiscriminator, ctganGenerator, freshUniform, packRows } from '../nets/ctgan.js';
import { defineRecipe, field, normal, type GanRecipe, type InputSpec } from '../recipe.js';

/** model.kind "ctgan": the config section, with the authors' defaults. */
export const CtganConfig = z.strictObject({
  /** Tables (data kind "table"): CTGAN's conditional generator of encoded rows and a packed critic. */
  kind: z.literal('ctgan'),
  /** Noise values per row (the authors' embedding_dim). */
  embedding: int(1).max(4096).default(128),
  /** Widths of G's residual blocks (each adds its width to the features) and of D's hidden layers. */
  gHidden: z.array(int(1)).min(1).default([256, 256]),
  dHidden: z.array(int(1)).min(1).default([256, 256]),
  /** Rows the critic judges jointly (PacGAN); must divide train.batch. */
  pack: int(1).max(64).default(10),
  /** Dropout after each of D's hidden layers. */
  dropout: z.number().min(0).lt(1).default(0.5),
  /** Gumbel-softmax temperature of G's one-hot groups in training. */
  tau: z.number().positive().default(0.2),
  /** Weight of the conditional cross-entropy in G's loss. */
  condWeight: z.number().min(0).default(1),
});

export type CtganOptions = Omit<z.infer<typeof CtganConfig>, 'kind'> & { encoding: TableEncoding };

/** What the sampler's z holds: noise, then the conditional vector. */
export const CTGAN_LATENT_LAYOUT = 'z = [noise (embedding, standard normal), conditional vector (condWidth: one-hot of one category of one discrete column)]';

export function ctgan(o: CtganOptions): GanRecipe {
  const { spans, discrete, width, condWidth } = o.encoding;
  const G = ctganGenerator(o.embedding + condWidth, o.gHidden, width).named('G');
  const D = ctganDiscriminator(o.pack * (width + condWidth), o.dHidden, o.dropout).named('D');
  const conditional = condWidth > 0;
  /** Rows beside their conditional vectors, packed for the critic. */
  const packed = (rows: Tensor, cond?: Tensor) => {
    const n = rows.shape[0]!;
    if (n % o.pack !== 0) throw new InputError(`model.pack ${o.pack} must divide train.batch ${n}`);
    return packRows(cond ? E.concat([rows, cond], 1) : rows, o.pack);
  };
  const gInput = (z: Tensor, cond?: Tensor) => (cond ? E.concat([z, cond], 1) : z);
  /** G's rows for noise and conditions: raw units and activated (Gumbel noise drawn afresh at every call). */
  const run = (z: Tensor, cond: Tensor | undefined, ctx: Ctx) => {
    const raw = G.call(gInput(z, cond), ctx);
    // The Gumbel noise is a program input, drawn by the trainer from the run's seed.
    const uniform = freshUniform(ctx, 'G.gumbel', [...raw.shape]);
    return { x: activateSpans(raw, spans, { tau: o.tau, uniform }), raw };
  };
  return defineRecipe({
    type: 'ctgan',
    G,
    D,
    // Without discrete columns there is no conditional vector: cond, realCond and gCond are then absent.
    inputs: (conditional
      ? { x: field('x'), cond: field('cond'), realCond: field('realCond'), gCond: field('gCond'), z: normal(o.embedding), gz: normal(o.embedding) }
      : { x: field('x'), z: normal(o.embedding), gz: normal(o.embedding) }) as Record<'x' | 'z' | 'gz' | 'cond' | 'realCond' | 'gCond', InputSpec>,
    generate: ({ z, cond }, ctx) => run(z, cond, ctx),
    dLoss: ({ x, cond, realCond }, fake, adv) => adv.d(D, packed(x, realCond), packed(fake.x, cond)).loss,
    // The authors' G step: new noise and conditions, G run again (the D step's rows are not reused).
    gLoss: ({ gz, gCond }, _fake, adv) => {
      const fake = run(gz, gCond, adv.ctx);
      const gan = adv.g(D, packed(fake.x, gCond)).loss;
      return gCond && o.condWeight > 0 ? E.add(gan, E.mul(conditionalCrossEntropy(fake.raw, gCond, discrete), o.condWeight)) : gan;
    },
    sampler: {
      latent: [o.embedding + condWidth],
      output: [width],
      range: '[-1, 1]',
      metadata: { latent_layout: CTGAN_LATENT_LAYOUT, softmax_spans: 'probabilities: draw each group\'s category from them' },
      // The authors' generator is never put in eval mode: it samples with each batch's statistics.
      batchStatistics: true,
      sample: (z, _y, ctx) => activateSpans(G.call(z, ctx), spans, { tau: o.tau }),
    },
  });
}
