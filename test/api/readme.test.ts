// The README's "As a library" example, run as it stands there (with 'tsgan' pointing at the source).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../tempdir.js';
import { runReadmeExample } from './readme-example.js';

describe('README: as a library', () => {
  it('trains a preset, samples, evaluates, exports and reopens the run', () => {
    const dir = tempDir('readme');
    const lines = runReadmeExample('As a library', dir);
    expect(lines[0]).toBe('infogan trained to step 2000 (steps)');
    expect(lines[1]).toMatch(/^drew 1000x2 samples; first point \(-?\d\.\d\d, -?\d\.\d\d\)$/);
    // The unsupervised preset (a 64-value code, rejection sampling) covers the ring within 2,000 steps.
    expect(lines[2]).toBe('modes captured: 8 of 8');
    expect(lines[3]).toBe('reopened at step 2000');
    expect(existsSync(join(dir, 'runs/ring8-lib/generator.onnx'))).toBe(true);
    expect(JSON.parse(readFileSync(join(dir, 'runs/ring8-lib/config.json'), 'utf8')).train.batch).toBe(128);
  });
});
