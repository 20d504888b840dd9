// Run directories written as the trainer writes them (config.json resolved from a preset,
// metrics.jsonl rows with the trainer's columns, samples/step-*.png, checkpoints/ names), without
// training: for dashboard tests and the studio's figures. The values are a seeded random walk
// around what a ring8 run logs.
import { mkdirSync, writeFileSync } from 'node:fs';

import { resolveConfig } from '../../src/config/load.js';
import { Rng } from '../../src/engine/index.js';
import { RunDir } from '../../src/run/rundir.js';
import { scatterPlot, writePng } from '../../src/run/png.js';

/** One metrics row as the trainer writes it: step, the step metrics, learning rates, time. */
export function metricsRow(step: number, rng: Rng, time: number): string {
  const [a, b, c, d, e, f] = rng.normal(6);
  return JSON.stringify({
    step,
    loss_D: 1.35 + 0.05 * a!,
    loss_G: 0.72 + 0.05 * b!,
    d_real: 0.52 + 0.02 * c!,
    d_fake: 0.48 + 0.02 * d!,
    grad_norm_D: 0.15 + 0.03 * Math.abs(e!),
    grad_norm_G: 0.2 + 0.05 * Math.abs(f!),
    lr_G: 5e-4,
    lr_D: 5e-4,
    time,
  });
}

/** Rows `from` .. `to` (inclusive), 32 a call, one call every 0.5 s from `t0`. */
export function metricsLines(from: number, to: number, seed = 0, t0 = 1.7e9): string {
  const rng = new Rng(seed);
  const lines: string[] = [];
  for (let s = from; s <= to; s++) lines.push(metricsRow(s, rng, t0 + 0.5 * Math.ceil(s / 32)));
  return lines.length ? `${lines.join('\n')}\n` : '';
}

/** A finished (or, with total > steps, stopped) ring8 run of `steps` logged steps in `dir`. */
export function writeSyntheticRun(dir: string, o: { steps: number; total?: number; samplesEvery?: number; seed?: number }): RunDir {
  const run = new RunDir(dir);
  const cfg = resolveConfig({ preset: 'ring8', train: { steps: o.total ?? o.steps } });
  run.writeConfig(cfg);
  writeFileSync(run.metricsPath, metricsLines(1, o.steps, o.seed ?? 0));
  mkdirSync(run.checkpointDir, { recursive: true });
  writeFileSync(run.checkpointPath(o.steps), 'not a real checkpoint: the dashboard lists checkpoints by name');
  const every = o.samplesEvery ?? o.steps;
  const rng = new Rng(o.seed ?? 0);
  for (let s = every; s <= o.steps; s += every) {
    const spread = 1 / Math.sqrt(s);
    const pts = new Float32Array(400).map((_, i) => Math.cos((i >> 1) * 0.7 + (i & 1) * Math.PI / 2) + spread * rng.normal(1)[0]!);
    writePng(run.samplePath(s), scatterPlot(pts, { size: 128 }));
  }
  return run;
}

