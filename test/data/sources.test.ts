import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../tempdir.js';
import { Rng } from '../../src/engine/index.js';
import { loadCsvDataset, loadImageFolder } from '../../src/data/files.js';
import { DatasetSource, openSource } from '../../src/data/source.js';
import { encodePng } from '../../src/run/png.js';

const tmp = () => tempDir('data');

function solid(width: number, height: number, rgb: [number, number, number]) {
  const rgba = new Uint8Array(width * height * 4);
  for (let i = 0; i < rgba.length; i += 4) rgba.set([...rgb, 255], i);
  return encodePng({ width, height, rgba });
}

describe('data sources', () => {
  it('draw the same batches again after restoring a saved position (mixture and finite dataset)', () => {
    for (const src of [openSource({ kind: 'mixture', name: 'grid25' }, new Rng(1)), new DatasetSource({ name: 't', shape: [2], count: 7, data: Float32Array.from({ length: 14 }, (_, i) => i) }, new Rng(2))]) {
      const a = new Float32Array(10);
      src.next({ x: a }, 5);
      const saved = JSON.parse(JSON.stringify(src.getState()));
      const next1 = new Float32Array(20);
      src.next({ x: next1 }, 10);
      src.setState(saved);
      const next2 = new Float32Array(20);
      src.next({ x: next2 }, 10);
      expect(Array.from(next2)).toEqual(Array.from(next1));
    }
  });

  it('visit every sample once per epoch, in a new order each epoch', () => {
    const data = Float32Array.from({ length: 50 }, (_, i) => i);
    const src = new DatasetSource({ name: 't', shape: [1], count: 50, data }, new Rng(3));
    const e1 = new Float32Array(50);
    const e2 = new Float32Array(50);
    src.next({ x: e1 }, 50);
    src.next({ x: e2 }, 50);
    expect([...e1].sort((a, b) => a - b)).toEqual([...data]);
    expect([...e2].sort((a, b) => a - b)).toEqual([...data]);
    expect(Array.from(e1)).not.toEqual(Array.from(e2));
  });
});

describe('image folders', () => {
  it('load PNGs of any size, resized and converted to grey, as NCHW values in [-1, 1]', () => {
    const dir = tmp();
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'a.png'), solid(40, 30, [255, 255, 255]));
    writeFileSync(join(dir, 'sub', 'b.png'), solid(8, 8, [255, 0, 0]));
    writeFileSync(join(dir, 'notes.txt'), 'ignored');
    const d = loadImageFolder(dir, 16, 1);
    expect(d.shape).toEqual([1, 16, 16]);
    expect(d.count).toBe(2);
    expect(Array.from(d.data.subarray(0, 256)).every((v) => Math.abs(v - 1) < 1e-5)).toBe(true);
    const red = 0.299 * 255;
    expect(Array.from(d.data.subarray(256)).every((v) => Math.abs(v - (red / 127.5 - 1)) < 1e-4)).toBe(true);
    const rgb = loadImageFolder(dir, 4, 3);
    expect(rgb.shape).toEqual([3, 4, 4]);
    expect(rgb.data[48]).toBeCloseTo(1, 5); // second image, red channel
    expect(rgb.data[48 + 16]).toBeCloseTo(-1, 5); // green channel
  });

  it('average pixels when shrinking: a 2x2 black-and-white checker becomes mid grey', () => {
    const dir = tmp();
    const rgba = new Uint8Array(16);
    [0, 3].forEach((p) => rgba.set([255, 255, 255, 255], p * 4));
    [1, 2].forEach((p) => rgba.set([0, 0, 0, 255], p * 4));
    writeFileSync(join(dir, 'c.png'), encodePng({ width: 2, height: 2, rgba }));
    expect(loadImageFolder(dir, 1, 1).data[0]).toBeCloseTo(0, 5);
  });

  it('name an unreadable file, an empty folder and a missing folder', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'broken.png'), 'not a png');
    expect(() => loadImageFolder(dir, 8, 1)).toThrow(new RegExp(`^image ${join(dir, 'broken.png').replace(/[/.]/g, '\\$&')} cannot be decoded: `));
    const empty = tmp();
    expect(() => loadImageFolder(empty, 8, 1)).toThrow(`image folder ${empty} holds no .png, .jpg or .jpeg files`);
    expect(() => loadImageFolder('/nonexistent/imgs', 8, 1)).toThrow('image folder /nonexistent/imgs cannot be read: no such folder');
  });
});

describe('CSV data', () => {
  it('standardises each column and keeps the header', () => {
    const dir = tmp();
    const file = join(dir, 'd.csv');
    writeFileSync(file, 'height,weight\n1,10\n2,20\n3,30\n');
    const { dataset, standardization } = loadCsvDataset(file);
    expect(dataset.shape).toEqual([2]);
    expect(standardization).toEqual({ header: ['height', 'weight'], mean: [2, 20], std: [1, 10] });
    expect(Array.from(dataset.data)).toEqual([-1, -1, 0, 0, 1, 1]);
  });

  it('names the file, the row and the column of a bad value', () => {
    const dir = tmp();
    const file = join(dir, 'bad.csv');
    writeFileSync(file, 'a,b\n1,2\n3,x\n');
    expect(() => loadCsvDataset(file)).toThrow(`${file}: row 3, column "b": "x" is not a number`);
    writeFileSync(file, 'a,b\n1,2\n3\n');
    expect(() => loadCsvDataset(file)).toThrow(`${file}: row 3 has 1 fields, expected 2`);
  });
});
