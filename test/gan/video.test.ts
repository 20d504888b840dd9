// The video GAN: clip shapes, the spatial discriminator's random frames, the two discriminators'
// equal weight, and what it refuses.
import { describe, expect, it } from 'vitest';
import * as E from '../../src/engine/index.js';
import { validateConfig } from '../../src/config/schema.js';
import { buildModel } from '../../src/gan/build.js';
import { FRAME_PICKS } from '../../src/gan/variants/videogan.js';
import { InputError } from '../../src/errors.js';

const video = () =>
  buildModel(validateConfig({ data: { kind: 'moving-mnist' }, model: { kind: 'video', width: 4, frames: 3 } }, 't').model, { shape: [8, 1, 32, 32], kind: 'moving-mnist' });

describe('video GAN', () => {
  it('G draws clips [T, C, H, W] from one noise vector', () => {
    const m = video();
    expect(m.sample(E.input('z', [2, 100]), undefined, new E.StateTrace(false)).shape).toEqual([2, 8, 1, 32, 32]);
  });

  it('the spatial D judges the frames the step draws (floor(u * T)); the temporal logit counts as much as they do', async () => {
    const m = video();
    // Inference mode: spectral norm's power iteration does not move between the calls compared.
    const trace = new E.StateTrace(false);
    const x = E.input('x', [2, 8, 1, 32, 32]);
    const { logit } = m.discriminate(x, undefined, trace);
    expect(logit.shape).toEqual([2, 6]);
    // The same D on the frames picked by hand: u = 0.999, 0, 0.5 -> frames 7, 0, 4.
    const spatial = (m.D as unknown as { parts: { spatial: { call: (t: E.Tensor, c: E.StateTrace) => E.Tensor } } }).parts.spatial;
    const byHand = [7, 0, 4].map((f) => spatial.call(E.reshape(E.slice(x, [f], [f + 1], [1]), [2, 1, 32, 32]), trace));
    const store = new E.StateStore();
    E.initState(store, trace.declared(), new E.Rng(1));
    const p = await E.Program.compile({ outputs: { logit, a: byHand[0]!, b: byHand[1]!, c: byHand[2]! } }, store);
    const out = await p.run({ x: new E.Rng(2).fillUniform(new Float32Array(2 * 8 * 1024), -1, 1), [FRAME_PICKS]: Float32Array.from([0.999, 0, 0.5]) });
    const l = out.logit!.data as Float32Array;
    for (let i = 0; i < 2; i++) {
      expect(l[i * 6]).toBeCloseTo((out.a!.data as Float32Array)[i]!, 5);
      expect(l[i * 6 + 1]).toBeCloseTo((out.b!.data as Float32Array)[i]!, 5);
      expect(l[i * 6 + 2]).toBeCloseTo((out.c!.data as Float32Array)[i]!, 5);
      // Columns 3-5: the temporal logit, three times.
      expect(l[i * 6 + 3]).toBe(l[i * 6 + 4]);
      expect(l[i * 6 + 4]).toBe(l[i * 6 + 5]);
    }
  });

  it('refuses image data, and image models refuse clips, by name', () => {
    const v = validateConfig({ data: { kind: 'moving-mnist' }, model: { kind: 'video' } }, 't').model;
    expect(() => buildModel(v, { shape: [1, 28, 28], kind: 'mnist' })).toThrow(new InputError('model "video" generates clips; it needs video data (data.kind "moving-mnist"), not "mnist"'));
    const d = validateConfig({ data: { kind: 'moving-mnist' }, model: { kind: 'dcgan' } }, 't').model;
    expect(() => buildModel(d, { shape: [8, 1, 32, 32], kind: 'moving-mnist' })).toThrow(new InputError('data "moving-mnist" holds video clips; use model kind "video", not "dcgan"'));
    const many = validateConfig({ data: { kind: 'moving-mnist' }, model: { kind: 'video', frames: 9 } }, 't').model;
    expect(() => buildModel(many, { shape: [8, 1, 32, 32], kind: 'moving-mnist' })).toThrow(new InputError("model.frames 9 is more than the clip's 8 frames"));
  });
});
