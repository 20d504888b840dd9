// Frechet classifier distance (FCD) and class statistics of MNIST-like samples (docs/metrics.md).
//
// FCD is the Frechet (2-Wasserstein) distance between two Gaussians fitted to feature vectors:
//   ||mu_a - mu_b||^2 + Tr(C_a + C_b - 2 (C_a C_b)^{1/2}),
// with the features taken from the 128-d layer of the project's own classifier
// (src/metrics/classifier.ts) and the statistics in float64. Tr((C_a C_b)^{1/2}) is computed as
// sum_i sqrt(lambda_i) over the eigenvalues of the symmetric PSD matrix S C_b S with S = C_a^{1/2}:
// S C_b S is similar to C_a C_b, so the two have the same eigenvalues, and it is symmetric, so a
// symmetric eigensolver (cyclic Jacobi here) applies.
import { loadFashionMnist, loadMnist } from '../data/datasets.js';
import { FEATURE_DIM, IMAGE_SIZE, loadClassifier, NUM_CLASSES, type Classifier, type ClassifierKind } from './classifier.js';

export interface GaussianStats {
  mean: Float64Array;
  /** d x d, row-major, unbiased (divides by n - 1). */
  cov: Float64Array;
}

/** Mean and unbiased covariance of n feature rows of dimension d, accumulated in float64. */
export function meanAndCovariance(features: Float32Array | Float64Array, n: number, d: number): GaussianStats {
  if (n < 2) throw new Error(`meanAndCovariance needs at least 2 samples, got ${n}`);
  if (features.length < n * d) throw new Error(`meanAndCovariance: ${features.length} values hold fewer than ${n} rows of ${d}`);
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j]! += features[i * d + j]!;
  for (let j = 0; j < d; j++) mean[j]! /= n;
  const cov = new Float64Array(d * d);
  const row = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) row[j] = features[i * d + j]! - mean[j]!;
    // Upper triangle only; mirrored below.
    for (let j = 0; j < d; j++) {
      const rj = row[j]!;
      if (rj === 0) continue;
      const base = j * d;
      for (let k = j; k < d; k++) cov[base + k]! += rj * row[k]!;
    }
  }
  for (let j = 0; j < d; j++) {
    for (let k = j; k < d; k++) {
      const v = cov[j * d + k]! / (n - 1);
      cov[j * d + k] = v;
      cov[k * d + j] = v;
    }
  }
  return { mean, cov };
}

export interface SymmetricEigen {
  values: Float64Array;
  /** Row-major d x d; column i is the unit eigenvector of values[i]. */
  vectors: Float64Array;
}

/**
 * Eigendecomposition A = V diag(values) V^T of a symmetric matrix (row-major, d x d) by the cyclic
 * Jacobi method in float64: sweeps of plane rotations, each zeroing one off-diagonal pair, until
 * the off-diagonal part is negligible. Accurate for small eigenvalues too. A is not modified.
 */
export function symmetricEigen(matrix: Float64Array, d: number, wantVectors = true): SymmetricEigen {
  if (matrix.length !== d * d) throw new Error(`symmetricEigen: ${matrix.length} values are not a ${d}x${d} matrix`);
  const a = Float64Array.from(matrix);
  // Symmetrise against rounding in the caller's products.
  for (let i = 0; i < d; i++) {
    for (let j = i + 1; j < d; j++) {
      const v = 0.5 * (a[i * d + j]! + a[j * d + i]!);
      a[i * d + j] = v;
      a[j * d + i] = v;
    }
  }
  const v = new Float64Array(wantVectors ? d * d : 0);
  if (wantVectors) for (let i = 0; i < d; i++) v[i * d + i] = 1;
  let total = 0;
  for (let i = 0; i < d * d; i++) total += a[i]! * a[i]!;
  const tol = total * 1e-30;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < d; p++) for (let q = p + 1; q < d; q++) off += a[p * d + q]! * a[p * d + q]!;
    if (off <= tol || off === 0) break;
    for (let p = 0; p < d - 1; p++) {
      for (let q = p + 1; q < d; q++) {
        const apq = a[p * d + q]!;
        if (apq === 0) continue;
        const app = a[p * d + p]!;
        const aqq = a[q * d + q]!;
        // Negligible next to both diagonal entries: zero it without a rotation.
        if (sweep > 3 && Math.abs(app) + 1e3 * Math.abs(apq) === Math.abs(app) && Math.abs(aqq) + 1e3 * Math.abs(apq) === Math.abs(aqq)) {
          a[p * d + q] = 0;
          a[q * d + p] = 0;
          continue;
        }
        const theta = (aqq - app) / (2 * apq);
        const t = Math.abs(theta) > 1e150 ? 1 / (2 * theta) : Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < d; k++) {
          if (k === p || k === q) continue;
          const akp = a[k * d + p]!;
          const akq = a[k * d + q]!;
          const np = c * akp - s * akq;
          const nq = s * akp + c * akq;
          a[k * d + p] = np;
          a[p * d + k] = np;
          a[k * d + q] = nq;
          a[q * d + k] = nq;
        }
        a[p * d + p] = app - t * apq;
        a[q * d + q] = aqq + t * apq;
        a[p * d + q] = 0;
        a[q * d + p] = 0;
        if (wantVectors) {
          for (let k = 0; k < d; k++) {
            const vkp = v[k * d + p]!;
            const vkq = v[k * d + q]!;
            v[k * d + p] = c * vkp - s * vkq;
            v[k * d + q] = s * vkp + c * vkq;
          }
        }
      }
    }
  }
  const values = new Float64Array(d);
  for (let i = 0; i < d; i++) values[i] = a[i * d + i]!;
  return { values, vectors: v };
}

/** The symmetric PSD square root S (S S = A) of a symmetric matrix, negative eigenvalues clamped to 0. */
export function sqrtPsd(matrix: Float64Array, d: number): Float64Array {
  const { values, vectors } = symmetricEigen(matrix, d);
  const s = new Float64Array(d * d);
  const r = new Float64Array(d);
  for (let i = 0; i < d; i++) r[i] = Math.sqrt(Math.max(values[i]!, 0));
  for (let i = 0; i < d; i++) {
    for (let j = i; j < d; j++) {
      let sum = 0;
      for (let k = 0; k < d; k++) sum += vectors[i * d + k]! * r[k]! * vectors[j * d + k]!;
      s[i * d + j] = sum;
      s[j * d + i] = sum;
    }
  }
  return s;
}

/** Row-major d x d product. */
export function matmul64(a: Float64Array, b: Float64Array, d: number): Float64Array {
  const out = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let k = 0; k < d; k++) {
      const aik = a[i * d + k]!;
      if (aik === 0) continue;
      for (let j = 0; j < d; j++) out[i * d + j]! += aik * b[k * d + j]!;
    }
  }
  return out;
}

/** Tr((C_a C_b)^{1/2}) as the sum of square roots of the eigenvalues of C_a^{1/2} C_b C_a^{1/2}. */
export function traceSqrtProduct(ca: Float64Array, cb: Float64Array, d: number): number {
  const s = sqrtPsd(ca, d);
  const m = matmul64(matmul64(s, cb, d), s, d);
  const { values } = symmetricEigen(m, d, false);
  let tr = 0;
  for (const v of values) tr += Math.sqrt(Math.max(v, 0));
  return tr;
}

/** ||mu_a - mu_b||^2 + Tr(C_a + C_b - 2 (C_a C_b)^{1/2}). */
export function frechetDistance(a: GaussianStats, b: GaussianStats, d: number): number {
  let meanTerm = 0;
  for (let i = 0; i < d; i++) meanTerm += (a.mean[i]! - b.mean[i]!) ** 2;
  let tr = 0;
  for (let i = 0; i < d; i++) tr += a.cov[i * d + i]! + b.cov[i * d + i]!;
  return meanTerm + tr - 2 * traceSqrtProduct(a.cov, b.cov, d);
}

/** The argmax class of each row of probs [n, k]. */
export function argmaxRows(probs: Float32Array, n: number, k: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < k; c++) if (probs[i * k + c]! > probs[i * k + best]!) best = c;
    out[i] = best;
  }
  return out;
}

/** Histogram of the argmax classes of probs [n, k] and its entropy (natural log; ln k when uniform). */
export function classEntropy(probs: Float32Array, n: number, k: number): { histogram: number[]; entropy: number } {
  const histogram = new Array<number>(k).fill(0);
  for (const c of argmaxRows(probs, n, k)) histogram[c]!++;
  let entropy = 0;
  for (const h of histogram) {
    if (h === 0) continue;
    const p = h / n;
    entropy -= p * Math.log(p);
  }
  return { histogram, entropy };
}

export interface ClassifierMetrics {
  /** Frechet classifier distance to the reference set (the first 10,000 test images). */
  fcd: number;
  /** Samples per argmax class. */
  classHistogram: number[];
  /** Entropy (nats) of the normalised class histogram; ln 10 = 2.3026 at most. */
  classEntropy: number;
  /** Mean over samples of the largest class probability (confidence). */
  meanMaxProb: number;
  /** The classifier's class for each sample. */
  predicted: Int32Array;
}

/** Size of the reference set: the first REFERENCE_COUNT images of the test split (the whole 10,000 for both datasets). */
export const REFERENCE_COUNT = 10_000;

const classifiers = new Map<ClassifierKind, Promise<Classifier>>();
const references = new Map<ClassifierKind, Promise<GaussianStats>>();

/** The shipped classifier of a kind, loaded once per process. */
export function sharedClassifier(kind: ClassifierKind): Promise<Classifier> {
  let c = classifiers.get(kind);
  if (!c) {
    c = loadClassifier(kind);
    classifiers.set(kind, c);
    c.catch(() => classifiers.delete(kind));
  }
  return c;
}

/** Feature statistics of the reference set, computed once per process and kind. */
export function referenceStats(kind: ClassifierKind): Promise<GaussianStats> {
  let r = references.get(kind);
  if (!r) {
    r = (async () => {
      const test = kind === 'mnist' ? loadMnist('test') : loadFashionMnist('test');
      const n = Math.min(REFERENCE_COUNT, test.count);
      const { features } = await (await sharedClassifier(kind)).embed(test.data.subarray(0, n * IMAGE_SIZE), n);
      return meanAndCovariance(features, n, FEATURE_DIM);
    })();
    references.set(kind, r);
    r.catch(() => references.delete(kind));
  }
  return r;
}

/** FCD to the reference set, class histogram and entropy, and mean confidence of n samples [n, 1, 28, 28] in [-1, 1]. */
export async function classifierMetrics(kind: ClassifierKind, samples: Float32Array, n: number): Promise<ClassifierMetrics> {
  const ref = await referenceStats(kind);
  const { features, probs } = await (await sharedClassifier(kind)).embed(samples, n);
  const stats = meanAndCovariance(features, n, FEATURE_DIM);
  const { histogram, entropy } = classEntropy(probs, n, NUM_CLASSES);
  let maxSum = 0;
  for (let i = 0; i < n; i++) {
    let m = 0;
    for (let c = 0; c < NUM_CLASSES; c++) m = Math.max(m, probs[i * NUM_CLASSES + c]!);
    maxSum += m;
  }
  return {
    fcd: frechetDistance(stats, ref, FEATURE_DIM),
    classHistogram: histogram,
    classEntropy: entropy,
    meanMaxProb: maxSum / n,
    predicted: argmaxRows(probs, n, NUM_CLASSES),
  };
}
