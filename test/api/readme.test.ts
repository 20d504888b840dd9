// The README's "As a library" example, run as it stands there (with 'tsgan' pointing at the source).
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

describe('README: as a library', () => {
  it('trains a preset, samples, evaluates, exports and reopens the run', () => {
    const dir = tempDir('readme');
    const code = readmeExample('As a library').replace("from 'tsgan'", `from ${JSON.stringify(join(root, 'src/index.ts'))}`);
    writeFileSync(join(dir, 'example.mts'), code);
    const out = execFileSync(join(root, 'node_modules/.bin/tsx'), ['example.mts'], { cwd: dir, encoding: 'utf8' });
    const lines = out.trim().split('\n');
    expect(lines[0]).toBe('gan trained to step 2000 (steps)');
    expect(lines[1]).toMatch(/^drew 1000x2 samples; first point \(-?\d\.\d\d, -?\d\.\d\d\)$/);
    // The unsupervised preset (with rejection sampling) covers the ring within 2,000 steps.
    expect(lines[2]).toBe('modes captured: 8 of 8');
    expect(lines[3]).toBe('reopened at step 2000');
    expect(existsSync(join(dir, 'runs/ring8-lib/generator.onnx'))).toBe(true);
    expect(JSON.parse(readFileSync(join(dir, 'runs/ring8-lib/config.json'), 'utf8')).train.batch).toBe(128);
  });
});
