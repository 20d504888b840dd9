// GAN Lab's views of a 2-D GAN, as one inference program over the current parameters: D's verdict
// on a grid of points (the decision surface), where G sends a grid of noise (its transformed grid
// lines), G's samples, and the gradient of G's loss at each sample (the arrows: where G's next
// update moves it).
import * as E from '../../src/engine/index.js';
import type { GanRecipe } from '../../src/gan/recipe.js';
import { generatorLoss, type LossName } from '../../src/gan/losses.js';

/** The square the 2-D views show, [lo, hi] on both axes. */
export interface Extent {
  lo: number;
  hi: number;
}

export interface ProbeSizes {
  /** Points per side of D's surface grid. */
  surface: number;
  /** Noise grid: lines per direction and points per line, over [-range, range]^2. */
  lines: number;
  perLine: number;
  range: number;
  /** Generated samples shown (and counted for mode coverage). */
  samples: number;
}

export interface Views2d {
  /** D's verdict in [0, 1] (1: real) on surface x surface points, row by row from the top. */
  surface: Float32Array;
  /** G of the noise grid: horizontal lines first, then vertical, perLine points each, [x, y]. */
  grid: Float32Array;
  samples: Float32Array;
  /** -d loss_G / d x at each sample: the direction G's update moves it. */
  arrows: Float32Array;
}

export class Probe {
  private constructor(
    private readonly program: E.Program,
    private readonly feeds: Record<string, Float32Array>,
    readonly sizes: ProbeSizes,
    readonly extent: Extent,
  ) {}

  static async compile(recipe: GanRecipe, loss: LossName, store: E.StateStore, extent: Extent, sizes: ProbeSizes, noise: E.Rng, device: E.Device): Promise<Probe> {
    const s = recipe.sampler;
    if (!s || s.labels || s.latent.length !== 1 || s.output.join() !== '2') throw new Error('the 2-D views need an unlabelled generator of 2-D points');
    const latent = s.latent[0]!;
    const trace = new E.StateTrace(false);
    const S = sizes.surface * sizes.surface;
    const L = 2 * sizes.lines * sizes.perLine;
    const N = sizes.samples;
    const judge = (x: E.Tensor) => E.reshape(recipe.D.call(x, trace), [x.shape[0]!]);
    const points = E.input('points', [S, 2]);
    const gridZ = E.input('grid_z', [L, latent]);
    const z = E.input('z', [N, latent]);
    const fake = s.sample(z, undefined, trace);
    const [towardReal] = E.grad(generatorLoss(loss, judge(fake)), [fake]);
    // A logit's sigmoid is D's probability of real; a critic's (WGAN, hinge) is a squashed score.
    const verdict = E.sigmoid(judge(points));
    const outputs = { surface: verdict, grid: s.sample(gridZ, undefined, trace), samples: fake, arrows: E.neg(towardReal!) };
    const program = await E.Program.compile({ outputs }, store, { device, threads: 1 });
    return new Probe(program, { points: surfacePoints(sizes.surface, extent), grid_z: noiseGrid(sizes, latent), z: noise.normal(N * latent) }, sizes, extent);
  }

  async run(): Promise<Views2d> {
    const out = await this.program.run(this.feeds);
    const f = (k: string) => (out[k]!.data as Float32Array).slice();
    return { surface: f('surface'), grid: f('grid'), samples: f('samples'), arrows: f('arrows') };
  }

  release(): Promise<void> {
    return this.program.release();
  }
}

/** The centres of a side x side grid over the extent, row by row from the top (y = hi). */
function surfacePoints(side: number, { lo, hi }: Extent): Float32Array {
  const out = new Float32Array(side * side * 2);
  const at = (i: number) => lo + ((i + 0.5) / side) * (hi - lo);
  for (let r = 0; r < side; r++) {
    for (let c = 0; c < side; c++) {
      out[2 * (r * side + c)] = at(c);
      out[2 * (r * side + c) + 1] = at(side - 1 - r);
    }
  }
  return out;
}

/** Noise grid lines over [-range, range] in the first two latent dimensions (the others 0). */
function noiseGrid({ lines, perLine, range }: ProbeSizes, latent: number): Float32Array {
  const out = new Float32Array(2 * lines * perLine * latent);
  const v = (i: number, n: number) => -range + (2 * range * i) / (n - 1);
  let p = 0;
  for (const horizontal of [true, false]) {
    for (let l = 0; l < lines; l++) {
      for (let k = 0; k < perLine; k++, p++) {
        out[p * latent] = horizontal ? v(k, perLine) : v(l, lines);
        if (latent > 1) out[p * latent + 1] = horizontal ? v(l, lines) : v(k, perLine);
      }
    }
  }
  return out;
}
