// Optimizers as graph code, against trajectories recorded from PyTorch 1.13 (torch.optim) on the
// same problem: loss = sum(c * p^2) + 0.1 * sum(p^3), p0 = [0.5, -1, 2], c = [1, 2, 3], 5 steps.
import { describe, expect, it } from 'vitest';
import * as E from '../../src/engine/index.js';
import { adam, clipByGlobalNorm, globalNorm, rmsprop, sgd, type ParamRef } from '../../src/optim/optimizers.js';

type Step = (trace: E.StateTrace, p: ParamRef[], g: E.Tensor[]) => void;

async function trajectory(step: Step, steps = 5): Promise<number[]> {
  const trace = new E.StateTrace();
  const ref = { name: 'p', shape: [3] };
  const p = trace.read('p', [3], () => Float32Array.of(0.5, -1, 2));
  const c = E.constant([1, 2, 3], [3]);
  const loss = E.add(E.reduceSum(E.mul(c, E.mul(p, p))), E.mul(E.reduceSum(E.pow(p, 3)), 0.1));
  const [g] = E.grad(loss, [p]);
  step(trace, [ref], [g!]);
  const store = new E.StateStore();
  E.initState(store, trace.declared(), new E.Rng(0));
  const prog = await E.Program.compile({ outputs: { loss }, updates: trace.updates() }, store, { threads: 1 });
  for (let i = 0; i < steps; i++) await prog.run();
  await prog.release();
  return Array.from(store.floats('p'));
}

// 1e-5: float32 arithmetic in a different order than PyTorch's kernels, over five steps of size ~0.1.
function expectClose(got: number[], want: number[], tol = 1e-5): void {
  got.forEach((v, i) => expect(Math.abs(v - want[i]!)).toBeLessThan(tol));
}

describe('optimizers match PyTorch', () => {
  it('Adam (lr 0.1, betas 0.5/0.999)', async () => {
    expectClose(await trajectory((t, p, g) => adam(t, p, g, { lr: 0.1, beta1: 0.5, beta2: 0.999, name: 'opt' })), [0.0809336, -0.5293186, 1.5152335]);
  });
  it('AdamW (decoupled weight decay 0.1)', async () => {
    expectClose(
      await trajectory((t, p, g) => adam(t, p, g, { lr: 0.1, beta1: 0.5, beta2: 0.999, weightDecay: 0.1, decoupled: true, name: 'opt' })),
      [0.0702923, -0.4932892, 1.4302028],
    );
  });
  it('Adam with L2 weight decay 0.1', async () => {
    expectClose(
      await trajectory((t, p, g) => adam(t, p, g, { lr: 0.1, beta1: 0.5, beta2: 0.999, weightDecay: 0.1, name: 'opt' })),
      [0.0807966, -0.5293723, 1.5152156],
    );
  });
  it('SGD with momentum 0.9', async () => {
    expectClose(await trajectory((t, p, g) => sgd(t, p, g, { lr: 0.05, momentum: 0.9 })), [-0.0377472, 0.5329493, -1.6606278]);
  });
  it('SGD with Nesterov momentum and weight decay', async () => {
    expectClose(
      await trajectory((t, p, g) => sgd(t, p, g, { lr: 0.05, momentum: 0.9, nesterov: true, weightDecay: 0.01 })),
      [-0.0703001, 0.3981568, -0.7184806],
    );
  });
  it('RMSprop (lr 0.01, alpha 0.99)', async () => {
    expectClose(await trajectory((t, p, g) => rmsprop(t, p, g, { lr: 0.01 })), [0.2237024, -0.6950492, 1.6863202]);
  });
  it('RMSprop with alpha 0.9 and L2 weight decay 0.1', async () => {
    expectClose(await trajectory((t, p, g) => rmsprop(t, p, g, { lr: 0.01, alpha: 0.9, weightDecay: 0.1 })), [0.3978615, -0.8953596, 1.894593]);
  });
  it('takes the learning rate as a program input (per-group rates and schedules)', async () => {
    const lr = E.input('lr', []);
    const trace = new E.StateTrace();
    const p = trace.read('q', [2]);
    const [g] = E.grad(E.reduceSum(p), [p]);
    sgd(trace, [{ name: 'q', shape: [2] }], [g!], { lr });
    const store = new E.StateStore();
    store.set('q', Float32Array.of(1, 1), [2]);
    const prog = await E.Program.compile({ outputs: {}, updates: trace.updates() }, store, { threads: 1 });
    await prog.run({ lr: 0.5 });
    await prog.run({ lr: 0.25 });
    expect(Array.from(store.floats('q'))).toEqual([0.25, 0.25]);
  });
});

describe('gradient clipping', () => {
  it('scales gradients to the global norm bound and reports the norm', async () => {
    const a = E.input('a', [2]);
    const b = E.input('b', [1]);
    const clipped = clipByGlobalNorm([a, b], 1);
    const prog = await E.Program.compile({ outputs: { ca: clipped.grads[0]!, cb: clipped.grads[1]!, n: clipped.norm, n2: globalNorm([a]) } }, new E.StateStore());
    const r = await prog.run({ a: Float32Array.of(3, 0), b: Float32Array.of(4) });
    expect(r.n!.data[0]).toBeCloseTo(5, 5);
    expect(r.n2!.data[0]).toBeCloseTo(3, 5);
    expect(r.ca!.data[0]).toBeCloseTo(0.6, 5);
    expect(r.cb!.data[0]).toBeCloseTo(0.8, 5);
    const small = await prog.run({ a: Float32Array.of(0.3, 0), b: Float32Array.of(0.4) });
    expect(Array.from(small.ca!.data as Float32Array)).toEqual([Math.fround(0.3), 0]);
  });
});
