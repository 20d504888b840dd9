// CTGAN's parts against hand-computed values: the Gumbel-softmax and tanh activation of encoded
// rows, the conditional cross-entropy term, the packed critic's input, training-by-sampling's
// log-frequency draws (statistically) and real rows matching their conditions.
import { describe, expect, it } from 'vitest';
import * as E from '../../src/engine/index.js';
import { activateSpans, conditionalCrossEntropy, ctganGenerator, gumbelSoftmax } from '../../src/gan/nets/ctgan.js';
import { ctgan } from '../../src/gan/types/ctgan.js';
import { logFrequencies, TableSource } from '../../src/data/table-source.js';
import type { TableEncoding } from '../../src/tables/types.js';
import { buildTrainStep } from '../../src/gan/step.js';
import { compileSampler } from '../../src/gan/sampler.js';
import { silentAdversary } from './adversary.js';
import { gradCheck } from '../engine/gradcheck.js';

/** A continuous column (value + 2 modes) and two discrete ones (3 and 2 categories). */
const ENCODING: TableEncoding = {
  width: 8,
  spans: [
    { activation: 'tanh', offset: 0, width: 1, column: 0, role: 'value' },
    { activation: 'softmax', offset: 1, width: 2, column: 0, role: 'mode' },
    { activation: 'softmax', offset: 3, width: 3, column: 1, role: 'category' },
    { activation: 'softmax', offset: 6, width: 2, column: 2, role: 'category' },
  ],
  discrete: [
    { column: 1, offset: 3, condOffset: 0, width: 3, counts: [90, 9, 1] },
    { column: 2, offset: 6, condOffset: 3, width: 2, counts: [50, 50] },
  ],
  condWidth: 5,
};

async function evaluate(outputs: Record<string, E.Tensor>, feeds: Record<string, Float32Array> = {}): Promise<Record<string, Float32Array>> {
  const prog = await E.Program.compile({ outputs }, new E.StateStore(), { threads: 1 });
  const used = new Set(prog.inputs.map((i) => i.name));
  const out = await prog.run(Object.fromEntries(Object.entries(feeds).filter(([k]) => used.has(k))));
  await prog.release();
  return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, v.data as Float32Array]));
}

const softmaxOf = (v: number[]) => {
  const m = Math.max(...v);
  const e = v.map((x) => Math.exp(x - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / s);
};

describe('CTGAN activation and conditional loss', () => {
  it('Gumbel-softmax is softmax((logits - log(-log u)) / tau), as torch gumbel_softmax(hard=False)', async () => {
    const logits = [1, 2, 0, -1, 0.5, 0.25];
    const u = [0.5, 0.2, 0.9, 0.01, 0.7, 0.999];
    const { y } = await evaluate({ y: gumbelSoftmax(E.constant(logits, [2, 3]), E.constant(u, [2, 3]), 0.2) });
    const expected = [0, 1].flatMap((r) => softmaxOf([0, 1, 2].map((k) => (logits[3 * r + k]! - Math.log(-Math.log(u[3 * r + k]!))) / 0.2)));
    // By hand for row 0: g = (0.3665, -0.4759, 2.2504); (l + g) / 0.2 = (6.833, 7.621, 11.252), so the third unit is 1 / (1 + e^-4.419 + e^-3.631) = 0.9629.
    expect(expected[2]).toBeCloseTo(0.9629, 4);
    for (let i = 0; i < 6; i++) expect(y![i]).toBeCloseTo(expected[i]!, 5);
  });

  it('Gumbel-softmax has the gradient its finite differences give', async () => {
    const u = E.constant([0.3, 0.6, 0.8, 0.1, 0.45, 0.55], [2, 3]);
    await gradCheck((l) => gumbelSoftmax(l, u, 0.5), [{ shape: [2, 3] }]);
  });

  it('activates tanh spans with tanh and softmax spans with Gumbel-softmax (training) or softmax (sampling)', async () => {
    const raw = [0.5, 1, -1, 2, 0, 1, 0.3, -0.3];
    const u = [0.5, 0.4, 0.6, 0.3, 0.5, 0.7, 0.2, 0.8];
    const x = E.constant(raw, [1, 8]);
    const { train, sample } = await evaluate({ train: activateSpans(x, ENCODING.spans, { tau: 0.2, uniform: E.constant(u, [1, 8]) }), sample: activateSpans(x, ENCODING.spans, { tau: 0.2 }) });
    const g = (i: number) => (raw[i]! - Math.log(-Math.log(u[i]!))) / 0.2;
    const expectedTrain = [Math.tanh(0.5), ...softmaxOf([g(1), g(2)]), ...softmaxOf([g(3), g(4), g(5)]), ...softmaxOf([g(6), g(7)])];
    const expectedSample = [Math.tanh(0.5), ...softmaxOf([1, -1]), ...softmaxOf([2, 0, 1]), ...softmaxOf([0.3, -0.3])];
    for (let i = 0; i < 8; i++) {
      expect(train![i]).toBeCloseTo(expectedTrain[i]!, 5);
      expect(sample![i]).toBeCloseTo(expectedSample[i]!, 5);
    }
  });

  it('the conditional term is the cross-entropy of the selected column only, summed over rows / N', async () => {
    const raw = [0.5, 1, -1, 2, 0, 1, 0.3, -0.3, /* row 2 */ 0, 0, 0, -1, 3, 0.5, 1.5, 0];
    // Row 0 asks column 1 (offset 3) for category 2; row 1 asks column 2 (offset 6) for category 1.
    const cond = [0, 0, 1, 0, 0, /* row 2 */ 0, 0, 0, 0, 1];
    const { ce } = await evaluate({ ce: conditionalCrossEntropy(E.constant(raw, [2, 8]), E.constant(cond, [2, 5]), ENCODING.discrete) });
    const term0 = -Math.log(softmaxOf([2, 0, 1])[2]!);
    const term1 = -Math.log(softmaxOf([1.5, 0])[1]!);
    // By hand: -log(e^1 / (e^2 + e^0 + e^1)) = 1.4076; -log(e^0 / (e^1.5 + 1)) = 1.7014.
    expect(term0).toBeCloseTo(1.4076, 4);
    expect(ce![0]).toBeCloseTo((term0 + term1) / 2, 5);
  });

  it('the generator is residual blocks that concatenate: 13 -> 13 + 4 -> 17 + 3 -> 8', () => {
    const G = ctganGenerator(13, [4, 3], 8).named('G');
    expect(G.parameters().map((p) => `${p.name} [${p.shape.join(',')}]`)).toEqual([
      'G.0.body.0.weight [13,4]',
      'G.0.body.0.bias [4]',
      'G.0.body.1.weight [4]',
      'G.0.body.1.bias [4]',
      'G.1.body.0.weight [17,3]',
      'G.1.body.0.bias [3]',
      'G.1.body.1.weight [3]',
      'G.1.body.1.bias [3]',
      'G.2.weight [20,8]',
      'G.2.bias [8]',
    ]);
  });

  it('D judges packs of rows beside their conditional vectors; G reads noise and the condition', () => {
    const recipe = ctgan({ encoding: ENCODING, embedding: 6, gHidden: [8], dHidden: [8], pack: 2, dropout: 0.5, tau: 0.2, condWeight: 1 });
    expect(Object.keys(recipe.inputs).sort()).toEqual(['cond', 'gCond', 'gz', 'realCond', 'x', 'z']);
    const ctx = new E.StateTrace(true);
    const n = 4;
    const b = { x: E.input('x', [n, 8]), cond: E.input('cond', [n, 5]), realCond: E.input('realCond', [n, 5]), z: E.input('z', [n, 6]), gCond: E.input('gCond', [n, 5]), gz: E.input('gz', [n, 6]) };
    const fake = recipe.generate(b, ctx);
    expect(fake.x!.shape).toEqual([n, 8]);
    const adv = silentAdversary(ctx);
    recipe.dLoss(b, fake, adv);
    // 4 rows of 8 + 5 units, packed in twos: [2, 26].
    expect(adv.shown[0]!.real!.shape).toEqual([2, 26]);
    expect(adv.shown[0]!.fake.shape).toEqual([2, 26]);
    expect(recipe.sampler!.latent).toEqual([11]);
    // The authors' sample() leaves G in training mode: batch norm on each batch's statistics.
    expect(recipe.sampler!.batchStatistics).toBe(true);
  });

  it("G's step runs G afresh on its own noise and conditions (the authors' loop), not on the rows D was shown", async () => {
    const recipe = ctgan({ encoding: ENCODING, embedding: 6, gHidden: [8], dHidden: [8], pack: 2, dropout: 0, tau: 0.2, condWeight: 1 });
    const ctx = new E.StateTrace(true);
    const n = 4;
    const b = { x: E.input('x', [n, 8]), cond: E.input('cond', [n, 5]), realCond: E.input('realCond', [n, 5]), z: E.input('z', [n, 6]), gCond: E.input('gCond', [n, 5]), gz: E.input('gz', [n, 6]) };
    const fake = recipe.generate(b, ctx);
    const adv = silentAdversary(ctx);
    const loss = recipe.gLoss(b, fake, adv);
    // The rows G's loss judges are not the D step's: they come from gz and gCond, with Gumbel noise of their own.
    expect(adv.shown[0]!.fake).not.toBe(fake.x);
    expect(ctx.uniformInputs().map((u) => u.name)).toEqual(['G.gumbel.0', 'G.gumbel.1']);
    // With the adversarial term silenced, the loss is the conditional cross-entropy of G(gz, gCond) against gCond
    // (G run once more here on gz and gCond: in training mode its raw output depends on its input and weights only).
    const again = recipe.generate({ ...b, z: b.gz, cond: b.gCond }, ctx);
    const ceOf = (cond: E.Tensor) => conditionalCrossEntropy(again.raw!, cond, ENCODING.discrete);
    const store = new E.StateStore();
    E.initState(store, ctx.declared(), new E.Rng(0));
    const prog = await E.Program.compile({ outputs: { loss, expected: ceOf(b.gCond), other: ceOf(b.cond) } }, store, { threads: 1 });
    const rnd = new E.Rng(5);
    const oneHot = (units: number[]) => {
      const c = new Float32Array(n * 5);
      units.forEach((unit, i) => (c[i * 5 + unit] = 1));
      return c;
    };
    const feeds: Record<string, Float32Array> = { z: rnd.normal(n * 6), gz: rnd.normal(n * 6), cond: oneHot([0, 3, 1, 4]), gCond: oneHot([2, 4, 0, 3]) };
    for (const u of ctx.uniformInputs()) feeds[u.name] = rnd.fillUniform(new Float32Array(n * 8));
    const used = new Set(prog.inputs.map((i) => i.name));
    const out = await prog.run(Object.fromEntries(Object.entries(feeds).filter(([k]) => used.has(k))));
    await prog.release();
    const [l, e, o] = [Number(out.loss!.data[0]), Number(out.expected!.data[0]), Number(out.other!.data[0])];
    expect(l).toBeCloseTo(e, 5);
    expect(Math.abs(l - o)).toBeGreaterThan(1e-3);
  });

  it("samples with each batch's statistics by default (the authors' G stays in training mode), or with the running ones", async () => {
    const recipe = ctgan({ encoding: ENCODING, embedding: 6, gHidden: [8], dHidden: [8], pack: 2, dropout: 0.5, tau: 0.2, condWeight: 1 });
    const store = new E.StateStore();
    const probe = new E.StateTrace(false);
    recipe.sampler!.sample(E.input('z', [4, 11]), undefined, probe);
    E.initState(store, probe.declared(), new E.Rng(0));
    // Running statistics other than the initial (0, 1), so that the two modes differ.
    store.set('G.0.body.1.running_mean', Float32Array.from({ length: 8 }, (_, i) => 0.1 * i), [8]);
    const z = new E.Rng(3).normal(4 * 11);
    const other = Float32Array.from(z);
    other.set(new E.Rng(4).normal(11), 3 * 11);
    const rowsOf = async (batchStatistics?: boolean) => {
      const p = await compileSampler(recipe, 4, store, { threads: 1, ...(batchStatistics === undefined ? {} : { batchStatistics }) });
      const [a, b] = [(await p.run({ z })).x!.data as Float32Array, (await p.run({ z: other })).x!.data as Float32Array];
      await p.release();
      return { first: Array.from(a.subarray(0, 8)), firstAgain: Array.from(b.subarray(0, 8)) };
    };
    const batch = await rowsOf();
    const running = await rowsOf(false);
    // With batch statistics row 0 depends on the other rows of its batch (row 3 changed); with the running ones it does not.
    expect(batch.firstAgain).not.toEqual(batch.first);
    expect(running.firstAgain).toEqual(running.first);
    expect(running.first).not.toEqual(batch.first);
  });

  it('refuses a batch the pack does not divide, naming both', () => {
    const recipe = ctgan({ encoding: ENCODING, embedding: 6, gHidden: [8], dHidden: [8], pack: 10, dropout: 0.5, tau: 0.2, condWeight: 1 });
    const fields = { x: { shape: [8], dtype: 'float32' as const }, cond: { shape: [5], dtype: 'float32' as const }, realCond: { shape: [5], dtype: 'float32' as const }, gCond: { shape: [5], dtype: 'float32' as const } };
    const opt = { kind: 'adam' as const, lr: 1e-3 };
    expect(() => buildTrainStep(recipe, fields, { batch: 64, loss: 'wgan-gp', dSteps: 1, realLabel: 1, gpWeight: 10, r1Gamma: 0, weightClip: 0, emaDecay: 0, optG: opt, optD: opt })).toThrow('model.pack 10 must divide train.batch 64');
  });
});

/** Encoded rows for ENCODING: each row one-hot in every softmax span (category k of column 1 for counts[k] rows). */
function encodedRows(): { data: Float32Array; rows: number } {
  const rows = 100;
  const data = new Float32Array(rows * 8);
  for (let r = 0; r < rows; r++) {
    const at = r * 8;
    data[at] = ((r % 7) - 3) / 4;
    data[at + 1 + (r % 2)] = 1;
    data[at + 3 + (r < 90 ? 0 : r < 99 ? 1 : 2)] = 1;
    data[at + 6 + (r < 50 ? 0 : 1)] = 1;
  }
  return { data, rows };
}

describe('training-by-sampling', () => {
  it('log-frequency: log(count + 1) / sum', () => {
    const p = logFrequencies([90, 9, 1]);
    const total = Math.log(91) + Math.log(10) + Math.log(2);
    expect(p).toEqual([Math.log(91) / total, Math.log(10) / total, Math.log(2) / total]);
    // By hand: ln 91 = 4.511, ln 10 = 2.303, ln 2 = 0.693 of 7.507.
    expect(p[0]).toBeCloseTo(0.6009, 4);
    expect(logFrequencies([3, 0])).toEqual([1, 0]);
  });

  it('draws columns uniformly and categories by log-frequency (20,000 rows, within 4 standard errors)', () => {
    const src = new TableSource({ encoding: ENCODING, ...encodedRows() }, new E.Rng(11));
    const n = 20000;
    const { column, category, cond } = src.drawConditions(n);
    const perColumn = new Float64Array(2);
    const perCategory = [new Float64Array(3), new Float64Array(2)];
    let badRows = 0;
    for (let i = 0; i < n; i++) {
      perColumn[column[i]!]! += 1;
      perCategory[column[i]!]![category[i]!]! += 1;
      // The one-hot sits in the column's block, at the category.
      const at = i * 5 + ENCODING.discrete[column[i]!]!.condOffset + category[i]!;
      if (cond[at] !== 1 || cond.subarray(i * 5, i * 5 + 5).reduce((a, b) => a + b, 0) !== 1) badRows++;
    }
    expect(badRows).toBe(0);
    const within = (count: number, total: number, p: number) => expect(Math.abs(count / total - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / total));
    within(perColumn[0]!, n, 0.5);
    logFrequencies([90, 9, 1]).forEach((p, k) => within(perCategory[0]![k]!, perColumn[0]!, p));
    logFrequencies([50, 50]).forEach((p, k) => within(perCategory[1]![k]!, perColumn[1]!, p));
  });

  it('gives real rows of the asked categories, beside their own conditions, in another order than G\'s', () => {
    const src = new TableSource({ encoding: ENCODING, ...encodedRows() }, new E.Rng(12));
    const n = 500;
    const x = new Float32Array(n * 8);
    const cond = new Float32Array(n * 5);
    const realCond = new Float32Array(n * 5);
    src.next({ x, cond, realCond }, n);
    let samePlace = 0;
    for (let i = 0; i < n; i++) {
      const rc = realCond.subarray(i * 5, i * 5 + 5);
      const k = rc.indexOf(1);
      // Category k of column 1 (cond units 0..2) or of column 2 (units 3..4) is hot in the real row.
      if (k < 3) expect(x[i * 8 + 3 + k]).toBe(1);
      else expect(x[i * 8 + 6 + (k - 3)]).toBe(1);
      if (cond.subarray(i * 5, i * 5 + 5).indexOf(1) === k) samePlace++;
    }
    // The real conditions are G's, permuted: the same multiset, mostly in other places.
    const key = (c: Float32Array) => Array.from({ length: n }, (_, i) => c.subarray(i * 5, i * 5 + 5).indexOf(1)).sort().join();
    expect(key(realCond)).toBe(key(cond));
    expect(samePlace).toBeLessThan(0.8 * n);
  });

  it("draws the generator step's conditions afresh, after the critic step's draws (which stay as they were)", () => {
    const n = 500;
    const take = (withG: boolean) => {
      const src = new TableSource({ encoding: ENCODING, ...encodedRows() }, new E.Rng(14));
      const out = { x: new Float32Array(n * 8), cond: new Float32Array(n * 5), realCond: new Float32Array(n * 5), ...(withG ? { gCond: new Float32Array(n * 5) } : {}) };
      src.next(out, n);
      return out;
    };
    const plain = take(false);
    const withG = take(true);
    expect(withG.x).toEqual(plain.x);
    expect(withG.cond).toEqual(plain.cond);
    expect(withG.realCond).toEqual(plain.realCond);
    const gCond = withG.gCond!;
    let sameRow = 0;
    for (let i = 0; i < n; i++) {
      const row = gCond.subarray(i * 5, i * 5 + 5);
      // One-hot in one column's block, as the critic step's conditions.
      expect(row.reduce((a, b) => a + b, 0)).toBe(1);
      if (row.indexOf(1) === plain.cond.subarray(i * 5, i * 5 + 5).indexOf(1)) sameRow++;
    }
    // Independent draws: far from the critic step's conditions row by row.
    expect(sameRow).toBeLessThan(0.8 * n);
    expect(new TableSource({ encoding: ENCODING, ...encodedRows() }, new E.Rng(14)).fields.gCond).toEqual({ shape: [5], dtype: 'float32' });
  });

  it('resumes its draws from its state', () => {
    const src = new TableSource({ encoding: ENCODING, ...encodedRows() }, new E.Rng(13));
    const draw = () => {
      const x = new Float32Array(20 * 8);
      src.next({ x }, 20);
      return x;
    };
    draw();
    const state = src.getState();
    const a = draw();
    src.setState(state);
    expect(draw()).toEqual(a);
  });
});
