// Exporting a generator as ONNX bytes (what `gan export` writes), without Node: a page exports the
// generator it trains with the same function.
import * as E from '../engine/index.js';
import type { DataSource } from '../data/types.js';
import { translation, type Direction, type GanRecipe } from './recipe.js';
import { emaName } from './step.js';

/** Whether to read the moving-average weights: asked for and kept by the run. */
export function useEma(store: E.StateStore, wanted: boolean): boolean {
  return wanted && store.names().some((n) => n.endsWith('/ema'));
}

export interface ExportMetadata {
  producer: string;
  latent_shape: string;
  output_shape: string;
  value_range: string;
  [key: string]: string;
}

/** For image generators, the sample's channels and size beside output_shape: image_channels "3", image_size "64x64" (height x width). */
function imageShape(kind: string, output: number[]): Record<string, string> {
  if (kind !== 'image') return {};
  const [c, h, w] = output;
  return { image_channels: String(c), image_size: `${h}x${w}` };
}

/** What an export reads of a run (a loaded run directory, or a page's training session). */
export interface ExportSource {
  cfg: { data: unknown };
  recipe: GanRecipe;
  store: E.StateStore;
  step: number;
  source: Pick<DataSource, 'kind' | 'standardization' | 'dataset'>;
}

/**
 * The generator alone as ONNX bytes (weights baked in, eval mode, symbolic batch): input "z" (and
 * "y" labels for class-aware types), output "x"; or, for image-to-image types, "x" -> "y".
 */
export function generatorOnnx(r: ExportSource, ema: boolean, direction: Direction, version: string): { bytes: Uint8Array; meta: ExportMetadata } {
  const averaged = useEma(r.store, ema);
  const trace = new E.StateTrace(false, averaged ? emaName : undefined);
  const type = r.recipe.type;
  const common = { data: JSON.stringify(r.cfg.data), step: String(r.step), weights: averaged ? 'exponential moving average' : 'raw' };
  const t = r.recipe.translator;
  if (t) {
    const y = translation(type, t, direction)(E.input('x', [1, ...t.input]), trace);
    const meta: ExportMetadata = {
      producer: `tsgan ${version}`,
      gan_type: type,
      direction,
      latent_shape: '',
      input_shape: t.input.join(','),
      output_shape: t.output.join(','),
      io: 'x: float32 [batch, ...input_shape] -> y: float32 [batch, ...output_shape], NCHW',
      value_range: '[-1, 1]',
      ...common,
    };
    return { bytes: bakedOnnx({ y }, meta, r.store, version), meta };
  }
  const s = r.recipe.sampler!;
  const z = E.input('z', [1, ...s.latent]);
  const labels = s.labels;
  const x = s.sample(z, labels ? E.input('y', [1], 'int64') : undefined, trace);
  const st = r.source.standardization;
  const meta: ExportMetadata = {
    producer: `tsgan ${version}`,
    latent_shape: s.latent.join(','),
    latent_distribution: 'standard normal',
    gan_type: type,
    output_shape: s.output.join(','),
    output_layout: r.source.kind === 'image' ? 'NCHW' : 'ND',
    ...imageShape(r.source.kind, s.output),
    value_range: s.range,
    ...common,
    ...s.metadata,
  };
  if (labels) {
    meta.label_input = `y: int64 [batch], 0..${labels.classes - 1} (${labels.meaning === 'code' ? 'the categorical code' : 'the class'})`;
    const names = r.source.dataset?.classNames;
    if (names && labels.meaning === 'class') meta.class_names = JSON.stringify(names);
  }
  if (st) meta.standardization = JSON.stringify({ columns: st.header, mean: st.mean, std: st.std, note: 'data = x * std + mean' });
  if (s.batchStatistics) meta.batch_norm = `running statistics: rows do not depend on their batch (tsgan's own sampling of a ${type} run normalises each batch of train.batch rows with its own statistics, as the authors' code does)`;
  if (s.rejection) meta.rejection = 'the run samples with discriminator rejection (model.rejection "drs"); this model is G alone and keeps every sample';
  return { bytes: bakedOnnx({ x }, meta, r.store, version), meta };
}

/** Lowers an inference graph with the store's weights baked in and a symbolic batch. */
export function bakedOnnx(outputs: Record<string, E.Tensor>, meta: Record<string, string>, store: E.StateStore, version: string, graphName = 'generator'): Uint8Array {
  const model = E.lower(
    { outputs, metadata: meta, graphName },
    { dynamicBatch: true, producerVersion: version, constants: (name) => (store.has(name) ? { data: store.floats(name), shape: store.get(name).shape } : undefined) },
  );
  if (model.stateInputs.length > 0) throw new Error(`export left state unbaked: ${model.stateInputs.map((s) => s.name).join(', ')}`);
  return model.bytes;
}

