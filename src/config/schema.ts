// The one config schema: what data, which networks, how to train. Validated before anything runs;
// unknown keys are errors. Presets (presets.ts) are configs with names.
import { z } from 'zod';
import { InputError } from '../errors.js';
import { LOSSES } from '../gan/losses.js';
import { DataConfig } from '../data/config.js';
import { valueAt } from './merge.js';

const int = (min: number) => z.number().int().min(min);
export const VARIANTS = ['gan', 'cgan', 'acgan', 'infogan'] as const;
const positive = z.number().positive();
const prob = z.number().min(0).max(1);

/** The GAN type on an architecture's networks, and its settings (mlp and dcgan models). */
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

export const ModelConfig = z.discriminatedUnion('kind', [
  z.strictObject({
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
    init: z.enum(['dcgan', 'xavier', 'kaiming', 'default']).default('default'),
    /** PacGAN: D judges this many samples jointly (all real or all generated), against mode collapse. */
    pack: int(1).max(16).default(1),
    ...VARIANT_FIELDS,
  }),
  z.strictObject({
    kind: z.literal('dcgan'),
    latent: int(1).max(4096).default(100),
    /** Channels of G's 7x7 map and of D's last conv (28x28 images). */
    width: int(8).max(1024).default(128),
    spectralNorm: z.boolean().default(false),
    init: z.enum(['dcgan', 'xavier', 'kaiming', 'default']).default('dcgan'),
    /** A fully connected layer of this width after G's input and after D's convolutions (InfoGAN paper: 1024); 0: none. */
    hidden: int(0).max(8192).default(0),
    /** Batch norm in D (the InfoGAN paper's D); D then judges real and generated batches separately. */
    batchNormD: z.boolean().default(false),
    ...VARIANT_FIELDS,
  }),
  z.strictObject({
    kind: z.literal('lapgan'),
    /** Noise size of the coarsest level's generator. */
    latent: int(1).max(4096).default(100),
    /** Channels of the finest level's generator (the middle generator and the finer discriminators have four times as many). */
    width: int(4).max(1024).default(32),
    spectralNorm: z.boolean().default(false),
    /** Training condition of the finer levels: the real coarser level (the paper) or the generated one (joint training). */
    condition: z.enum(['real', 'generated']).default('real'),
  }),
  z.strictObject({
    /** Paired translation (data.task): U-Net G, PatchGAN D on (input, image), L1 to the target. */
    kind: z.literal('pix2pix'),
    /** Channels of the U-Net's first level and of D's first conv. */
    width: int(4).max(1024).default(32),
    l1Weight: z.number().min(0).default(100),
    /** Weight of G's adversarial loss; 0 trains the U-Net on L1 alone. */
    adversarialWeight: z.number().min(0).default(1),
    spectralNorm: z.boolean().default(false),
  }),
  z.strictObject({
    /** Video (data kind moving-mnist): a clip generator, a spatial D on random frames and a temporal D on the clip. */
    kind: z.literal('video'),
    latent: int(1).max(4096).default(100),
    width: int(4).max(1024).default(32),
    /** Frames per clip the spatial discriminator judges. */
    frames: int(1).max(64).default(2),
    /** 'frames': each frame a channel of one decoder; 'sprite': one decoded image moved along a learned per-frame path. */
    generator: z.enum(['frames', 'sprite']).default('frames'),
    spectralNorm: z.boolean().default(true),
  }),
  z.strictObject({
    /** Unpaired translation (data.task "dilate-unpaired"): two U-Nets, two PatchGANs, cycle and identity L1 terms. */
    kind: z.literal('cyclegan'),
    width: int(4).max(1024).default(32),
    cycleWeight: z.number().min(0).default(10),
    identityWeight: z.number().min(0).default(5),
    spectralNorm: z.boolean().default(false),
  }),
  z.strictObject({
    /** 4x super-resolution (data.task "downscale4"): residual G with sub-pixel upsampling, pixel MSE + adversarial. */
    kind: z.literal('srgan'),
    /** Channels of G's residual trunk (divisible by 4) and of D's first conv. */
    width: int(4).max(1024).default(32),
    blocks: int(0).max(64).default(4),
    contentWeight: z.number().min(0).default(1),
    adversarialWeight: z.number().min(0).default(0.01),
    spectralNorm: z.boolean().default(false),
  }),
]);

export const TrainConfig = z.strictObject({
  steps: int(1).default(5000),
  batch: int(1).max(65536).default(64),
  loss: z.enum(LOSSES).default('nonsaturating'),
  /** D updates per G update. */
  dSteps: int(1).max(100).default(1),
  optimizer: z.enum(['adam', 'adamw', 'sgd']).default('adam'),
  lrG: positive.default(2e-4),
  lrD: positive.default(2e-4),
  beta1: z.number().min(0).lt(1).default(0.5),
  beta2: z.number().min(0).lt(1).default(0.999),
  /** Learning-rate schedule: constant, or linear decay to lrFinal x the initial rate at the last step. */
  lrSchedule: z.enum(['constant', 'linear']).default('constant'),
  lrFinal: prob.default(0.02),
  /** One-sided label smoothing: D's target for real samples. */
  realLabel: z.number().gt(0).max(1).default(1),
  gpWeight: z.number().min(0).default(10),
  r1Gamma: z.number().min(0).default(0),
  weightClip: z.number().min(0).default(0),
  emaDecay: z.number().min(0).lt(1).default(0.999),
  clipNorm: z.number().min(0).default(0),
  /** Training steps per ONNX Runtime call (an ONNX Loop); state crosses into JS once per call. */
  stepsPerRun: int(1).max(256).default(8),
  checkpointEvery: int(1).default(1000),
  sampleEvery: int(1).default(1000),
  /** Checkpoints kept (oldest deleted first). */
  keepCheckpoints: int(1).default(3),
});

export { DataConfig };

export const GanConfig = z.strictObject({
  /** Free text: what this config is for. */
  description: z.string().default(''),
  seed: int(0).max(2 ** 32 - 1).default(0),
  data: DataConfig,
  model: ModelConfig,
  train: TrainConfig.default(TrainConfig.parse({})),
});

export type GanConfig = z.infer<typeof GanConfig>;
export type ModelConfig = z.infer<typeof ModelConfig>;
export type TrainConfig = z.infer<typeof TrainConfig>;

/** A bad config or config file: the CLI reports it as one message and exits with code 2. */
export class ConfigError extends InputError {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

const shown = (input: unknown) => (input === undefined ? 'nothing' : JSON.stringify(input));

function describeIssue(issue: z.core.$ZodIssue): string {
  const path = issue.path.join('.');
  const at = path ? `"${path}"` : 'the top level';
  switch (issue.code) {
    case 'unrecognized_keys':
      return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${path ? `${path}.` : ''}${k}"`).join(', ')}`;
    case 'invalid_type':
      return `${at}: expected ${issue.expected}, got ${shown(issue.input)}`;
    case 'too_small':
      return `${at}: must be ${issue.inclusive ? '>=' : '>'} ${String(issue.minimum)}${issue.origin === 'array' ? ' items' : ''}, got ${JSON.stringify(issue.input)}`;
    case 'too_big':
      return `${at}: must be ${issue.inclusive ? '<=' : '<'} ${String(issue.maximum)}, got ${JSON.stringify(issue.input)}`;
    case 'invalid_value':
      return `${at}: expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}, got ${JSON.stringify(issue.input)}`;
    default:
      // zod's own message (a bad `kind`, a value of a union) does not name the value given.
      return `${at}: ${issue.message}, got ${shown(issue.input)}`;
  }
}

/**
 * The issue with the input value at its path: zod leaves `input` out unless asked, and for a bad
 * `kind` it would give the whole section rather than the value of `kind`.
 */
function withInput(issue: z.core.$ZodIssue, raw: unknown): z.core.$ZodIssue {
  return { ...issue, input: valueAt(raw, issue.path) } as z.core.$ZodIssue;
}

/** Validates a config object; throws one ConfigError listing every problem, each by its key. */
export function validateConfig(raw: unknown, source: string): GanConfig {
  const r = GanConfig.safeParse(raw);
  if (r.success) return r.data;
  const problems = r.error.issues.map((issue) => describeIssue(withInput(issue, raw)));
  if (problems.length === 1) throw new ConfigError(`config ${source}: ${problems[0]}`);
  throw new ConfigError(`config ${source} has ${problems.length} problems:\n${problems.map((p) => `  ${p}`).join('\n')}`);
}
