// Checkpoint format versions: a checkpoint of another version is refused by name with both
// versions, never skipped as corrupt and never deleted; resume and load stop on it.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../tempdir.js';
import { validateConfig, type GanConfig } from '../../src/config/schema.js';
import { loadRun, Trainer } from '../../src/gan/trainer.js';
import {
  CHECKPOINT_FORMAT_VERSION,
  CheckpointError,
  CheckpointVersionError,
  checkpointFormatVersion,
  decodeCheckpoint,
  encodeCheckpoint,
  writeCheckpoint,
  type Checkpoint,
} from '../../src/run/checkpoint.js';
import { RunDir } from '../../src/run/rundir.js';
import { rewriteFormatVersion, withFormatVersion, withHeader } from './format-version.js';

const tmp = () => tempDir('checkpoint');

const small: Checkpoint = { step: 3, meta: { note: 'x' }, tensors: { w: { dtype: 'float32', shape: [2], data: Float32Array.of(1, 2) } } };

const versionMessage = (path: string, found: number) =>
  `checkpoint ${path} was written in format version ${found}; this tsgan reads format version 2 (train the run again, or use the tsgan version that wrote it)`;

/** The error fn throws (failing the test when it throws none). */
function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
}

async function rejection(p: Promise<unknown>): Promise<Error> {
  return p.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e as Error,
  );
}

/** Every file under dir with its bytes, to check that nothing was written or deleted. */
function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.set(p, readFileSync(p).toString('base64'));
    }
  };
  walk(dir);
  return out;
}

describe('checkpoint format version', () => {
  it('is 2, and written into every header', () => {
    expect(CHECKPOINT_FORMAT_VERSION).toBe(2);
    const bytes = Buffer.from(encodeCheckpoint(small));
    const header = JSON.parse(bytes.toString('utf8', 12, 12 + bytes.readUInt32LE(8))) as { version: number };
    expect(header.version).toBe(2);
    const dir = tmp();
    writeCheckpoint(join(dir, 'a.ckpt'), small);
    expect(checkpointFormatVersion(join(dir, 'a.ckpt'))).toBe(2);
  });

  it('is read from a header alone, and is undefined for files without a readable one', () => {
    const dir = tmp();
    const file = (name: string, bytes: Uint8Array) => (writeFileSync(join(dir, name), bytes), join(dir, name));
    const good = Buffer.from(encodeCheckpoint(small));
    expect(checkpointFormatVersion(file('head.ckpt', withFormatVersion(good, 1).subarray(0, 12 + good.readUInt32LE(8))))).toBe(1);
    expect(checkpointFormatVersion(file('foreign.ckpt', Buffer.from('not a checkpoint at all')))).toBeUndefined();
    const hugeLength = Buffer.from(good);
    hugeLength.writeUInt32LE(0xfffffff0, 8);
    expect(checkpointFormatVersion(file('length.ckpt', hugeLength))).toBeUndefined();
    expect(checkpointFormatVersion(join(dir, 'missing.ckpt'))).toBeUndefined();
  });

  it('of another version is refused with one message naming the file and both versions', () => {
    const good = encodeCheckpoint(small);
    expect(decodeCheckpoint(withFormatVersion(good, 2), 'same.ckpt').step).toBe(3);
    for (const v of [1, 3]) {
      const path = `runs/x/checkpoints/step-000100.ckpt`;
      const e = thrown(() => decodeCheckpoint(withFormatVersion(good, v), path));
      expect(e).toBeInstanceOf(CheckpointVersionError);
      expect(e).toBeInstanceOf(CheckpointError);
      expect(e.message).toBe(versionMessage(path, v));
    }
  });

  it('is named even when the rest of the file would not verify (a later format may lay it out differently)', () => {
    const old = withFormatVersion(encodeCheckpoint(small), 1);
    old[old.length - 40] = old[old.length - 40]! ^ 0xff;
    expect(thrown(() => decodeCheckpoint(old, 'old.ckpt')).message).toBe(versionMessage('old.ckpt', 1));
  });

  it('missing from an intact header makes the file corrupt', () => {
    const noVersion = withHeader(encodeCheckpoint(small), ({ version: _, ...rest }) => rest);
    expect(thrown(() => decodeCheckpoint(noVersion, 'nov.ckpt')).message).toBe('checkpoint nov.ckpt is corrupt (no format version in the header)');
  });
});

describe('a run directory with checkpoints of another format version', () => {
  it('latestGoodCheckpoint throws the version error instead of skipping, after skipping a newer corrupt one by name', () => {
    const run = new RunDir(tmp());
    writeCheckpoint(run.checkpointPath(50), { ...small, step: 50 });
    writeCheckpoint(run.checkpointPath(100), { ...small, step: 100 });
    rewriteFormatVersion([run.checkpointPath(50)], 1);
    const corrupt = readFileSync(run.checkpointPath(100));
    corrupt[corrupt.length - 40] = corrupt[corrupt.length - 40]! ^ 0xff;
    writeFileSync(run.checkpointPath(100), corrupt);
    const before = snapshot(run.path);
    const warnings: string[] = [];
    expect(thrown(() => run.latestGoodCheckpoint((m) => warnings.push(m))).message).toBe(versionMessage(run.checkpointPath(50), 1));
    expect(warnings).toEqual([`checkpoint ${run.checkpointPath(100)} is corrupt (checksum mismatch); skipping it`]);
    expect(snapshot(run.path)).toEqual(before);
  });

  it('pruneCheckpoints never deletes them, only old ones of this version', () => {
    const run = new RunDir(tmp());
    for (const s of [10, 20, 30, 40]) writeCheckpoint(run.checkpointPath(s), { ...small, step: s });
    rewriteFormatVersion([run.checkpointPath(10)], 1);
    run.pruneCheckpoints(1);
    expect(run.checkpointSteps()).toEqual([10, 40]);
    expect(checkpointFormatVersion(run.checkpointPath(10))).toBe(1);
  });
});

describe('resume and load stop on a checkpoint of another format version, writing nothing', () => {
  const cfg: GanConfig = validateConfig(
    {
      seed: 1,
      data: { kind: 'mixture', name: 'ring8' },
      model: { kind: 'mlp', latent: 2, gHidden: [8], dHidden: [8], output: 'linear' },
      train: { steps: 16, batch: 16, stepsPerRun: 8, checkpointEvery: 8, sampleEvery: 1000 },
    },
    'test',
  );

  it('Trainer.open with resume and loadRun reject with the version message; every file stays as it was', async () => {
    const dir = join(tmp(), 'run');
    const t = await Trainer.open(cfg, dir);
    await t.train();
    await t.close();
    const run = new RunDir(dir);
    const steps = run.checkpointSteps();
    expect(steps.length).toBeGreaterThan(0);
    rewriteFormatVersion(steps.map((s) => run.checkpointPath(s)), 1);
    const before = snapshot(dir);
    const newest = run.checkpointPath(steps.at(-1)!);
    const warnings: string[] = [];
    const resumed = await rejection(Trainer.open(cfg, dir, { resume: true, log: (m) => warnings.push(m) }));
    expect(resumed).toBeInstanceOf(CheckpointVersionError);
    expect(resumed.message).toBe(versionMessage(newest, 1));
    expect((await rejection(loadRun(dir, (m) => warnings.push(m)))).message).toBe(versionMessage(newest, 1));
    expect(warnings).toEqual([]);
    expect(snapshot(dir)).toEqual(before);
    expect(existsSync(newest)).toBe(true);
  });
});
