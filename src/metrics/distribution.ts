// How far generated images are from real ones in a feature space: every distribution metric of
// docs/metrics.md on one pair of feature sets.
import { frechetDistance, meanAndCovariance } from './frechet.js';
import type { FeatureSet } from './gram.js';
import { kernelInceptionDistance, type Kid } from './kid.js';
import { manifoldMetrics, type ManifoldMetrics } from './manifold.js';

export interface DistributionMetrics extends ManifoldMetrics {
  /** Frechet distance between Gaussians fitted to the two sets. */
  fd: number;
  kid: Kid;
}

/** The smallest sample count every metric can take (density's 5 neighbours plus the sample itself). */
export const MIN_SAMPLES = 6;

/** FD and KID of generated features against real ones (the distances alone). */
export async function frechetAndKid(real: FeatureSet, fake: FeatureSet, o: { seed?: number } = {}): Promise<Pick<DistributionMetrics, 'fd' | 'kid'>> {
  const d = real.d;
  const fd = frechetDistance(meanAndCovariance(fake.values, fake.n, d), meanAndCovariance(real.values, real.n, d), d);
  return { fd, kid: await kernelInceptionDistance(fake, real, { seed: o.seed }) };
}

/** FD, KID, precision, recall, density and coverage of generated features against real ones. */
export async function compareFeatures(real: FeatureSet, fake: FeatureSet, o: { seed?: number } = {}): Promise<DistributionMetrics> {
  return { ...(await frechetAndKid(real, fake, o)), ...(await manifoldMetrics(real, fake)) };
}
