// Sampling programs: the generator alone, in inference mode (batch norm on its running statistics,
// unless the type samples with each batch's statistics), optionally with its moving-average weights.
import * as E from '../engine/index.js';
import { InputError } from '../errors.js';
import { translation, type Direction, type GanRecipe } from './recipe.js';
import { emaName } from './step.js';

export interface SamplerOptions {
  /** Use the exponential moving average of G's weights (the trainer keeps it when emaDecay > 0). */
  ema?: boolean;
  threads?: number;
  /** Where the program runs (default: the engine's default device). */
  device?: E.Device;
  /** Batch norm on each batch's statistics (true) or on the running ones (false); default: the type's sampler.batchStatistics. */
  batchStatistics?: boolean;
}

/** Compiles G for batches of `batch`: input "z" [batch, ...latent] (and "y" [batch] int64 labels for class-aware types), output "x". */
export async function compileSampler(recipe: GanRecipe, batch: number, store: E.StateStore, o: SamplerOptions = {}): Promise<E.Program> {
  const s = recipe.sampler;
  if (!s) throw new InputError(`a ${recipe.type} generator translates images: use translate (gan translate), not noise sampling`);
  // A type that samples with batch statistics runs G as in training; the running statistics it would update are not kept.
  const trace = new E.StateTrace(o.batchStatistics ?? s.batchStatistics ?? false, o.ema ? emaName : undefined);
  const z = E.input('z', [batch, ...s.latent]);
  const y = s.labels ? E.input('y', [batch], 'int64') : undefined;
  const x = s.sample(z, y, trace);
  return E.Program.compile({ outputs: { x } }, store, { threads: o.threads, device: o.device });
}

/** Labels 0, 1, ..., classes - 1, 0, 1, ... (or all `label`): what samples are drawn with by default. */
export function cyclingLabels(n: number, classes: number, label?: number): BigInt64Array {
  return BigInt64Array.from({ length: n }, (_, i) => BigInt(label ?? i % classes));
}

/** Draws n samples with noise from rng (and the given labels), in batches of the sampler's size. Returns [n, ...sample] values. */
export async function drawSamples(sampler: E.Program, n: number, rng: E.Rng, labels?: BigInt64Array): Promise<Float32Array> {
  const zInfo = sampler.inputs.find((i) => i.name === 'z')!;
  const needsLabels = sampler.inputs.some((i) => i.name === 'y');
  if (needsLabels && labels?.length !== n) throw new Error(`this generator draws samples of given labels: pass ${n} labels (got ${labels?.length ?? 'none'})`);
  const batch = zInfo.shape[0]!;
  const zSize = zInfo.shape.reduce((a, b) => a * b, 1);
  const z = new Float32Array(zSize);
  const y = new BigInt64Array(batch);
  let out: Float32Array | undefined;
  let per = 0;
  for (let done = 0; done < n; done += batch) {
    rng.fillNormal(z);
    const feeds: Record<string, E.Feed> = { z };
    if (needsLabels) {
      y.fill(0n);
      y.set(labels!.subarray(done, Math.min(done + batch, n)));
      feeds.y = y;
    }
    const x = (await sampler.run(feeds)).x!.data as Float32Array;
    per ||= x.length / batch;
    out ||= new Float32Array(n * per);
    out.set(x.subarray(0, Math.min(batch, n - done) * per), done * per);
  }
  return out!;
}

/** Compiles an image-to-image generator for batches of `batch`: input "x" [batch, ...input], output "y" [batch, ...output]. */
export async function compileTranslator(recipe: GanRecipe, batch: number, store: E.StateStore, o: SamplerOptions & { direction?: Direction } = {}): Promise<E.Program> {
  const t = recipe.translator;
  if (!t) throw new InputError(`a ${recipe.type} generator draws from noise; it does not translate images`);
  const translate = translation(recipe.type, t, o.direction ?? 'a2b');
  const trace = new E.StateTrace(false, o.ema ? emaName : undefined);
  const x = E.input('x', [batch, ...t.input]);
  const y = translate(x, trace);
  return E.Program.compile({ outputs: { y } }, store, { threads: o.threads, device: o.device });
}

/** Translates n images [n, ...input] in batches of the translator's size. Returns [n, ...output] values. */
export async function translateAll(translator: E.Program, x: Float32Array, n: number): Promise<Float32Array> {
  const info = translator.inputs.find((i) => i.name === 'x')!;
  const batch = info.shape[0]!;
  const per = info.shape.slice(1).reduce((a, b) => a * b, 1);
  return E.runInBatches(x, n, per, batch, async (feed) => (await translator.run({ x: feed })).y!.data as Float32Array);
}

/** Compiles D's per-sample logit for discriminator rejection sampling: input "x" [batch, ...sample], output "logit" [batch]. */
export async function compileScorer(recipe: GanRecipe, batch: number, store: E.StateStore, o: SamplerOptions = {}): Promise<E.Program> {
  const r = recipe.sampler?.rejection;
  if (!r) throw new InputError(`a ${recipe.type} run has no rejection sampling (model.rejection)`);
  const x = E.input('x', [batch, ...recipe.sampler!.output]);
  return E.Program.compile({ outputs: { logit: r.score(x, new E.StateTrace(false)) } }, store, { threads: o.threads, device: o.device });
}

export interface RejectionResult {
  x: Float32Array;
  /** The code each kept sample was drawn with, when the generator reads one. */
  labels?: BigInt64Array;
  /** Share of the generated samples kept. */
  acceptance: number;
  /** The logit above which every sample was kept. */
  threshold: number;
}

/**
 * Discriminator rejection sampling (Azadi et al. 2019): draws generated samples and keeps each with
 * probability min(1, exp(logit - c)) until n are kept; c is the `quantile` quantile of D's logits on
 * a first pool of max(n, 5,000) samples (which are then screened like the rest). For a D trained to
 * optimality with a BCE loss, logit = log p_data / p_G, and with c = the maximum the kept samples
 * follow p_data. Refuses after 200 n draws (D rejects nearly everything G makes). `codes`: a code
 * the generator reads beside z (its "y" input) of `classes` values, drawn from its uniform prior or
 * fixed at `label`.
 */
export async function drawRejected(sampler: E.Program, scorer: E.Program, n: number, rng: E.Rng, quantile: number, codes?: { classes: number; label?: number }): Promise<RejectionResult> {
  const batch = sampler.inputs.find((i) => i.name === 'z')!.shape[0]!;
  const coins = rng.fork(2);
  const draw = async (m: number) => {
    const rounded = Math.ceil(m / batch) * batch;
    // A generator that also reads a code (InfoGAN's) gets it from the code's uniform prior, cycling evenly (or the one asked for).
    const labels = codes && cyclingLabels(rounded, codes.classes, codes.label);
    const x = await drawSamples(sampler, rounded, rng, labels);
    const logit = new Float32Array(rounded);
    for (let i = 0; i < rounded; i += batch) {
      const l = (await scorer.run({ x: x.subarray((i * x.length) / rounded, ((i + batch) * x.length) / rounded) })).logit!.data as Float32Array;
      logit.set(l, i);
    }
    return { x, logit, labels, per: x.length / rounded };
  };
  const pool = await draw(Math.max(n, 5000));
  const sorted = Float32Array.from(pool.logit).sort();
  const threshold = sorted[Math.min(sorted.length - 1, Math.floor(quantile * sorted.length))]!;
  const per = pool.per;
  const out = new Float32Array(n * per);
  const outLabels = codes && new BigInt64Array(n);
  let kept = 0;
  let drawn = 0;
  let next = pool;
  for (;;) {
    for (let i = 0; i < next.logit.length && kept < n; i++) {
      drawn++;
      if (coins.uniform() < Math.exp(Math.min(0, next.logit[i]! - threshold))) {
        out.set(next.x.subarray(i * per, (i + 1) * per), kept * per);
        if (outLabels) outLabels[kept] = next.labels![i]!;
        kept++;
      }
    }
    if (kept === n) return { x: out, labels: outLabels, acceptance: kept / drawn, threshold };
    if (drawn >= 200 * n) throw new InputError(`rejection sampling kept ${kept} of ${drawn} generated samples (D rejects nearly all of them); sample without rejection, or lower model.rejectionQuantile`);
    next = await draw(Math.min(200 * n - drawn, Math.max(batch, Math.ceil((((n - kept) * drawn) / Math.max(kept, 1)) * 1.1))));
  }
}
