// A run handle's translate() gives what translateFile (gan translate) writes, and refuses what it cannot translate.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openRun, train } from '../../src/api/index.js';
import { InputError } from '../../src/errors.js';
import { readNpy, writeNpy } from '../../src/run/npy.js';
import { tempDir } from '../tempdir.js';

describe('run handle', () => {
  it('translate() equals translateFile, and refuses images of the wrong size by their shape', async () => {
    const dir = tempDir('api-run');
    const config = { data: { kind: 'mnist', task: 'downscale4' }, model: { kind: 'srgan', width: 8, blocks: 1 }, train: { steps: 8, batch: 8, checkpointEvery: 100000, sampleEvery: 100000 } };
    await train(config, { out: join(dir, 'run') });
    const run = await openRun(join(dir, 'run'));
    const x = Float32Array.from({ length: 3 * 49 }, (_, i) => Math.sin(i) * 0.9);
    const { y, shape } = await run.translate(x);
    expect(shape).toEqual([3, 1, 28, 28]);
    writeNpy(join(dir, 'in.npy'), x, [3, 1, 7, 7]);
    await run.translateFile(join(dir, 'in.npy'), join(dir, 'out.npy'));
    expect(Array.from(y)).toEqual(Array.from(readNpy(join(dir, 'out.npy')).data as Float32Array));
    await expect(run.translate(new Float32Array(50))).rejects.toThrow(new InputError('translate: expected images of shape [N, 1, 7, 7] (49 values each), got 50 values'));
  });
});
