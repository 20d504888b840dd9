// Dot products between two sets of feature vectors, computed by ONNX Runtime (one MatMul per block
// of rows) and handed to the caller block by block: the distance- and kernel-based metrics need all
// n x m of them, which in plain JavaScript would take tens of seconds for 10,000 x 10,000 x 128.
import * as E from '../engine/index.js';

/** n feature vectors of dimension d, row-major. */
export interface FeatureSet {
  values: Float32Array;
  n: number;
  d: number;
}

export const featureSet = (values: Float32Array, n: number, d: number): FeatureSet => {
  if (values.length < n * d) throw new Error(`${values.length} values hold fewer than ${n} feature vectors of ${d}`);
  return { values, n, d };
};

/** Rows of A per ONNX Runtime call. */
const BLOCK_ROWS = 256;

/** A compiled product of up to `block` rows of A with every one of `bn` rows of B (dimension d). */
export interface GramProgram {
  /**
   * Calls visit(start, rows, dots) for consecutive blocks of A's rows, where dots [rows, b.n] holds
   * a_i . b_j for i in start .. start + rows - 1 (float32 products; rows past `rows` are padding).
   */
  blocks(a: FeatureSet, b: FeatureSet, visit: (start: number, rows: number, dots: Float32Array) => void): Promise<void>;
  release(): Promise<void>;
}

export async function compileGram(block: number, bn: number, d: number): Promise<GramProgram> {
  const x = E.input('a', [block, d]);
  const y = E.input('b', [bn, d]);
  const prog = await E.Program.compile({ outputs: { dots: E.matmul(x, E.mT(y)) } }, new E.StateStore());
  const rowsIn = new Float32Array(block * d);
  return {
    async blocks(a, b, visit) {
      if (a.d !== d || b.d !== d || b.n !== bn) throw new Error(`gram program for [*, ${d}] x [${bn}, ${d}] given [${a.n}, ${a.d}] x [${b.n}, ${b.d}]`);
      const bValues = b.values.subarray(0, bn * d);
      for (let start = 0; start < a.n; start += block) {
        const rows = Math.min(block, a.n - start);
        rowsIn.fill(0);
        rowsIn.set(a.values.subarray(start * d, (start + rows) * d));
        const r = await prog.run({ a: rowsIn, b: bValues });
        visit(start, rows, r.dots!.data as Float32Array);
      }
    },
    release: () => prog.release(),
  };
}

/** The blocks of A . B^T once, with a program of their own. */
export async function forEachGramBlock(a: FeatureSet, b: FeatureSet, visit: (start: number, rows: number, dots: Float32Array) => void): Promise<void> {
  if (a.d !== b.d) throw new Error(`feature vectors of dimension ${a.d} and ${b.d} cannot be compared`);
  const gram = await compileGram(Math.min(BLOCK_ROWS, a.n), b.n, a.d);
  try {
    await gram.blocks(a, b, visit);
  } finally {
    await gram.release();
  }
}

/** Squared norms of each vector, in float64. */
export function squaredNorms(f: FeatureSet): Float64Array {
  const out = new Float64Array(f.n);
  for (let i = 0; i < f.n; i++) {
    let s = 0;
    for (let j = 0; j < f.d; j++) s += f.values[i * f.d + j]! ** 2;
    out[i] = s;
  }
  return out;
}

/** ||a - b||^2 from the squared norms and the dot product (clamped: rounding can make it slightly negative). */
export const squaredDistance = (a2: number, b2: number, dot: number): number => Math.max(a2 + b2 - 2 * dot, 0);
