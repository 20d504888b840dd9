// The one config schema: what data, which networks, how to train. Validated before anything runs;
// unknown keys are errors. Presets (presets.ts) are configs with names.
import { z } from 'zod';
import { int } from './fields.js';
import { InputError } from '../errors.js';
import { LOSSES } from '../gan/losses.js';
import { DEVICES } from '../engine/device.js';
import { DataConfig } from '../data/config.js';
import { ModelConfig } from '../gan/registry.js';
import { valueAt } from './merge.js';
import { AUGMENT_POLICIES } from '../gan/augment.js';

const positive = z.number().positive();
const prob = z.number().min(0).max(1);


export const TrainConfig = z.strictObject({
  steps: int(1).default(5000),
  batch: int(1).max(65536).default(64),
  loss: z.enum(LOSSES).default('nonsaturating'),
  /** D updates per G update. */
  dSteps: int(1).max(100).default(1),
  optimizer: z.enum(['adam', 'adamw', 'sgd', 'rmsprop']).default('adam'),
  lrG: positive.default(2e-4),
  lrD: positive.default(2e-4),
  beta1: z.number().min(0).lt(1).default(0.5),
  beta2: z.number().min(0).lt(1).default(0.999),
  /** RMSprop: decay of the running mean of squared gradients (PyTorch's alpha). */
  rmsAlpha: z.number().min(0).lt(1).default(0.99),
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
  /** L2 weight decay of G's and D's parameters (PyTorch's weight_decay; AdamW: decoupled); 0 = off. */
  weightDecayG: z.number().min(0).default(0),
  weightDecayD: z.number().min(0).default(0),
  /** Train for this many passes over a finite data source (steps = epochs x max(1, floor(rows / batch))) instead of train.steps. */
  epochs: int(1).optional(),
  /** Where the training steps run (ONNX Runtime's execution provider); unset: the CLI's --device, else the CPU. A resumed run may change it. */
  device: z.enum(DEVICES).optional(),
  /** DiffAugment (docs/augment.md): policies applied in this order to every image D judges, real and generated. */
  diffAugment: z
    .array(z.enum(AUGMENT_POLICIES))
    .refine((ps) => new Set(ps).size === ps.length, 'lists a policy twice')
    .default([]),
  /** Training steps per ONNX Runtime call (an ONNX Loop); state crosses into JS once per call. */
  stepsPerRun: int(1).max(256).default(8),
  checkpointEvery: int(1).default(1000),
  sampleEvery: int(1).default(1000),
  /** Checkpoints kept (oldest deleted first). */
  keepCheckpoints: int(1).default(3),
});

export const GanConfig = z.strictObject({
  /** Free text: what this config is for. */
  description: z.string().default(''),
  seed: int(0).max(2 ** 32 - 1).default(0),
  data: DataConfig,
  model: ModelConfig,
  train: TrainConfig.default(TrainConfig.parse({})),
});

export type GanConfig = z.infer<typeof GanConfig>;
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
