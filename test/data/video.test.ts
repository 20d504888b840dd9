// Moving MNIST clips and the clip metrics: paths bounce exactly, clips hold the digit where the
// path says, and real clips measure as one moving digit.
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/engine/index.js';
import { openSource } from '../../src/data/source.js';
import { bouncingPath, CLIP, renderClip } from '../../src/data/video.js';
import { centredDigit, centreOfMass, clipMetrics } from '../../src/metrics/video.js';

describe('moving digits', () => {
  it('a path moves in a straight line and reflects off the borders', () => {
    // From x 10 at +1.5 a frame within [0, 12]: 10, 11.5, then 13 reflects to 11 and turns back.
    const path = bouncingPath(10, 1, 1.5, -2, 5, 12);
    expect(path).toEqual([
      [10, 1],
      [11.5, 1],
      [11, 3],
      [9.5, 5],
      [8, 7],
    ]);
  });

  it('a clip shows the digit at the rounded path position in every frame, on black', () => {
    const digit = new Float32Array(CLIP.digit * CLIP.digit).fill(1);
    const out = new Float32Array(2 * CLIP.size * CLIP.size);
    renderClip(digit, [
      [0, 0],
      [11.6, 3.2],
    ], out);
    const frame1 = out.subarray(CLIP.size * CLIP.size);
    expect(centreOfMass(out.subarray(0, CLIP.size * CLIP.size), CLIP.size, CLIP.size)).toEqual([9.5, 9.5]);
    expect(centreOfMass(frame1, CLIP.size, CLIP.size)).toEqual([12 + 9.5, 3 + 9.5]);
    expect(frame1.filter((v) => v === 1).length).toBe(400);
    expect(frame1.filter((v) => v === -1).length).toBe(1024 - 400);
  });

  it('the digit is cut out around its centre of mass and resized to 28x28', () => {
    const frame = new Float32Array(32 * 32).fill(-1);
    for (let y = 0; y < 4; y++) for (let x = 0; x < 4; x++) frame[(2 + y) * 32 + 25 + x] = 1; // centre (26.5, 3.5)
    const cut = centredDigit(frame, 32, 32);
    expect(cut.length).toBe(784);
    const [cx, cy] = centreOfMass(cut, 28, 28)!;
    expect(Math.abs(cx - 13.5)).toBeLessThan(1);
    expect(Math.abs(cy - 13.5)).toBeLessThan(1);
  });

  it('real clips: every frame the same digit, and the digit moves', async () => {
    const src = await openSource({ kind: 'moving-mnist' }, new Rng(4));
    expect(src.shape).toEqual([8, 1, 32, 32]);
    const n = 100;
    const clips = new Float32Array(n * 8 * 1024);
    const labels = new BigInt64Array(n);
    src.next({ x: clips, y: labels }, n, 0);
    const m = await clipMetrics(clips, n, src.shape);
    expect(m.sameDigitFraction).toBeGreaterThanOrEqual(0.95);
    expect(m.movingFraction).toBeGreaterThanOrEqual(0.95);
    // The classifier's digit for the first frames follows the clips' labels.
    const hist = new Array<number>(10).fill(0);
    labels.forEach((l) => hist[Number(l)]!++);
    expect(m.digitHistogram.reduce((s, v, i) => s + Math.min(v, hist[i]!), 0)).toBeGreaterThanOrEqual(90);
  });

  it('a resumed source draws the same clips', async () => {
    const a = await openSource({ kind: 'moving-mnist' }, new Rng(9));
    const x = new Float32Array(3 * 8 * 1024);
    a.next({ x }, 1);
    const state = a.getState();
    a.next({ x }, 2, 1);
    const b = await openSource({ kind: 'moving-mnist' }, new Rng(1));
    b.setState(state);
    const y = new Float32Array(2 * 8 * 1024);
    b.next({ x: y }, 2);
    expect(Array.from(y)).toEqual(Array.from(x.subarray(8 * 1024)));
  });
});
