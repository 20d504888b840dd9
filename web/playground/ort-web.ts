// The engine's ONNX Runtime in a page: onnxruntime-web (wasm, multi-threaded when the page is
// cross-origin isolated; WebGPU where the browser has it). Its wasm binary and loader are files of
// this build (Vite's ?url imports copy them from node_modules/onnxruntime-web/dist): nothing is
// fetched from a CDN.
import * as ort from 'onnxruntime-web';
import wasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.jsep.wasm?url';
import mjsUrl from 'onnxruntime-web/ort-wasm-simd-threaded.jsep.mjs?url';
import type { OrtBackend } from '../../src/engine/runtime.js';

/** onnxruntime-web as the engine's backend: the engine's "cpu" device is wasm here. */
export function webBackend(threads: number): OrtBackend {
  ort.env.wasm.wasmPaths = { wasm: wasmUrl, mjs: mjsUrl };
  // More than one thread needs SharedArrayBuffer, which only a cross-origin isolated page has.
  ort.env.wasm.numThreads = globalThis.crossOriginIsolated ? threads : 1;
  ort.env.logLevel = 'error';
  return {
    name: 'onnxruntime-web',
    createSession: (model, options) => ort.InferenceSession.create(model, options),
    tensor: (type, data, dims) => new ort.Tensor(type, data as never, dims),
    fillsOutputBuffers: false,
    providers: (device) => (device === 'cpu' ? ['wasm'] : device === 'webgpu' ? ['webgpu', 'wasm'] : undefined),
  };
}

/** Threads onnxruntime-web really uses (1 when the page is not cross-origin isolated). */
export const wasmThreads = () => ort.env.wasm.numThreads ?? 1;
