// Image folders (data.kind "images"): decoding by sharp, fit modes, alpha, labels, the cache and bad files.
import { readdirSync, readFileSync, statSync, truncateSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../tempdir.js';
import { Rng } from '../../src/engine/index.js';
import { DataConfig } from '../../src/data/config.js';
import { openSource } from '../../src/data/source.js';
import { listImages } from '../../src/data/images/folder.js';
import { validateConfig } from '../../src/config/schema.js';
import sharp from 'sharp';
import { BLUE, GREEN, planes, RED, solid, WHITE, writeImage, type Rgba } from './images-fixture.js';

const cache = tempDir('cache');
process.env.TSGAN_CACHE = cache;

const open = (data: Record<string, unknown>) => openSource(DataConfig.parse(data), new Rng(1));
/** Every image of a folder, in name order (nothing held out). */
async function images(data: Record<string, unknown>) {
  const src = await open({ kind: 'images', holdout: 0, ...data });
  return { src, d: src.dataset! };
}
const fill = (h: number, w: number, v: number) => Array.from({ length: h }, () => new Array<number>(w).fill(v));

describe('image folders', () => {
  it('are searched recursively and sorted by relative path; PNG, JPEG and WebP decode to NCHW values in [-1, 1]', async () => {
    const dir = tempDir('imgs');
    await solid(join(dir, 'sub', 'a.png'), 40, 30, WHITE);
    await solid(join(dir, 'b.png'), 8, 8, RED);
    await solid(join(dir, 'c.jpg'), 8, 8, GREEN);
    await solid(join(dir, 'd.webp'), 8, 8, BLUE);
    writeFileSync(join(dir, 'notes.txt'), 'ignored');
    expect(listImages(dir)).toEqual(['b.png', 'c.jpg', 'd.webp', 'sub/a.png']);
    const { src, d } = await images({ path: dir, size: 16 });
    expect([src.shape, d.count, src.kind, src.classes]).toEqual([[3, 16, 16], 4, 'image', undefined]);
    expect(Object.keys(src.fields)).toEqual(['x']);
    const rgb = (k: number) => planes(d.data, k, [3, 16, 16]).map((p) => p[8]![8]);
    expect(rgb(0)).toEqual([255, 0, 0]);
    // JPEG is lossy even at quality 100: within 2 of 255 and 0.
    rgb(1).forEach((v, c) => expect(Math.abs(v! - (c === 1 ? 255 : 0))).toBeLessThanOrEqual(2));
    expect(rgb(2)).toEqual([0, 0, 255]);
    expect(rgb(3)).toEqual([255, 255, 255]);
    expect(Math.min(...d.data)).toBeGreaterThanOrEqual(-1);
    // Kept as bytes (a quarter of the memory of floats); the floats are made from them.
    expect(d.bytes).toHaveLength(4 * 768);
    expect(Array.from(d.data)).toEqual(Array.from(Float32Array.from(d.bytes!, (v) => v / 127.5 - 1)));
  });

  it('16-bit PNGs are scaled to bytes (40000 of 65535 is 156 of 255)', async () => {
    const dir = tempDir('deep');
    await sharp(new Uint16Array(4 * 4 * 3).fill(40000), { raw: { width: 4, height: 4, channels: 3 } }).toColourspace('rgb16').png().toFile(join(dir, 'a.png'));
    expect((await sharp(join(dir, 'a.png')).metadata()).depth).toBe('ushort');
    const { d } = await images({ path: dir, size: 4 });
    expect(planes(d.data, 0, [3, 4, 4])).toEqual([fill(4, 4, 156), fill(4, 4, 156), fill(4, 4, 156)]);
  });

  it('one channel is the luma 0.299 R + 0.587 G + 0.114 B, rounded to a byte', async () => {
    const dir = tempDir('grey');
    await solid(join(dir, 'a.png'), 4, 4, RED);
    await solid(join(dir, 'b.png'), 4, 4, [10, 200, 30, 255]);
    const { d } = await images({ path: dir, size: 4, channels: 1 });
    expect(d.shape).toEqual([1, 4, 4]);
    expect(planes(d.data, 0, [1, 4, 4])[0]).toEqual(fill(4, 4, 76));
    expect(planes(d.data, 1, [1, 4, 4])[0]).toEqual(fill(4, 4, Math.round(0.299 * 10 + 0.587 * 200 + 0.114 * 30)));
  });

  it('fit crop takes the centre square, pad fits inside on the background, stretch scales each side', async () => {
    const dir = tempDir('fit');
    // 12x4: three 4x4 bands, red | green | blue: the centre crop at size 4 is the green band.
    await writeImage(join(dir, 'bands.png'), 12, 4, (x) => [RED, GREEN, BLUE][Math.floor(x / 4)]!);
    let { d } = await images({ path: dir, size: 4, fit: 'crop' });
    expect(planes(d.data, 0, [3, 4, 4])).toEqual([fill(4, 4, 0), fill(4, 4, 255), fill(4, 4, 0)]);
    // 4x2: a red row over a blue row; padded to 4x4 with black above and below.
    const wide = tempDir('fit');
    await writeImage(join(wide, 'rows.png'), 4, 2, (_, y) => (y === 0 ? RED : BLUE));
    ({ d } = await images({ path: wide, size: 4, fit: 'pad', background: 'black' }));
    const row = (v: number) => new Array<number>(4).fill(v);
    expect(planes(d.data, 0, [3, 4, 4])).toEqual([
      [row(0), row(255), row(0), row(0)],
      [row(0), row(0), row(0), row(0)],
      [row(0), row(0), row(255), row(0)],
    ]);
    // 8x4: red top half, blue bottom half; stretched, the width halves and the height stays.
    const tall = tempDir('fit');
    await writeImage(join(tall, 'halves.png'), 8, 4, (_, y) => (y < 2 ? RED : BLUE));
    ({ d } = await images({ path: tall, size: 4, fit: 'stretch' }));
    expect(planes(d.data, 0, [3, 4, 4])).toEqual([
      [row(255), row(255), row(0), row(0)],
      [row(0), row(0), row(0), row(0)],
      [row(0), row(0), row(255), row(255)],
    ]);
  });

  it('composite transparent pixels on the background (white by default)', async () => {
    const dir = tempDir('alpha');
    // Quadrants: opaque red, transparent, blue at alpha 128, opaque green.
    const q: Rgba[] = [RED, [0, 0, 0, 0], [0, 0, 255, 128], GREEN];
    await writeImage(join(dir, 'q.png'), 4, 4, (x, y) => q[2 * Math.floor(y / 2) + Math.floor(x / 2)]!);
    const corners = (data: Float32Array) => {
      const p = planes(data, 0, [3, 4, 4]);
      return [[0, 0], [0, 3], [3, 0], [3, 3]].map(([y, x]) => p.map((c) => c[y!]![x!]!));
    };
    const white = corners((await images({ path: dir, size: 4 })).d.data);
    const black = corners((await images({ path: dir, size: 4, background: '#000000' })).d.data);
    expect(white.slice(0, 2)).toEqual([[255, 0, 0], [255, 255, 255]]);
    expect(black.slice(0, 2)).toEqual([[255, 0, 0], [0, 0, 0]]);
    expect(white[3]).toEqual([0, 255, 0]);
    // Half-transparent blue: 127 of the background's 255 in red and green over white; 128 of blue over black.
    for (const [got, want] of [[white[2]!, [127, 127, 255]], [black[2]!, [0, 0, 128]]] as const) got.forEach((v, c) => expect(Math.abs(v - want[c]!)).toBeLessThanOrEqual(1));
    await expect(open({ kind: 'images', path: dir, size: 4, background: 'blurple' })).rejects.toThrow('data.background "blurple" is not a colour (e.g. "white", "black", "#808080")');
  });

  it('labels: "folders" labels each image with its first-level sub-folder, classes sorted by name', async () => {
    const dir = tempDir('labels');
    await solid(join(dir, 'dogs', 'a.png'), 4, 4, RED);
    await solid(join(dir, 'cats', 'deep', 'b.png'), 4, 4, GREEN);
    await solid(join(dir, 'dogs', 'c.png'), 4, 4, BLUE);
    const { src, d } = await images({ path: dir, size: 4, labels: 'folders' });
    expect(d.classNames).toEqual(['cats', 'dogs']);
    expect(Array.from(d.labels!)).toEqual([0, 1, 1]); // cats/deep/b.png, dogs/a.png, dogs/c.png
    expect(src.classes).toBe(2);
    expect(src.fields.y).toEqual({ shape: [], dtype: 'int64' });
    const x = new Float32Array(3 * 48);
    const y = new BigInt64Array(3);
    src.next({ x, y }, 3);
    // Each drawn image carries its own label: green is cats (0), red and blue dogs (1).
    for (let i = 0; i < 3; i++) expect(Number(y[i])).toBe(planes(x, i, [3, 4, 4])[1]![0]![0] === 255 ? 0 : 1);
    await solid(join(dir, 'loose.png'), 4, 4, RED);
    await expect(open({ kind: 'images', path: dir, size: 4, labels: 'folders' })).rejects.toThrow(`image ${join(dir, 'loose.png')} is not in a sub-folder: data.labels "folders" takes one sub-folder of ${dir} per class`);
  });

  it('are decoded once: a second load with unchanged files reads the cache; a changed file is decoded again', async () => {
    const dir = tempDir('cached');
    await solid(join(dir, 'a.png'), 8, 8, RED);
    await solid(join(dir, 'b.png'), 8, 8, BLUE);
    // Whole seconds, which any file system keeps exactly when they are set again below.
    const when = new Date(1_700_000_000_000);
    for (const f of ['a.png', 'b.png']) utimesSync(join(dir, f), when, when);
    const before = new Set(readdirSync(cache));
    const first = await images({ path: dir, size: 8 });
    const made = readdirSync(cache).filter((f) => !before.has(f));
    expect(made).toHaveLength(1);
    expect(first.src.notes).toEqual([]);
    // Garbage of the same length with the same modification time: only the cache can give the image now.
    const file = join(dir, 'a.png');
    writeFileSync(file, Buffer.alloc(statSync(file).size, 7));
    utimesSync(file, when, when);
    const second = await images({ path: dir, size: 8 });
    expect(second.src.notes).toEqual([`images:${dir}: decoded images read from the cache`]);
    expect(Array.from(second.d.data)).toEqual(Array.from(first.d.data));
    // Another decoding (size) is another cache entry; a new modification time makes the file be read again.
    await expect(images({ path: dir, size: 4 })).rejects.toThrow(`image ${file} cannot be decoded: `);
    utimesSync(file, when, new Date(when.getTime() + 5000));
    await expect(images({ path: dir, size: 8 })).rejects.toThrow(`image ${file} cannot be decoded: `);
    // cache: false neither reads nor writes it.
    const n = readdirSync(cache).length;
    await solid(file, 8, 8, GREEN);
    expect((await images({ path: dir, size: 8, cache: false })).src.notes).toEqual([]);
    expect(readdirSync(cache)).toHaveLength(n);
  });
});

describe('bad image data', () => {
  it('a truncated PNG is refused with its path, or skipped with skipBad and counted', async () => {
    const dir = tempDir('bad');
    await solid(join(dir, 'a.png'), 8, 8, RED);
    await writeImage(join(dir, 'b.png'), 32, 32, (x, y) => [x * 8, y * 8, (x * y) % 256, 255]);
    await solid(join(dir, 'c.png'), 8, 8, BLUE);
    const file = join(dir, 'b.png');
    truncateSync(file, Math.floor(readFileSync(file).length / 2));
    await expect(images({ path: dir, size: 8 })).rejects.toThrow(`image ${file} cannot be decoded: vipspng: libpng read error (data.skipBad: true skips bad files)`);
    writeFileSync(join(dir, 'd.png'), 'not a png');
    await expect(images({ path: dir, size: 8 })).rejects.toThrow(`image ${file} cannot be decoded: vipspng: libpng read error (and 1 more bad files; data.skipBad: true skips them)`);
    const { src, d } = await images({ path: dir, size: 8, skipBad: true });
    expect(d.count).toBe(2);
    expect(src.notes).toEqual([`images:${dir}: skipped 2 of 4 files that cannot be decoded (first: ${file}: vipspng: libpng read error)`]);
  });

  it('an empty folder, a missing folder, and unknown or bad keys get one message each', async () => {
    const empty = tempDir('empty');
    writeFileSync(join(empty, 'readme.md'), 'no images');
    await expect(open({ kind: 'images', path: empty })).rejects.toThrow(`image folder ${empty} holds no .png, .jpg, .jpeg or .webp files`);
    await expect(open({ kind: 'images', path: '/nonexistent/imgs' })).rejects.toThrow('image folder /nonexistent/imgs cannot be read: no such folder');
    const bad = () => validateConfig({ data: { kind: 'images', path: 'x', fit: 'squash', sizes: 3 }, model: { kind: 'mlp' } }, 'c.json');
    expect(bad).toThrow('config c.json has 2 problems:\n');
    expect(bad).toThrow('  "data.fit": expected one of "crop", "pad", "stretch", got "squash"\n  unknown key "data.sizes"');
    expect(() => validateConfig({ data: { kind: 'mnist', filter: 'bicubic' }, model: { kind: 'mlp' } }, 'c.json')).toThrow('"data.filter": data.filter chooses how the downscale tasks (downscale2, downscale4, downscale8) shrink; give one as data.task');
  });
});
