import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../tempdir.js';
import { validateConfig, type GanConfig } from '../../src/config/schema.js';
import { Trainer } from '../../src/gan/trainer.js';
import { buildRecipe, type DataInfo } from '../../src/gan/registry.js';
import { decodeCheckpoint, encodeCheckpoint, readCheckpoint } from '../../src/run/checkpoint.js';
import { RunDir } from '../../src/run/rundir.js';

const tmp = () => tempDir('trainer');

/** A small ring8 run: every schedule and stream the real presets use, at a size that trains in a second. */
function smallConfig(over: Record<string, unknown> = {}): GanConfig {
  return validateConfig(
    {
      seed: 7,
      data: { kind: 'mixture', name: 'ring8' },
      model: { kind: 'mlp', latent: 2, gHidden: [32, 32], dHidden: [32, 32], output: 'linear' },
      train: { steps: 200, batch: 64, lrG: 1e-3, lrD: 1e-3, lrSchedule: 'linear', emaDecay: 0.99, stepsPerRun: 8, checkpointEvery: 48, sampleEvery: 1000, ...over },
    },
    'test',
  );
}

function sameBytes(a: ArrayBufferView, b: ArrayBufferView): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

/**
 * Trains cfg to `total` steps in one go and, in another directory, to `stopAt` then resumed to
 * `total`; expects both final checkpoints to hold the same tensors, byte for byte, and the same meta.
 */
async function expectResumeBitExact(cfg: GanConfig, stopAt: number, total: number) {
  const whole = tmp();
  const a = await Trainer.open(cfg, whole);
  await a.train();
  await a.close();
  const split = tmp();
  const b1 = await Trainer.open(cfg, split);
  await b1.train({ steps: stopAt });
  await b1.close();
  const b2 = await Trainer.open(cfg, split, { resume: true });
  expect(b2.step).toBe(stopAt);
  await b2.train();
  await b2.close();
  const ca = readCheckpoint(new RunDir(whole).checkpointPath(total));
  const cb = readCheckpoint(new RunDir(split).checkpointPath(total));
  expect(Object.keys(cb.tensors).sort()).toEqual(Object.keys(ca.tensors).sort());
  for (const [t, v] of Object.entries(ca.tensors)) expect(sameBytes(v.data, cb.tensors[t]!.data), t).toBe(true);
  expect(cb.meta).toEqual(ca.meta);
  return { split, ca };
}

describe('trainer', () => {
  it('logs every step with losses, D outputs, gradient norms and learning rates', async () => {
    const dir = tmp();
    const t = await Trainer.open(smallConfig({ steps: 20 }), dir);
    const r = await t.train();
    await t.close();
    expect(r).toMatchObject({ step: 20, stoppedBy: 'steps' });
    const rows = new RunDir(dir).readMetrics();
    expect(rows.map((x) => x.step)).toEqual([...Array(20).keys()].map((i) => i + 1));
    for (const key of ['loss_D', 'loss_G', 'd_real', 'd_fake', 'grad_norm_D', 'grad_norm_G', 'lr_G', 'lr_D']) {
      expect(rows.every((x) => Number.isFinite(x[key]))).toBe(true);
    }
    expect(rows[0]!.lr_G).toBeCloseTo(1e-3, 9);
    expect(rows[19]!.lr_G).toBeCloseTo(1e-3 * (1 - 0.98 * (19 / 20)), 9); // linear decay towards lrFinal 0.02
    expect(rows.every((x) => x.d_real! > 0 && x.d_real! < 1)).toBe(true);
    // When each call of steps ended, in seconds since the epoch (the studio's steps/s).
    expect(rows.every((x) => Math.abs(x.time! - Date.now() / 1000) < 600 && x.time! >= rows[0]!.time!)).toBe(true);
    expect(existsSync(join(dir, 'checkpoints', 'step-00000020.ckpt'))).toBe(true);
    expect(existsSync(join(dir, 'samples', 'step-00000020.png'))).toBe(true);
    expect(existsSync(join(dir, 'loss.png'))).toBe(true);
  });

  const resumeCases: [string, GanConfig][] = [
    ['a plain GAN', smallConfig()],
    ['a conditional GAN (data labels and drawn labels)', { ...smallConfig(), model: { ...smallConfig().model, variant: 'cgan' } as GanConfig['model'] }],
    ['an InfoGAN (codes drawn from the noise stream)', { ...smallConfig(), model: { ...smallConfig().model, latent: 3, variant: 'infogan', categories: 8, codes: 1 } as GanConfig['model'] }],
  ];
  for (const [name, cfg] of resumeCases) {
    it(`${name}, resumed after an interruption, ends with exactly the parameters of an uninterrupted run`, async () => {
      // Stops mid-way, at a step that is not a multiple of stepsPerRun.
      const { split, ca } = await expectResumeBitExact(cfg, 100, 200);
      // The metrics log of the resumed run has each step once.
      expect(new RunDir(split).readMetrics().map((x) => x.step)).toEqual([...Array(200).keys()].map((i) => i + 1));
      expect(Object.keys(ca.tensors)).toContain('G.0.weight/ema');
    });
  }

  // Data made as batches are drawn (two unpaired domains; moving clips) and per-step frame picks.
  const imageResumeCases: [string, Record<string, unknown>, Record<string, unknown>][] = [
    ['a CycleGAN (two unpaired domains)', { kind: 'mnist', task: 'dilate-unpaired' }, { kind: 'cyclegan', width: 4 }],
    ['a video GAN (moving clips, random frames for the spatial D)', { kind: 'moving-mnist' }, { kind: 'video', width: 4, latent: 8 }],
  ];
  for (const [name, data, model] of imageResumeCases) {
    it(`${name}, resumed, ends with exactly the parameters of an uninterrupted run`, async () => {
      const cfg = validateConfig({ seed: 3, data, model, train: { steps: 24, batch: 8, stepsPerRun: 8, checkpointEvery: 12, sampleEvery: 1000, loss: 'hinge' } }, 'test');
      await expectResumeBitExact(cfg, 12, 24);
    });
  }

  it('skips a corrupt checkpoint by name and resumes from the previous good one', async () => {
    const dir = tmp();
    const t = await Trainer.open(smallConfig({ steps: 96 }), dir);
    await t.train();
    await t.close();
    const run = new RunDir(dir);
    expect(run.checkpointSteps()).toEqual([48, 96]);
    const latest = run.checkpointPath(96);
    const bytes = readFileSync(latest);
    bytes[bytes.length >> 1] = bytes[bytes.length >> 1]! ^ 0xff;
    writeFileSync(latest, bytes);
    expect(() => readCheckpoint(latest)).toThrow(`checkpoint ${latest} is corrupt (checksum mismatch)`);
    const warnings: string[] = [];
    const r = await Trainer.open(smallConfig({ steps: 96 }), dir, { resume: true, log: (m) => warnings.push(m) });
    expect(r.step).toBe(48);
    expect(warnings[0]).toBe(`checkpoint ${latest} is corrupt (checksum mismatch); skipping it`);
    await r.close();
  });

  it('stops on a non-finite loss with a message naming it, keeping the last good checkpoint', async () => {
    const dir = tmp();
    const t = await Trainer.open(smallConfig({ steps: 16 }), dir);
    await t.train();
    await t.close();
    // Continue with a learning rate that overflows the weights at once.
    const run = new RunDir(dir);
    const cfg = run.readConfig();
    run.writeConfig({ ...cfg, train: { ...cfg.train, steps: 64, lrG: 1e38, lrD: 1e38, lrSchedule: 'constant' } });
    const t2 = await Trainer.open(run.readConfig(), dir, { resume: true });
    const r = await t2.train();
    await t2.close();
    expect(r.stoppedBy).toBe('nan');
    const last = run.checkpointSteps().at(-1)!;
    expect(last).toBe(16);
    expect(r.message).toMatch(new RegExp(`^training stopped: loss_[DG] is (NaN|Infinity|-Infinity) at step \\d+; the last good checkpoint is ${run.checkpointPath(last).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`));
    expect(() => readCheckpoint(run.checkpointPath(last))).not.toThrow();
  });

  it('refuses to overwrite an existing run', async () => {
    const dir = tmp();
    const t = await Trainer.open(smallConfig({ steps: 8 }), dir);
    await t.close();
    await expect(Trainer.open(smallConfig({ steps: 8 }), dir)).rejects.toThrow(
      `run directory ${dir} already holds a run; pass --resume to continue it or choose another --out`,
    );
  });
});

describe('checkpoint files', () => {
  it('round-trip every dtype, shape and the metadata exactly', () => {
    const c = {
      step: 12,
      meta: { rngs: { data: [1, 2, 3, 4] }, note: 'x' },
      tensors: {
        w: { dtype: 'float32' as const, shape: [2, 3], data: Float32Array.from([1, -2, 3.5, 4, 5, 6e-8]) },
        i: { dtype: 'int64' as const, shape: [2], data: BigInt64Array.from([5n, -7n]) },
        s: { dtype: 'float32' as const, shape: [], data: Float32Array.of(42) },
      },
    };
    const back = decodeCheckpoint(encodeCheckpoint(c), 'mem');
    expect(back.step).toBe(12);
    expect(back.meta).toEqual(c.meta);
    expect(Array.from(back.tensors.w!.data as Float32Array)).toEqual(Array.from(c.tensors.w.data));
    expect(Array.from(back.tensors.i!.data as BigInt64Array)).toEqual([5n, -7n]);
    expect(back.tensors.s!.shape).toEqual([]);
  });

  it('reject truncated files and foreign files by name', () => {
    const bytes = encodeCheckpoint({ step: 1, meta: {}, tensors: { a: { dtype: 'float32', shape: [3], data: new Float32Array(3) } } });
    expect(() => decodeCheckpoint(bytes.subarray(0, bytes.length - 5), 'cut.ckpt')).toThrow('checkpoint cut.ckpt is corrupt (checksum mismatch)');
    expect(() => decodeCheckpoint(new TextEncoder().encode('hello world, not a checkpoint at all, no no no'), 'x.ckpt')).toThrow(
      'checkpoint x.ckpt is corrupt (not a tsgan checkpoint)',
    );
  });
});

const MNIST_INFO: DataInfo = { kind: 'mnist', fields: { x: { shape: [1, 28, 28], dtype: 'float32' }, y: { shape: [], dtype: 'int64' } }, shape: [1, 28, 28], classes: 10 };

describe('GAN types built from a config', () => {
  it('D sees real and generated batches in one pass unless it has batch norm (whose statistics would mix them)', () => {
    const recipe = (model: Record<string, unknown>) => buildRecipe(validateConfig({ data: { kind: 'mnist' }, model: { kind: 'dcgan', ...model } }, 't').model, MNIST_INFO);
    expect(recipe({}).joinRealFake).toBe(true);
    expect(recipe({ batchNormD: true }).joinRealFake).toBe(false);
    expect(recipe({ variant: 'acgan', batchNormD: true }).joinRealFake).toBe(false);
  });
});
