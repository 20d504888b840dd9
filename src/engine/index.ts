// The engine's public surface: build tensors, differentiate, compile, run.
export * from './tensor.js';
export * from './shape.js';
export * from './ops/leaves.js';
export * from './ops/elementwise.js';
export * from './ops/reduce.js';
export * from './ops/shape.js';
export * from './ops/matmul.js';
export * from './ops/conv.js';
export * from './functional.js';
export { grad, topoSort } from './autodiff.js';
export { lower, programInputs, OPSET, type LowerSpec, type LoweredModel, type LeafInfo, type LoopOptions, type LowerOptions } from './onnx/lower.js';
export { Program, StateStore, setStateOnDevice, type HostTensor, type HostArray, type CompileOptions, type Feed, type DeviceValue } from './program.js';
export { DEVICES, DeviceError, defaultDevice, defaultThreads, setDefaultDevice, setDefaultThreads, setLoopForm, unrollsLoops, type Device, type LoopForm } from './device.js';
export { Rng, type RngState } from './random.js';
export { runInBatches } from './batches.js';
export { StateTrace, initState, type Initializer, type DeclaredState } from './trace.js';
