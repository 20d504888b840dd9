// The `gan` command meeting checkpoints of another format version: one line naming the file and
// both versions, exit code 2, and the run directory left exactly as it was.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../tempdir.js';
import { validateConfig } from '../../src/config/schema.js';
import { Trainer } from '../../src/gan/trainer.js';
import { RunDir } from '../../src/run/rundir.js';
import { rewriteFormatVersion } from '../run/format-version.js';

const ENTRY = join(process.cwd(), 'src', 'cli', 'entry.ts');

function gan(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', ENTRY, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const files = (dir: string): string[] =>
  readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => `${join(e.parentPath, e.name)} ${readFileSync(join(e.parentPath, e.name)).toString('base64')}`)
    .sort();

describe('a run whose checkpoints are in format version 1', () => {
  it('gan train --resume and gan sample refuse it by name, exit 2, and write nothing', async () => {
    const dir = join(tempDir('cli-version'), 'run');
    const cfg = validateConfig(
      { data: { kind: 'mixture', name: 'ring8' }, model: { kind: 'mlp', latent: 2, gHidden: [8], dHidden: [8] }, train: { steps: 8, batch: 16, stepsPerRun: 8 } },
      'test',
    );
    const t = await Trainer.open(cfg, dir);
    await t.train();
    await t.close();
    const run = new RunDir(dir);
    rewriteFormatVersion(run.checkpointSteps().map((s) => run.checkpointPath(s)), 1);
    const before = files(dir);
    const message = `gan: checkpoint ${run.checkpointPath(8)} was written in format version 1; this tsgan reads format version 2 (train the run again, or use the tsgan version that wrote it)`;
    const resumed = gan('train', '--resume', '--out', dir, '--no-progress');
    expect(resumed.code).toBe(2);
    expect(resumed.stderr.trim()).toBe(message);
    const sampled = gan('sample', '--run', dir, '--count', '4', '--out', join(dir, 'x.npy'));
    expect(sampled.code).toBe(2);
    expect(sampled.stderr.trim()).toBe(message);
    expect(files(dir)).toEqual(before);
  });
});
