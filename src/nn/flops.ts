// Arithmetic in a program's matrix products and convolutions (2 FLOPs per multiply-add);
// elementwise work is ignored, so this is the floor a step's time is compared against
// (the benchmarks' GFLOP/s, and the model summary `gan train` prints). Products with a fixed
// matrix (a constant, or computed from constants only: resize and nearest-upsampling matrices,
// average-pooling kernels) are resampling, not the network's arithmetic, and are not counted.
import { shapeSize, topoSort, type LowerSpec, type Tensor } from '../engine/index.js';

export function countFlops(spec: LowerSpec): number {
  const roots = [...Object.values(spec.outputs), ...(spec.updates ?? []).map(([, v]) => v)];
  const fixed = new Set<Tensor>();
  let flops = 0;
  for (const t of topoSort(roots)) {
    if (t.op.name === 'constant' || (t.inputs.length > 0 && t.inputs.every((i) => fixed.has(i)))) fixed.add(t);
    const [a, b] = t.inputs;
    if (fixed.has(a!) || fixed.has(b!)) continue;
    if (t.op.name === 'matmul') {
      flops += 2 * shapeSize(t.shape) * a!.shape[a!.rank - 1]!;
    } else if (t.op.name === 'conv2d') {
      // each output element: (Cin/groups) * kh * kw multiply-adds
      flops += 2 * shapeSize(t.shape) * shapeSize(b!.shape.slice(1));
    } else if (t.op.name === 'convTranspose2d') {
      // each input element scatters into (Cout/groups) * kh * kw outputs
      flops += 2 * shapeSize(a!.shape) * shapeSize(b!.shape.slice(1));
    }
  }
  return flops;
}
