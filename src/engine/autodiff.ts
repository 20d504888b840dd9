// Reverse-mode automatic differentiation as a graph-to-graph transformation: the gradients it
// returns are ordinary tensors built from ordinary ops, so they can be differentiated again.
import { GraphBuildError, fmtShape, type Tensor } from './tensor.js';
import { add } from './ops/elementwise.js';
import { sumToShape } from './ops/reduce.js';
import { ones, zerosLike } from './ops/shape.js';
import { broadcastsTo, sameShape } from './shape.js';

/** All tensors reachable from `roots`, inputs before the tensors that use them. */
export function topoSort(roots: readonly Tensor[]): Tensor[] {
  const order: Tensor[] = [];
  const seen = new Set<number>();
  // Iterative DFS: graphs of gradient-of-gradient programs get deep enough to overflow recursion.
  const stack: [Tensor, number][] = [];
  for (const r of roots) {
    if (seen.has(r.id)) continue;
    seen.add(r.id);
    stack.push([r, 0]);
    while (stack.length) {
      const top = stack[stack.length - 1]!;
      const [t, i] = top;
      if (i < t.inputs.length) {
        top[1]++;
        const child = t.inputs[i]!;
        if (!seen.has(child.id)) {
          seen.add(child.id);
          stack.push([child, 0]);
        }
      } else {
        stack.pop();
        order.push(t);
      }
    }
  }
  return order;
}

/**
 * A gradient rule's result for `input`, summed down to the input's shape. Rules may return the
 * gradient in any shape the input broadcasts to (for broadcasting ops, the output's), so
 * broadcasting is undone here, once, instead of in every rule (as tinygrad does).
 */
function toInputShape(g: Tensor, input: Tensor, opName: string): Tensor {
  if (sameShape(g.shape, input.shape)) return g;
  if (!broadcastsTo(input.shape, g.shape)) {
    throw new GraphBuildError(`grad: ${opName} produced a gradient of shape ${fmtShape(g.shape)} for an input of shape ${fmtShape(input.shape)}`);
  }
  return sumToShape(g, input.shape);
}

/**
 * Gradients of `y` with respect to each tensor in `wrt`. `y` must be a scalar unless `seed`
 * (dL/dy, same shape as y) is given. Tensors y does not depend on get zero gradients.
 */
export function grad(y: Tensor, wrt: readonly Tensor[], seed?: Tensor): Tensor[] {
  if (!seed && y.size !== 1) {
    throw new GraphBuildError(`grad: y must be a scalar, got shape ${fmtShape(y.shape)}; pass a seed gradient for non-scalar outputs`);
  }
  if (seed && !sameShape(seed.shape, y.shape)) {
    throw new GraphBuildError(`grad: seed shape ${fmtShape(seed.shape)} differs from y shape ${fmtShape(y.shape)}`);
  }
  const targets = new Set(wrt.map((t) => t.id));
  const order = topoSort([y]);
  // A node needs a gradient when some target is upstream of it (or it is a target).
  const needs = new Set<number>();
  for (const t of order) {
    if (targets.has(t.id) || t.inputs.some((i) => needs.has(i.id))) needs.add(t.id);
  }
  const grads = new Map<number, Tensor>();
  grads.set(y.id, seed ?? ones(y.shape));
  for (let k = order.length - 1; k >= 0; k--) {
    const t = order[k]!;
    const g = grads.get(t.id);
    if (!g || !t.op.grad || !t.inputs.some((i) => needs.has(i.id))) continue;
    const inputNeeds = t.inputs.map((i) => needs.has(i.id));
    const gs = t.op.grad({ g, out: t, inputs: t.inputs, attrs: t.attrs, needs: inputNeeds });
    t.inputs.forEach((inp, i) => {
      const rule = gs[i];
      if (!rule || !inputNeeds[i]) return;
      const gi = toInputShape(rule, inp, t.op.name);
      const prev = grads.get(inp.id);
      grads.set(inp.id, prev ? add(prev, gi) : gi);
    });
  }
  return wrt.map((w) => grads.get(w.id) ?? zerosLike(w));
}
