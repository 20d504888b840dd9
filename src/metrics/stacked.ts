// Mode coverage on Stacked MNIST as the Unrolled GAN, VEEGAN and PacGAN papers measure it: each
// channel of a sample is classified by a digit classifier; the three digits name one of 1,000
// modes. Modes captured: modes with at least one sample. KL: KL(generated mode histogram ||
// uniform), the divergence from the data's uniform distribution over the 1,000 triples.
import { STACKED_CHANNELS, STACKED_MODES, stackedMode } from '../data/stacked.js';
import { klToUniform } from './modes.js';

export interface StackedModeMetrics {
  samples: number;
  modes: number;
  modesCaptured: number;
  klToUniform: number;
  /**
   * KL(digit histogram of channel c || uniform over 10 digits), per channel. klToUniform is their
   * sum plus the total correlation of the three digits (0 when independent): it tells unevenly
   * drawn digits from digits drawn unevenly together.
   */
  channelKl: number[];
  /** Each sample's mode (100 a + 10 b + c). */
  modeOf: Int32Array;
}

/** `digits[c][i]`: the classifier's digit for channel c of sample i. */
export function stackedModeMetrics(digits: Int32Array[], n: number): StackedModeMetrics {
  if (digits.length !== STACKED_CHANNELS) throw new Error(`Stacked MNIST has ${STACKED_CHANNELS} channels, not ${digits.length}`);
  const modeOf = Int32Array.from({ length: n }, (_, i) => stackedMode(digits.map((d) => d[i]!)));
  const hist = histogram(modeOf, n, STACKED_MODES);
  const modesCaptured = hist.filter((h) => h > 0).length;
  const channelKl = digits.map((d) => klToUniform(histogram(d, n, 10)));
  return { samples: n, modes: STACKED_MODES, modesCaptured, klToUniform: klToUniform(hist), channelKl, modeOf };
}

/** Counts of the first n values, each in 0..k-1. */
function histogram(values: Int32Array, n: number, k: number): Float64Array {
  const hist = new Float64Array(k);
  for (let i = 0; i < n; i++) hist[values[i]!]!++;
  return hist;
}

/** Channel c of n images [n, C, H, W] as n single-channel images [n, 1, H, W]. */
export function channelOf(images: Float32Array, n: number, channels: number, c: number): Float32Array {
  const p = images.length / (n * channels);
  const out = new Float32Array(n * p);
  for (let i = 0; i < n; i++) out.set(images.subarray((i * channels + c) * p, (i * channels + c + 1) * p), i * p);
  return out;
}
