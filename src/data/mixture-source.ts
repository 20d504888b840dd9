// The synthetic 2-D sources (data.kind "mixture"): endless draws from a seeded generator; the
// Gaussian mixtures label each point with its mode. No Node: pages train on them too.
import type { Rng } from '../engine/index.js';
import { GRID25, RING8, sampleMixture, sampleSpiral, sampleTwoMoons, type Mixture } from './mixtures.js';
import { floatField, labelField, sampleFields, type DataSource, type FieldInfo, type FieldBuffers, type SourceState } from './types.js';

export const MIXTURE_NAMES = ['ring8', 'grid25', 'spiral', 'moons'] as const;
export type MixtureName = (typeof MIXTURE_NAMES)[number];

export class GeneratorSource implements DataSource {
  kind = 'vector' as const;
  shape = [2];
  readonly fields: Record<string, FieldInfo>;
  /** A mixture's samples are labelled with the index of their mode. */
  readonly classes?: number;
  constructor(
    private rng: Rng,
    private readonly draw: (rng: Rng, n: number) => Float32Array,
    readonly mixture?: Mixture,
  ) {
    this.classes = mixture?.centers.length;
    this.fields = sampleFields(this.shape, mixture !== undefined);
  }
  next(out: FieldBuffers, n: number, offset = 0): void {
    const m = this.mixture;
    const labels = labelField(out);
    if (labels && !m) throw new Error('this data source has no labels');
    const x = m ? sampleMixture(m, this.rng, n, labels, offset) : this.draw(this.rng, n);
    floatField(out, 'x')?.set(x, offset * 2);
  }
  getState(): SourceState {
    return { rng: this.rng.getState() };
  }
  setState(s: SourceState): void {
    this.rng.setState(s.rng);
  }
}

/** The source of a named 2-D distribution, drawing from rng. */
export function mixtureSource(name: MixtureName, rng: Rng): GeneratorSource {
  switch (name) {
    case 'ring8':
      return new GeneratorSource(rng, (r, n) => sampleMixture(RING8, r, n), RING8);
    case 'grid25':
      return new GeneratorSource(rng, (r, n) => sampleMixture(GRID25, r, n), GRID25);
    case 'spiral':
      return new GeneratorSource(rng, sampleSpiral);
    case 'moons':
      return new GeneratorSource(rng, sampleTwoMoons);
  }
}
