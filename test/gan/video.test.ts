// The video GAN: clip shapes, the spatial discriminator's random frames, the two discriminators'
// equal weight, and what it refuses.
import { describe, expect, it } from 'vitest';
import * as E from '../../src/engine/index.js';
import { validateConfig } from '../../src/config/schema.js';
import { buildRecipe, type DataInfo } from '../../src/gan/registry.js';
import { moveImages, SpriteGenerator } from '../../src/gan/types/video.js';
import { silentAdversary } from './adversary.js';
import { gradCheck } from '../engine/gradcheck.js';
import { InputError } from '../../src/errors.js';

const info = (kind: string, shape: number[]): DataInfo => ({ kind, fields: { x: { shape, dtype: 'float32' } }, shape });
const CLIPS = info('moving-mnist', [8, 1, 32, 32]);
const video = (model: Record<string, unknown> = { frames: 3 }) =>
  buildRecipe(validateConfig({ data: { kind: 'moving-mnist' }, model: { kind: 'video', width: 4, ...model } }, 't').model, CLIPS);

describe('video GAN', () => {
  it('G draws clips [T, C, H, W] from one noise vector', () => {
    const m = video();
    expect(m.sampler!.sample(E.input('z', [2, 100]), undefined, new E.StateTrace(false)).shape).toEqual([2, 8, 1, 32, 32]);
  });

  it('the spatial D judges the frames the step draws (floor(u * T)); the temporal D counts as much as they do', async () => {
    const m = video();
    // Inference mode: spectral norm's power iteration does not move between the calls compared.
    const trace = new E.StateTrace(false);
    const x = E.input('x', [2, 8, 1, 32, 32]);
    const frames = E.input('frames', [3]);
    // Each D's term is the mean of its logits on the real clips (the fake ones do not reach the loss): the D loss is then their weighted mean.
    const adv = silentAdversary(trace, (logit) => E.reduceMean(logit));
    const loss = m.dLoss({ x, z: E.input('z', [2, 100]), frames }, { x: E.input('fake', [2, 8, 1, 32, 32]) }, adv);
    const [spatialLogits, temporalLogit] = adv.shown.map((s) => s.logit) as [E.Tensor, E.Tensor];
    expect([spatialLogits.shape, temporalLogit.shape]).toEqual([[2, 3], [2, 1]]);
    // The same D on the frames picked by hand: u = 0.999, 0, 0.5 -> frames 7, 0, 4.
    const spatial = (m.D as unknown as { parts: { spatial: { call: (t: E.Tensor, c: E.StateTrace) => E.Tensor } } }).parts.spatial;
    const byHand = [7, 0, 4].map((f) => spatial.call(E.reshape(E.slice(x, [f], [f + 1], [1]), [2, 1, 32, 32]), trace));
    const store = new E.StateStore();
    E.initState(store, trace.declared(), new E.Rng(1));
    const p = await E.Program.compile({ outputs: { loss, s: spatialLogits, t: temporalLogit, a: byHand[0]!, b: byHand[1]!, c: byHand[2]! } }, store);
    const rng = new E.Rng(2);
    const out = await p.run({ x: rng.fillUniform(new Float32Array(2 * 8 * 1024), -1, 1), frames: Float32Array.from([0.999, 0, 0.5]) });
    const s = out.s!.data as Float32Array;
    const t = out.t!.data as Float32Array;
    for (let i = 0; i < 2; i++) {
      expect(s[i * 3]).toBeCloseTo((out.a!.data as Float32Array)[i]!, 5);
      expect(s[i * 3 + 1]).toBeCloseTo((out.b!.data as Float32Array)[i]!, 5);
      expect(s[i * 3 + 2]).toBeCloseTo((out.c!.data as Float32Array)[i]!, 5);
    }
    const mean = (v: Float32Array) => v.reduce((a, b) => a + b, 0) / v.length;
    expect(out.loss!.data[0]).toBeCloseTo((mean(s) + mean(t)) / 2, 5);
  });

  it('refuses image data, and image models refuse clips, by name', () => {
    const v = validateConfig({ data: { kind: 'moving-mnist' }, model: { kind: 'video' } }, 't').model;
    expect(() => buildRecipe(v, info('mnist', [1, 28, 28]))).toThrow(new InputError('model "video" generates clips; it needs video data (data.kind "moving-mnist"), not "mnist"'));
    const d = validateConfig({ data: { kind: 'moving-mnist' }, model: { kind: 'dcgan' } }, 't').model;
    expect(() => buildRecipe(d, CLIPS)).toThrow(new InputError('data "moving-mnist" holds video clips; use model kind "video", not "dcgan"'));
    const many = validateConfig({ data: { kind: 'moving-mnist' }, model: { kind: 'video', frames: 9 } }, 't').model;
    expect(() => buildRecipe(many, CLIPS)).toThrow(new InputError("model.frames 9 is more than the clip's 8 frames"));
  });
});

describe('sprite generator', () => {
  const run = async (outputs: Record<string, E.Tensor>, feeds: Record<string, Float32Array>) => {
    const p = await E.Program.compile({ outputs }, new E.StateStore());
    return p.run(feeds);
  };

  it('moves an image by whole pixels exactly (zeros shifted in) and by half pixels as the mean of its neighbours', async () => {
    const img = Float32Array.from({ length: 16 }, (_, i) => i + 1);
    const moved = moveImages(E.input('img', [1, 1, 1, 4, 4]), E.input('dy', [1, 3, 1, 1, 1]), E.input('dx', [1, 3, 1, 1, 1]));
    expect(moved.shape).toEqual([1, 3, 1, 4, 4]);
    const out = await run({ moved }, { img, dy: Float32Array.from([0, 1, 0]), dx: Float32Array.from([0, -2, 0.5]) });
    const m = Array.from(out.moved!.data as Float32Array);
    expect(m.slice(0, 16)).toEqual(Array.from(img));
    // Down 1, left 2: row r, column c holds the source's row r-1, column c+2.
    expect(m.slice(16, 32)).toEqual([0, 0, 0, 0, 3, 4, 0, 0, 7, 8, 0, 0, 11, 12, 0, 0]);
    // Right 0.5: each pixel the mean of itself and its left neighbour (0 beyond the edge).
    expect(m.slice(32, 36)).toEqual([0.5, 1.5, 2.5, 3.5]);
  });

  it('its gradients with respect to the image and the shifts match finite differences', async () => {
    // Shifts at least 0.2 from whole pixels, where the bilinear weights have kinks.
    const away = (rng: E.Rng, n: number) => Float32Array.from({ length: n }, () => rng.int(5) - 2 + 0.2 + 0.6 * rng.uniform());
    await gradCheck((img, dy, dx) => moveImages(img!, dy!, dx!), [{ shape: [2, 1, 1, 5, 5] }, { shape: [2, 3, 1, 1, 1], gen: away }, { shape: [2, 3, 1, 1, 1], gen: away }], { eps: 1e-3 });
  });

  it('draws a clip as one image moved along a per-frame path: what moves in from the edge is black', async () => {
    const m = video({ generator: 'sprite' });
    expect(m.G).toBeInstanceOf(SpriteGenerator);
    const trace = new E.StateTrace(false);
    const z = E.input('z', [3, 100]);
    const clip = m.sampler!.sample(z, undefined, trace);
    expect(clip.shape).toEqual([3, 8, 1, 32, 32]);
    const { dy, dx } = (m.G as SpriteGenerator).layers(z, trace);
    const store = new E.StateStore();
    E.initState(store, trace.declared(), new E.Rng(1));
    const p = await E.Program.compile({ outputs: { clip, dy, dx } }, store);
    const out = await p.run({ z: new E.Rng(3).normal(300) });
    const c = out.clip!.data as Float32Array;
    const dys = out.dy!.data as Float32Array;
    const dxs = out.dx!.data as Float32Array;
    // An untrained motion head already draws a different shift per frame: the clip moves.
    expect(new Set([...dys, ...dxs].map((s) => s.toFixed(3))).size).toBeGreaterThan(40);
    // A frame moved down by dy >= 1 (right by dx >= 1) has its top floor(dy) rows (left floor(dx)
    // columns) exactly black; so does the other side for negative shifts.
    let checked = 0;
    for (let f = 0; f < 24; f++) {
      const frame = c.subarray(f * 1024, (f + 1) * 1024);
      const rows = Math.floor(Math.abs(dys[f]!));
      const cols = Math.floor(Math.abs(dxs[f]!));
      for (let r = 0; r < rows; r++) {
        const y = dys[f]! > 0 ? r : 31 - r;
        for (let x = 0; x < 32; x++) expect(frame[y * 32 + x]).toBe(-1);
        checked++;
      }
      for (let k = 0; k < cols; k++) {
        const x = dxs[f]! > 0 ? k : 31 - k;
        for (let y = 0; y < 32; y++) expect(frame[y * 32 + x]).toBe(-1);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(10);
  });

  it('moves the image by whole pixels, and its motion head still gets gradients (straight-through)', async () => {
    const m = video({ generator: 'sprite' });
    const G = m.G as SpriteGenerator;
    const trace = new E.StateTrace(true);
    const z = E.input('z', [2, 100]);
    const clip = G.call(z, trace);
    const { image, dy, dx } = G.layers(z, trace);
    const motionWeights = G.parameters().filter((d) => d.name.startsWith('G.motion') && d.name.endsWith('weight'));
    expect(motionWeights.length).toBe(2);
    const loss = E.reduceSum(E.mul(clip, E.constant(new E.Rng(5).normal(clip.size), clip.shape)));
    const grads = E.grad(loss, motionWeights.map((d) => trace.read(d.name, d.shape, d.init)));
    const store = new E.StateStore();
    E.initState(store, trace.declared(), new E.Rng(1));
    const outputs: Record<string, E.Tensor> = { clip, image, dy, dx };
    grads.forEach((g, i) => (outputs[`g${i}`] = g!));
    const out = await (await E.Program.compile({ outputs }, store)).run({ z: new E.Rng(3).normal(200) });
    const c = out.clip!.data as Float32Array;
    const img = out.image!.data as Float32Array;
    const dys = out.dy!.data as Float32Array;
    const dxs = out.dx!.data as Float32Array;
    for (let f = 0; f < 16; f++) {
      const n = Math.floor(f / 8);
      const [sy, sx] = [Math.round(dys[f]!), Math.round(dxs[f]!)];
      for (let y = 0; y < 32; y++) {
        for (let x = 0; x < 32; x++) {
          const [iy, ix] = [y - sy, x - sx];
          const inside = iy >= 0 && iy < 32 && ix >= 0 && ix < 32;
          expect(c[f * 1024 + y * 32 + x]).toBeCloseTo(inside ? 2 * img[n * 1024 + iy * 32 + ix]! - 1 : -1, 5);
        }
      }
    }
    for (const k of ['g0', 'g1']) expect(Math.max(...Array.from(out[k]!.data as Float32Array, Math.abs))).toBeGreaterThan(1e-4);
  });
});
