// The adversarial objectives and the step's logic, checked against their formulas.
import { describe, expect, it } from 'vitest';
import * as E from '../../src/engine/index.js';
import { discriminatorLoss, generatorLoss, gradientPenalty, LOSSES, r1Penalty } from '../../src/gan/losses.js';
import { buildTrainStep, type StepConfig } from '../../src/gan/step.js';
import { mlpDiscriminator, mlpGenerator } from '../../src/gan/nets.js';
import { gan } from '../../src/gan/types/gan.js';

const r = [2, -1, 0.5];
const f = [-3, 0.25, 1];
const sp = (x: number) => Math.log1p(Math.exp(x));
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

const expectedD: Record<string, number> = {
  minimax: mean(r.map((x) => sp(-x))) + mean(f.map(sp)),
  nonsaturating: mean(r.map((x) => sp(-x))) + mean(f.map(sp)),
  lsgan: 0.5 * mean(r.map((x) => (x - 1) ** 2)) + 0.5 * mean(f.map((x) => x * x)),
  wgan: mean(f) - mean(r),
  'wgan-gp': mean(f) - mean(r),
  hinge: mean(r.map((x) => Math.max(0, 1 - x))) + mean(f.map((x) => Math.max(0, 1 + x))),
};
const expectedG: Record<string, number> = {
  minimax: -mean(f.map(sp)), // mean log(1 - sigmoid(f))
  nonsaturating: mean(f.map((x) => sp(-x))),
  lsgan: 0.5 * mean(f.map((x) => (x - 1) ** 2)),
  wgan: -mean(f),
  'wgan-gp': -mean(f),
  hinge: -mean(f),
};

async function evaluate(outputs: Record<string, E.Tensor>) {
  const p = await E.Program.compile({ outputs }, new E.StateStore(), { threads: 1 });
  const out = await p.run();
  await p.release();
  return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, (v.data as Float32Array)[0]!]));
}

describe('losses', () => {
  for (const loss of LOSSES) {
    it(`${loss}: D and G objectives`, async () => {
      const real = E.constant(r, [3, 1]);
      const fake = E.constant(f, [3, 1]);
      const v = await evaluate({ d: discriminatorLoss(loss, real, fake), g: generatorLoss(loss, fake) });
      expect(v.d).toBeCloseTo(expectedD[loss]!, 5);
      expect(v.g).toBeCloseTo(expectedG[loss]!, 5);
    });
  }

  it('one-sided label smoothing changes only the real target of the BCE', async () => {
    const v = await evaluate({ d: discriminatorLoss('nonsaturating', E.constant(r, [3, 1]), E.constant(f, [3, 1]), { realLabel: 0.9 }) });
    const want = mean(r.map((x) => 0.9 * sp(-x) + 0.1 * sp(x))) + mean(f.map(sp));
    expect(v.d).toBeCloseTo(want, 5);
  });

  it('the gradient penalty and R1 of a linear critic D(x) = a.x are (|a| - 1)^2 and |a|^2', async () => {
    const a = E.constant([3, 4], [2, 1]);
    const x = E.add(E.constant([0.1, 0.2, 0.3, 0.4, 0.5, 0.6], [3, 2]), 0);
    const d = E.matmul(x, a);
    const v = await evaluate({ gp: gradientPenalty(d, x), r1: r1Penalty(d, x) });
    expect(v.gp).toBeCloseTo(16, 4); // (5 - 1)^2
    expect(v.r1).toBeCloseTo(25, 4);
  });
});

describe('the training step', () => {
  function build(over: Partial<StepConfig>) {
    const nets = gan({
      G: mlpGenerator(2, 2, { hidden: [8], linearOut: true }).named('G'),
      D: mlpDiscriminator(2, { hidden: [8] }).named('D'),
      latent: 2,
      sampleShape: [2],
      range: 'unbounded',
    });
    const opt = { kind: 'adam' as const, lr: 1e-2, beta1: 0.5, beta2: 0.999 };
    const cfg: StepConfig = { batch: 4, loss: 'nonsaturating', dSteps: 1, realLabel: 1, gpWeight: 10, r1Gamma: 0, weightClip: 0, emaDecay: 0, optG: opt, optD: opt, ...over };
    return { nets, built: buildTrainStep(nets, { x: { shape: [2], dtype: 'float32' } }, cfg), cfg };
  }

  async function runOnce(over: Partial<StepConfig>) {
    const { built, cfg } = build(over);
    const store = new E.StateStore();
    const emaNames = new Set(built.emaPairs.map(([e]) => e));
    E.initState(store, built.trace.declared().filter((d) => !emaNames.has(d.name)), new E.Rng(1));
    for (const [e, p] of built.emaPairs) store.set(e, store.floats(p).slice(), store.get(p).shape);
    const before = store.snapshot();
    const p = await E.Program.compile(built.spec, store, { threads: 1 });
    const rng = new E.Rng(2);
    const feeds: Record<string, E.Feed> = { x: rng.normal(cfg.dSteps * 8), z: rng.normal(cfg.dSteps * 8), lr_G: 1e-2, lr_D: 1e-2 };
    if (cfg.loss === 'wgan-gp') feeds.gp_alpha = rng.fillUniform(new Float32Array(cfg.dSteps * 4));
    const out = await p.run(feeds);
    await p.release();
    return { store, before, out };
  }

  it('takes k D steps per G step (D trained k times, G once)', async () => {
    const { store } = await runOnce({ dSteps: 3 });
    expect(store.floats('D.opt/step')[0]).toBe(3);
    expect(store.floats('G.opt/step')[0]).toBe(1);
  });

  it('clips D weights for WGAN and leaves G unclipped', async () => {
    const { store } = await runOnce({ loss: 'wgan', weightClip: 0.01 });
    for (const n of store.names().filter((x) => x.startsWith('D.') && !x.includes('/') && x.endsWith('weight'))) {
      expect(Math.max(...Array.from(store.floats(n)).map(Math.abs))).toBeLessThanOrEqual(0.01 + 1e-7);
    }
    expect(Math.max(...Array.from(store.floats('G.0.weight')).map(Math.abs))).toBeGreaterThan(0.01);
  });

  it('keeps the moving average: ema = decay * ema + (1 - decay) * new weights', async () => {
    const { store, before } = await runOnce({ emaDecay: 0.9 });
    const w0 = before['G.0.weight']!.data as Float32Array;
    const w1 = store.floats('G.0.weight');
    const ema = store.floats('G.0.weight/ema');
    for (let i = 0; i < w1.length; i++) expect(ema[i]!).toBeCloseTo(0.9 * w0[i]! + 0.1 * w1[i]!, 6);
  });

  it('runs WGAN-GP and R1, reporting finite losses and gradient norms', async () => {
    for (const over of [{ loss: 'wgan-gp' as const }, { r1Gamma: 10 }]) {
      const { out } = await runOnce(over);
      for (const k of ['loss_D', 'loss_G', 'grad_norm_D', 'grad_norm_G']) expect(Number.isFinite((out[k]!.data as Float32Array)[0])).toBe(true);
    }
  });
});
