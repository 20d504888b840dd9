// Paired image-to-image tasks: the exact inputs each task derives, and the paired source's rows.
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/engine/index.js';
import { DatasetSource } from '../../src/data/source.js';
import { PairedSource, taskInputs, taskMismatch, unpackPairs } from '../../src/data/tasks.js';

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

  it('a paired source delivers [input | target] rows with their labels, and resumes where it was', () => {
    const data = images(10, 3);
    const dataset = { name: 't', shape: [1, 28, 28], count: 10, data, labels: Int32Array.from({ length: 10 }, (_, i) => i) };
    const src = new PairedSource(new DatasetSource(dataset, new Rng(5)), 'downscale4');
    expect(src.shape).toEqual([49 + 784]);
    expect(src.pair).toEqual({ task: 'downscale4', input: [1, 7, 7], target: [1, 28, 28], unpaired: false });
    const rows = new Float32Array(6 * 833);
    const labels = new BigInt64Array(6);
    src.next(rows, 3, 0, labels);
    const state = src.getState();
    src.next(rows, 3, 3, labels);
    const { inputs, targets } = unpackPairs(rows, 6, src.pair);
    for (let i = 0; i < 6; i++) {
      const j = Number(labels[i]);
      // The target is the labelled image itself, the input its block means.
      expect(Array.from(targets.subarray(i * 784, (i + 1) * 784))).toEqual(Array.from(data.subarray(j * 784, (j + 1) * 784)));
      expect(Array.from(inputs.subarray(i * 49, (i + 1) * 49))).toEqual(Array.from(taskInputs('downscale4', data.subarray(j * 784), 1, [1, 28, 28])));
    }
    const again = new PairedSource(new DatasetSource(dataset, new Rng(99)), 'downscale4');
    again.setState(state);
    const rows2 = new Float32Array(3 * 833);
    again.next(rows2, 3);
    expect(Array.from(rows2)).toEqual(Array.from(rows.subarray(3 * 833)));
  });
});
