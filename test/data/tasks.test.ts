// Paired image-to-image tasks: the exact inputs each task derives, and the paired source's fields.
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/engine/index.js';
import { DatasetSource } from '../../src/data/source.js';
import { dilate3, domainHalves, PairedSource, taskInputs, taskMismatch, UnpairedSource } from '../../src/data/tasks.js';

const images = (n: number, seed = 1) => new Rng(seed).fillUniform(new Float32Array(n * 784), -1, 1);

describe('data tasks', () => {
  it('inpaint-bottom blanks rows 14-27 to -1 and keeps rows 0-13', () => {
    const x = images(2);
    const y = taskInputs('inpaint-bottom', x, 2, [1, 28, 28]);
    for (let i = 0; i < 2; i++) {
      for (let r = 0; r < 28; r++) {
        for (let c = 0; c < 28; c++) {
          const k = i * 784 + r * 28 + c;
          expect(y[k]).toBe(r < 14 ? x[k] : -1);
        }
      }
    }
  });

  it('downscale4 takes the mean of each 4x4 block', () => {
    const x = images(2);
    const y = taskInputs('downscale4', x, 2, [1, 28, 28]);
    expect(y.length).toBe(2 * 49);
    // Block (row 2, column 5) of the second image.
    let s = 0;
    for (let dy = 0; dy < 4; dy++) for (let dx = 0; dx < 4; dx++) s += x[784 + (8 + dy) * 28 + 20 + dx]!;
    expect(y[49 + 2 * 7 + 5]).toBeCloseTo(s / 16, 6);
  });

  it('names what does not fit', () => {
    expect(taskMismatch('downscale4', [1, 30, 30])).toBe('data.task "downscale4" needs image sides divisible by 4; the images are 30x30');
    expect(taskMismatch('inpaint-bottom', [2])).toBe('data.task "inpaint-bottom" needs images; the data\'s samples have shape [2]');
    expect(taskMismatch('downscale4', [3, 32, 32])).toBeUndefined();
  });

  it('a paired source delivers input and target fields with their labels, and resumes where it was', () => {
    const data = images(10, 3);
    const dataset = { name: 't', shape: [1, 28, 28], count: 10, data, labels: Int32Array.from({ length: 10 }, (_, i) => i) };
    const src = new PairedSource(new DatasetSource(dataset, new Rng(5)), 'downscale4');
    expect(src.shape).toEqual([1, 28, 28]);
    expect(src.fields).toEqual({ input: { shape: [1, 7, 7], dtype: 'float32' }, target: { shape: [1, 28, 28], dtype: 'float32' }, y: { shape: [], dtype: 'int64' } });
    expect(src.pair).toEqual({ task: 'downscale4', input: [1, 7, 7], target: [1, 28, 28], unpaired: false, scale: 4, filter: 'area' });
    const inputs = new Float32Array(6 * 49);
    const targets = new Float32Array(6 * 784);
    const labels = new BigInt64Array(6);
    src.next({ input: inputs, target: targets, y: labels }, 3, 0);
    const state = src.getState();
    src.next({ input: inputs, target: targets, y: labels }, 3, 3);
    for (let i = 0; i < 6; i++) {
      const j = Number(labels[i]);
      // The target is the labelled image itself, the input its block means.
      expect(Array.from(targets.subarray(i * 784, (i + 1) * 784))).toEqual(Array.from(data.subarray(j * 784, (j + 1) * 784)));
      expect(Array.from(inputs.subarray(i * 49, (i + 1) * 49))).toEqual(Array.from(taskInputs('downscale4', data.subarray(j * 784), 1, [1, 28, 28])));
    }
    const again = new PairedSource(new DatasetSource(dataset, new Rng(99)), 'downscale4');
    again.setState(state);
    const inputs2 = new Float32Array(3 * 49);
    const targets2 = new Float32Array(3 * 784);
    again.next({ input: inputs2, target: targets2 }, 3);
    expect(Array.from(inputs2)).toEqual(Array.from(inputs.subarray(3 * 49)));
    expect(Array.from(targets2)).toEqual(Array.from(targets.subarray(3 * 784)));
  });

  it('dilate3 takes the maximum over each 3x3 neighbourhood inside the image', () => {
    const x = new Float32Array(16).fill(-1);
    x[5] = 1; // (1, 1)
    x[15] = 0.5; // (3, 3), a corner
    const y = dilate3(x, 1, [1, 4, 4]);
    // (1, 1) spreads over rows/columns 0-2; the corner over rows/columns 2-3, where (1, 1) does not reach.
    expect(Array.from(y)).toEqual([1, 1, 1, -1, 1, 1, 1, -1, 1, 1, 1, 0.5, -1, -1, 0.5, 0.5]);
  });

  it('an unpaired source draws A from the first half as it is and B from the second half dilated, independently', () => {
    const data = images(8, 7);
    const dataset = { name: 't', shape: [1, 28, 28], count: 8, data, labels: Int32Array.from({ length: 8 }, (_, i) => i) };
    const [a, b] = domainHalves(dataset);
    expect([a.count, b.count, b.labels![0]]).toEqual([4, 4, 4]);
    const src = new UnpairedSource(new DatasetSource(a, new Rng(1)), new DatasetSource(b, new Rng(2)), 'dilate-unpaired');
    expect(src.pair).toEqual({ task: 'dilate-unpaired', input: [1, 28, 28], target: [1, 28, 28], unpaired: true });
    expect(Object.keys(src.fields)).toEqual(['a', 'b']);
    const fromA = new Float32Array(4 * 784);
    const fromB = new Float32Array(4 * 784);
    src.next({ a: fromA, b: fromB }, 2, 0);
    const state = src.getState();
    src.next({ a: fromA, b: fromB }, 2, 2);
    const dilatedB = dilate3(b.data, 4, [1, 28, 28]);
    /** Which of the 4 images of `pool` the i-th image of `batch` is (-1: none). */
    const which = (batch: Float32Array, i: number, pool: Float32Array) => {
      const img = Array.from(batch.subarray(i * 784, (i + 1) * 784));
      return [0, 1, 2, 3].findIndex((k) => img.every((v, q) => v === pool[k * 784 + q]));
    };
    for (let i = 0; i < 4; i++) {
      // A is one of the first half's images as they are; B one of the second half's, dilated.
      expect(which(fromA, i, a.data)).toBeGreaterThanOrEqual(0);
      expect(which(fromB, i, dilatedB)).toBeGreaterThanOrEqual(0);
    }
    const again = new UnpairedSource(new DatasetSource(a, new Rng(5)), new DatasetSource(b, new Rng(6)), 'dilate-unpaired');
    again.setState(state);
    const a2 = new Float32Array(2 * 784);
    const b2 = new Float32Array(2 * 784);
    again.next({ a: a2, b: b2 }, 2);
    expect(Array.from(a2)).toEqual(Array.from(fromA.subarray(2 * 784)));
    expect(Array.from(b2)).toEqual(Array.from(fromB.subarray(2 * 784)));
  });
});
