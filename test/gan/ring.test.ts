// End-to-end proof of the engine: a small MLP GAN, trained through one fused ONNX program per
// 8 steps, captures all 8 modes of the ring (sd 0.01 on the unit circle).
import { describe, expect, it } from 'vitest';
import * as E from '../../src/engine/index.js';
import { RING8, sampleMixture } from '../../src/data/mixtures.js';
import { mlpDiscriminator, mlpGenerator } from '../../src/gan/nets.js';
import { compileSampler, drawSamples } from '../../src/gan/sampler.js';
import { buildTrainStep } from '../../src/gan/step.js';
import { gan } from '../../src/gan/types/gan.js';
import { modeMetrics } from '../../src/metrics/modes.js';

describe('MLP GAN on the 8-Gaussian ring', () => {
  it('captures all 8 modes', async () => {
    const batch = 256;
    const steps = 5000;
    const K = 8;
    const nets = gan({
      G: mlpGenerator(2, 2, { hidden: [128, 128, 128], slope: 0, linearOut: true }).named('G'),
      D: mlpDiscriminator(2, { hidden: [128, 128, 128], slope: 0.2 }).named('D'),
      latent: 2,
      sampleShape: [2],
      range: 'unbounded',
    });
    const opt = { kind: 'adam' as const, lr: 5e-4, beta1: 0.5, beta2: 0.999 };
    const built = buildTrainStep(nets, { x: { shape: [2], dtype: 'float32' } }, {
      batch, loss: 'nonsaturating', dSteps: 1, realLabel: 1, gpWeight: 0, r1Gamma: 0, weightClip: 0, emaDecay: 0,
      optG: opt, optD: opt,
    });
    const store = new E.StateStore();
    const rng = new E.Rng(1);
    E.initState(store, built.trace.declared(), rng);
    const prog = await E.Program.compile(built.spec, store, { loop: { steps: K, perStep: ['x', 'z'] } });
    const dataRng = rng.fork(1);
    const zRng = rng.fork(2);
    const z = new Float32Array(K * batch * 2);
    let last: Record<string, E.HostTensor> = {};
    for (let i = 0; i < steps / K; i++) {
      zRng.fillNormal(z);
      // Learning rate decays linearly to 2% of its start: the modes are narrow (sd 0.01).
      const lr = opt.lr * Math.max(0.02, 1 - (i * K) / steps);
      last = await prog.run({ x: sampleMixture(RING8, dataRng, K * batch), z, lr_G: lr, lr_D: lr });
    }
    await prog.release();
    // Per-step metrics come back for each of the K steps of a run.
    expect(last.loss_D!.shape).toEqual([K]);
    const dReal = last.d_real!.data as Float32Array;
    expect(dReal.every((p) => p > 0.05 && p < 0.95)).toBe(true); // D has not won outright

    const sampler = await compileSampler(nets, 500, store);
    const m = modeMetrics(await drawSamples(sampler, 2500, new E.Rng(99)), RING8);
    await sampler.release();
    expect(m.modesCaptured).toBe(8);
    expect(m.highQualityFraction).toBeGreaterThan(0.8);
    expect(m.reverseKL).toBeLessThan(0.05);
  });
});
