// State kept in GPU memory between runs. A program on a GPU device can leave the state it updates
// on the device (ONNX Runtime's 'gpu-buffer' output location) and take it back as the next run's
// input, so parameters and optimizer moments do not cross to the host on every call. Reading them
// on the host (a checkpoint, a program on another device) first copies them back: a small Identity
// program per dtype and rank, run on the device with its output on the host.
import type { DType } from './tensor.js';
import { createSession, type Device } from './device.js';
import { writeModel, type OnnxDType } from './onnx/proto.js';
import type { OrtBackend, OrtSession, OrtTensor } from './runtime.js';

export type HostArray = Float32Array | BigInt64Array | Int32Array | Uint8Array;

/** A state value held on a GPU device between runs (an ONNX Runtime tensor in device memory). */
export interface DeviceValue {
  tensor: OrtTensor;
  shape: number[];
  dtype: DType;
  device: Device;
  /** The program that left it there: it copies its values to the host before it is released. */
  owner: object;
  /** Copies device tensors to host arrays, by name. */
  download: (tensors: Record<string, OrtTensor>) => Promise<Record<string, HostArray>>;
}

/** An Identity model whose input takes any shape of one dtype and rank. */
function identityModel(dtype: DType, rank: number): Uint8Array {
  const shape = Array.from({ length: rank }, (_, i) => `d${i}`);
  return writeModel(
    {
      name: 'to_host',
      nodes: [{ opType: 'Identity', inputs: ['x'], outputs: ['y'], attrs: {} }],
      initializers: [],
      inputs: [{ name: 'x', dtype: dtype as OnnxDType, shape }],
      outputs: [{ name: 'y', dtype: dtype as OnnxDType, shape }],
    },
    {},
  );
}

const downloaders = new Map<string, (tensors: Record<string, OrtTensor>) => Promise<Record<string, HostArray>>>();

/** The download function for a backend's device: one Identity session per dtype and rank, made on first use. */
export function hostCopier(backend: OrtBackend, device: Device): DeviceValue['download'] {
  const key = `${backend.name}/${device}`;
  let f = downloaders.get(key);
  if (f) return f;
  const sessions = new Map<string, Promise<OrtSession>>();
  f = async (tensors) => {
    const out: Record<string, HostArray> = {};
    for (const [name, t] of Object.entries(tensors)) {
      const sig = `${t.type}/${t.dims.length}`;
      if (!sessions.has(sig)) {
        const made = createSession(backend, identityModel(t.type as DType, t.dims.length), device, { intraOpNumThreads: 1, logSeverityLevel: 3 });
        // A session that failed to start is not kept: the next sync tries again.
        made.catch(() => sessions.delete(sig));
        sessions.set(sig, made);
      }
      const r = await (await sessions.get(sig)!).run({ x: t });
      out[name] = r.y!.data as HostArray;
    }
    return out;
  };
  downloaders.set(key, f);
  return f;
}
