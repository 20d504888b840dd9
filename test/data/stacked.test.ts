// Stacked MNIST: each channel is a training digit, the label names the three digits, a resumed
// source draws the same samples; the mode metrics against hand-computed values.
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/engine/index.js';
import { openSource } from '../../src/data/source.js';
import { StackedMnistSource, stackedMode } from '../../src/data/stacked.js';
import type { Dataset } from '../../src/data/datasets.js';
import { channelOf, stackedModeMetrics } from '../../src/metrics/stacked.js';
import { classifierMetrics } from '../../src/metrics/frechet.js';

/** 20 2x2 "digits": image j has every pixel j / 100, label j % 10. */
const tiny: Dataset = {
  name: 'tiny',
  shape: [1, 2, 2],
  count: 20,
  data: Float32Array.from({ length: 80 }, (_, i) => Math.floor(i / 4) / 100),
  labels: Int32Array.from({ length: 20 }, (_, j) => j % 10),
};

describe('Stacked MNIST', () => {
  it('stacks three drawn digits as channels and labels the sample 100 a + 10 b + c', () => {
    const src = new StackedMnistSource(tiny, new Rng(3));
    expect(src.shape).toEqual([3, 2, 2]);
    expect(src.classes).toBe(1000);
    const n = 50;
    const x = new Float32Array(n * 12);
    const y = new BigInt64Array(n);
    src.next({ x, y }, n);
    const seen = new Set<number>();
    for (let i = 0; i < n; i++) {
      const digits = [0, 1, 2].map((c) => {
        const px = x.subarray(i * 12 + c * 4, i * 12 + c * 4 + 4);
        expect(new Set(px).size).toBe(1); // one whole image per channel
        return Math.round(px[0]! * 100) % 10;
      });
      expect(Number(y[i])).toBe(100 * digits[0]! + 10 * digits[1]! + digits[2]!);
      seen.add(Number(y[i]));
    }
    expect(seen.size).toBeGreaterThan(40); // channels drawn independently: mostly distinct triples
  });

  it('a source restored from its state draws the same samples', () => {
    const a = new StackedMnistSource(tiny, new Rng(5));
    a.next({ x: new Float32Array(7 * 12) }, 7);
    const state = a.getState();
    const first = new Float32Array(9 * 12);
    a.next({ x: first }, 9);
    const b = new StackedMnistSource(tiny, new Rng(99));
    b.setState(state);
    const again = new Float32Array(9 * 12);
    b.next({ x: again }, 9);
    expect(again).toEqual(first);
  });

  it('the shipped MNIST classifier reads the real triples back from the channels', async () => {
    const src = await openSource({ kind: 'stacked-mnist' }, new Rng(1));
    expect(src.shape).toEqual([3, 28, 28]);
    const n = 300;
    const x = new Float32Array(n * 3 * 784);
    const y = new BigInt64Array(n);
    src.next({ x, y }, n);
    const digits: Int32Array[] = [];
    for (let c = 0; c < 3; c++) digits.push((await classifierMetrics('mnist', channelOf(x, n, 3, c), n)).predicted);
    const m = stackedModeMetrics(digits, n);
    const right = m.modeOf.filter((mode, i) => mode === Number(y[i])).length;
    // The classifier is right on 99.5% of training digits; a triple needs all three right.
    expect(right / n).toBeGreaterThan(0.95);
  });

  it('modes and KL to uniform, by hand', () => {
    // Four samples: modes 103, 103, 203, 204.
    const digits = [Int32Array.of(1, 1, 2, 2), Int32Array.of(0, 0, 0, 0), Int32Array.of(3, 3, 3, 4)];
    const m = stackedModeMetrics(digits, 4);
    expect(Array.from(m.modeOf)).toEqual([103, 103, 203, 204]);
    expect(m.modesCaptured).toBe(3);
    expect(m.klToUniform).toBeCloseTo(0.5 * Math.log(500) + 0.5 * Math.log(250), 12);
    // Channel digits: {1, 1, 2, 2}, {0, 0, 0, 0}, {3, 3, 3, 4}.
    expect(m.channelKl[0]).toBeCloseTo(Math.log(5), 12);
    expect(m.channelKl[1]).toBeCloseTo(Math.log(10), 12);
    expect(m.channelKl[2]).toBeCloseTo(0.75 * Math.log(7.5) + 0.25 * Math.log(2.5), 12);
    expect(stackedMode([9, 0, 7])).toBe(907);
    // Uniform over all 1,000 modes: KL 0.
    const all = [0, 1, 2].map((c) => Int32Array.from({ length: 1000 }, (_, i) => Math.floor(i / 10 ** (2 - c)) % 10));
    const u = stackedModeMetrics(all, 1000);
    expect(u.modesCaptured).toBe(1000);
    expect(u.klToUniform).toBeCloseTo(0, 12);
    expect(u.channelKl.every((k) => Math.abs(k) < 1e-12)).toBe(true);
  });

  it('KL to uniform is the channels\' KLs plus the total correlation of their digits', () => {
    // Channel 2 copies channel 0 half of the time: the digits depend on each other.
    const rng = new Rng(5);
    const n = 3000;
    const digits = [0, 1, 2].map(() => new Int32Array(n));
    for (let i = 0; i < n; i++) {
      digits[0]![i] = Math.floor(rng.uniform() * 10) % 7;
      digits[1]![i] = Math.floor(rng.uniform() * 10);
      digits[2]![i] = rng.uniform() < 0.5 ? digits[0]![i]! : Math.floor(rng.uniform() * 10);
    }
    const m = stackedModeMetrics(digits, n);
    const marginal = digits.map((d) => {
      const h = new Float64Array(10);
      for (const v of d) h[v]! += 1 / n;
      return h;
    });
    const joint = new Map<number, number>();
    for (const mode of m.modeOf) joint.set(mode, (joint.get(mode) ?? 0) + 1 / n);
    let tc = 0;
    for (const [mode, q] of joint) tc += q * Math.log(q / (marginal[0]![Math.floor(mode / 100)]! * marginal[1]![Math.floor(mode / 10) % 10]! * marginal[2]![mode % 10]!));
    expect(tc).toBeGreaterThan(0.1);
    expect(m.channelKl[0]).toBeGreaterThan(0.3);
    expect(m.klToUniform).toBeCloseTo(m.channelKl.reduce((a, b) => a + b, 0) + tc, 10);
  });

  it('channelOf picks one channel of each image', () => {
    // Two 3-channel 1x2 images: values 10 i + 2 c + p.
    const x = Float32Array.from({ length: 12 }, (_, k) => 10 * Math.floor(k / 6) + (k % 6));
    expect(Array.from(channelOf(x, 2, 3, 1))).toEqual([2, 3, 12, 13]);
  });
});
