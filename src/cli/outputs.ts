// What leaves the system: samples as .npy / .png / .csv, and the generator as an ONNX model.
import { extname } from 'node:path';
import * as E from '../engine/index.js';
import { InputError } from '../errors.js';
import { writeSamplePicture } from '../gan/artifacts.js';
import { compileSampler, drawSamples } from '../gan/sampler.js';
import { emaName } from '../gan/step.js';
import { loadRun } from '../gan/trainer.js';
import { atomicWriteFile } from '../run/atomic.js';
import { formatCsv } from '../run/csv.js';
import { writeNpy } from '../run/npy.js';
import type { DataSource } from '../data/source.js';
import { sampleMixture } from '../data/mixtures.js';

/** Whether to read the moving-average weights: asked for and kept by the run. */
function useEma(store: E.StateStore, wanted: boolean): boolean {
  return wanted && store.names().some((n) => n.endsWith('/ema'));
}

/** Maps generated vectors back to the data's own scale (CSV columns were standardised). */
export function toDataScale(x: Float32Array, source: DataSource): Float32Array {
  const st = source.standardization;
  if (!st) return x;
  const d = st.mean.length;
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = x[i]! * st.std[i % d]! + st.mean[i % d]!;
  return out;
}

export async function generate(dir: string, count: number, seed: number, ema: boolean) {
  const r = await loadRun(dir);
  const sampler = await compileSampler(r.nets.G, r.nets.latentShape, Math.min(count, 500), r.store, { ema: useEma(r.store, ema) });
  const x = await drawSamples(sampler, count, new E.Rng(seed));
  await sampler.release();
  return { ...r, x };
}

export async function sampleToFile(dir: string, count: number, out: string, seed: number, ema: boolean): Promise<{ shape: number[] }> {
  const ext = extname(out).toLowerCase();
  if (!['.npy', '.png', '.csv'].includes(ext)) throw new InputError(`--out ${out}: expected a .npy, .png or .csv file`);
  const r = await generate(dir, count, seed, ema);
  const shape = [count, ...r.source.shape];
  if (ext === '.npy') {
    writeNpy(out, toDataScale(r.x, r.source), shape);
  } else if (ext === '.csv') {
    if (r.source.kind !== 'vector') {
      throw new InputError(`--out ${out}: CSV holds vector data; this run generates images of shape [${r.source.shape.join(', ')}]: write .npy or .png`);
    }
    const d = r.source.shape[0]!;
    const header = r.source.standardization?.header ?? Array.from({ length: d }, (_, i) => `x${i}`);
    atomicWriteFile(out, formatCsv(toDataScale(r.x, r.source), [count, d], header));
  } else {
    const real = r.source.mixture ? sampleMixture(r.source.mixture, new E.Rng(seed + 1), Math.min(count, 5000)) : undefined;
    writeSamplePicture(out, r.x, count, r.source, real);
  }
  return { shape };
}

export interface ExportMetadata {
  producer: string;
  latent_shape: string;
  output_shape: string;
  value_range: string;
  [key: string]: string;
}

/** The generator alone (weights baked in, eval mode, symbolic batch): input "z", output "x". */
export async function exportGenerator(dir: string, out: string, ema: boolean): Promise<ExportMetadata> {
  if (extname(out).toLowerCase() !== '.onnx') throw new InputError(`--out ${out}: expected an .onnx file`);
  const r = await loadRun(dir);
  const averaged = useEma(r.store, ema);
  const trace = new E.StateTrace(false, averaged ? emaName : undefined);
  const z = E.input('z', [1, ...r.nets.latentShape]);
  const x = r.nets.G.call(z, trace);
  const st = r.source.standardization;
  const linear = r.cfg.model.kind === 'mlp' && r.cfg.model.output === 'linear';
  const meta: ExportMetadata = {
    producer: 'tsgan 0.1.0',
    latent_shape: r.nets.latentShape.join(','),
    latent_distribution: 'standard normal',
    output_shape: r.source.shape.join(','),
    output_layout: r.source.kind === 'image' ? 'NCHW' : 'ND',
    value_range: linear ? 'unbounded' : '[-1, 1]',
    data: JSON.stringify(r.cfg.data),
    step: String(r.step),
    weights: averaged ? 'exponential moving average' : 'raw',
  };
  if (st) meta.standardization = JSON.stringify({ columns: st.header, mean: st.mean, std: st.std, note: 'data = x * std + mean' });
  const model = E.lower(
    { outputs: { x }, metadata: meta, graphName: 'generator' },
    { dynamicBatch: true, constants: (name) => (r.store.has(name) ? { data: r.store.floats(name), shape: r.store.get(name).shape } : undefined) },
  );
  if (model.stateInputs.length > 0) throw new Error(`export left state unbaked: ${model.stateInputs.map((s) => s.name).join(', ')}`);
  atomicWriteFile(out, model.bytes);
  return meta;
}
