// Which ONNX Runtime runs compiled programs. The engine itself imports none: Node's runtime
// (onnxruntime-node) is wired by ./ort-node.ts, loaded on first use when no other was set; a page
// sets onnxruntime-web's with setOrtBackend before compiling, so browser bundles never see Node's.
import type { InferenceSession, Tensor } from 'onnxruntime-common';

export type OrtTensor = Tensor;
export type OrtSession = InferenceSession;
export type OrtSessionOptions = InferenceSession.SessionOptions;

/** What the engine needs of an ONNX Runtime build (onnxruntime-node's and onnxruntime-web's share this API). */
export interface OrtBackend {
  /** For messages: "onnxruntime-node", "onnxruntime-web". */
  name: string;
  createSession(model: Uint8Array, options: OrtSessionOptions): Promise<OrtSession>;
  tensor(type: Tensor.Type, data: Tensor.DataType, dims: readonly number[]): OrtTensor;
  /** The execution providers, in order of preference, that run a program on a device (./device.ts; undefined: not available here). */
  providers(device: string): string[] | undefined;
  /**
   * Whether a run writes outputs into the tensors given as fetches (onnxruntime-node does; onnxruntime-web's
   * wasm backend leaves CPU fetches unwritten and returns its own), so state is double-buffered without copies.
   */
  fillsOutputBuffers: boolean;
  /** The devices whose outputs can stay in device memory and be fed back ('gpu-buffer' tensors; see ./device-state.ts). */
  deviceTensors?: readonly string[];
  /** Writes a compiled model to a file (CompileOptions.saveModelTo): Node only. */
  saveModel?(path: string, bytes: Uint8Array): void;
  /** Profiling (TSGAN_ORT_PROFILE): the trace file prefix, when the environment asks for one. */
  profilePrefix?(): string | undefined;
}

let backend: OrtBackend | undefined;

/** Sets the runtime every later compile uses (a page passes onnxruntime-web's; see web/playground/ort-web.ts). */
export function setOrtBackend(b: OrtBackend): void {
  backend = b;
}

// A variable, so bundlers leave this Node-only import alone; it is reached only when no backend was set.
const NODE_BACKEND = './ort-node.js';

/** The runtime programs compile with: the one set, else (in Node) onnxruntime-node. */
export async function ortBackend(): Promise<OrtBackend> {
  if (backend) return backend;
  const inNode = typeof (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node === 'string';
  if (!inNode) throw new Error('no ONNX Runtime backend: call setOrtBackend() with onnxruntime-web\'s before compiling a program');
  backend = ((await import(/* @vite-ignore */ NODE_BACKEND)) as { nodeBackend: OrtBackend }).nodeBackend;
  return backend;
}
