// Sampling programs: the generator alone, in inference mode, optionally with its moving-average weights.
import * as E from '../engine/index.js';
import type { Module } from '../nn/module.js';
import { emaName } from './step.js';

export interface SamplerOptions {
  /** Use the exponential moving average of G's weights (the trainer keeps it when emaDecay > 0). */
  ema?: boolean;
  threads?: number;
}

/** Compiles G for batches of `batch` noise vectors: input "z" [batch, ...latent], output "x". */
export async function compileSampler(G: Module, latentShape: number[], batch: number, store: E.StateStore, o: SamplerOptions = {}): Promise<E.Program> {
  const trace = new E.StateTrace(false, o.ema ? emaName : undefined);
  const z = E.input('z', [batch, ...latentShape]);
  const x = G.call(z, trace);
  return E.Program.compile({ outputs: { x } }, store, { threads: o.threads });
}

/** Draws n samples with noise from rng, in batches of the sampler's size. Returns [n, ...sample] values. */
export async function drawSamples(sampler: E.Program, n: number, rng: E.Rng): Promise<Float32Array> {
  const zInfo = sampler.inputs.find((i) => i.name === 'z')!;
  const batch = zInfo.shape[0]!;
  const zSize = zInfo.shape.reduce((a, b) => a * b, 1);
  const z = new Float32Array(zSize);
  let out: Float32Array | undefined;
  let per = 0;
  for (let done = 0; done < n; done += batch) {
    rng.fillNormal(z);
    const x = (await sampler.run({ z })).x!.data as Float32Array;
    per ||= x.length / batch;
    out ||= new Float32Array(n * per);
    out.set(x.subarray(0, Math.min(batch, n - done) * per), done * per);
  }
  return out!;
}
