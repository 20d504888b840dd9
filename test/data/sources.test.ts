import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../tempdir.js';
import { Rng } from '../../src/engine/index.js';
import { loadCsvDataset } from '../../src/data/files.js';
import { DatasetSource, openSource } from '../../src/data/source.js';

const tmp = () => tempDir('data');

describe('data sources', () => {
  it('draw the same batches again after restoring a saved position (mixture and finite dataset)', async () => {
    for (const src of [await openSource({ kind: 'mixture', name: 'grid25' }, new Rng(1)), new DatasetSource({ name: 't', shape: [2], count: 7, data: Float32Array.from({ length: 14 }, (_, i) => i) }, new Rng(2))]) {
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
