// Spectral normalisation (Miyato et al. 2018): divide a weight by an estimate of its largest
// singular value, refined by one power iteration per training call. The left singular vector u
// persists between steps as a buffer; u and v are treated as constants for the gradient.
import * as E from '../engine/index.js';
import type { Tensor } from '../engine/index.js';
import type { Ctx } from './module.js';

function normalize(v: Tensor, eps = 1e-12): Tensor {
  return E.div(v, E.add(E.sqrt(E.reduceSum(E.mul(v, v))), eps));
}

/** W: [out, in] (a weight flattened to 2-D), u: [out]. Returns W / sigma(W); in training, writes the new u. */
export function spectralNormalize(w: Tensor, u: Tensor, ctx: Ctx, writeU: (u: Tensor) => void): Tensor {
  const wc = E.stopGradient(w);
  let uu = u;
  if (ctx.training) {
    const v = normalize(E.reshape(E.matmul(E.reshape(uu, [1, -1]), wc), [-1])); // W^T u
    uu = normalize(E.reshape(E.matmul(wc, E.reshape(v, [-1, 1])), [-1])); // W v
    writeU(uu);
  }
  const v = E.stopGradient(normalize(E.reshape(E.matmul(E.reshape(uu, [1, -1]), wc), [-1])));
  const sigma = E.reduceSum(E.mul(E.stopGradient(uu), E.reshape(E.matmul(w, E.reshape(v, [-1, 1])), [-1])));
  return E.div(w, sigma);
}
