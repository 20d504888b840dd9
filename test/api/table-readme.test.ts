// The README's "Tables" example, run as it stands there (with 'tsgan' pointing at the source).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../tempdir.js';
import { runReadmeExample } from './readme-example.js';

describe('README: tables', () => {
  it('fits penguins, samples, samples one species, saves and reloads', () => {
    const dir = tempDir('table-readme');
    const lines = runReadmeExample('Tables', dir);
    expect(lines[0]).toBe('sampled 1000 rows of Species, Island, Beak Length (mm), Beak Depth (mm), Flipper Length (mm), Body Mass (g), Sex');
    expect(lines[1]).toBe('all Gentoo: true');
    expect(lines[2]).toBe('same rows after loading: true');
    // What was saved is what sampling needs, and not the training rows.
    expect(existsSync(join(dir, 'models/penguins/encoder.json'))).toBe(true);
    expect(existsSync(join(dir, 'models/penguins/table.json'))).toBe(false);
  }, 120_000);
});
