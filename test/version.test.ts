// tsgan's version comes from package.json alone: the CLI's --version, and the producer of exported ONNX models.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as E from '../src/engine/index.js';
import { openRun } from '../src/api/index.js';
import { validateConfig } from '../src/config/schema.js';
import { Trainer } from '../src/gan/trainer.js';
import { TSGAN_VERSION } from '../src/version.js';
import { modelInfo } from './onnx-fields.js';
import { tempDir } from './tempdir.js';

const packageVersion = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;

describe('the version', () => {
  it('is package.json\'s', () => {
    expect(TSGAN_VERSION).toBe(packageVersion);
  });

  it('is what gan --version prints', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', join('src', 'cli', 'entry.ts'), '--version'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`${packageVersion}\n`);
  });

  it('is the producer_version of a lowered model only when given (the engine reads no package.json)', () => {
    const x = E.input('x', [2]);
    const spec = { outputs: { y: E.add(x, 1) } };
    expect(modelInfo(E.lower(spec, { producerVersion: '9.8.7' }).bytes)).toMatchObject({ producerName: 'tsgan', producerVersion: '9.8.7' });
    expect(modelInfo(E.lower(spec).bytes)).toMatchObject({ producerName: 'tsgan', producerVersion: undefined });
  });

  it('is the producer of an exported generator, in producer_version and in the metadata', async () => {
    const dir = join(tempDir('version'), 'run');
    const cfg = validateConfig({ data: { kind: 'mixture', name: 'ring8' }, model: { kind: 'mlp', latent: 2, gHidden: [8], dHidden: [8] }, train: { steps: 8, batch: 16, stepsPerRun: 8 } }, 'test');
    const t = await Trainer.open(cfg, dir);
    await t.train();
    await t.close();
    const out = join(dir, 'g.onnx');
    const meta = await (await openRun(dir)).export(out);
    expect(meta.producer).toBe(`tsgan ${packageVersion}`);
    const info = modelInfo(readFileSync(out));
    expect(info.producerName).toBe('tsgan');
    expect(info.producerVersion).toBe(packageVersion);
    expect(info.metadata.producer).toBe(`tsgan ${packageVersion}`);
  });
});
