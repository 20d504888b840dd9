// Pix2Pix pairs (side by side, or two folders) and CycleGAN's unpaired domains, from files.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../tempdir.js';
import { Rng } from '../../src/engine/index.js';
import { DataConfig } from '../../src/data/config.js';
import { openSource } from '../../src/data/source.js';
import { validateConfig } from '../../src/config/schema.js';
import { BLUE, GREEN, planes, RED, solid, writeImage, type Rgba } from './images-fixture.js';

process.env.TSGAN_CACHE = tempDir('cache');

const open = (data: Record<string, unknown>) => openSource(DataConfig.parse(data), new Rng(1));
const S = [3, 4, 4];
/** The colour of image k of a batch (its top-left pixel). */
const colour = (x: Float32Array, k: number) => planes(x, k, S).map((p) => p[0]![0]!);
const grey = (v: number): Rgba => [v, v, v, 255];

describe('paired data', () => {
  it('side by side: the left half is A, the right half B; direction BtoA swaps them', async () => {
    const dir = tempDir('pairs');
    // 8x4 files: a grey level (the pair's id) on the left, red on the right.
    for (let i = 0; i < 6; i++) await writeImage(join(dir, `p${i}.png`), 8, 4, (x) => (x < 4 ? grey(40 * i) : RED));
    const src = await open({ kind: 'paired', path: dir, size: 4, holdout: 0 });
    expect(src.fields).toEqual({ input: { shape: S, dtype: 'float32' }, target: { shape: S, dtype: 'float32' } });
    expect(src.pair).toEqual({ task: `paired:${dir} (AtoB)`, input: S, target: S, unpaired: false });
    const input = new Float32Array(6 * 48);
    const target = new Float32Array(6 * 48);
    src.next({ input, target }, 6);
    const ids = Array.from({ length: 6 }, (_, k) => colour(input, k)[0]! / 40).sort();
    expect(ids).toEqual([0, 1, 2, 3, 4, 5]);
    for (let k = 0; k < 6; k++) expect(colour(target, k)).toEqual([255, 0, 0]);
    // A resumed source draws the same pairs.
    const state = JSON.parse(JSON.stringify(src.getState()));
    src.next({ input, target }, 4);
    const resumed = await openSource(DataConfig.parse({ kind: 'paired', path: dir, size: 4, holdout: 0 }), new Rng(9));
    resumed.setState(state);
    const again = new Float32Array(4 * 48);
    resumed.next({ input: again }, 4);
    expect(Array.from(again)).toEqual(Array.from(input.subarray(0, 4 * 48)));
    const back = await open({ kind: 'paired', path: dir, size: 4, holdout: 0, direction: 'BtoA' });
    back.next({ input, target }, 1);
    expect(colour(input, 0)).toEqual([255, 0, 0]);
  });

  it('two folders: files of the same relative path pair up; held-out pairs keep their partners', async () => {
    const root = tempDir('pairs');
    for (let i = 0; i < 30; i++) {
      await solid(join(root, 'a', 'x', `${i}.png`), 4, 4, grey(8 * i));
      await solid(join(root, 'b', 'x', `${i}.png`), 4, 4, grey(255 - 8 * i));
    }
    const src = await open({ kind: 'paired', a: join(root, 'a'), b: join(root, 'b'), size: 4, holdout: 0.3 });
    const held = src.heldOut!;
    expect(held.count).toBeGreaterThan(0);
    expect(held.name).toBe(`held-out pairs (${held.count}, data.holdout 0.3)`);
    const input = new Float32Array(held.count * 48);
    const target = new Float32Array(held.count * 48);
    held.read({ input, target }, 0, held.count);
    for (let k = 0; k < held.count; k++) expect(colour(input, k)[0]! + colour(target, k)[0]!).toBe(255);
    const n = 30 - held.count;
    const ti = new Float32Array(n * 48);
    const tt = new Float32Array(n * 48);
    src.next({ input: ti, target: tt }, n);
    const trained = new Set(Array.from({ length: n }, (_, k) => colour(ti, k)[0]));
    for (let k = 0; k < n; k++) expect(colour(ti, k)[0]! + colour(tt, k)[0]!).toBe(255);
    expect(trained.size).toBe(n);
    for (let k = 0; k < held.count; k++) expect(trained.has(colour(input, k)[0]!)).toBe(false);
  });

  it('name the first file without a partner, and take either path or a and b', async () => {
    const root = tempDir('pairs');
    await solid(join(root, 'a', '1.png'), 4, 4, RED);
    await solid(join(root, 'a', '2.png'), 4, 4, RED);
    await solid(join(root, 'b', '1.png'), 4, 4, BLUE);
    await solid(join(root, 'b', '3.png'), 4, 4, BLUE);
    const [a, b] = [join(root, 'a'), join(root, 'b')];
    await expect(open({ kind: 'paired', a, b, size: 4 })).rejects.toThrow(`paired folders ${a} and ${b} do not match: ${join(a, '2.png')} has no partner ${join(b, '2.png')} (2 files without a partner); pairs are files of the same relative path in both`);
    const message = 'paired data takes either path (a folder of A|B side-by-side images) or both a and b (two folders with matching file names)';
    expect(() => validateConfig({ data: { kind: 'paired', a }, model: { kind: 'mlp' } }, 'c.json')).toThrow(`"data.path": ${message}`);
    expect(() => validateConfig({ data: { kind: 'paired', path: a, a, b }, model: { kind: 'mlp' } }, 'c.json')).toThrow(`"data.path": ${message}`);
  });

  it('a bad side-by-side file drops its pair when skipping, and is named otherwise', async () => {
    const dir = tempDir('pairs');
    for (let i = 0; i < 3; i++) await writeImage(join(dir, `p${i}.png`), 8, 4, (x) => (x < 4 ? GREEN : RED));
    writeFileSync(join(dir, 'p1.png'), 'broken');
    await expect(open({ kind: 'paired', path: dir, size: 4 })).rejects.toThrow(`image ${join(dir, 'p1.png')} cannot be decoded: Input file contains unsupported image format (data.skipBad: true skips bad files)`);
    const src = await open({ kind: 'paired', path: dir, size: 4, holdout: 0, skipBad: true });
    expect(src.notes).toEqual([`paired:${dir}: skipped 1 of 3 files that cannot be decoded (first: ${join(dir, 'p1.png')}: Input file contains unsupported image format)`]);
    expect(src.heldOut!.count).toBe(2);
  });
});

describe('unpaired data', () => {
  it('draws a and b independently from two folders; held-out example i of each domain', async () => {
    const root = tempDir('unpaired');
    for (let i = 0; i < 12; i++) await solid(join(root, 'trainA', `${i}.png`), 6, 6, grey(10 + i));
    for (let i = 0; i < 5; i++) await solid(join(root, 'trainB', `${i}.jpg`), 6, 6, RED);
    const src = await open({ kind: 'unpaired', a: join(root, 'trainA'), b: join(root, 'trainB'), size: 4, holdout: 0 });
    expect(src.fields).toEqual({ a: { shape: S, dtype: 'float32' }, b: { shape: S, dtype: 'float32' } });
    expect(src.pair).toEqual({ task: `unpaired images:${join(root, 'trainA')} <-> images:${join(root, 'trainB')}`, input: S, target: S, unpaired: true });
    const a = new Float32Array(12 * 48);
    const b = new Float32Array(12 * 48);
    src.next({ a, b }, 12);
    // One epoch of A (12 images) while B went round more than twice (5 images).
    expect(Array.from({ length: 12 }, (_, k) => colour(a, k)[0]!).sort((p, q) => p - q)).toEqual(Array.from({ length: 12 }, (_, i) => 10 + i));
    for (let k = 0; k < 12; k++) expect(Math.abs(colour(b, k)[0]! - 255)).toBeLessThanOrEqual(2);
    expect(src.heldOut!.count).toBe(5);
    const state = src.getState();
    src.next({ a, b }, 3);
    const again = await open({ kind: 'unpaired', a: join(root, 'trainA'), b: join(root, 'trainB'), size: 4, holdout: 0 });
    again.setState(state);
    const a2 = new Float32Array(3 * 48);
    again.next({ a: a2 }, 3);
    expect(Array.from(a2)).toEqual(Array.from(a.subarray(0, 3 * 48)));
  });

  it('task dilate-unpaired on a folder: A the first half of the images, B the second half (dilated)', async () => {
    const dir = tempDir('dilate');
    for (let i = 0; i < 4; i++) await solid(join(dir, `${i}.png`), 4, 4, grey(50 * (i + 1)));
    const src = await open({ kind: 'images', path: dir, size: 4, holdout: 0, task: 'dilate-unpaired' });
    const a = new Float32Array(4 * 48);
    const b = new Float32Array(4 * 48);
    src.next({ a, b }, 4);
    // Solid images are their own dilations.
    expect(new Set(Array.from({ length: 4 }, (_, k) => colour(a, k)[0]))).toEqual(new Set([50, 100]));
    expect(new Set(Array.from({ length: 4 }, (_, k) => colour(b, k)[0]))).toEqual(new Set([150, 200]));
  });

  it('an empty domain, and domains of different shapes, get one message each', async () => {
    const root = tempDir('unpaired');
    await solid(join(root, 'a', '1.png'), 4, 4, RED);
    const empty = tempDir('empty');
    await expect(open({ kind: 'unpaired', a: join(root, 'a'), b: empty, size: 4 })).rejects.toThrow(`unpaired domain b: image folder ${empty} holds no .png, .jpg, .jpeg or .webp files`);
    await expect(open({ kind: 'unpaired', a: join(root, 'a'), b: { kind: 'images', path: join(root, 'a'), size: 8 }, size: 4 })).rejects.toThrow(
      `unpaired domains a and b must give images of one shape; a gives [3, 4, 4] (images:${join(root, 'a')}), b [3, 8, 8] (images:${join(root, 'a')})`,
    );
  });
});
