// The mlp networks' optional layers (batch norm in G, maxout units and minibatch standard
// deviation in D) and discriminator rejection sampling (model.rejection) at sampling time, on the
// mlp and convolutional networks.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as E from '../../src/engine/index.js';
import { openRun, train } from '../../src/api/index.js';
import { validateConfig } from '../../src/config/schema.js';
import { InputError } from '../../src/errors.js';
import { Maxout, MinibatchStd, mlpDiscriminator, mlpGenerator } from '../../src/gan/nets.js';
import { buildRecipe, type DataInfo } from '../../src/gan/registry.js';
import { defineRecipe, normal, type Sampler } from '../../src/gan/recipe.js';
import { compileSampler, compileScorer, drawRejected } from '../../src/gan/sampler.js';
import { evalCtx, Sequential, type Module } from '../../src/nn/module.js';
import { tempDir } from '../tempdir.js';

async function evaluate(t: E.Tensor): Promise<Float32Array> {
  const p = await E.Program.compile({ outputs: { t } }, new E.StateStore());
  const out = (await p.run()).t!.data as Float32Array;
  await p.release();
  return out;
}

/** The layers of nested Sequentials, in order. */
const layers = (m: Module): string[] => (m instanceof Sequential ? m.layers.flatMap(layers) : [m.describe().startsWith('Linear(') ? 'Linear' : m.describe()]);

const POINTS: DataInfo = { kind: 'mixture', fields: { x: { shape: [2], dtype: 'float32' } }, shape: [2] };

describe('mlp layer options', () => {
  it('maxout keeps the largest of each unit\'s consecutive pieces', async () => {
    const x = E.constant([1, 5, 2, -1, -3, -2, 0, 0, 7, 4, 4, 4], [2, 6]);
    expect(Array.from(await evaluate(Maxout(3).call(x, evalCtx())))).toEqual([5, -1, 7, 4]);
  });

  it('minibatch standard deviation appends the mean over features of their spread over the batch', async () => {
    const x = E.constant([0, 1, 2, 1, 4, 1], [3, 2]);
    const sd0 = Math.sqrt(8 / 3); // column 0: 0, 2, 4
    const got = await evaluate(MinibatchStd().call(x, evalCtx()));
    const want = [0, 1, sd0 / 2, 2, 1, sd0 / 2, 4, 1, sd0 / 2];
    got.forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 3));
  });

  it('batch norm in G, maxout in D and minibatch std build the layers they name', () => {
    const G = mlpGenerator(2, 2, { hidden: [16, 16], slope: 0, batchNorm: true, linearOut: true });
    expect(layers(G)).toEqual(['Linear', 'BatchNorm(16)', 'ReLU', 'Linear', 'BatchNorm(16)', 'ReLU', 'Linear']);
    const D = mlpDiscriminator(2, { hidden: [8], maxout: 5, minibatchStd: true }).named('D');
    expect(layers(D)).toEqual(['Linear', 'Maxout(5)', 'MinibatchStd', 'Linear']);
    // One linear layer of 8 x 5 pieces, and the last layer reads 8 features plus the spread.
    expect(D.parameters().map((p) => p.shape)).toEqual([[2, 40], [40], [9, 1], [1]]);
  });

  it('config fields default off and build the options; minibatch std makes D judge real and fake batches separately', () => {
    const cfg = validateConfig({ data: { kind: 'mixture', name: 'grid25' }, model: { kind: 'mlp' } }, 'test');
    expect(cfg.model).toMatchObject({ gBatchNorm: false, dMaxout: 1, minibatchStd: false, rejection: 'none', rejectionQuantile: 0.95 });
    const m = validateConfig({ data: { kind: 'mixture', name: 'grid25' }, model: { kind: 'mlp', gBatchNorm: true, dMaxout: 3, minibatchStd: true } }, 'test').model;
    const r = buildRecipe(m, POINTS);
    expect(layers(r.G)).toContain('BatchNorm(256)');
    expect(layers(r.D)).toContain('Maxout(3)');
    expect(r.joinRealFake).toBe(false);
    expect(r.sampler!.rejection).toBeUndefined();
  });
});

/** A recipe that only samples: 1-D samples from `sample`, each scored by its own value as D's logit. */
function samplingRecipe(s: Pick<Sampler, 'sample' | 'labels'>) {
  return defineRecipe({
    type: s.labels ? 'infogan' : 'gan',
    G: mlpGenerator(1, 1, { hidden: [1] }),
    D: mlpGenerator(1, 1, { hidden: [1] }),
    inputs: { z: normal(1) },
    generate: () => ({}),
    dLoss: () => E.constant([0], []),
    gLoss: () => E.constant([0], []),
    sampler: { latent: [1], output: [1], range: 'unbounded', ...s, rejection: { quantile: 1, score: (x) => E.reshape(x, [x.shape[0]!]) } },
  });
}

describe('discriminator rejection sampling', () => {
  it('keeps a sample with probability min(1, exp(logit - max)): N(0, 1) with logit x becomes N(1, 1)', async () => {
    // G passes z through; D's "logit" is the sample itself. p(x) exp(x) is proportional to N(x; 1, 1).
    const recipe = samplingRecipe({ sample: (z) => z });
    const store = new E.StateStore();
    const sampler = await compileSampler(recipe, 500, store);
    const scorer = await compileScorer(recipe, 500, store);
    const r = await drawRejected(sampler, scorer, 5000, new E.Rng(4), 1);
    await sampler.release();
    await scorer.release();
    const mean = r.x.reduce((a, v) => a + v, 0) / r.x.length;
    const variance = r.x.reduce((a, v) => a + (v - mean) ** 2, 0) / r.x.length;
    expect(mean).toBeGreaterThan(0.93);
    expect(mean).toBeLessThan(1.07);
    expect(variance).toBeGreaterThan(0.9);
    expect(variance).toBeLessThan(1.1);
    // The threshold is the largest logit of the first pool (about 3.7 for 5,000 normal draws).
    expect(r.threshold).toBeGreaterThan(3);
    expect(r.acceptance).toBeLessThan(0.1);
  });

  it('draws the code of a code-reading generator from its uniform prior and returns the kept samples\' codes', async () => {
    // G's sample is its code (0..3) as a number and D's "logit" the sample: code k is kept with
    // probability exp(k - 3), so the kept codes follow weights e^0 : e^1 : e^2 : e^3.
    const recipe = samplingRecipe({ labels: { classes: 4, meaning: 'code' }, sample: (z, y) => E.add(E.mul(z, 0), E.reshape(E.cast(y!, 'float32'), [z.shape[0]!, 1])) });
    const store = new E.StateStore();
    const sampler = await compileSampler(recipe, 500, store);
    const scorer = await compileScorer(recipe, 500, store);
    const r = await drawRejected(sampler, scorer, 4000, new E.Rng(2), 1, { classes: 4 });
    const fixed = await drawRejected(sampler, scorer, 100, new E.Rng(2), 1, { classes: 4, label: 1 });
    await sampler.release();
    await scorer.release();
    expect(Array.from(r.labels!, Number)).toEqual(Array.from(r.x));
    const z = 1 + Math.E + Math.E ** 2 + Math.E ** 3;
    for (let k = 0; k < 4; k++) {
      const share = r.x.filter((v) => v === k).length / 4000;
      expect(Math.abs(share - Math.E ** k / z)).toBeLessThan(0.025);
    }
    // Each code is drawn equally often, so z / (4 e^3) = 0.39 of the draws are kept.
    expect(Math.abs(r.acceptance - z / (4 * Math.E ** 3))).toBeLessThan(0.02);
    expect(new Set(fixed.x)).toEqual(new Set([1]));
    expect(new Set(Array.from(fixed.labels!, Number))).toEqual(new Set([1]));
  });

  it('is a model option used by run.sample and run.evaluate (rejection: false turns it off), variants gan and infogan', async () => {
    const dir = tempDir('drs');
    const config = {
      data: { kind: 'mixture', name: 'ring8' },
      model: { kind: 'mlp', latent: 2, gHidden: [16], dHidden: [16], output: 'linear', pack: 2, rejection: 'drs', rejectionQuantile: 0.5 },
      train: { steps: 400, batch: 64, lrG: 1e-3, lrD: 1e-3, checkpointEvery: 100000, sampleEvery: 100000 },
    };
    await train(config, { out: join(dir, 'run') });
    const run = await openRun(join(dir, 'run'));
    const kept = await run.sample(300, { seed: 1 });
    const all = await run.sample(300, { seed: 1, rejection: false });
    expect(kept.x.length).toBe(600);
    expect(Array.from(kept.x)).not.toEqual(Array.from(all.x));
    const m = await run.evaluate({ count: 500 });
    // About half of the samples score above the median logit and are always kept.
    expect(m.rejection_acceptance).toBeGreaterThan(0.5);
    expect(m.rejection_acceptance).toBeLessThan(1);
    expect((await run.evaluate({ count: 500, rejection: false })).rejection_acceptance).toBeUndefined();
    // InfoGAN's D judges a sample without its code: its runs sample with rejection too, and say with which code each sample was drawn.
    const info = { ...config, model: { ...config.model, pack: 1, variant: 'infogan', codes: 0, categories: 8 } };
    await train(info, { out: join(dir, 'info') });
    const infoRun = await openRun(join(dir, 'info'));
    const coded = await infoRun.sample(300, { seed: 1 });
    expect(coded.labels!.length).toBe(300);
    expect(Array.from(coded.labels!).every((l) => l >= 0n && l < 8n)).toBe(true);
    const infoMetrics = await infoRun.evaluate({ count: 500 });
    expect(infoMetrics.rejection_acceptance).toBeGreaterThan(0.5);
    expect(infoMetrics.rejection_acceptance).toBeLessThan(1);
    const labelled = validateConfig({ ...config, data: { kind: 'mixture', name: 'ring8' }, model: { ...config.model, pack: 1, variant: 'cgan' } }, 'test');
    expect(() => buildRecipe(labelled.model, { ...POINTS, classes: 8 })).toThrow(new InputError('model.rejection "drs" needs model.variant "gan" or "infogan" (D\'s logit of one unlabelled sample), not "cgan"'));
  });

  it('works on convolutional networks, packed D included; class-aware conv types are refused', async () => {
    const dir = tempDir('drs-conv');
    const config = {
      data: { kind: 'mnist' },
      model: { kind: 'dcgan', latent: 8, width: 8, pack: 2, rejection: 'drs', rejectionQuantile: 1 },
      // No weight average: 200 steps of it would sample a G near its initialisation, whose samples D scores alike.
      train: { steps: 200, batch: 16, lrG: 1e-3, lrD: 1e-3, loss: 'hinge', emaDecay: 0, checkpointEvery: 100000, sampleEvery: 100000 },
    };
    await train(config, { out: join(dir, 'run') });
    const run = await openRun(join(dir, 'run'));
    const kept = await run.sample(64, { seed: 1 });
    const all = await run.sample(64, { seed: 1, rejection: false });
    expect(kept.x.length).toBe(64 * 784);
    expect(Array.from(kept.x)).not.toEqual(Array.from(all.x));
    // Threshold at the pool's largest logit: only the best-scored sample is kept for sure.
    const m = await run.evaluate({ count: 500 });
    expect(m.rejection_acceptance).toBeGreaterThan(0.05);
    expect(m.rejection_acceptance).toBeLessThan(0.95);
    const labelled = validateConfig({ ...config, model: { ...config.model, pack: 1, variant: 'acgan' } }, 'test');
    const digits: DataInfo = { kind: 'mnist', fields: { x: { shape: [1, 28, 28], dtype: 'float32' } }, shape: [1, 28, 28], classes: 10 };
    expect(() => buildRecipe(labelled.model, digits)).toThrow(new InputError('model.rejection "drs" needs model.variant "gan" on dcgan networks (D\'s logit of one unlabelled sample), not "acgan"'));
  });
});
