// Stacked MNIST (Metz et al. 2017; the mode-collapse benchmark of Unrolled GAN, VEEGAN and PacGAN):
// three MNIST training digits drawn independently and uniformly, stacked as the three channels of
// one 28x28 image. Its 1,000 modes are the digit triples; a sample's label is 100 a + 10 b + c for
// the digits a, b, c of its channels 0, 1, 2.
import type { Rng } from '../engine/index.js';
import type { Dataset } from './datasets.js';
import { floatField, labelField, sampleFields, type DataSource, type FieldBuffers, type FieldInfo, type SourceState } from './types.js';

export const STACKED_CHANNELS = 3;
export const STACKED_MODES = 10 ** STACKED_CHANNELS;

/** The mode (digit triple) of the digits of channels 0, 1, 2. */
export function stackedMode(digits: ArrayLike<number>): number {
  let mode = 0;
  for (let c = 0; c < STACKED_CHANNELS; c++) mode = mode * 10 + digits[c]!;
  return mode;
}

export class StackedMnistSource implements DataSource {
  readonly kind = 'image' as const;
  readonly shape: number[];
  readonly fields: Record<string, FieldInfo>;
  readonly classes = STACKED_MODES;
  private readonly pixels: number;

  /** `digits`: single-channel 28x28 images with labels 0-9 (MNIST's training split). */
  constructor(
    readonly digits: Dataset,
    private readonly rng: Rng,
  ) {
    if (digits.shape[0] !== 1 || !digits.labels) throw new Error(`Stacked MNIST needs labelled single-channel digits, not ${digits.name} [${digits.shape.join(', ')}]`);
    this.pixels = digits.shape[1]! * digits.shape[2]!;
    this.shape = [STACKED_CHANNELS, digits.shape[1]!, digits.shape[2]!];
    this.fields = sampleFields(this.shape, true);
  }

  next(out: FieldBuffers, n: number, offset = 0): void {
    const x = floatField(out, 'x');
    const y = labelField(out);
    const p = this.pixels;
    const picked = new Array<number>(STACKED_CHANNELS);
    for (let i = 0; i < n; i++) {
      for (let c = 0; c < STACKED_CHANNELS; c++) {
        const j = this.rng.int(this.digits.count);
        picked[c] = this.digits.labels![j]!;
        x?.set(this.digits.data.subarray(j * p, (j + 1) * p), ((offset + i) * STACKED_CHANNELS + c) * p);
      }
      if (y) y[offset + i] = BigInt(stackedMode(picked));
    }
  }

  getState(): SourceState {
    return { rng: this.rng.getState() };
  }

  setState(s: SourceState): void {
    this.rng.setState(s.rng);
  }
}
