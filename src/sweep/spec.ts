// A sweep file: a base preset or config, axes of config keys (by dotted path) and seeds; expanded
// into trials, each an ordinary run. Every trial's config is validated before anything runs or is
// queued, so a bad axis is refused with nothing written.
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { int } from '../config/fields.js';
import { resolveConfig, type ConfigInput } from '../config/load.js';
import type { Override } from '../config/merge.js';
import type { GanConfig } from '../config/schema.js';
import { Rng } from '../engine/random.js';
import { InputError } from '../errors.js';

const finite = z.number().refine(Number.isFinite, 'must be a finite number');
/** An axis: the values to try, evenly spaced values of a range, or (random search) draws from an interval. */
const Axis = z.union([
  z.array(z.unknown()).min(1),
  z.strictObject({ range: z.tuple([finite, finite]), count: int(2) }),
  z.strictObject({ uniform: z.tuple([finite, finite]) }),
  z.strictObject({ logUniform: z.tuple([z.number().positive(), z.number().positive()]) }),
]);
type Axis = z.infer<typeof Axis>;

export const SweepSpec = z.strictObject({
  /** Names the sweep's folder under --runs and its queue jobs (default: the sweep file's name). */
  name: z.string().regex(/^[\w.-]+$/, 'letters, digits, ".", "_" and "-" only').optional(),
  /** The config every trial starts from: a config object, which may name a preset (`preset: ring8`). */
  base: z.record(z.string(), z.unknown()),
  /** Config keys by dotted path (e.g. train.lrG) and the values each takes. */
  axes: z.record(z.string(), Axis).default({}),
  /** grid: every combination of the axes' values; random: `trials` draws of them. */
  search: z.enum(['grid', 'random']).default('grid'),
  /** Random search: the number of draws (each run with every seed). */
  trials: int(1).max(10000).optional(),
  /** Every combination runs once with each seed (the run's seed). */
  seeds: z.array(int(0).max(2 ** 32 - 1)).min(1).default([0]),
  /** Training steps of every trial (train.steps). */
  steps: int(1).optional(),
  /** Seed of random search's draws. */
  drawSeed: int(0).default(0),
  /** What `gan sweep --report` ranks trials by: a column of metrics.jsonl, averaged over the last tenth of the steps. */
  metric: z.string().default('loss_G'),
  goal: z.enum(['min', 'max']).default('min'),
});
export type SweepSpec = z.infer<typeof SweepSpec>;

export interface Trial {
  /** t<combination>-s<seed>: the trial's run directory under the sweep's folder. */
  id: string;
  /** The axes' values of this trial, by dotted key. */
  values: Record<string, unknown>;
  seed: number;
  /** The trial's validated config (base, axes' values, seed and steps). */
  config: GanConfig;
}

export interface Sweep {
  name: string;
  spec: SweepSpec;
  trials: Trial[];
}

/** Reads and expands a sweep file (.yaml, .yml or .json). */
export function readSweep(path: string): Sweep {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new InputError(`sweep file ${path} cannot be read: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = /\.json$/i.test(path) ? JSON.parse(text) : parseYaml(text);
  } catch (e) {
    throw new InputError(`sweep file ${path} is not valid ${/\.json$/i.test(path) ? 'JSON' : 'YAML'}: ${(e as Error).message.split('\n')[0]}`);
  }
  const name = path.replace(/^.*[\\/]/, '').replace(/\.(json|ya?ml)$/i, '');
  return expandSweep(raw, path, name);
}

/** Validates a sweep and expands it into trials, each config validated. */
export function expandSweep(raw: unknown, source: string, defaultName = 'sweep'): Sweep {
  const r = SweepSpec.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw new InputError(`sweep ${source}: ${issue.path.length ? `"${issue.path.join('.')}": ` : ''}${issue.message}`);
  }
  const spec = r.data;
  const combos = spec.search === 'grid' ? gridValues(spec, source) : randomValues(spec, source);
  const trials: Trial[] = [];
  combos.forEach((values, k) => {
    for (const seed of spec.seeds) {
      const id = `t${String(k).padStart(3, '0')}-s${seed}`;
      const overrides: Override[] = Object.entries(values).map(([key, value]) => ({ path: key.split('.'), value }));
      overrides.push({ path: ['seed'], value: seed });
      if (spec.steps !== undefined) overrides.push({ path: ['train', 'steps'], value: spec.steps });
      const shown = Object.entries(values).map(([key, v]) => `${key}=${JSON.stringify(v)}`).join(', ');
      let config: GanConfig;
      try {
        config = resolveConfig(spec.base as ConfigInput, overrides, `sweep ${source}, trial ${id}${shown ? ` (${shown})` : ''}`);
      } catch (e) {
        throw new InputError((e as Error).message.replace(' with --set', ''), { cause: e });
      }
      trials.push({ id, values, seed, config });
    }
  });
  return { name: spec.name ?? defaultName, spec, trials };
}

function gridValues(spec: SweepSpec, source: string): Record<string, unknown>[] {
  let combos: Record<string, unknown>[] = [{}];
  for (const [key, axis] of Object.entries(spec.axes)) {
    const values = Array.isArray(axis) ? axis : 'range' in axis ? spaced(axis.range, axis.count) : undefined;
    if (!values) throw new InputError(`sweep ${source}: axis "${key}" draws values at random; it needs search: random`);
    combos = combos.flatMap((c) => values.map((v) => ({ ...c, [key]: v })));
  }
  return combos;
}

function spaced([lo, hi]: [number, number], count: number): number[] {
  return Array.from({ length: count }, (_, i) => lo + ((hi - lo) * i) / (count - 1));
}

function randomValues(spec: SweepSpec, source: string): Record<string, unknown>[] {
  if (spec.trials === undefined) throw new InputError(`sweep ${source}: search: random needs "trials", the number of draws`);
  const rng = new Rng(spec.drawSeed);
  const draw = (axis: Axis): unknown => {
    const u = rng.uniform();
    if (Array.isArray(axis)) return axis[Math.min(Math.floor(u * axis.length), axis.length - 1)];
    if ('range' in axis) return spaced(axis.range, axis.count)[Math.min(Math.floor(u * axis.count), axis.count - 1)];
    if ('uniform' in axis) return axis.uniform[0] + u * (axis.uniform[1] - axis.uniform[0]);
    const [lo, hi] = axis.logUniform;
    return Math.exp(Math.log(lo) + u * (Math.log(hi) - Math.log(lo)));
  };
  return Array.from({ length: spec.trials }, () => Object.fromEntries(Object.entries(spec.axes).map(([key, axis]) => [key, draw(axis)])));
}
