// The README's "Tables" example, run as it stands there (with 'tsgan' pointing at the source).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../tempdir.js';

const root = resolve(import.meta.dirname, '../..');

/** The first ```ts block of the README section titled `title`. */
function readmeExample(title: string): string {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf(`## ${title}`));
  const m = /```ts\n([\s\S]*?)```/.exec(section);
  if (!m) throw new Error(`README section "${title}" has no ts example`);
  return m[1]!;
}

describe('README: tables', () => {
  it('fits penguins, samples, samples one species, saves and reloads', () => {
    const dir = tempDir('table-readme');
    const code = readmeExample('Tables').replace("from 'tsgan'", `from ${JSON.stringify(join(root, 'src/index.ts'))}`);
    writeFileSync(join(dir, 'example.mts'), code);
    const out = execFileSync(join(root, 'node_modules/.bin/tsx'), ['example.mts'], { cwd: dir, encoding: 'utf8' });
    const lines = out.trim().split('\n');
    expect(lines[0]).toBe('sampled 1000 rows of Species, Island, Beak Length (mm), Beak Depth (mm), Flipper Length (mm), Body Mass (g), Sex');
    expect(lines[1]).toBe('all Gentoo: true');
    expect(lines[2]).toBe('same rows after loading: true');
    // What was saved is what sampling needs, and not the training rows.
    expect(existsSync(join(dir, 'models/penguins/encoder.json'))).toBe(true);
    expect(existsSync(join(dir, 'models/penguins/table.json'))).toBe(false);
  }, 120_000);
});
