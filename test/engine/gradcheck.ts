// Gradient checking against central finite differences, run through the real engine (ORT).
import {
  constant,
  grad,
  input,
  mul,
  Program,
  reduceSum,
  Rng,
  StateStore,
  topoSort,
  type Shape,
  type Tensor,
  shapeSize,
} from '../../src/engine/index.js';

export interface InputSpec {
  shape: Shape;
  /** Values for this input; default standard normal. */
  gen?: (rng: Rng, n: number) => Float32Array;
}

export interface GradCheckOptions {
  seed?: number;
  eps?: number;
  rtol?: number;
  atol?: number;
  directions?: number;
}

/** Every op name that appeared in a gradient-checked graph (forward or backward). */
export const coveredOps = new Set<string>();

export interface GradCheckResult {
  maxError: number;
  checks: { fd: number; analytic: number }[];
}

/**
 * Checks d/dx sum(f(x) * R) for a fixed random R against central differences (with Richardson
 * extrapolation) along random directions, perturbing all inputs at once. Throws on a mismatch.
 */
export async function gradCheck(
  build: (...xs: Tensor[]) => Tensor,
  specs: readonly InputSpec[],
  o: GradCheckOptions = {},
): Promise<GradCheckResult> {
  const rng = new Rng(o.seed ?? 1);
  const eps = o.eps ?? 1e-2;
  const rtol = o.rtol ?? 2e-3;
  const atol = o.atol ?? 2e-3;
  const xs = specs.map((s, i) => input(`x${i}`, s.shape));
  const out = build(...xs);
  const R = constant(rng.normal(out.size), out.shape);
  const L = reduceSum(mul(out, R));
  const gs = grad(L, xs);
  for (const t of topoSort([L, ...gs])) coveredOps.add(t.op.name);
  const outputs: Record<string, Tensor> = { L };
  gs.forEach((g, i) => (outputs[`g${i}`] = g));
  const prog = await Program.compile({ outputs }, new StateStore(), { threads: 1 });
  const values = specs.map((s) => (s.gen ? s.gen(rng, shapeSize(s.shape)) : rng.normal(shapeSize(s.shape))));
  // Inputs the result does not depend on are not program inputs at all.
  const used = new Set(prog.inputs.map((l) => l.name));
  const feed = (vals: Float32Array[]) => Object.fromEntries(vals.map((v, i) => [`x${i}`, v]).filter(([n]) => used.has(n as string)));
  const base = await prog.run(feed(values));
  const result: GradCheckResult = { maxError: 0, checks: [] };
  for (let k = 0; k < (o.directions ?? 3); k++) {
    const dirs = values.map((v) => rng.normal(v.length));
    const at = async (step: number) =>
      (await prog.run(feed(values.map((v, i) => v.map((x, j) => x + step * dirs[i]![j]!))))).L!.data[0] as number;
    const central = async (h: number) => ((await at(h)) - (await at(-h))) / (2 * h);
    // Richardson extrapolation cancels the O(eps^2) truncation error of the central difference.
    const fd = (4 * (await central(eps / 2)) - (await central(eps))) / 3;
    let analytic = 0;
    dirs.forEach((d, i) => {
      const g = base[`g${i}`]!.data as Float32Array;
      for (let j = 0; j < d.length; j++) analytic += g[j]! * d[j]!;
    });
    const err = Math.abs(fd - analytic);
    result.checks.push({ fd, analytic });
    result.maxError = Math.max(result.maxError, err / (atol + rtol * Math.max(Math.abs(fd), Math.abs(analytic))));
    if (err > atol + rtol * Math.max(Math.abs(fd), Math.abs(analytic))) {
      await prog.release();
      throw new Error(`gradient mismatch: finite difference ${fd}, analytic ${analytic} (|diff| ${err}, eps ${eps})`);
    }
  }
  await prog.release();
  return result;
}

/** Values bounded away from zero (for log, sqrt, division, abs and kinks). */
export const positive = (lo = 0.5, hi = 2) => (rng: Rng, n: number) => rng.fillUniform(new Float32Array(n), lo, hi);
/** Values of either sign, bounded away from zero. */
export const awayFromZero = (lo = 0.3, hi = 2) => (rng: Rng, n: number) =>
  Float32Array.from({ length: n }, () => (rng.uniform() < 0.5 ? -1 : 1) * (lo + (hi - lo) * rng.uniform()));
/** Distinct values (no ties), shuffled: for max/min-style ops. */
export const distinct = (rng: Rng, n: number) => {
  const p = rng.permutation(n);
  return Float32Array.from(p, (v) => (v - n / 2) * 0.5 + 0.1);
};
