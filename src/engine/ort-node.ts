// The one file that wires onnxruntime-node into the engine (./runtime.ts loads it in Node when no
// other backend was set). Everything Node-specific about running programs lives here.
import { writeFileSync } from 'node:fs';
import ort from 'onnxruntime-node';
import type { OrtBackend } from './runtime.js';

export const nodeBackend: OrtBackend = {
  name: 'onnxruntime-node',
  createSession: (model, options) => ort.InferenceSession.create(model, options),
  tensor: (type, data, dims) => new ort.Tensor(type, data as never, dims),
  // The CPU provider stays listed for the few host-side ops a GPU provider hands back (shape arithmetic).
  providers: (device) => (device === 'cpu' ? ['cpu'] : [device, 'cpu']),
  fillsOutputBuffers: true,
  // CUDA's device tensors are not reachable from onnxruntime-node's JavaScript API; WebGPU's are.
  deviceTensors: ['webgpu'],
  saveModel: (path, bytes) => writeFileSync(path, bytes),
  profilePrefix: () => process.env.TSGAN_ORT_PROFILE || undefined,
};
