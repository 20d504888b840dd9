// conv2d and convTranspose2d forward passes against plain loop implementations.
import { describe, expect, it } from 'vitest';
import * as E from '../../src/engine/index.js';

type Opts = { stride: [number, number]; pad: [number, number, number, number]; dil: [number, number]; groups: number; outPad?: [number, number] };

function refConv(x: Float32Array, xs: number[], w: Float32Array, ws: number[], o: Opts): { y: Float32Array; shape: number[] } {
  const [n, c, h, wd] = xs as [number, number, number, number];
  const [co, cg, kh, kw] = ws as [number, number, number, number];
  const oh = Math.floor((h + o.pad[0] + o.pad[2] - o.dil[0] * (kh - 1) - 1) / o.stride[0]) + 1;
  const ow = Math.floor((wd + o.pad[1] + o.pad[3] - o.dil[1] * (kw - 1) - 1) / o.stride[1]) + 1;
  const y = new Float32Array(n * co * oh * ow);
  const cog = co / o.groups;
  for (let b = 0; b < n; b++)
    for (let oc = 0; oc < co; oc++) {
      const g = Math.floor(oc / cog);
      for (let i = 0; i < oh; i++)
        for (let j = 0; j < ow; j++) {
          let s = 0;
          for (let ic = 0; ic < cg; ic++)
            for (let p = 0; p < kh; p++)
              for (let q = 0; q < kw; q++) {
                const r = i * o.stride[0] - o.pad[0] + p * o.dil[0];
                const cc = j * o.stride[1] - o.pad[1] + q * o.dil[1];
                if (r < 0 || r >= h || cc < 0 || cc >= wd) continue;
                s += x[((b * c + g * cg + ic) * h + r) * wd + cc]! * w[((oc * cg + ic) * kh + p) * kw + q]!;
              }
          y[((b * co + oc) * oh + i) * ow + j] = s;
        }
    }
  return { y, shape: [n, co, oh, ow] };
}

function refConvTranspose(x: Float32Array, xs: number[], w: Float32Array, ws: number[], o: Opts): { y: Float32Array; shape: number[] } {
  const [n, c, h, wd] = xs as [number, number, number, number];
  const [, cog, kh, kw] = ws as [number, number, number, number];
  const op = o.outPad ?? [0, 0];
  const oh = o.stride[0] * (h - 1) + op[0] + o.dil[0] * (kh - 1) + 1 - o.pad[0] - o.pad[2];
  const ow = o.stride[1] * (wd - 1) + op[1] + o.dil[1] * (kw - 1) + 1 - o.pad[1] - o.pad[3];
  const co = cog * o.groups;
  const cg = c / o.groups;
  const y = new Float32Array(n * co * oh * ow);
  for (let b = 0; b < n; b++)
    for (let ic = 0; ic < c; ic++) {
      const g = Math.floor(ic / cg);
      for (let i = 0; i < h; i++)
        for (let j = 0; j < wd; j++)
          for (let oc = 0; oc < cog; oc++)
            for (let p = 0; p < kh; p++)
              for (let q = 0; q < kw; q++) {
                const r = i * o.stride[0] - o.pad[0] + p * o.dil[0];
                const cc = j * o.stride[1] - o.pad[1] + q * o.dil[1];
                if (r < 0 || r >= oh || cc < 0 || cc >= ow) continue;
                y[((b * co + g * cog + oc) * oh + r) * ow + cc]! += x[((b * c + ic) * h + i) * wd + j]! * w[((ic * cog + oc) * kh + p) * kw + q]!;
              }
    }
  return { y, shape: [n, co, oh, ow] };
}

const cases: { xs: number[]; k: [number, number]; co: number; o: Opts }[] = [
  { xs: [2, 3, 7, 6], k: [3, 3], co: 4, o: { stride: [1, 1], pad: [0, 0, 0, 0], dil: [1, 1], groups: 1 } },
  { xs: [2, 2, 8, 8], k: [4, 4], co: 3, o: { stride: [2, 2], pad: [1, 1, 1, 1], dil: [1, 1], groups: 1, outPad: [1, 1] } },
  { xs: [1, 4, 9, 7], k: [3, 2], co: 6, o: { stride: [2, 1], pad: [1, 0, 2, 1], dil: [1, 2], groups: 2, outPad: [1, 0] } },
  { xs: [1, 3, 6, 6], k: [3, 3], co: 3, o: { stride: [1, 1], pad: [2, 2, 2, 2], dil: [2, 2], groups: 3 } },
];

async function run(y: E.Tensor, feeds: Record<string, Float32Array>): Promise<Float32Array> {
  const p = await E.Program.compile({ outputs: { y } }, new E.StateStore(), { threads: 1 });
  const r = await p.run(feeds);
  await p.release();
  return r.y!.data as Float32Array;
}

function expectClose(a: Float32Array, b: Float32Array): void {
  expect(a.length).toBe(b.length);
  let maxErr = 0;
  for (let i = 0; i < a.length; i++) maxErr = Math.max(maxErr, Math.abs(a[i]! - b[i]!));
  expect(maxErr).toBeLessThan(1e-4);
}

describe('convolution forward passes match a plain reference', () => {
  const rng = new E.Rng(7);
  for (const c of cases) {
    const label = JSON.stringify(c);
    it(`conv2d and its im2col form ${label}`, async () => {
      const ws = [c.co, c.xs[1]! / c.o.groups, ...c.k];
      const xv = rng.normal(c.xs.reduce((a, b) => a * b));
      const wv = rng.normal(ws.reduce((a, b) => a * b));
      const ref = refConv(xv, c.xs, wv, ws, c.o);
      const opts = { stride: c.o.stride, padding: c.o.pad, dilation: c.o.dil, groups: c.o.groups };
      const x = E.input('x', c.xs);
      const w = E.input('w', ws);
      const y = E.conv2d(x, w, opts);
      expect(y.shape).toEqual(ref.shape);
      expectClose(await run(y, { x: xv, w: wv }), ref.y);
      if (c.o.groups === 1) expectClose(await run(E.conv2dIm2col(x, w, opts), { x: xv, w: wv }), ref.y);
    });
    it(`convTranspose2d ${label}`, async () => {
      const ws = [c.xs[1]!, c.co / c.o.groups, ...c.k];
      const xv = rng.normal(c.xs.reduce((a, b) => a * b));
      const wv = rng.normal(ws.reduce((a, b) => a * b));
      const ref = refConvTranspose(xv, c.xs, wv, ws, c.o);
      const y = E.convTranspose2d(E.input('x', c.xs), E.input('w', ws), {
        stride: c.o.stride, padding: c.o.pad, dilation: c.o.dil, groups: c.o.groups, outputPadding: c.o.outPad,
      });
      expect(y.shape).toEqual(ref.shape);
      expectClose(await run(y, { x: xv, w: wv }), ref.y);
    });
  }
});
