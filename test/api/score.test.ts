// An anomaly run end to end on a tiny f-AnoGAN: trained a few steps on MNIST zeros (both stages),
// it scores held-out zeros below their negatives; `gan score` keeps the input order and layout for
// .npy, image folders and CSV; the threshold flags the asked share of held-out normal data; bad
// inputs get one message each.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { openRun, train, type Run } from '../../src/api/index.js';
import { main } from '../../src/cli/main.js';
import { copySamples, loadMnist } from '../../src/data/datasets.js';
import { InputError } from '../../src/errors.js';
import { auroc, averagePrecision } from '../../src/metrics/anomaly.js';
import { writeNpy } from '../../src/run/npy.js';
import { tempDir } from '../tempdir.js';

const dir = tempDir('score');
const runDir = join(dir, 'run');
let run: Run;
/** The first 64 zeros of the MNIST test split (normal) and the same images negated (white background: clearly anomalous). */
let zeros: Float32Array;
let negated: Float32Array;

beforeAll(async () => {
  // 150 steps: 100 of the GAN (the presets' hinge loss and spectral norm), then 50 of the encoder.
  const config = {
    data: { kind: 'mnist', classes: [0] },
    model: { kind: 'fanogan', latent: 8, width: 8, spectralNorm: true, encoderShare: 1 / 3, lrE: 3e-3 },
    train: { steps: 150, batch: 16, loss: 'hinge', lrG: 1e-3, lrD: 1e-3, emaDecay: 0, checkpointEvery: 100000, sampleEvery: 100000 },
  };
  run = await train(config, { out: runDir });
  const test = loadMnist('test');
  const idx = [...test.labels!.keys()].filter((i) => test.labels![i] === 0).slice(0, 64);
  zeros = new Float32Array(64 * 784);
  idx.forEach((j, k) => copySamples(test, j, 1, zeros, k));
  negated = zeros.map((v) => -v);
}, 120_000);

const mean = (v: ArrayLike<number>) => Array.from(v).reduce((a, b) => a + b, 0) / v.length;

describe('an f-AnoGAN run', () => {
  it('trains both stages in one run: the GAN, then the encoder alone', () => {
    const rows = readFileSync(join(runDir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, number>);
    expect(rows).toHaveLength(150);
    expect(rows.slice(0, 100).every((r) => Number.isFinite(r.loss_D) && r.loss_E === undefined)).toBe(true);
    expect(rows.slice(100).every((r) => Number.isFinite(r.loss_E) && r.loss_D === undefined)).toBe(true);
  });

  it('scores normal images lower than clearly different ones', async () => {
    const a = await run.score(zeros);
    const b = await run.score(negated);
    // After 150 steps G draws a dark background: negated zeros (white background) cost >= 1.5x as much.
    expect(mean(b.scores)).toBeGreaterThan(1.5 * mean(a.scores));
    expect(auroc([...a.scores, ...b.scores], [...a.scores].map(() => 0).concat([...b.scores].map(() => 1)))).toBeGreaterThan(0.99);
    expect(b.anomalous.filter(Boolean).length).toBeGreaterThan(60);
  });

  it('sets the threshold on held-out normal data at the asked false-positive rate, and keeps their scores in the run', async () => {
    const r = await run.score(zeros, { fpr: 0.1 });
    expect(r.threshold.heldOut).toBe('test split');
    // data.classes keeps the zeros of the test split: 980 of them.
    expect(r.threshold.count).toBe(980);
    const kept = JSON.parse(readFileSync(join(runDir, 'anomaly-heldout.json'), 'utf8')) as { step: number; scores: number[] };
    expect(kept.step).toBe(150);
    const flagged = kept.scores.filter((s) => s > r.threshold.threshold).length;
    expect(flagged).toBeLessThanOrEqual(98);
    expect(flagged).toBeGreaterThanOrEqual(97);
  });

  it('gan eval gives AUROC and AUPRC on the test split: zeros normal, the other digits anomalous', async () => {
    const r = (await run.evaluate()) as Record<string, unknown>;
    expect(r.normal).toBe(980);
    expect(r.anomalous).toBe(9020);
    expect(r.normal_classes).toEqual(['0']);
    // The same figures as the scores of the test split ranked by hand (a few steps measure no quality).
    const test = loadMnist('test');
    const x = new Float32Array(test.count * 784);
    copySamples(test, 0, test.count, x, 0);
    const { scores } = await run.score(x);
    const labels = Array.from(test.labels!, (l) => (l === 0 ? 0 : 1));
    expect(r.auroc).toBeCloseTo(auroc(scores, labels), 10);
    expect(r.auprc).toBeCloseTo(averagePrecision(scores, labels), 10);
  }, 60_000);
});

describe('gan score output', () => {
  it('writes index, score, anomalous per .npy image in input order, the same scores as run.score', async () => {
    const x = new Float32Array([...zeros.subarray(0, 2 * 784), ...negated.subarray(0, 784), ...zeros.subarray(2 * 784, 3 * 784)]);
    writeNpy(join(dir, 'four.npy'), x, [4, 1, 28, 28]);
    const out = join(dir, 'four.csv');
    expect(await main(['score', '--run', runDir, '--in', join(dir, 'four.npy'), '--out', out])).toBe(0);
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('index,score,anomalous');
    const direct = await run.score(x);
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(['0', '1', '2', '3']);
    lines.slice(1).forEach((l, i) => {
      const [, s, flag] = l.split(',');
      expect(Number(s)).toBeCloseTo(direct.scores[i]!, 5);
      expect(flag).toBe(direct.anomalous[i] ? '1' : '0');
    });
    expect(lines[3]!.endsWith(',1')).toBe(true);
  });

  it('scores an image folder in sorted path order with a file column, and a CSV of flattened images row by row', async () => {
    const folder = join(dir, 'pngs');
    mkdirSync(join(folder, 'c'), { recursive: true });
    const png = (x: Float32Array, i: number, file: string) =>
      sharp(Buffer.from(x.subarray(i * 784, (i + 1) * 784).map((v) => Math.round((v + 1) * 127.5))), { raw: { width: 28, height: 28, channels: 1 } })
        .png()
        .toFile(join(folder, file));
    await png(zeros, 0, 'b.png');
    await png(negated, 0, 'a.png');
    await png(zeros, 1, 'c/d.png');
    const r = await run.scoreFile(folder, join(dir, 'folder.csv'));
    expect(r.count).toBe(3);
    const lines = readFileSync(join(dir, 'folder.csv'), 'utf8').trim().split('\n');
    expect(lines[0]).toBe('index,file,score,anomalous');
    expect(lines.slice(1).map((l) => l.split(',').slice(0, 2).join(','))).toEqual(['0,a.png', '1,b.png', '2,c/d.png']);
    // MNIST bytes survive PNG exactly, so the folder's scores are the arrays' scores.
    const same = await run.score(new Float32Array([...negated.subarray(0, 784), ...zeros.subarray(0, 784), ...zeros.subarray(784, 2 * 784)]));
    lines.slice(1).forEach((l, i) => expect(Number(l.split(',')[2])).toBeCloseTo(same.scores[i]!, 5));

    const rows = [0, 1].map((i) => Array.from(zeros.subarray(i * 784, (i + 1) * 784), (v) => String(v)).join(','));
    writeFileSync(join(dir, 'two.csv'), `${rows.join('\n')}\n`);
    await run.scoreFile(join(dir, 'two.csv'), join(dir, 'two-scores.csv'));
    const csvLines = readFileSync(join(dir, 'two-scores.csv'), 'utf8').trim().split('\n');
    expect(csvLines.slice(1).map((l) => Number(l.split(',')[1]))).toEqual([Number(same.scores[1]!.toPrecision(7)), Number(same.scores[2]!.toPrecision(7))]);
  });
});

describe('bad inputs', () => {
  it('refuses images of another shape, naming the expected one', async () => {
    writeNpy(join(dir, 'small.npy'), new Float32Array(2 * 27 * 27), [2, 1, 27, 27]);
    await expect(run.scoreFile(join(dir, 'small.npy'), join(dir, 'x.csv'))).rejects.toThrow(
      new InputError(`--in ${join(dir, 'small.npy')}: expected float32 images of shape [N, 1, 28, 28] (NCHW, values in [-1, 1]), got float32 [2, 1, 27, 27]`),
    );
    await expect(run.score(new Float32Array(700))).rejects.toThrow(new InputError('score: expected images of shape [N, 1, 28, 28] (784 values each), got 700 values'));
    writeFileSync(join(dir, 'short.csv'), '0.5,0.5,0.5\n');
    await expect(run.scoreFile(join(dir, 'short.csv'), join(dir, 'x.csv'))).rejects.toThrow(
      new InputError(`--in ${join(dir, 'short.csv')}: expected rows of 784 values (one image of shape [1, 28, 28] each, in [-1, 1]), got 3 columns`),
    );
    expect(existsSync(join(dir, 'x.csv'))).toBe(false);
  });

  it('refuses a run of another type and an unknown run', async () => {
    const other = join(dir, 'ring');
    await train('ring8', { out: other, steps: 2 });
    const ring = await openRun(other);
    await expect(ring.score(new Float32Array(4))).rejects.toThrow(
      new InputError(`run ${other} (model type "infogan") does not score anomalies: scoring needs an anomaly detection run (model kind "fanogan", e.g. preset mnist-anomaly)`),
    );
    const err: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((s: string) => (err.push(s), true)) as typeof process.stderr.write;
    try {
      expect(await main(['score', '--run', join(dir, 'nowhere'), '--in', join(dir, 'four.npy'), '--out', join(dir, 'y.csv')])).toBe(2);
      expect(await main(['score', '--run', other, '--in', join(dir, 'four.npy'), '--out', join(dir, 'y.csv')])).toBe(2);
    } finally {
      process.stderr.write = write;
    }
    expect(err).toEqual([
      `gan: run directory ${join(dir, 'nowhere')} holds no run (no config.json)\n`,
      `gan: run ${other} (model type "infogan") does not score anomalies: scoring needs an anomaly detection run (model kind "fanogan", e.g. preset mnist-anomaly)\n`,
    ]);
  }, 60_000);
});
