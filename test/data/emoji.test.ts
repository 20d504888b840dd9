// The demo colour dataset: npm's emoji-datasource-google / -apple, labelled by category.
import { describe, expect, it } from 'vitest';
import { tempDir } from '../tempdir.js';
import { Rng } from '../../src/engine/index.js';
import { DataConfig } from '../../src/data/config.js';
import { openSource } from '../../src/data/source.js';
import { emojiEntries, emojiPackageDir } from '../../src/data/images/emoji.js';
import { splitByName } from '../../src/data/images/split.js';
import { planes } from './images-fixture.js';
import sharp from 'sharp';

process.env.TSGAN_CACHE = tempDir('cache');

const CATEGORIES = ['Activities', 'Animals & Nature', 'Component', 'Flags', 'Food & Drink', 'Objects', 'People & Body', 'Smileys & Emotion', 'Symbols', 'Travel & Places'];

describe('emoji', () => {
  it('lists every image the vendor draws, skin tones included, with its category', () => {
    const google = emojiEntries('google');
    expect(google.entries).toHaveLength(3786);
    expect(google.classNames).toEqual(CATEGORIES);
    expect(new Set(google.entries.map((e) => e.name)).size).toBe(3786);
    expect(emojiEntries('apple').entries).toHaveLength(3783);
    // The thumbs-up and one of its five skin tones, both People & Body.
    const byName = new Map(google.entries.map((e) => [e.name, e]));
    expect(byName.get('1f44d.png')!.label).toBe(6);
    expect(byName.get('1f44d-1f3fd.png')!.label).toBe(6);
    const parts = splitByName(google.entries.map((e) => e.name), 0.1);
    expect(parts.train.length + parts.heldOut.length).toBe(3786);
  });

  it('opens as a labelled colour source at the size asked for, with a held-out split', async () => {
    const cfg = DataConfig.parse({ kind: 'emoji', size: 16, limit: 4, holdout: 0.005 });
    expect(cfg).toMatchObject({ vendor: 'google', channels: 3, background: 'white' });
    const src = await openSource(cfg, new Rng(1));
    const held = splitByName(emojiEntries('google').entries.map((e) => e.name), 0.005).heldOut.length;
    expect([src.shape, src.dataset!.count, src.heldOut!.count, src.classes]).toEqual([[3, 16, 16], 4, held, 10]);
    expect(src.dataset!.classNames).toEqual(CATEGORIES);
  });

  it('at 64, each image is its PNG as it is, transparent pixels white', async () => {
    const src = await openSource(DataConfig.parse({ kind: 'emoji', limit: 2, holdout: 0.002 }), new Rng(1));
    const { entries } = emojiEntries('google');
    const train = splitByName(entries.map((e) => e.name), 0.002, 2).train.map((i) => entries[i]!);
    for (let k = 0; k < 2; k++) {
      const png = await sharp(train[k]!.file).ensureAlpha().raw().toBuffer();
      const got = planes(src.dataset!.data, k, [3, 64, 64]);
      expect(Array.from(src.dataset!.labels!.subarray(k, k + 1))).toEqual([train[k]!.label]);
      let transparent = 0;
      for (let i = 0; i < 64 * 64; i++) {
        const rgb = [0, 1, 2].map((c) => got[c]![Math.floor(i / 64)]![i % 64]!);
        if (png[4 * i + 3] === 0) {
          transparent++;
          expect(rgb).toEqual([255, 255, 255]);
        } else if (png[4 * i + 3] === 255) expect(rgb).toEqual([png[4 * i]!, png[4 * i + 1]!, png[4 * i + 2]!]);
      }
      expect(transparent).toBeGreaterThan(100);
    }
  });

  it('google <-> apple as unpaired domains: both hold out the same emoji, with their categories as ya and yb', async () => {
    const domain = (vendor: string) => ({ kind: 'emoji', vendor, size: 16, limit: 2, holdout: 0.003 });
    const src = await openSource(DataConfig.parse({ kind: 'unpaired', a: domain('google'), b: domain('apple') }), new Rng(1));
    const held = src.heldOut!;
    expect(Object.keys(held.fields)).toEqual(['a', 'b', 'ya', 'yb']);
    const heldOf = (vendor: 'google' | 'apple') => {
      const { entries } = emojiEntries(vendor);
      return splitByName(entries.map((e) => e.name), 0.003).heldOut.map((i) => entries[i]!);
    };
    const [google, apple] = [heldOf('google'), heldOf('apple')];
    expect(held.count).toBe(Math.min(google.length, apple.length));
    const ya = new BigInt64Array(held.count);
    const yb = new BigInt64Array(held.count);
    held.read({ ya, yb }, 0, held.count);
    expect(Array.from(ya, Number)).toEqual(google.slice(0, held.count).map((e) => e.label));
    expect(Array.from(yb, Number)).toEqual(apple.slice(0, held.count).map((e) => e.label));
    expect(new Set(google.map((e) => e.name))).toEqual(new Set(apple.map((e) => e.name)));
  });

  it('without the package, says which one to install', () => {
    const missing = () => {
      throw new Error("Cannot find module 'emoji-datasource-apple/package.json'");
    };
    expect(() => emojiPackageDir('apple', missing)).toThrow('data.kind "emoji" with vendor "apple" needs the npm package emoji-datasource-apple: npm install emoji-datasource-apple');
  });
});
