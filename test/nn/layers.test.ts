import { describe, expect, it } from 'vitest';
import * as E from '../../src/engine/index.js';
import { BatchNorm, Conv2d, Dropout, LeakyReLU, Linear, Sequential, summary, Flatten, ConvTranspose2d, evalCtx, trainCtx, SumOverSpace } from '../../src/nn/index.js';

async function run(outputs: Record<string, E.Tensor>, trace: E.StateTrace, feeds: Record<string, Float32Array> = {}, store = new E.StateStore(), seed = 0) {
  E.initState(store, trace.declared(), new E.Rng(seed));
  const p = await E.Program.compile({ outputs, updates: trace.updates() }, store, { threads: 1 });
  const r = await p.run(feeds);
  await p.release();
  return { r, store };
}

describe('layers', () => {
  it('Linear computes x W + b with DCGAN initialisation N(0, 0.02)', async () => {
    const lin = new Linear(300, 200, { init: 'dcgan' }).named('L');
    const t = trainCtx();
    const x = E.input('x', [2, 300]);
    const y = lin.call(x, t);
    const xv = new E.Rng(1).normal(600);
    const { r, store } = await run({ y }, t, { x: xv });
    const w = store.floats('L.weight');
    const b = store.floats('L.bias');
    let s = 0;
    for (const v of w) s += v * v;
    expect(Math.sqrt(s / w.length)).toBeCloseTo(0.02, 3);
    expect(Array.from(b).every((v) => v === 0)).toBe(true);
    let y01 = 0;
    for (let k = 0; k < 300; k++) y01 += xv[300 + k]! * w[k * 200 + 1]!;
    expect((r.y!.data as Float32Array)[200 + 1]).toBeCloseTo(y01, 5);
    expect(lin.paramCount()).toBe(300 * 200 + 200);
  });

  it('BatchNorm normalises with batch statistics in training and updates running statistics (momentum 0.1, unbiased variance)', async () => {
    const bn = new BatchNorm(3).named('bn');
    const t = trainCtx();
    const x = E.input('x', [8, 3, 2, 2]);
    const y = bn.call(x, t);
    const xv = new E.Rng(2).normal(96, 3, 2);
    const { r, store } = await run({ y }, t, { x: xv });
    const yv = r.y!.data as Float32Array;
    for (let c = 0; c < 3; c++) {
      const vals: number[] = [];
      const ys: number[] = [];
      for (let n = 0; n < 8; n++) for (let i = 0; i < 4; i++) {
        vals.push(xv[(n * 3 + c) * 4 + i]!);
        ys.push(yv[(n * 3 + c) * 4 + i]!);
      }
      const mean = vals.reduce((a, b) => a + b) / 32;
      const varU = vals.reduce((a, b) => a + (b - mean) ** 2, 0) / 31;
      expect(ys.reduce((a, b) => a + b) / 32).toBeCloseTo(0, 5);
      expect(ys.reduce((a, b) => a + b * b, 0) / 32).toBeCloseTo(1, 3);
      expect(store.floats('bn.running_mean')[c]).toBeCloseTo(0.1 * mean, 5);
      expect(store.floats('bn.running_var')[c]).toBeCloseTo(0.9 + 0.1 * varU, 5);
    }
  });

  it('BatchNorm in eval mode uses the running statistics', async () => {
    const bn = new BatchNorm(2).named('bn');
    const t = evalCtx();
    const y = bn.call(E.input('x', [1, 2]), t);
    const store = new E.StateStore();
    store.set('bn.running_mean', Float32Array.of(1, -1), [2]);
    store.set('bn.running_var', Float32Array.of(4, 0.25), [2]);
    const { r } = await run({ y }, t, { x: Float32Array.of(3, 0) }, store);
    expect((r.y!.data as Float32Array)[0]).toBeCloseTo(1, 4); // (3 - 1) / 2
    expect((r.y!.data as Float32Array)[1]).toBeCloseTo(2, 3); // (0 + 1) / 0.5
  });

  it('spectral normalisation converges to the largest singular value and divides it out', async () => {
    const lin = new Linear(6, 4, { spectralNorm: true, bias: false }).named('sn');
    const t = trainCtx();
    const x = E.input('x', [6, 6]);
    const y = lin.call(x, t);
    const store = new E.StateStore();
    E.initState(store, t.declared(), new E.Rng(3));
    store.floats('sn.weight').forEach((v, i, a) => (a[i] = v * 5)); // a spectral norm well above 1
    const prog = await E.Program.compile({ outputs: { y }, updates: t.updates() }, store, { threads: 1 });
    const eye = new Float32Array(36);
    for (let i = 0; i < 6; i++) eye[i * 7] = 1;
    let out!: Float32Array;
    for (let i = 0; i < 50; i++) out = (await prog.run({ x: eye })).y!.data as Float32Array;
    await prog.release();
    // y = I @ W_sn = W_sn [6, 4]; its largest singular value must be 1.
    const sigma = (m: Float32Array) => {
      let v = [1, 1, 1, 1];
      for (let it = 0; it < 500; it++) {
        const u = [0, 1, 2, 3, 4, 5].map((i) => v.reduce((s, vj, j) => s + m[i * 4 + j]! * vj, 0));
        const w = [0, 1, 2, 3].map((j) => u.reduce((s, ui, i) => s + m[i * 4 + j]! * ui, 0));
        const n = Math.hypot(...w);
        v = w.map((x) => x / n);
      }
      const u = [0, 1, 2, 3, 4, 5].map((i) => v.reduce((s, vj, j) => s + m[i * 4 + j]! * vj, 0));
      return Math.hypot(...u);
    };
    expect(sigma(store.floats('sn.weight'))).toBeGreaterThan(2);
    expect(sigma(out)).toBeCloseTo(1, 4);
  });

  it('Dropout zeroes about p of the values in training, scales the rest, and is the identity in eval', async () => {
    const d = new Dropout(0.25).named('drop');
    const t = trainCtx();
    const y = d.call(E.input('x', [1000]), t);
    const mask = new E.Rng(4).fillUniform(new Float32Array(1000));
    const { r } = await run({ y }, t, { x: new Float32Array(1000).fill(1), 'drop.mask': mask });
    const yv = Array.from(r.y!.data as Float32Array);
    const zeros = yv.filter((v) => v === 0).length;
    expect(zeros).toBe(Array.from(mask).filter((u) => u < 0.25).length);
    expect(yv.filter((v) => v !== 0).every((v) => Math.abs(v - 4 / 3) < 1e-6)).toBe(true);
    const e = evalCtx();
    const x = E.input('x', [3]);
    expect(d.call(x, e)).toBe(x);
  });

  it('summarises a model: one line per layer with output shape and parameter count', () => {
    const D = new Sequential([new Conv2d(1, 8, 4, { stride: 2, padding: 1 }), LeakyReLU(0.2), Flatten(), new Linear(8 * 14 * 14, 1)]).named('D');
    D.call(E.input('x', [2, 1, 28, 28]), trainCtx());
    const text = summary(D);
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^layer\s+type\s+output\s+params$/);
    expect(lines[1]).toMatch(/^D\.0\s+Conv2d\(1 -> 8, k4x4, s2, p1\)\s+\[2, 8, 14, 14\]\s+136$/);
    expect(lines[3]).toMatch(/^D\.2\s+Flatten\s+\[2, 1568\]\s+0$/);
    expect(lines.at(-1)).toBe('total trainable parameters: 1,705');
  });

  it('modules have their parameters from the constructor, before any pass, in the order a pass reads them', () => {
    const D = new Sequential([new Conv2d(1, 8, 4, { stride: 2, padding: 1, spectralNorm: true }), new BatchNorm(8), Flatten(), new Linear(8 * 14 * 14, 1)]).named('D');
    expect(D.allParams().map((p) => `${p.name} [${p.shape.join(', ')}] ${p.trainable ? 'param' : 'buffer'}`)).toEqual([
      'D.0.weight [8, 1, 4, 4] param',
      'D.0.sn_u [8] buffer',
      'D.0.bias [8] param',
      'D.1.weight [8] param',
      'D.1.bias [8] param',
      'D.1.running_mean [8] buffer',
      'D.1.running_var [8] buffer',
      'D.3.weight [1568, 1] param',
      'D.3.bias [1] param',
    ]);
    expect(D.paramCount()).toBe(8 * 16 + 8 + 8 + 8 + 1568 + 1);
    expect(summary(D).split('\n').at(-1)).toBe('total trainable parameters: 1,721');
    // A pass reads exactly the declared states, in the same order.
    const t = trainCtx();
    D.call(E.input('x', [2, 1, 28, 28]), t);
    expect(t.declared().map((d) => d.name)).toEqual(D.allParams().map((p) => p.name));
  });

  it('a module belongs to one place: naming it again under another path is refused', () => {
    const shared = new Linear(2, 2);
    new Sequential([shared]).named('G');
    expect(() => new Sequential([shared]).named('D')).toThrow('module "G.0" cannot also be named "D.0": a module belongs to one place');
  });

  it('ConvTranspose2d doubles the resolution of a DCGAN generator block', () => {
    const up = new ConvTranspose2d(16, 8, 4, { stride: 2, padding: 1 }).named('up');
    expect(up.call(E.input('x', [2, 16, 7, 7]), trainCtx()).shape).toEqual([2, 8, 14, 14]);
  });
});

describe('SumOverSpace', () => {
  it('sums [N, C, H, W] over H and W to [N, C]', async () => {
    const t = evalCtx();
    const y = SumOverSpace().call(E.input('x', [2, 3, 2, 2]), t);
    expect(y.shape).toEqual([2, 3]);
    const xv = Float32Array.from({ length: 24 }, (_, i) => i);
    const { r } = await run({ y }, t, { x: xv });
    // Sample 1, channel 2: elements 20..23.
    expect((r.y!.data as Float32Array)[5]).toBe(20 + 21 + 22 + 23);
  });
});
