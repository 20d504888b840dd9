// Our step on onnxruntime-web's WebGPU backend (SwiftShader here: for the record, not for speed).
import * as ort from 'onnxruntime-web/webgpu';
import { benchOurStep } from './our-step.js';
import { guarded } from './result.js';

void guarded(async () => {
  if (!('gpu' in navigator) || !(await (navigator as unknown as { gpu: { requestAdapter(): Promise<unknown> } }).gpu.requestAdapter())) {
    throw new Error('WebGPU: this browser gives no adapter (navigator.gpu.requestAdapter() returned null)');
  }
  return benchOurStep(ort as never, 'webgpu');
});
