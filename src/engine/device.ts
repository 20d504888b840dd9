// Where ONNX Runtime runs a program: the CPU, or a GPU through one of its execution providers.
// onnxruntime-node's Linux x64 build carries the WebGPU provider (Dawn over Vulkan); the CUDA
// provider is a separate download its install script makes on request. A device that cannot
// start is an error naming what is missing: never a silent fallback to the CPU. Which ONNX Runtime
// build runs the session is the backend's (./runtime.ts): onnxruntime-node in Node, onnxruntime-web in a page.
import type { OrtBackend, OrtSession, OrtSessionOptions } from './runtime.js';

/** A device that cannot start, or an unknown one: the user's to fix (the CLI reports it as one line, exit code 2). */
export class DeviceError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DeviceError';
  }
}

export const DEVICES = ['cpu', 'webgpu', 'cuda'] as const;
export type Device = (typeof DEVICES)[number];

let current: Device = 'cpu';

/** The device programs compile for when their options name none (the CLI's --device sets it). */
export function defaultDevice(): Device {
  return current;
}

export function setDefaultDevice(device: Device): void {
  if (!DEVICES.includes(device)) throw new DeviceError(`unknown device "${String(device)}"; expected one of ${DEVICES.join(', ')}`);
  current = device;
}

let threads = 0;

/** ONNX Runtime's intra-op threads for programs whose options name none; 0: one per core. */
export function defaultThreads(): number {
  return threads;
}

/** Sets defaultThreads() (sweeps run single-threaded trials side by side). */
export function setDefaultThreads(n: number): void {
  if (!Number.isInteger(n) || n < 0) throw new DeviceError(`threads must be a whole number >= 0, got ${n}`);
  threads = n;
}

/** How a program's K steps per call are written: an ONNX Loop, or unrolled (LowerOptions.unroll). */
export type LoopForm = 'auto' | 'loop' | 'unrolled';

let loopForm: LoopForm = 'auto';

/** Sets how programs compiled later write their steps ('auto': unrolled on WebGPU, a Loop elsewhere). */
export function setLoopForm(form: LoopForm): void {
  loopForm = form;
}

/**
 * Whether a program on this device writes its K steps out instead of using ONNX Loop. The WebGPU
 * provider has no Loop kernel, so Loop runs on the CPU provider and its carried state crosses to the
 * host and back at every step; the CPU and CUDA providers run Loop themselves, and a Loop keeps the
 * model K times smaller.
 */
export function unrollsLoops(device: Device): boolean {
  return loopForm === 'auto' ? device === 'webgpu' : loopForm === 'unrolled';
}

/** What to do when a device does not start, by device. */
const HOW_TO_GET: Record<Exclude<Device, 'cpu'>, string> = {
  webgpu:
    'it needs a GPU with a Vulkan driver (Linux), D3D12 (Windows) or Metal (macOS); without a GPU, a software Vulkan device works: ' +
    'install Debian\'s chromium package and set VK_ICD_FILENAMES to its vk_swiftshader_icd.json (dpkg -L chromium-common | grep swiftshader_icd)',
  cuda:
    'it needs an NVIDIA GPU with CUDA 12 and onnxruntime-node\'s CUDA provider, which its install script downloads when asked: ' +
    'npm install onnxruntime-node --onnxruntime-node-install=cuda12 (docs/scale.md)',
};

/** An ONNX Runtime session on a device, or a DeviceError saying why the device cannot run it. */
export async function createSession(backend: OrtBackend, model: Uint8Array, device: Device, options: OrtSessionOptions): Promise<OrtSession> {
  const executionProviders = backend.providers(device);
  if (!executionProviders) throw new DeviceError(`device "${device}" is not available with ${backend.name}`);
  if (device === 'cpu') return backend.createSession(model, { ...options, executionProviders });
  try {
    return await backend.createSession(model, { ...options, executionProviders });
  } catch (e) {
    // ONNX Runtime prefixes its reason with the source location and the failed check.
    const reason = (e as Error).message.trim().replace(/^\/onnxruntime_src\/\S+ .*? was false\. /s, '');
    throw new DeviceError(`device "${device}" cannot start: ${reason}; ${HOW_TO_GET[device]}`, { cause: e });
  }
}
