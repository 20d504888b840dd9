// Paired image-to-image tasks: the exact inputs each task derives, and the paired source's fields.
import { describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { Rng } from '../../src/engine/index.js';
import { datasetHeldOut } from '../../src/data/heldout.js';
import { DatasetSource, openSource } from '../../src/data/source.js';
import { loadMnist } from '../../src/data/datasets.js';
import { dilate3, domainHalves, PairedSource, taskInputs, taskMismatch, taskShapes, UnpairedSource } from '../../src/data/tasks.js';

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

  it('downscale2 and downscale8 shrink by their factors; filter bicubic matches libvips cubic reduce at 2x inside the image', async () => {
    const x = images(1, 11).subarray(0, 24 * 24);
    expect(taskShapes('downscale8', [1, 32, 32], 'bicubic')).toEqual({ task: 'downscale8', input: [1, 4, 4], target: [1, 32, 32], unpaired: false, scale: 8, filter: 'bicubic' });
    const area8 = taskInputs('downscale8', x, 1, [1, 24, 24]);
    expect(area8).toHaveLength(9);
    let s = 0;
    for (let dy = 0; dy < 8; dy++) for (let dx = 0; dx < 8; dx++) s += x[(8 + dy) * 24 + 16 + dx]!;
    expect(area8[1 * 3 + 2]).toBeCloseTo(s / 64, 6);
    expect(taskMismatch('downscale8', [3, 36, 36])).toBe('data.task "downscale8" needs image sides divisible by 8; the images are 36x36');
    // A smooth random image as bytes, shrunk 2x by sharp (Catmull-Rom, widened to antialias) and by the task.
    const W = 32;
    const bytes = Uint8Array.from({ length: W * W }, (_, i) => Math.round(127 + 60 * Math.sin(i * 0.37) + 40 * Math.cos((i % W) * 0.9)));
    const ref = await sharp(Buffer.from(bytes), { raw: { width: W, height: W, channels: 1 } }).resize(W / 2, W / 2, { kernel: 'cubic' }).extractChannel(0).raw().toBuffer();
    const ours = taskInputs('downscale2', Float32Array.from(bytes, (v) => v / 127.5 - 1), 1, [1, W, W], undefined, 'bicubic');
    for (let y = 2; y < 14; y++) for (let x2 = 2; x2 < 14; x2++) expect(Math.abs((ours[y * 16 + x2]! + 1) * 127.5 - ref[y * 16 + x2]!)).toBeLessThanOrEqual(1);
    // A constant image stays constant; a ramp stays a ramp (cubic interpolation reproduces linear functions).
    expect(Array.from(taskInputs('downscale4', new Float32Array(256).fill(0.25), 1, [1, 16, 16], undefined, 'bicubic'))).toEqual(new Array(16).fill(0.25));
    const ramp = Float32Array.from({ length: 256 }, (_, i) => ((i % 16) - 7.5) / 10);
    const shrunk = taskInputs('downscale2', ramp, 1, [1, 16, 16], undefined, 'bicubic');
    for (let c = 2; c < 6; c++) expect(shrunk[3 * 8 + c]).toBeCloseTo((2 * c + 0.5 - 7.5) / 10, 6);
  });

  it('edges: one pixel of -1 where the luma steps, 1 elsewhere, in every channel', () => {
    // 3 channels, 6x6: black on the left three columns, white on the right three.
    const img = new Float32Array(3 * 36).map((_, i) => (i % 6 < 3 ? -1 : 1));
    const e = taskInputs('edges', img, 1, [3, 6, 6]);
    const row = [1, 1, 1, -1, 1, 1];
    expect(Array.from(e)).toEqual(new Array(18).fill(row).flat());
    // Gentle shading (a step of 0.1) is no edge.
    expect(Array.from(taskInputs('edges', img.map((v) => v / 20), 1, [3, 6, 6]))).toEqual(new Array(108).fill(1));
  });

  it('a paired source pairs the held-out images of its image source with their task inputs', () => {
    const data = images(4, 3);
    const heldData = images(2, 4);
    const base = new DatasetSource({ name: 't', shape: [1, 28, 28], count: 4, data }, new Rng(5));
    base.heldOut = datasetHeldOut('test split', false, [1, 28, 28], () => ({ name: 'h', shape: [1, 28, 28], count: 2, data: heldData }));
    const src = new PairedSource(base, 'inpaint-bottom');
    expect([src.heldOut!.name, src.heldOut!.count]).toEqual(['test split', 2]);
    const input = new Float32Array(2 * 784);
    const target = new Float32Array(2 * 784);
    src.heldOut!.read({ input, target }, 0, 2);
    expect(Array.from(target)).toEqual(Array.from(heldData));
    expect(Array.from(input)).toEqual(Array.from(taskInputs('inpaint-bottom', heldData, 2, [1, 28, 28])));
  });

  it('MNIST tasks hold out the test split, loaded when first counted or read', async () => {
    const src = await openSource({ kind: 'mnist', task: 'downscale4' }, new Rng(1));
    const held = src.heldOut!;
    expect(held.name).toBe('test split');
    expect(held.count).toBe(10000);
    const test = loadMnist('test');
    const input = new Float32Array(2 * 49);
    const target = new Float32Array(2 * 784);
    const y = new BigInt64Array(2);
    held.read({ input, target, y }, 9998, 2);
    expect(Array.from(target)).toEqual(Array.from(test.data.subarray(9998 * 784)));
    expect(Array.from(input)).toEqual(Array.from(taskInputs('downscale4', target, 2, [1, 28, 28])));
    expect(Array.from(y, Number)).toEqual(Array.from(test.labels!.subarray(9998)));
    expect(() => held.read({ y }, 9999, 2)).toThrow('held-out examples [9999, 10001) asked for; there are 10000');
  });
});
