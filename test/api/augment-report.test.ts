// The augmentation report's pipelines on tiny budgets: they compute real accuracies on the real
// test split (not the targets, which need the full budgets of scripts/augment-report.ts).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { classificationAccuracyScore, keepMostProbable, lowDataGain, realCopies, spread } from '../../src/api/augment-report.js';
import { train } from '../../src/api/index.js';
import { loadMnist } from '../../src/data/datasets.js';
import { compileClassifier, embedWith } from '../../src/metrics/classifier.js';
import { trainClassifier } from '../../src/metrics/classifier-training.js';
import { tempDir } from '../tempdir.js';

const recipe = { steps: 48, batch: 32, lr: 1e-3, seed: 1 };

describe('augmentation report', () => {
  it('CAS: the recipe on synthetic and on real digits 3 and 7, tested on the test split of those digits', async () => {
    const dir = tempDir('cas');
    const run = await train({ data: { kind: 'mnist', classes: [3, 7] }, model: { kind: 'mlp', variant: 'cgan', latent: 8, gHidden: [32], dHidden: [32] }, train: { steps: 4, batch: 8, checkpointEvery: 100000, sampleEvery: 100000 } }, { out: join(dir, 'run') });
    const r = await classificationAccuracyScore(run, { perClass: 50, recipe });
    const test = loadMnist('test').labels!.filter((l) => l === 3 || l === 7).length;
    expect([r.testImages, r.synthetic, r.augment.classes.map((c) => c.value), r.recipe.steps]).toEqual([test, 100, [3, 7], 48]);
    // Accuracies are whole counts of the test images; the real side learns 3 vs 7 in 48 steps
    // (which it could not if the labels given to the classifier were the run's 0 and 1).
    for (const a of [r.cas, r.real!]) expect(Math.abs(a * test - Math.round(a * test))).toBeLessThan(1e-6);
    expect(r.real!).toBeGreaterThan(0.9);
    expect(r.cas).toBeGreaterThanOrEqual(0);
    expect(r.cas).toBeLessThanOrEqual(1);
  }, 240_000);

  it('low-data gain: one seed of the protocol on 5 real images per class', async () => {
    const dir = tempDir('lowdata');
    const config = { data: { kind: 'mnist' }, model: { kind: 'mlp', variant: 'cgan', latent: 8, gHidden: [32], dHidden: [32] }, train: { steps: 2, batch: 8, checkpointEvery: 100000, sampleEvery: 100000 } };
    // DiffAugment needs images D judges as [C, H, W]: the MLP judges them flattened, so none here.
    const r = await lowDataGain({ preset: config, perClass: 5, seed: 3, out: join(dir, 'run'), ganSteps: 2, diffAugment: [], syntheticPerClass: 5, recipe: { ...recipe, steps: 16 } });
    expect([r.seed, r.perClass, r.ganSteps, r.testImages]).toEqual([3, 5, 2, 10000]);
    expect(r.gain).toBe(r.augmented - r.real);
    // The default realShare 0.5: 50 real images against 50 synthetic ones, one copy each.
    expect([r.realCopies, r.synthetic, r.filter]).toEqual([1, 50, null]);
    // The same run (reused) with the real-data classifier's filter: 20 candidates a class, 10 kept;
    // 50 real images twice against 100 synthetic ones. The real side is the same classifier.
    const f = await lowDataGain({ preset: config, perClass: 5, seed: 3, out: join(dir, 'run'), diffAugment: [], syntheticPerClass: 10, filter: 'real', keep: 0.5, recipe: { ...recipe, steps: 16 } });
    expect([f.realCopies, f.synthetic, f.filter, f.real]).toEqual([2, 100, { by: 'real', keep: 0.5 }, r.real]);
    const bad = { preset: config, perClass: 5, seed: 3, out: join(dir, 'never'), syntheticPerClass: 10 };
    await expect(lowDataGain({ ...bad, realShare: 1 })).rejects.toThrow('realShare must be in (0, 1), got 1');
    await expect(lowDataGain({ ...bad, keep: 0.5 })).rejects.toThrow('keep chooses the share of candidates a filter keeps: give filter "real", "d" or CLASSIFIER.onnx');
    await expect(lowDataGain({ ...bad, filter: 'real', keep: 2 })).rejects.toThrow('keep must be in (0, 1], got 2');
    expect(existsSync(join(dir, 'never'))).toBe(false); // refused before anything trained
    // Trained on 50 real digits for 16 steps: better than chance (10%).
    expect(r.real).toBeGreaterThan(0.15);
  }, 240_000);

  it('keepMostProbable: of each class, the candidates the classifier finds most probable', async () => {
    const m = loadMnist('test');
    const pick = (from: number, n: number) => ({ x: m.data.slice(from * 784, (from + n) * 784), labels: Array.from(m.labels!.slice(from, from + n)), count: n });
    const c = await trainClassifier(pick(0, 200), { ...recipe, steps: 16 });
    const drawn = pick(200, 300);
    const kept = await keepMostProbable(c, drawn, 4);
    const prog = await compileClassifier(c.net, c.store, 300);
    const { probs } = await embedWith(prog, drawn.x, 300);
    await prog.release();
    expect(kept.count).toBe(40);
    // Kept images are the drawn ones, in input order, and per class none dropped beats one kept.
    const keptAt = (j: number) => {
      const img = kept.x.subarray(j * 784, (j + 1) * 784);
      return Array.from({ length: 300 }, (_, i) => i).find((i) => drawn.x.subarray(i * 784, (i + 1) * 784).every((v, k) => v === img[k]))!;
    };
    const at = Array.from({ length: 40 }, (_, j) => keptAt(j));
    expect(at).toEqual([...at].sort((a, b) => a - b));
    expect(Array.from(kept.labels)).toEqual(at.map((i) => drawn.labels[i]));
    for (let l = 0; l < 10; l++) {
      const mine = at.filter((i) => drawn.labels[i] === l);
      expect(mine.length).toBe(4);
      expect(Array.from(kept.labels).filter((v) => v === l).length).toBe(4);
      const rest = Array.from(drawn.labels).map((v, i) => (v === l && !mine.includes(i) ? i : -1)).filter((i) => i >= 0);
      expect(Math.min(...mine.map((i) => probs[i * 10 + l]!))).toBeGreaterThanOrEqual(Math.max(...rest.map((i) => probs[i * 10 + l]!)));
    }
  }, 120_000);

  it('realCopies: the real images repeated to their share of the augmented set', () => {
    expect(realCopies(100, 5000, 0.5)).toBe(50); // n = 10: 100 real, 500 synthetic per class
    expect(realCopies(500, 5000, 0.5)).toBe(10);
    expect(realCopies(100, 5000, 0.2)).toBe(13); // 1,300 real of 6,300: 0.206
    expect(realCopies(500, 100, 0.5)).toBe(1); // never fewer than the images themselves
    expect(() => realCopies(100, 5000, 1)).toThrow('realShare must be in (0, 1), got 1');
  });

  it('spread: mean, sample standard deviation, mean - sd', () => {
    const s = spread([1, 2, 3, 6]);
    expect(s.mean).toBe(3);
    expect(s.sd).toBeCloseTo(Math.sqrt(14 / 3), 12);
    expect(s.meanMinusSd).toBeCloseTo(3 - Math.sqrt(14 / 3), 12);
  });
});
