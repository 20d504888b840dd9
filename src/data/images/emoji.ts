// The demo colour dataset: the 64x64 RGBA emoji of npm's emoji-datasource-google or -apple
// (with every skin-tone variation the vendor draws), labelled by emoji.json's category.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { InputError } from '../../errors.js';
import type { Entry } from './set.js';

export type Vendor = 'google' | 'apple';

interface EmojiRecord {
  image: string;
  category: string;
  skin_variations?: Record<string, { image: string } & Record<string, unknown>>;
  [has: string]: unknown;
}

const require = createRequire(import.meta.url);

/** The package's folder; a missing package is one message naming what to install. */
export function emojiPackageDir(vendor: Vendor, resolve: (id: string) => string = require.resolve): string {
  const name = `emoji-datasource-${vendor}`;
  try {
    return dirname(resolve(`${name}/package.json`));
  } catch (e) {
    throw new InputError(`data.kind "emoji" with vendor "${vendor}" needs the npm package ${name}: npm install ${name}`, { cause: e });
  }
}

/** Every image the vendor draws (base emoji and skin-tone variations), in emoji.json order, with its category. */
export function emojiEntries(vendor: Vendor, dir = emojiPackageDir(vendor)): { entries: Entry[]; classNames: string[] } {
  const list = JSON.parse(readFileSync(join(dir, 'emoji.json'), 'utf8')) as EmojiRecord[];
  const has = `has_img_${vendor}`;
  const found: { image: string; category: string }[] = [];
  for (const e of list) {
    if (e[has] === true) found.push({ image: e.image, category: e.category });
    for (const v of Object.values(e.skin_variations ?? {})) if (v[has] === true) found.push({ image: v.image, category: e.category });
  }
  const classNames = [...new Set(found.map((f) => f.category))].sort();
  const images = join(dir, 'img', vendor, '64');
  return { entries: found.map((f) => ({ file: join(images, f.image), name: f.image, label: classNames.indexOf(f.category) })), classNames };
}
