// `gan eval`: the metrics that fit a run's data (see docs/metrics.md for how each is computed).
import { classifierMetrics } from '../metrics/frechet.js';
import { modeMetrics } from '../metrics/modes.js';
import { RunDir } from '../run/rundir.js';
import { generate } from './outputs.js';

export interface EvalOptions {
  count?: number;
  seed: number;
  ema: boolean;
}

export async function evaluateRun(dir: string, o: EvalOptions): Promise<Record<string, unknown>> {
  const count = o.count ?? (new RunDir(dir).readConfig().data.kind === 'mixture' ? 2500 : 10000);
  const r = await generate(dir, count, o.seed, o.ema);
  const base = { run: dir, step: r.step, data: r.cfg.data, samples: count };
  if (r.source.mixture) {
    const m = modeMetrics(r.x, r.source.mixture);
    return {
      ...base,
      modes: m.modes,
      modes_captured: m.modesCaptured,
      high_quality_fraction: m.highQualityFraction,
      reverse_kl: m.reverseKL,
      mode_histogram: m.histogram,
    };
  }
  if (r.cfg.data.kind === 'mnist' || r.cfg.data.kind === 'fashion') {
    const m = await classifierMetrics(r.cfg.data.kind, r.x, count);
    return { ...base, classifier: r.cfg.data.kind, fcd: m.fcd, class_histogram: m.classHistogram, class_entropy: m.classEntropy, mean_max_prob: m.meanMaxProb };
  }
  // Other data: per-dimension mean and standard deviation of samples and data, side by side.
  const d = r.source.shape.reduce((a, b) => a * b, 1);
  const stats = (x: Float32Array, n: number) => {
    let mean = 0;
    let sq = 0;
    for (let i = 0; i < n * d; i++) {
      mean += x[i]!;
      sq += x[i]! * x[i]!;
    }
    mean /= n * d;
    return { mean, std: Math.sqrt(Math.max(sq / (n * d) - mean * mean, 0)) };
  };
  const data = r.source.dataset!;
  return { ...base, generated: stats(r.x, count), training_data: stats(data.data, data.count) };
}
