import { describe, expect, it } from 'vitest';
import * as E from '../../src/engine/index.js';
import { adam } from '../../src/optim/optimizers.js';

/** A small regression trained with Adam: x -> tanh(x W1) W2, fed a batch and noise each step. */
function buildStep() {
  const trace = new E.StateTrace();
  const x = E.input('x', [8, 3]);
  const noise = E.input('noise', [8, 1]);
  const lr = E.input('lr', []);
  const refs = [
    { name: 'W1', shape: [3, 5] },
    { name: 'W2', shape: [5, 1] },
  ];
  const [w1, w2] = refs.map((r) => trace.read(r.name, r.shape, (rng, s) => rng.normal(s[0]! * s[1]!, 0, 0.5)));
  const y = E.matmul(E.tanh(E.matmul(x, w1!)), w2!);
  const target = E.add(E.reduceSum(x, 1, true), noise);
  const loss = E.reduceMean(E.square(E.sub(y, target)));
  const grads = E.grad(loss, [w1!, w2!]);
  adam(trace, refs, grads, { lr, name: 'opt' });
  return { spec: { outputs: { loss }, updates: trace.updates() }, trace };
}

function feedsFor(rng: E.Rng, steps: number) {
  return Array.from({ length: steps }, () => ({ x: rng.normal(24), noise: rng.normal(8, 0, 0.1) }));
}

async function trainPlain(seed: number, steps: number) {
  const { spec, trace } = buildStep();
  const store = new E.StateStore();
  E.initState(store, trace.declared(), new E.Rng(seed));
  const prog = await E.Program.compile(spec, store);
  const losses: number[] = [];
  for (const f of feedsFor(new E.Rng(seed + 1), steps)) losses.push((await prog.run({ ...f, lr: 0.05 })).loss!.data[0] as number);
  await prog.release();
  return { store, losses };
}

describe('programs', () => {
  it('give bit-identical results for the same seed', async () => {
    const a = await trainPlain(3, 20);
    const b = await trainPlain(3, 20);
    expect(a.losses).toEqual(b.losses);
    for (const n of ['W1', 'W2', 'W1/adam_m', 'W2/adam_v', 'opt/step']) {
      expect(Buffer.from(a.store.floats(n).buffer).equals(Buffer.from(b.store.floats(n).buffer))).toBe(true);
    }
    expect(a.losses[19]!).toBeLessThan(a.losses[0]! * 0.5);
  });

  it('run K steps per call in an ONNX Loop with the same result as K calls', async () => {
    const steps = 12;
    const K = 4;
    const plain = await trainPlain(5, steps);
    const { spec, trace } = buildStep();
    const store = new E.StateStore();
    E.initState(store, trace.declared(), new E.Rng(5));
    const prog = await E.Program.compile(spec, store, { loop: { steps: K, perStep: ['x', 'noise'] } });
    expect(prog.inputs.find((i) => i.name === 'x')!.shape).toEqual([K, 8, 3]);
    const feeds = feedsFor(new E.Rng(6), steps);
    const losses: number[] = [];
    for (let i = 0; i < steps; i += K) {
      const chunk = feeds.slice(i, i + K);
      const x = new Float32Array(K * 24);
      const noise = new Float32Array(K * 8);
      chunk.forEach((f, j) => {
        x.set(f.x, j * 24);
        noise.set(f.noise, j * 8);
      });
      const r = await prog.run({ x, noise, lr: 0.05 });
      expect(r.loss!.shape).toEqual([K]);
      losses.push(...(r.loss!.data as Float32Array));
    }
    await prog.release();
    expect(losses.map((v) => Math.fround(v))).toEqual(plain.losses);
    expect(Array.from(store.floats('W1'))).toEqual(Array.from(plain.store.floats('W1')));
  });

  it('names a missing input, an unknown input and a mis-sized feed', async () => {
    const x = E.input('x', [2, 2]);
    const prog = await E.Program.compile({ outputs: { y: E.mul(x, 2) } }, new E.StateStore());
    await expect(prog.run({})).rejects.toThrow('missing input "x" ([2, 2]:float32)');
    await expect(prog.run({ x: new Float32Array(4), z: new Float32Array(1) })).rejects.toThrow('unknown input "z"; the program\'s inputs are: x');
    await expect(prog.run({ x: new Float32Array(3) })).rejects.toThrow('input "x" expects shape [2, 2] (4 values), got 3 values');
    await prog.release();
  });

  it('names state that has no value', async () => {
    const s = E.state('w', [3]);
    const prog = await E.Program.compile({ outputs: { y: E.reduceSum(s) } }, new E.StateStore());
    await expect(prog.run()).rejects.toThrow('state "w" has no value; initialise it before running');
    await prog.release();
  });
});
