// A one-dimensional variational Bayesian Gaussian mixture with a Dirichlet-process (stick-breaking)
// prior on its weights: the model CTGAN fits to every continuous column (sklearn's
// BayesianGaussianMixture(n_components=10, weight_concentration_prior_type='dirichlet_process',
// weight_concentration_prior=0.001, n_init=1), covariance 'full', which in 1-D is one variance).
// The same priors, k-means start, updates, lower bound and stopping rule as sklearn's, written for
// one feature. Two differences, both for speed and numerical range: the values are standardised
// before fitting (so reg_covar = 1e-6 is relative to the column's variance, and datetimes in ms
// fit as well as small numbers), and columns longer than `maxRows` are fitted on a seeded subsample.
import { Rng } from '../engine/random.js';
import { betaln, digamma, gammaln } from './special.js';

export interface MixtureOptions {
  seed: number;
  /** Upper bound on the number of modes (sklearn's n_components). */
  components?: number;
  /** The Dirichlet process's concentration (weight_concentration_prior): small -> few modes. */
  concentration?: number;
  maxIter?: number;
  /** Stop when the lower bound changes by less than this (sklearn: on the bound's total over rows). */
  tol?: number;
  regCovar?: number;
  /** Fit on a seeded subsample of this many values when the column is longer. */
  maxRows?: number;
}

export const MIXTURE_DEFAULTS = { components: 10, concentration: 1e-3, maxIter: 100, tol: 1e-3, regCovar: 1e-6, maxRows: 10_000 };

/** The fitted variational posterior, in standardised units (value = shift + scale * z). */
export interface MixtureState {
  shift: number;
  scale: number;
  /** The stick-breaking Beta posteriors (sklearn's weight_concentration_). */
  alpha: number[];
  beta: number[];
  meanPrecision: number[];
  means: number[];
  dof: number[];
  /** Expected variances (sklearn's covariances_, the Wishart scale over its degrees of freedom). */
  variances: number[];
  iterations: number;
  converged: boolean;
  fitRows: number;
}

const LOG_2PI = Math.log(2 * Math.PI);
const EPS10 = 10 * 2.220446049250313e-16;

export class BayesianMixture {
  /** Per component: the constant part of its log posterior weight and density, and its precision's root (for the E-step). */
  readonly logConst: Float64Array;
  readonly precisionRoot: Float64Array;

  constructor(readonly state: MixtureState) {
    const K = state.means.length;
    const logWeights = expectedLogWeights(state.alpha, state.beta);
    this.logConst = new Float64Array(K);
    this.precisionRoot = new Float64Array(K);
    for (let k = 0; k < K; k++) {
      const pc = 1 / Math.sqrt(state.variances[k]!);
      this.precisionRoot[k] = pc;
      const nu = state.dof[k]!;
      this.logConst[k] =
        logWeights[k]! +
        Math.log(pc) -
        0.5 * LOG_2PI -
        0.5 * Math.log(nu) +
        0.5 * (Math.LN2 + digamma(0.5 * nu) - 1 / state.meanPrecision[k]!);
    }
  }

  get components(): number {
    return this.state.means.length;
  }

  /** The expected mixture weights (sklearn's weights_). */
  get weights(): number[] {
    const { alpha, beta } = this.state;
    const w: number[] = [];
    let rest = 1;
    for (let k = 0; k < alpha.length; k++) {
      const sum = alpha[k]! + beta[k]!;
      w.push((alpha[k]! / sum) * rest);
      rest *= beta[k]! / sum;
    }
    const total = w.reduce((a, b) => a + b, 0);
    return w.map((v) => v / total);
  }

  /** Component means in the column's units. */
  get means(): number[] {
    return this.state.means.map((m) => this.state.shift + this.state.scale * m);
  }

  /** Component standard deviations in the column's units. */
  get sds(): number[] {
    return this.state.variances.map((v) => this.state.scale * Math.sqrt(v));
  }

  /** The posterior probability of each component for a value (sklearn's predict_proba), into `out`. */
  posterior(value: number, out: Float64Array): Float64Array {
    this.posteriorStandardised((value - this.state.shift) / this.state.scale, out);
    return out;
  }

  /** As `posterior`, for a standardised value, into out from index `at`; returns sum(r log r) for the lower bound. */
  posteriorStandardised(z: number, out: Float64Array, at = 0): number {
    return logPosterior(z, this.state.means, this.precisionRoot, this.logConst, out, at);
  }

  toJSON(): MixtureState {
    return this.state;
  }
}

/** Fills out[at..at+K) with the normalised posterior of each component for z; returns sum(r log r). */
function logPosterior(z: number, means: readonly number[], pc: Float64Array, c: Float64Array, out: Float64Array, at: number): number {
  const K = means.length;
  let max = -Infinity;
  for (let k = 0; k < K; k++) {
    const y = (z - means[k]!) * pc[k]!;
    const lp = c[k]! - 0.5 * y * y;
    out[at + k] = lp;
    if (lp > max) max = lp;
  }
  let sum = 0;
  let weighted = 0;
  for (let k = 0; k < K; k++) {
    const shifted = out[at + k]! - max;
    // exp(-36) < 2.4e-16: below double precision beside the largest term (which is 1), so skip it.
    const e = shifted < -36 ? 0 : Math.exp(shifted);
    out[at + k] = e;
    sum += e;
    weighted += e * shifted;
  }
  // sum r log r with r = e / sum and log r = shifted - log(sum).
  const logSum = Math.log(sum);
  for (let k = 0; k < K; k++) out[at + k] = out[at + k]! / sum;
  return weighted / sum - logSum;
}

/** E[log π_k] under the stick-breaking posterior. */
function expectedLogWeights(alpha: readonly number[], beta: readonly number[]): number[] {
  const out: number[] = [];
  let rest = 0;
  for (let k = 0; k < alpha.length; k++) {
    const dsum = digamma(alpha[k]! + beta[k]!);
    out.push(digamma(alpha[k]!) - dsum + rest);
    rest += digamma(beta[k]!) - dsum;
  }
  return out;
}

/**
 * k-means with k-means++ seeding on sorted 1-D values, each value `w[i]` times (sklearn's start for
 * the mixture's responsibilities, on the distinct values with their counts).
 */
export function kmeans1d(z: Float64Array, w: Float64Array, k: number, rng: Rng, maxIter = 300, tol = 1e-4): Int32Array {
  const n = z.length;
  let total = 0;
  let sum = 0;
  let sumSq = 0;
  for (let i = 0; i < n; i++) {
    total += w[i]!;
    sum += w[i]! * z[i]!;
    sumSq += w[i]! * z[i]! * z[i]!;
  }
  const variance = Math.max(0, sumSq / total - (sum / total) ** 2);
  const centers = new Float64Array(k);
  const d2 = new Float64Array(n).fill(Infinity);
  centers[0] = z[pickWeighted(w, rng)]!;
  const score = new Float64Array(n);
  for (let c = 1; c < k; c++) {
    for (let i = 0; i < n; i++) {
      const d = z[i]! - centers[c - 1]!;
      d2[i] = Math.min(d2[i]!, d * d);
      score[i] = d2[i]! * w[i]!;
    }
    // All values already centres (fewer distinct values than k): the rest start on random values.
    centers[c] = z[score.some((v) => v > 0) ? pickWeighted(score, rng) : rng.int(n)]!;
  }
  const labels = new Int32Array(n).fill(-1);
  const sums = new Float64Array(k);
  const counts = new Float64Array(k);
  const order = Array.from({ length: k }, (_, c) => c);
  for (let iter = 0; iter < maxIter; iter++) {
    // z is sorted: each centre owns the run of values between the midpoints to its neighbours,
    // so one sweep assigns them all (ties go to the lower centre).
    order.sort((a, b) => centers[a]! - centers[b]! || a - b);
    let changed = false;
    let j = 0;
    for (let i = 0; i < n; i++) {
      while (j < k - 1 && z[i]! - centers[order[j]!]! > centers[order[j + 1]!]! - z[i]!) j++;
      const best = order[j]!;
      if (labels[i] !== best) {
        labels[i] = best;
        changed = true;
      }
    }
    if (!changed) break;
    sums.fill(0);
    counts.fill(0);
    for (let i = 0; i < n; i++) {
      sums[labels[i]!]! += w[i]! * z[i]!;
      counts[labels[i]!]! += w[i]!;
    }
    // sklearn's rule: stop when the centres move (squared, summed) by less than tol x the data's variance.
    let shift = 0;
    for (let c = 0; c < k; c++) {
      if (counts[c]! === 0) continue;
      const next = sums[c]! / counts[c]!;
      shift += (next - centers[c]!) ** 2;
      centers[c] = next;
    }
    if (shift <= tol * variance) break;
  }
  return labels;
}

/** An index drawn with probability proportional to weights[i]. */
function pickWeighted(weights: Float64Array, rng: Rng): number {
  let total = 0;
  for (const v of weights) total += v;
  let u = rng.uniform() * total;
  for (let i = 0; i < weights.length - 1; i++) {
    u -= weights[i]!;
    if (u < 0) return i;
  }
  return weights.length - 1;
}

interface Priors {
  concentration: number;
  covariance: number;
  regCovar: number;
}

/** The variational M-step: posterior parameters from responsibilities resp (n x K, row-major) of values z seen w times. */
function mStep(
  z: Float64Array,
  w: Float64Array,
  resp: Float64Array,
  K: number,
  p: Priors,
): Omit<MixtureState, 'shift' | 'scale' | 'iterations' | 'converged' | 'fitRows'> {
  const n = z.length;
  const nk = new Float64Array(K);
  const sx = new Float64Array(K);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < K; k++) {
      const r = resp[i * K + k]! * w[i]!;
      nk[k]! += r;
      sx[k]! += r * z[i]!;
    }
  }
  const xk = new Float64Array(K);
  for (let k = 0; k < K; k++) {
    nk[k]! += EPS10;
    xk[k] = sx[k]! / nk[k]!;
  }
  const sk = new Float64Array(K);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < K; k++) {
      const d = z[i]! - xk[k]!;
      sk[k]! += resp[i * K + k]! * w[i]! * d * d;
    }
  }
  const state = {
    alpha: [] as number[],
    beta: [] as number[],
    meanPrecision: [] as number[],
    means: [] as number[],
    dof: [] as number[],
    variances: [] as number[],
  };
  let tail = 0;
  for (let k = 0; k < K; k++) tail += nk[k]!;
  for (let k = 0; k < K; k++) {
    tail -= nk[k]!;
    state.beta.push(p.concentration + Math.max(0, tail));
    const s = sk[k]! / nk[k]! + p.regCovar;
    state.alpha[k] = 1 + nk[k]!;
    // mean_precision_prior = 1, mean_prior = 0 (the standardised mean), degrees_of_freedom_prior = 1.
    const beta = 1 + nk[k]!;
    state.meanPrecision[k] = beta;
    state.means[k] = (nk[k]! * xk[k]!) / beta;
    const nu = 1 + nk[k]!;
    state.dof[k] = nu;
    state.variances[k] = (p.covariance + nk[k]! * s + (nk[k]! / beta) * xk[k]! * xk[k]!) / nu;
  }
  return state;
}

/** The evidence lower bound (up to a constant), as sklearn's _compute_lower_bound for one feature. */
function lowerBound(state: ReturnType<typeof mStep>, sumRespLogResp: number): number {
  let logWishart = 0;
  let logBeta = 0;
  let logMeanPrecision = 0;
  for (let k = 0; k < state.means.length; k++) {
    const nu = state.dof[k]!;
    const logDetChol = -0.5 * Math.log(state.variances[k]!) - 0.5 * Math.log(nu);
    logWishart += -(nu * logDetChol + nu * 0.5 * Math.LN2 + gammaln(0.5 * nu));
    logBeta += betaln(state.alpha[k]!, state.beta[k]!);
    logMeanPrecision += Math.log(state.meanPrecision[k]!);
  }
  return -sumRespLogResp - logWishart + logBeta - 0.5 * logMeanPrecision;
}

/** The sorted distinct values of `sample` and how many times each occurs. */
export function distinctWithCounts(sample: Float64Array): { values: Float64Array; counts: Float64Array } {
  const sorted = Float64Array.from(sample).sort();
  const values: number[] = [];
  const counts: number[] = [];
  for (const v of sorted) {
    if (values.length > 0 && values[values.length - 1] === v) counts[counts.length - 1]! += 1;
    else {
      values.push(v);
      counts.push(1);
    }
  }
  return { values: Float64Array.from(values), counts: Float64Array.from(counts) };
}

/** Fits the mixture to a column's values (finite numbers). Deterministic for a seed. */
export function fitMixture(values: ArrayLike<number>, options: MixtureOptions): BayesianMixture {
  const o = { ...MIXTURE_DEFAULTS, ...options };
  if (values.length === 0) throw new Error('fitMixture: no values');
  const rng = new Rng(o.seed);
  let sample = Float64Array.from(values);
  if (sample.length > o.maxRows) {
    const pick = rng.permutation(sample.length).subarray(0, o.maxRows);
    sample = Float64Array.from(pick, (i) => values[i]!);
  }
  const n = sample.length;
  let mean = 0;
  for (const v of sample) mean += v;
  mean /= n;
  let ss = 0;
  for (const v of sample) ss += (v - mean) * (v - mean);
  const sd = n > 1 ? Math.sqrt(ss / (n - 1)) : 0;
  const scale = sd > 0 ? sd : 1;
  // Identical values have identical responsibilities: fit on the distinct values with their counts.
  const { values: distinct, counts: w } = distinctWithCounts(sample);
  const z = distinct.map((v) => (v - mean) / scale);
  const m = z.length;
  const K = o.components;
  // sklearn: covariance_prior = np.cov(X) (ddof 1), which standardising makes 1 (0 for a constant column).
  const priors: Priors = { concentration: o.concentration, covariance: sd > 0 ? 1 : 0, regCovar: o.regCovar };

  const labels = kmeans1d(z, w, K, rng);
  const resp = new Float64Array(m * K);
  for (let i = 0; i < m; i++) resp[i * K + labels[i]!] = 1;
  let state = mStep(z, w, resp, K, priors);
  let bound = -Infinity;
  let converged = false;
  let iterations = 0;
  while (iterations < o.maxIter) {
    iterations++;
    const current = new BayesianMixture({ ...state, shift: 0, scale: 1, iterations, converged, fitRows: n });
    let sumRespLogResp = 0;
    for (let i = 0; i < m; i++) {
      sumRespLogResp += w[i]! * current.posteriorStandardised(z[i]!, resp, i * K);
    }
    state = mStep(z, w, resp, K, priors);
    const next = lowerBound(state, sumRespLogResp);
    const change = next - bound;
    bound = next;
    if (Math.abs(change) < o.tol) {
      converged = true;
      break;
    }
  }
  return new BayesianMixture({ ...state, shift: mean, scale, iterations, converged, fitRows: n });
}
