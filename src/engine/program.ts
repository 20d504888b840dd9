// A compiled program: one ONNX model, one ONNX Runtime session, run many times. State tensors
// (parameters, optimizer slots, running statistics) live in a StateStore outside the graph and are
// fed in and written back on every run. The ONNX Runtime build is the backend's (./runtime.ts).
import type { Tensor as OrtTensorNS } from 'onnxruntime-common';
import { lower, type LeafInfo, type LoopOptions, type LoweredModel, type LowerSpec } from './onnx/lower.js';
import { input } from './ops/leaves.js';
import { add } from './ops/elementwise.js';
import { createSession, defaultDevice, defaultThreads, unrollsLoops, type Device } from './device.js';
import { fmtShape, shapeSize, type DType, type Shape } from './tensor.js';
import { ortBackend, type OrtBackend, type OrtSession, type OrtTensor } from './runtime.js';
import { hostCopier, type DeviceValue, type HostArray } from './device-state.js';

export type { HostArray, DeviceValue } from './device-state.js';

export interface HostTensor {
  shape: number[];
  dtype: DType;
  data: HostArray;
}

const ORT_TYPE: Record<DType, OrtTensorNS.Type> = {
  float32: 'float32',
  int64: 'int64',
  int32: 'int32',
  bool: 'bool',
  uint8: 'uint8',
};

function arrayDtype(a: HostArray): DType {
  if (a instanceof Float32Array) return 'float32';
  if (a instanceof BigInt64Array) return 'int64';
  if (a instanceof Int32Array) return 'int32';
  return 'uint8';
}

function dtypeMatches(expected: DType, a: HostArray): boolean {
  const got = arrayDtype(a);
  return got === expected || (expected === 'bool' && got === 'uint8');
}

/**
 * Values of state tensors, by name. Shared by every program that uses the same parameters.
 * A program writes a state's next value into a second buffer and swaps the two, so an array from
 * get() is overwritten by later runs: copy it (snapshot) to keep it.
 */
export class StateStore {
  private values = new Map<string, HostTensor>();
  /** Values a program left on its GPU device (CompileOptions.stateOnDevice): newer than any host value of the name. */
  private onDevice = new Map<string, DeviceValue>();

  has(name: string): boolean {
    return this.values.has(name) || this.onDevice.has(name);
  }

  get(name: string): HostTensor {
    const d = this.onDevice.get(name);
    if (d) throw new Error(`state "${name}" is held on the ${d.device} device: await store.sync() before reading it on the host`);
    const v = this.values.get(name);
    if (!v) throw new Error(`state "${name}" has no value`);
    return v;
  }

  /** The value a program left on a device, if the newest value of the name is there. */
  deviceValue(name: string): DeviceValue | undefined {
    return this.onDevice.get(name);
  }

  /** Makes a device tensor the name's value (the host copy is stale until sync); frees the device value it replaces. */
  setOnDevice(name: string, value: DeviceValue): void {
    this.checkFits(name, value.shape, value.dtype);
    if (this.onDevice.get(name)?.tensor !== value.tensor) this.dropDeviceValue(name);
    this.onDevice.set(name, value);
  }

  /** A new value of a name keeps the shape and dtype of the value it has (on the host or the device). */
  private checkFits(name: string, shape: Shape, dtype: DType): void {
    const prev = this.onDevice.get(name) ?? this.values.get(name);
    if (prev && (prev.dtype !== dtype || prev.shape.join(',') !== shape.join(','))) {
      throw new Error(`state "${name}": expected ${fmtShape(prev.shape)}:${prev.dtype}, got ${fmtShape(shape)}:${dtype}`);
    }
  }

  /** Frees the name's device value, if it has one. */
  private dropDeviceValue(name: string): void {
    this.onDevice.get(name)?.tensor.dispose();
    this.onDevice.delete(name);
  }

  /** Copies device-held values (all, or the named ones) to the host and frees them on the device. */
  async sync(names?: readonly string[]): Promise<void> {
    const wanted = [...this.onDevice.entries()].filter(([n]) => !names || names.includes(n));
    const byCopier = new Map<DeviceValue['download'], [string, DeviceValue][]>();
    for (const e of wanted) byCopier.set(e[1].download, [...(byCopier.get(e[1].download) ?? []), e]);
    for (const [download, entries] of byCopier) {
      const host = await download(Object.fromEntries(entries.map(([n, v]) => [n, v.tensor])));
      for (const [n, v] of entries) {
        // A value replaced while the copy was made is newer than the copy: keep it.
        if (this.onDevice.get(n) !== v) continue;
        this.dropDeviceValue(n);
        this.values.set(n, { shape: [...v.shape], dtype: v.dtype, data: host[n]! });
      }
    }
  }

  /** A float32 value, by name. */
  floats(name: string): Float32Array {
    const v = this.get(name);
    if (!(v.data instanceof Float32Array)) throw new Error(`state "${name}" is ${v.dtype}, not float32`);
    return v.data;
  }

  /** Sets a value, checking it against the shape and dtype the name already has (if any). */
  set(name: string, data: HostArray, shape: Shape, dtype: DType = arrayDtype(data)): void {
    if (data.length !== shapeSize(shape)) {
      throw new Error(`state "${name}": ${data.length} values do not fill shape ${fmtShape(shape)}`);
    }
    this.checkFits(name, shape, dtype);
    this.values.set(name, { shape: [...shape], dtype, data });
    // A host value set now is newer than one on the device.
    this.dropDeviceValue(name);
  }

  delete(name: string): void {
    this.values.delete(name);
    this.dropDeviceValue(name);
  }

  names(): string[] {
    return [...new Set([...this.values.keys(), ...this.onDevice.keys()])];
  }

  /** A deep copy of every value (or of the named ones). */
  snapshot(names: readonly string[] = this.names()): Record<string, HostTensor> {
    const out: Record<string, HostTensor> = {};
    for (const n of names) {
      const v = this.get(n);
      out[n] = { shape: [...v.shape], dtype: v.dtype, data: v.data.slice() };
    }
    return out;
  }

  /** Replaces values from a snapshot, checking shapes against current values. */
  restore(snap: Record<string, HostTensor>): void {
    for (const [n, v] of Object.entries(snap)) this.set(n, v.data.slice(), v.shape, v.dtype);
  }
}

let stateOnDevice = true;

/** Whether programs compiled later on a GPU device keep the state they update there between runs (default true). */
export function setStateOnDevice(keep: boolean): void {
  stateOnDevice = keep;
}

export interface CompileOptions {
  /** Threads for ONNX Runtime's intra-op pool; defaults to the machine's cores. */
  threads?: number;
  /** Write the ONNX model here too (debugging). */
  saveModelTo?: string;
  /** Run the program several times per run() call, inside ONNX Runtime (see LoopOptions). */
  loop?: LoopOptions;
  /** Where ONNX Runtime runs the program; defaults to defaultDevice() (see ./device.ts). */
  device?: Device;
}

export type Feed = HostArray | number;

export class Program {
  /** Per updated state, the buffer the next run writes into (double buffering, no per-run allocation). */
  private spare = new Map<string, HostArray>();

  private constructor(
    readonly model: LoweredModel,
    private session: OrtSession,
    readonly store: StateStore,
    private readonly backend: OrtBackend,
    private readonly profiling: boolean,
    readonly device: Device,
    /** Whether the state this program updates stays on its device between runs (setStateOnDevice). */
    readonly keepsStateOnDevice: boolean,
  ) {
    this.updatedStates = new Set(model.updateOutputs.values());
    this.takesDeviceTensors = backend.deviceTensors?.includes(device) ?? false;
    this.copier = hostCopier(backend, device);
  }

  private readonly updatedStates: ReadonlySet<string>;
  /** Whether a state value held on this program's device can be fed as it is. */
  private readonly takesDeviceTensors: boolean;
  /** Copies the values this program leaves on its device to the host. */
  private readonly copier: DeviceValue['download'];

  static async compile(spec: LowerSpec, store: StateStore, opts: CompileOptions = {}): Promise<Program> {
    const device = opts.device ?? defaultDevice();
    const model = lower(spec, { loop: opts.loop, unroll: unrollsLoops(device) });
    const backend = await ortBackend();
    if (opts.saveModelTo) {
      if (!backend.saveModel) throw new Error(`saveModelTo needs a file system; ${backend.name} has none`);
      backend.saveModel(opts.saveModelTo, model.bytes);
    }
    const profile = backend.profilePrefix?.();
    const keep = stateOnDevice && (backend.deviceTensors?.includes(device) ?? false) && model.updateOutputs.size > 0;
    const session = await createSession(backend, model.bytes, device, {
      intraOpNumThreads: opts.threads ?? defaultThreads(),
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
      enableCpuMemArena: true,
      enableMemPattern: true,
      logSeverityLevel: 3,
      // TSGAN_ORT_PROFILE=prefix: a per-node timing trace (prefix_<date>.json) for finding slow operators.
      ...(profile ? { enableProfiling: true, profileFilePrefix: profile } : {}),
      // Updated state is returned in device memory, to be fed back as is (IO binding).
      ...(keep ? { preferredOutputLocation: Object.fromEntries([...model.updateOutputs.keys()].map((o) => [o, 'gpu-buffer' as const])) } : {}),
    });
    return new Program(model, session, store, backend, profile !== undefined, device, keep);
  }

  /** Starts a one-op program on the device: an InputError now, before a run writes anything, when it cannot start. */
  static async checkDevice(device: Device): Promise<void> {
    const x = input('x', [1]);
    const p = await Program.compile({ outputs: { y: add(x, 1) } }, new StateStore(), { device, threads: 1 });
    await p.release();
  }

  get inputs(): readonly LeafInfo[] {
    return this.model.inputs;
  }

  /**
   * Runs the program once: feeds inputs and current state, returns the named outputs and writes
   * updated state back into the store.
   */
  async run(feeds: Record<string, Feed> = {}): Promise<Record<string, HostTensor>> {
    const ortFeeds: Record<string, OrtTensor> = {};
    for (const leaf of this.model.inputs) {
      const f = feeds[leaf.name];
      if (f === undefined) throw new Error(`missing input "${leaf.name}" (${fmtShape(leaf.shape)}:${leaf.dtype})`);
      ortFeeds[leaf.name] = toOrt(this.backend, leaf, typeof f === 'number' ? scalarArray(leaf.dtype, f) : f, 'input');
    }
    for (const name of Object.keys(feeds)) {
      if (!this.model.inputs.some((l) => l.name === name)) {
        throw new Error(`unknown input "${name}"; the program's inputs are: ${this.model.inputs.map((l) => l.name).join(', ') || 'none'}`);
      }
    }
    for (const leaf of this.model.stateInputs) {
      if (!this.store.has(leaf.name)) throw new Error(`state "${leaf.name}" has no value; initialise it before running`);
      // A value on this device is fed as it is; one on another device comes to the host first.
      const held = this.store.deviceValue(leaf.name);
      // A state this program updates on the host (it does not keep state on the device) must be on the host too.
      const updatesOnHost = !this.keepsStateOnDevice && this.updatedStates.has(leaf.name);
      if (held && (held.device !== this.device || !this.takesDeviceTensors || updatesOnHost)) await this.store.sync([leaf.name]);
      const onDevice = this.store.deviceValue(leaf.name);
      ortFeeds[leaf.name] = onDevice ? onDevice.tensor : toOrt(this.backend, leaf, this.store.get(leaf.name).data, 'state');
    }
    const fetches: Record<string, OrtTensor | null> = {};
    const targets = new Map<string, HostArray>();
    for (const o of this.model.outputs) {
      const stateName = this.model.updateOutputs.get(o.name);
      if (stateName === undefined || !this.backend.fillsOutputBuffers || this.keepsStateOnDevice) {
        fetches[o.name] = null;
        continue;
      }
      let buf = this.spare.get(stateName);
      const current = this.store.has(stateName) ? this.store.get(stateName).data : undefined;
      if (!buf || buf === current || buf.length !== shapeSize(o.shape)) buf = allocate(o.dtype, shapeSize(o.shape));
      targets.set(o.name, buf);
      fetches[o.name] = toOrt(this.backend, o, buf, 'output');
    }
    const results = await this.session.run(ortFeeds, fetches);
    const out: Record<string, HostTensor> = {};
    for (const o of this.model.outputs) {
      const stateName = this.model.updateOutputs.get(o.name);
      if (stateName !== undefined && this.keepsStateOnDevice) {
        this.store.setOnDevice(stateName, { tensor: results[o.name]!, shape: [...o.shape], dtype: o.dtype, device: this.device, owner: this, download: this.copier });
      } else if (stateName !== undefined) {
        const previous = this.store.has(stateName) ? this.store.get(stateName).data : undefined;
        // The buffer it was given when the backend fills given buffers; else the array it returned.
        this.store.set(stateName, targets.get(o.name) ?? (results[o.name]!.data as HostArray), o.shape, o.dtype);
        if (previous && targets.has(o.name)) this.spare.set(stateName, previous);
      } else {
        out[o.name] = { shape: [...o.shape], dtype: o.dtype, data: results[o.name]!.data as HostArray };
      }
    }
    return out;
  }

  async release(): Promise<void> {
    // The device memory of the values this program left there may go with its session: copy them to the host first.
    try {
      await this.store.sync(this.store.names().filter((n) => this.store.deviceValue(n)?.owner === this));
    } finally {
      if (this.profiling) this.session.endProfiling();
      await this.session.release();
    }
  }
}

function allocate(dtype: DType, n: number): HostArray {
  switch (dtype) {
    case 'float32':
      return new Float32Array(n);
    case 'int64':
      return new BigInt64Array(n);
    case 'int32':
      return new Int32Array(n);
    default:
      return new Uint8Array(n);
  }
}

function scalarArray(dtype: DType, v: number): HostArray {
  if (dtype === 'int64') return BigInt64Array.of(BigInt(v));
  if (dtype === 'float32') return Float32Array.of(v);
  throw new Error(`cannot feed a number to a ${dtype} input`);
}

function toOrt(backend: OrtBackend, leaf: LeafInfo, data: HostArray, kind: string): OrtTensor {
  if (!dtypeMatches(leaf.dtype, data)) {
    throw new Error(`${kind} "${leaf.name}" expects ${leaf.dtype} data, got ${arrayDtype(data)}`);
  }
  if (data.length !== shapeSize(leaf.shape)) {
    throw new Error(`${kind} "${leaf.name}" expects shape ${fmtShape(leaf.shape)} (${shapeSize(leaf.shape)} values), got ${data.length} values`);
  }
  return backend.tensor(ORT_TYPE[leaf.dtype], data, leaf.shape);
}
