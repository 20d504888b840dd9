// The held-out split and limit: by hashes of relative paths, so stable when files are added.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../tempdir.js';
import { Rng } from '../../src/engine/index.js';
import { DataConfig } from '../../src/data/config.js';
import { openSource } from '../../src/data/source.js';
import { splitByName } from '../../src/data/images/split.js';
import { byte, solid } from './images-fixture.js';

process.env.TSGAN_CACHE = tempDir('cache');

const names = (n: number, from = 0) => Array.from({ length: n }, (_, i) => `img/${from + i}.png`);

describe('held-out split', () => {
  it('holds out about the share asked for, disjoint from training, and keeps it when files are added', () => {
    const first = splitByName(names(1000), 0.1);
    expect(first.heldOut.length).toBeGreaterThan(70);
    expect(first.heldOut.length).toBeLessThan(130);
    expect([...first.train, ...first.heldOut].sort((a, b) => a - b)).toEqual(names(1000).map((_, i) => i));
    // 500 more files: the first 1,000 are split as before.
    const more = splitByName([...names(1000), ...names(500, 1000)], 0.1);
    expect(more.heldOut.filter((i) => i < 1000)).toEqual(first.heldOut);
    expect(splitByName(names(50), 0).heldOut).toEqual([]);
  });

  it('limit keeps that many training images, the same ones each time, spread over the names; the held-out set stays whole', () => {
    const all = splitByName(names(1000), 0.1);
    const few = splitByName(names(1000), 0.1, 100);
    expect(few.train).toHaveLength(100);
    expect(few.heldOut).toEqual(all.heldOut);
    expect(few.train.every((i) => all.train.includes(i))).toBe(true);
    expect(splitByName(names(1000), 0.1, 100)).toEqual(few);
    // Not simply the first 100 in path order.
    expect(Math.max(...few.train)).toBeGreaterThan(500);
  });

  it('a folder source trains on its training images only and reads its held-out images from heldOut', async () => {
    const dir = tempDir('split');
    // 40 images, each one grey level, so each is known by its value.
    for (let i = 0; i < 40; i++) await solid(join(dir, `${i}.png`), 4, 4, [i * 6, i * 6, i * 6, 255]);
    const raw = { kind: 'images', path: dir, size: 4, channels: 1, holdout: 0.25 };
    const cfg = DataConfig.parse(raw);
    const src = await openSource(cfg, new Rng(1));
    const expected = splitByName(names(40).map((_, i) => `${i}.png`).sort(), 0.25);
    const levels = (x: Float32Array, n: number) => Array.from({ length: n }, (_, k) => byte(x[k * 16]!) / 6).sort((a, b) => a - b);
    const heldOut = src.heldOut!;
    expect([src.dataset!.count, heldOut.count]).toEqual([expected.train.length, expected.heldOut.length]);
    expect(heldOut.name).toBe(`held-out images (${heldOut.count}, data.holdout 0.25)`);
    expect(heldOut.fields).toEqual(src.fields);
    const held = new Float32Array(heldOut.count * 16);
    heldOut.read({ x: held }, 0, heldOut.count);
    // Two epochs of training draws never show a held-out image.
    const drawn = new Float32Array(2 * src.dataset!.count * 16);
    src.next({ x: drawn }, 2 * src.dataset!.count);
    const heldLevels = levels(held, heldOut.count);
    const trainLevels = [...new Set(levels(drawn, 2 * src.dataset!.count))];
    expect([...heldLevels, ...trainLevels].sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i));
    expect(() => heldOut.read({ x: held }, heldOut.count, 1)).toThrow(`held-out examples [${heldOut.count}, ${heldOut.count + 1}) asked for; there are ${heldOut.count}`);
    // limit: 5 training images; the held-out images stay whole.
    const few = await openSource(DataConfig.parse({ ...raw, limit: 5 }), new Rng(1));
    expect([few.dataset!.count, few.heldOut!.count]).toEqual([5, heldOut.count]);
  });

  it('with nothing held out, the training images stand in, and say so; all held out is refused', async () => {
    const dir = tempDir('split');
    await solid(join(dir, 'a.png'), 4, 4, [0, 0, 0, 255]);
    const raw = { kind: 'images', path: dir, size: 4, holdout: 0 };
    const cfg = DataConfig.parse(raw);
    const src = await openSource(cfg, new Rng(1));
    expect([src.heldOut!.name, src.heldOut!.count]).toEqual(['training images (data.holdout left none out)', 1]);
    // With one file, some share holds it out (its hash is below it).
    const share = [0.3, 0.5, 0.7, 0.9].find((h) => splitByName(['a.png'], h).heldOut.length === 1)!;
    await expect(openSource(DataConfig.parse({ ...raw, holdout: share }), new Rng(1))).rejects.toThrow(`images:${dir}: all 1 images are held out (data.holdout ${share}); lower data.holdout or add images`);
  });
});
