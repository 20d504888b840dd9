// Subsets of labelled data: data.classes (re-indexed, names kept), data.perClass (seeded), and
// held-out data filtered by classes only.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../tempdir.js';
import { Rng } from '../../src/engine/index.js';
import { DataConfig } from '../../src/data/config.js';
import { openSource, type DataSource } from '../../src/data/source.js';
import { loadMnist } from '../../src/data/datasets.js';
import { validateConfig } from '../../src/config/schema.js';
import { BLUE, GREEN, RED, solid } from './images-fixture.js';

process.env.TSGAN_CACHE = tempDir('cache');

const open = (data: Record<string, unknown>, seed = 1) => openSource(DataConfig.parse(data), new Rng(seed), seed);
const labelsOf = (src: DataSource) => Array.from(src.dataset!.labels!);
const countOf = (labels: ArrayLike<number>, v: number) => Array.from(labels).filter((l) => l === v).length;
/** The held-out labels of a source, read through its HeldOut. */
function heldLabels(src: DataSource): number[] {
  const y = new BigInt64Array(src.heldOut!.count);
  src.heldOut!.read({ y }, 0, y.length);
  return Array.from(y, Number);
}

describe('data.classes', () => {
  it('keeps MNIST digits 3 and 7 as classes 0 and 1, named "3" and "7", in training and test data', async () => {
    const train = loadMnist('train').labels!;
    const test = loadMnist('test').labels!;
    const src = await open({ kind: 'mnist', classes: [7, 3] });
    expect([src.classes, src.dataset!.classNames]).toEqual([2, ['3', '7']]);
    const labels = labelsOf(src);
    expect([countOf(labels, 0), countOf(labels, 1), labels.length]).toEqual([countOf(train, 3), countOf(train, 7), countOf(train, 3) + countOf(train, 7)]);
    const held = heldLabels(src);
    expect([countOf(held, 0), countOf(held, 1), held.length]).toEqual([countOf(test, 3), countOf(test, 7), countOf(test, 3) + countOf(test, 7)]);
    // Class 0 is the digit 3: the subset's first image is MNIST's first 3.
    const mnist = loadMnist('train');
    const first = Array.from(src.dataset!.data.subarray(0, 784));
    expect(first).toEqual(Array.from(mnist.data.subarray(train.indexOf(3) * 784, (train.indexOf(3) + 1) * 784)));
  });

  it('takes folder names (and label values) of images labelled by sub-folder', async () => {
    const dir = tempDir('classes');
    for (let i = 0; i < 3; i++) {
      await solid(join(dir, 'cat', `${i}.png`), 4, 4, RED);
      await solid(join(dir, 'dog', `${i}.png`), 4, 4, GREEN);
      await solid(join(dir, 'eel', `${i}.png`), 4, 4, BLUE);
    }
    const byName = await open({ kind: 'images', path: dir, size: 4, labels: 'folders', holdout: 0, classes: ['eel', 'cat'] });
    expect([byName.classes, byName.dataset!.classNames, labelsOf(byName)]).toEqual([2, ['cat', 'eel'], [0, 0, 0, 1, 1, 1]]);
    // Eel images are blue: class 1's first pixel has red -1 and blue 1.
    expect([byName.dataset!.data[3 * 48], byName.dataset!.data[3 * 48 + 32]]).toEqual([-1, 1]);
    const byValue = await open({ kind: 'images', path: dir, size: 4, labels: 'folders', holdout: 0, classes: [1] });
    expect([byValue.dataset!.classNames, labelsOf(byValue)]).toEqual([['dog'], [0, 0, 0]]);
    await expect(open({ kind: 'images', path: dir, size: 4, labels: 'folders', classes: ['cow'] })).rejects.toThrow(`data.classes: images:${dir} has no class "cow"; its classes are 0 "cat", 1 "dog", 2 "eel"`);
  });

  it('keeps modes of a labelled mixture', async () => {
    const src = await open({ kind: 'mixture', name: 'ring8', classes: [2, 6] });
    expect([src.classes, src.mixture!.centers]).toEqual([2, [[Math.cos(Math.PI / 2), 1], [Math.cos((3 * Math.PI) / 2), -1]]]);
    const x = new Float32Array(200);
    const y = new BigInt64Array(100);
    src.next({ x, y }, 100);
    for (let i = 0; i < 100; i++) expect(Math.abs(x[2 * i + 1]! - (y[i] === 0n ? 1 : -1))).toBeLessThan(0.06);
  });

  it('names an unknown digit, and refuses classes and perClass on unlabelled data with their keys', async () => {
    await expect(open({ kind: 'mnist', classes: [3, 12] })).rejects.toThrow('data.classes: mnist has no class 12; its classes are 0 "0", 1 "1", 2 "2", 3 "3", 4 "4", 5 "5", 6 "6", 7 "7", 8 "8", 9 "9"');
    expect(() => validateConfig({ data: { kind: 'images', path: 'x', classes: ['cat'] }, model: { kind: 'mlp' } }, 'c.json')).toThrow('config c.json: "data.classes": data.classes needs labelled data: images labelled by sub-folder (data.labels "folders"); these images have no labels');
    expect(() => validateConfig({ data: { kind: 'mixture', name: 'spiral', perClass: 5 }, model: { kind: 'mlp' } }, 'c.json')).toThrow('config c.json: "data.perClass": data.perClass needs labelled data: a labelled mixture (ring8, grid25); mixture "spiral" has no labels');
    expect(() => validateConfig({ data: { kind: 'mnist', classes: [] }, model: { kind: 'mlp' } }, 'c.json')).toThrow('"data.classes": must be >= 1 items, got []');
  });
});

describe('data.perClass', () => {
  it('chooses n training samples of each class by the seed, and leaves the held-out data whole', async () => {
    const a = await open({ kind: 'mnist', classes: [3, 7], perClass: 10 }, 5);
    const labels = labelsOf(a);
    expect([labels.length, countOf(labels, 0), countOf(labels, 1)]).toEqual([20, 10, 10]);
    const test = loadMnist('test').labels!;
    expect(a.heldOut!.count).toBe(countOf(test, 3) + countOf(test, 7));
    const again = await open({ kind: 'mnist', classes: [3, 7], perClass: 10 }, 5);
    expect(Array.from(again.dataset!.data)).toEqual(Array.from(a.dataset!.data));
    const other = await open({ kind: 'mnist', classes: [3, 7], perClass: 10 }, 6);
    expect(Array.from(other.dataset!.data)).not.toEqual(Array.from(a.dataset!.data));
    // data.subsetSeed fixes the choice whatever the run's seed.
    const fixed5 = await open({ kind: 'mnist', perClass: 3, subsetSeed: 9 }, 5);
    const fixed6 = await open({ kind: 'mnist', perClass: 3, subsetSeed: 9 }, 6);
    expect(Array.from(fixed6.dataset!.data)).toEqual(Array.from(fixed5.dataset!.data));
    expect(Array.from({ length: 10 }, (_, c) => countOf(labelsOf(fixed5), c))).toEqual(new Array(10).fill(3));
  });

  it('draws a fixed set of points per mode of a mixture', async () => {
    const src = await open({ kind: 'mixture', name: 'grid25', classes: [0, 24], perClass: 4 });
    expect([src.dataset!.count, labelsOf(src), src.mixture!.centers]).toEqual([8, [0, 0, 0, 0, 1, 1, 1, 1], [[-4, -4], [4, 4]]]);
  });

  it('names the class that has too few samples', async () => {
    const dir = tempDir('few');
    for (let i = 0; i < 3; i++) await solid(join(dir, 'cat', `${i}.png`), 4, 4, RED);
    await solid(join(dir, 'dog', '0.png'), 4, 4, GREEN);
    await expect(open({ kind: 'images', path: dir, size: 4, labels: 'folders', holdout: 0, perClass: 2 })).rejects.toThrow(`data.perClass 2 is more than class "dog" of images:${dir} has (1 training samples)`);
  });
});
