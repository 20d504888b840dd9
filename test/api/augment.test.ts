// gan augment / run.augment: the ImageFolder and .npy layouts, augment.json, the filters (the
// asked share, the highest scores, the label values a classifier is asked about) and bad inputs.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { openRun, train, type Run } from '../../src/api/index.js';
import { writeOnnx } from '../../src/api/outputs.js';
import * as E from '../../src/engine/index.js';
import { loadRun } from '../../src/gan/trainer.js';
import { compileSampler, drawSamples } from '../../src/gan/sampler.js';
import { classifierNet, classifierPath, readClassifierWeights } from '../../src/metrics/classifier.js';
import { readNpy } from '../../src/run/npy.js';
import { decodePng } from '../../src/run/png.js';
import { main } from '../../src/cli/main.js';
import { tempDir } from '../tempdir.js';

const tiny = { steps: 4, batch: 8, checkpointEvery: 100000, sampleEvery: 100000 };
const dir = tempDir('augment');
const runDir = join(dir, 'cgan');
let run: Run;

/** The shipped MNIST classifier as an ONNX model with a "probs" output (what --filter takes). */
function writeMnistClassifier(path: string): void {
  const net = classifierNet();
  const { values } = readClassifierWeights(classifierPath('mnist'));
  const store = new E.StateStore();
  for (const p of net.params()) store.set(p.name, values[p.name]!, p.shape);
  const ctx = new E.StateTrace(false);
  const probs = E.softmax(net.logits(net.features(E.input('x', [1, 1, 28, 28]), ctx), ctx), -1);
  writeOnnx(path, { probs }, {}, store, 'classifier');
}

/** The candidates run.augment draws for class c with a filter: the same stream, twice as many. */
async function candidates(c: number, n: number, seed: number): Promise<Float32Array> {
  const r = await loadRun(runDir);
  const sampler = await compileSampler(r.recipe, n, r.store, { ema: true });
  const x = await drawSamples(sampler, n, new E.Rng(seed).fork(c + 1), new BigInt64Array(n).fill(BigInt(c)));
  await sampler.release();
  return x;
}

/** Rows of x (784 values each) found among the rows of pool, by index. */
const rowsIn = (x: Float32Array, pool: Float32Array) =>
  Array.from({ length: x.length / 784 }, (_, i) => {
    const row = x.subarray(i * 784, (i + 1) * 784).join();
    return Array.from({ length: pool.length / 784 }, (_, j) => j).find((j) => pool.subarray(j * 784, (j + 1) * 784).join() === row);
  });

beforeAll(async () => {
  // A class-aware run on two digits: labels 0 and 1 are the digits 3 and 7.
  run = await train({ data: { kind: 'mnist', classes: [3, 7] }, model: { kind: 'mlp', variant: 'cgan', latent: 8, gHidden: [32], dHidden: [32] }, train: tiny }, { out: runDir });
}, 120_000);

describe('gan augment', () => {
  it('writes an ImageFolder tree named by the classes, labels.csv and augment.json', async () => {
    const out = join(dir, 'folder') + '/';
    const r = await run.augment({ perClass: 3, out, seed: 2 });
    expect(readdirSync(out).sort()).toEqual(['3', '7', 'augment.json', 'labels.csv']);
    expect(readdirSync(join(out, '7'))).toEqual(['sample-00000.png', 'sample-00001.png', 'sample-00002.png']);
    const png = decodePng(readFileSync(join(out, '3', 'sample-00000.png')));
    expect([png.width, png.height]).toEqual([28, 28]);
    expect(readFileSync(join(out, 'labels.csv'), 'utf8').split('\n').slice(0, 5)).toEqual(['file,label,class', '3/sample-00000.png,0,"3"', '3/sample-00001.png,0,"3"', '3/sample-00002.png,0,"3"', '7/sample-00000.png,1,"7"']);
    const record = JSON.parse(readFileSync(join(out, 'augment.json'), 'utf8'));
    expect(record).toEqual(r);
    expect({ ...record, producer: undefined }).toEqual({
      run: runDir,
      step: 4,
      gan_type: 'cgan',
      seed: 2,
      weights: 'exponential moving average',
      per_class: 3,
      out,
      layout: 'image-folder',
      files: { samples: out, labels: join(out, 'labels.csv') },
      filter: null,
      acceptance_rate: 1,
      classes: [
        { label: 0, name: '3', value: 3, count: 3, acceptance: 1, folder: '3' },
        { label: 1, name: '7', value: 7, count: 3, acceptance: 1, folder: '7' },
      ],
      producer: undefined,
    });
  });

  it('writes .npy samples with int64 labels, the same for the same seed', async () => {
    const out = join(dir, 'aug.npy');
    await run.augment({ perClass: 4, out, seed: 5 });
    const { data, shape } = readNpy(out);
    const labels = readNpy(join(dir, 'aug.labels.npy'));
    expect([shape, labels.shape, labels.dtype, Array.from(labels.data as BigInt64Array, Number)]).toEqual([[8, 1, 28, 28], [8], 'int64', [0, 0, 0, 0, 1, 1, 1, 1]]);
    expect(Math.max(...(data as Float32Array).map(Math.abs))).toBeLessThanOrEqual(1);
    expect(JSON.parse(readFileSync(join(dir, 'aug.augment.json'), 'utf8')).files).toEqual({ samples: out, labels: join(dir, 'aug.labels.npy') });
    // Class 0's samples are the first 4 drawn from its stream; the same seed gives the same bytes, another seed others.
    expect(Array.from((data as Float32Array).subarray(0, 4 * 784))).toEqual(Array.from(await candidates(0, 4, 5)));
    await run.augment({ perClass: 4, out: join(dir, 'again.npy'), seed: 5 });
    expect(readFileSync(join(dir, 'again.npy')).equals(readFileSync(out))).toBe(true);
    await run.augment({ perClass: 4, out: join(dir, 'other.npy'), seed: 6 });
    expect(readFileSync(join(dir, 'other.npy')).equals(readFileSync(out))).toBe(false);
  });

  it("--filter d keeps the asked share: the candidates the run's discriminator scores highest", async () => {
    const out = join(dir, 'd.npy');
    const r = await run.augment({ perClass: 5, out, filter: 'd', keep: 0.5, seed: 3 });
    expect([r.acceptance_rate, r.filter?.by, r.filter?.candidates_per_class, r.classes.map((c) => c.acceptance)]).toEqual([0.5, 'discriminator', 10, [0.5, 0.5]]);
    const x = readNpy(out).data as Float32Array;
    const loaded = await loadRun(runDir);
    const s = loaded.recipe.sampler!;
    const score = await E.Program.compile({ outputs: { s: s.judge!(E.input('x', [10, 1, 28, 28]), E.input('y', [10], 'int64'), new E.StateTrace(false)) } }, loaded.store);
    for (const c of [0, 1]) {
      const pool = await candidates(c, 10, 3);
      const scores = Array.from((await score.run({ x: pool, y: new BigInt64Array(10).fill(BigInt(c)) })).s!.data as Float32Array);
      const best = scores.map((v, i) => ({ v, i })).sort((a, b) => b.v - a.v).slice(0, 5).map((p) => p.i).sort((a, b) => a - b);
      expect(rowsIn(x.subarray(c * 5 * 784, (c + 1) * 5 * 784), pool)).toEqual(best);
    }
    await score.release();
  });

  it('--filter CLASSIFIER.onnx ranks by the probability of the class\'s label value in the whole source (3 and 7, not 0 and 1)', async () => {
    const clf = join(dir, 'mnist.onnx');
    writeMnistClassifier(clf);
    const out = join(dir, 'c.npy');
    const r = await run.augment({ perClass: 2, out, filter: clf, keep: 0.25, seed: 4 });
    expect([r.acceptance_rate, r.filter?.by, r.filter?.candidates_per_class]).toEqual([0.25, 'classifier', 8]);
    const x = readNpy(out).data as Float32Array;
    const session = await ort.InferenceSession.create(clf);
    let agree = 0;
    for (const [c, digit] of [[0, 3], [1, 7]] as const) {
      const pool = await candidates(c, 8, 4);
      const probs = (await session.run({ x: new ort.Tensor('float32', pool, [8, 1, 28, 28]) })).probs!.data as Float32Array;
      const p = Array.from({ length: 8 }, (_, i) => probs[i * 10 + digit]!);
      const best = p.map((v, i) => ({ v, i })).sort((a, b) => b.v - a.v).slice(0, 2).map((q) => q.i).sort((a, b) => a - b);
      const kept = rowsIn(x.subarray(c * 2 * 784, (c + 1) * 2 * 784), pool);
      expect(kept).toEqual(best);
      for (const i of kept) if (Array.from(probs.subarray(i! * 10, i! * 10 + 10)).indexOf(Math.max(...probs.subarray(i! * 10, i! * 10 + 10))) === digit) agree++;
    }
    expect(r.classifier_agreement).toBe(agree / 4);
    await session.release();
  });

  it('refuses a run without labels, an unknown run, a bad --out and --keep without a filter, each with one message', async () => {
    const plain = join(dir, 'plain');
    await train({ data: { kind: 'mnist' }, model: { kind: 'mlp', latent: 8, gHidden: [16], dHidden: [16] }, train: tiny }, { out: plain });
    await expect((await openRun(plain)).augment({ perClass: 2, out: join(dir, 'p.npy') })).rejects.toThrow(`run ${plain} (model type "gan") has no labels to augment with: gan augment needs a class-aware run (cgan, acgan)`);
    await expect(run.augment({ perClass: 2, out: join(dir, 'x.png') })).rejects.toThrow(`--out ${join(dir, 'x.png')}: expected a folder (ending in /) for one sub-folder of PNGs per class, or a .npy file (its labels go to x.labels.npy)`);
    await expect(run.augment({ perClass: 2, out: join(dir, 'k.npy'), keep: 0.5 })).rejects.toThrow('--keep chooses the share of candidates a filter keeps: give --filter d or --filter CLASSIFIER.onnx');
    await expect(run.augment({ perClass: 2, out: join(dir, 'k.npy'), filter: 'best' })).rejects.toThrow('--filter best: expected "d" (the run\'s discriminator) or an .onnx classifier');
    const errors: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((s: string) => (errors.push(s), true)) as typeof process.stderr.write;
    try {
      expect(await main(['augment', '--run', join(dir, 'nowhere'), '--per-class', '2', '--out', join(dir, 'n.npy')])).toBe(2);
      expect(await main(['augment', '--run', runDir, '--per-class', '0', '--out', join(dir, 'n.npy')])).toBe(2);
      expect(await main(['augment', '--run', runDir, '--per-class', '2', '--out', join(dir, 'cli') + '/'])).toBe(0);
    } finally {
      process.stderr.write = write;
    }
    expect(errors[0]).toBe(`gan: run directory ${join(dir, 'nowhere')} holds no run (no config.json)\n`);
    expect(errors[1]).toContain('--per-class must be an integer >= 1, got "0"');
    expect(errors[2]).toBe(`wrote 2 samples of each of 2 classes to ${join(dir, 'cli')}/ (labels: ${join(dir, 'cli')}/labels.csv); record in ${join(dir, 'cli')}/augment.json\n`);
    expect(existsSync(join(dir, 'n.npy'))).toBe(false);
  });
});
