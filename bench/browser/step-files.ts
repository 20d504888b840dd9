// The `mlp` benchmark's training step compiled by the engine in Node, as files a page loads: the ONNX
// graph with 1 and with K steps per call (an ONNX Loop), what to feed it (manifest.json), and the
// initial state (state.bin: every state tensor's float32 values, in the manifest's order).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as E from '../../src/engine/index.js';
import { CASES, buildBenchStep } from '../run.js';

export interface StepModel {
  file: string;
  stepsPerRun: number;
  inputs: E.LeafInfo[];
  stateInputs: E.LeafInfo[];
  /** Graph output -> the state it updates. */
  updates: Record<string, string>;
  /** The outputs that are metrics (loss_D, ...). */
  metrics: string[];
}

export interface StepManifest {
  case: string;
  batch: number;
  latent: number;
  sampleSize: number;
  /** Each state tensor's place in state.bin (float32 offsets). */
  state: { name: string; shape: number[]; offset: number; length: number }[];
  models: StepModel[];
  onnxNodes: number;
}

/** Writes step-1.onnx, step-K.onnx, manifest.json and state.bin into dir. */
export function writeStepFiles(dir: string, batch: number, stepsPerRun: number): StepManifest {
  const c = CASES.find((x) => x.name === 'mlp')!;
  const { built, store } = buildBenchStep(c, batch);
  mkdirSync(dir, { recursive: true });
  const names = store.names();
  let offset = 0;
  const state = names.map((name) => {
    const v = store.get(name);
    if (v.dtype !== 'float32') throw new Error(`state "${name}" is ${v.dtype}; the page reads float32 state only`);
    const entry = { name, shape: [...v.shape], offset, length: v.data.length };
    offset += v.data.length;
    return entry;
  });
  const all = new Float32Array(offset);
  for (const s of state) all.set(store.floats(s.name), s.offset);
  writeFileSync(join(dir, 'state.bin'), new Uint8Array(all.buffer));
  let onnxNodes = 0;
  const models = [...new Set([1, stepsPerRun])].map((k) => {
    const m = E.lower(built.spec, { loop: k > 1 ? { steps: k, perStep: ['x', 'z'] } : undefined });
    const file = `step-${k}.onnx`;
    writeFileSync(join(dir, file), m.bytes);
    onnxNodes = m.nodeCount;
    const updates = Object.fromEntries(m.updateOutputs);
    return { file, stepsPerRun: k, inputs: m.inputs, stateInputs: m.stateInputs, updates, metrics: m.outputs.map((o) => o.name).filter((o) => !(o in updates)) };
  });
  const manifest: StepManifest = { case: c.name, batch, latent: c.latent ?? 100, sampleSize: c.sampleShape.reduce((a, b) => a * b, 1), state, models, onnxNodes };
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest, null, 1));
  return manifest;
}
