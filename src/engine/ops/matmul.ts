// Batched matrix multiplication with NumPy broadcasting of the batch dimensions.
import { apply, fmtShape, type OpDef, Tensor } from '../tensor.js';
import { broadcastShapes } from '../shape.js';
import { mT } from './shape.js';

export const matmulOp: OpDef<Record<string, never>> = {
  name: 'matmul',
  infer: ([a, b]) => {
    if (a!.rank < 2 || b!.rank < 2) throw new Error('both operands need at least 2 dimensions');
    if (a!.dtype !== 'float32' || b!.dtype !== 'float32') throw new Error('operands must be float32');
    const [m, k] = a!.shape.slice(-2) as [number, number];
    const [k2, n] = b!.shape.slice(-2) as [number, number];
    if (k !== k2) throw new Error(`inner dimensions differ: ${fmtShape(a!.shape)} @ ${fmtShape(b!.shape)} (${k} vs ${k2})`);
    const batch = broadcastShapes(a!.shape.slice(0, -2), b!.shape.slice(0, -2));
    return { shape: [...batch, m, n], dtype: 'float32' };
  },
  // Both gradients carry the broadcast batch dimensions; grad() sums them to each operand's shape.
  grad: ({ g, inputs: [a, b], needs }) => [needs[0] ? matmul(g, mT(b!)) : undefined, needs[1] ? matmul(mT(a!), g) : undefined],
  lower: (ctx, ins) => ctx.node('MatMul', ins),
};

export const matmul = (a: Tensor, b: Tensor): Tensor => apply(matmulOp, [a, b], {});
