// Metrics of how two feature sets cover each other, from k-nearest-neighbour balls:
//   precision and recall (Kynkaanniemi et al. 2019, "Improved Precision and Recall Metric for
//   Assessing Generative Models"): the share of generated samples inside some real sample's ball
//   (radius: distance to its k-th nearest real neighbour), and of real samples inside some
//   generated sample's ball;
//   density and coverage (Naeem et al. 2020, "Reliable Fidelity and Diversity Metrics for
//   Generative Models"): how many real balls a generated sample lies in on average (divided by k),
//   and the share of real balls holding at least one generated sample.
// "Inside" is a distance strictly below the radius, as the authors' code (generative-evaluation-prdc)
// compares; distances are Euclidean between feature vectors.
import { forEachGramBlock, squaredDistance, squaredNorms, type FeatureSet } from './gram.js';

export interface ManifoldOptions {
  /** Neighbours for precision and recall (default 3, the paper's). */
  kPrecision?: number;
  /** Neighbours for density and coverage (default 5, the paper's). */
  kDensity?: number;
}

export interface ManifoldMetrics {
  precision: number;
  recall: number;
  density: number;
  coverage: number;
}

/**
 * For each vector of f, the squared distance to its k-th nearest other vector of f, for each k of
 * ks (an entry per k, each of f.n values).
 */
export async function kthNeighbourSquaredDistances(f: FeatureSet, ks: readonly number[]): Promise<Float64Array[]> {
  const kMax = Math.max(...ks);
  if (f.n <= kMax) throw new Error(`k-nearest-neighbour balls with k = ${kMax} need more than ${kMax} samples, got ${f.n}`);
  const norms = squaredNorms(f);
  const out = ks.map(() => new Float64Array(f.n));
  // The kMax smallest squared distances of the current row, ascending.
  const nearest = new Float64Array(kMax);
  await forEachGramBlock(f, f, (start, rows, dots) => {
    for (let r = 0; r < rows; r++) {
      const i = start + r;
      nearest.fill(Infinity);
      for (let j = 0; j < f.n; j++) {
        if (j === i) continue;
        const dist = squaredDistance(norms[i]!, norms[j]!, dots[r * f.n + j]!);
        if (dist >= nearest[kMax - 1]!) continue;
        let at = kMax - 1;
        while (at > 0 && nearest[at - 1]! > dist) {
          nearest[at] = nearest[at - 1]!;
          at--;
        }
        nearest[at] = dist;
      }
      ks.forEach((k, q) => (out[q]![i] = nearest[k - 1]!));
    }
  });
  return out;
}

/** Precision, recall, density and coverage of generated features against real ones. */
export async function manifoldMetrics(real: FeatureSet, fake: FeatureSet, o: ManifoldOptions = {}): Promise<ManifoldMetrics> {
  const kp = o.kPrecision ?? 3;
  const kd = o.kDensity ?? 5;
  const [realBall, realDensityBall] = (await kthNeighbourSquaredDistances(real, [kp, kd])) as [Float64Array, Float64Array];
  const [fakeBall] = (await kthNeighbourSquaredDistances(fake, [kp])) as [Float64Array];
  const realNorms = squaredNorms(real);
  const fakeNorms = squaredNorms(fake);
  const realRecalled = new Uint8Array(real.n);
  const realCovered = new Uint8Array(real.n);
  let precise = 0;
  let ballsHit = 0;
  await forEachGramBlock(fake, real, (start, rows, dots) => {
    for (let r = 0; r < rows; r++) {
      const j = start + r;
      let inSomeBall = false;
      for (let i = 0; i < real.n; i++) {
        const dist = squaredDistance(fakeNorms[j]!, realNorms[i]!, dots[r * real.n + i]!);
        if (dist < realBall[i]!) inSomeBall = true;
        if (dist < fakeBall[j]!) realRecalled[i] = 1;
        if (dist < realDensityBall[i]!) {
          ballsHit++;
          realCovered[i] = 1;
        }
      }
      if (inSomeBall) precise++;
    }
  });
  const share = (flags: Uint8Array) => flags.reduce((p, q) => p + q, 0) / flags.length;
  return {
    precision: precise / fake.n,
    recall: share(realRecalled),
    density: ballsHit / (kd * fake.n),
    coverage: share(realCovered),
  };
}
