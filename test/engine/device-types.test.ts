// Every GAN type's compiled training step on WebGPU (SwiftShader, see device.test.ts) gives the
// CPU's losses for its first steps. Each type runs its preset at a tiny width and batch: SwiftShader
// is a CPU emulating a GPU, so the full-size steps would take minutes here.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../tempdir.js';
import { resolveConfig } from '../../src/config/load.js';
import { Trainer } from '../../src/gan/trainer.js';
import type * as E from '../../src/engine/index.js';

process.env.VK_ICD_FILENAMES ??= '/usr/lib/chromium/vk_swiftshader_icd.json';

const tiny = { train: { steps: 2, batch: 4, stepsPerRun: 2, checkpointEvery: 1000, sampleEvery: 1000 } };
/** One preset per GAN type, with the keys that make it tiny. */
const TYPES: [string, Record<string, unknown>][] = [
  ['mnist-mlp', { model: { gHidden: [16], dHidden: [16] } }],
  ['mnist-dcgan', { model: { width: 8 } }],
  ['mnist-cgan', { model: { width: 8 } }],
  ['mnist-acgan', { model: { width: 8 } }],
  ['mnist-infogan', { model: { width: 8, hidden: 16 } }],
  ['mnist-wgan-gp', { model: { width: 8 } }],
  ['mnist-lapgan', { model: { width: 4, coarseWidth: 8 } }],
  ['mnist-pix2pix-inpaint', { model: { width: 4 } }],
  ['mnist-srgan-4x', { model: { width: 4, blocks: 1 } }],
  ['mnist-cyclegan-thicken', { model: { width: 4 } }],
  ['moving-mnist-video', { model: { width: 4 } }],
];

function lossesOf(dir: string): number[][] {
  return readFileSync(`${dir}/metrics.jsonl`, 'utf8')
    .trim()
    .split('\n')
    .map((l) => Object.entries(JSON.parse(l) as Record<string, number>).filter(([k]) => k.startsWith('loss')).map(([, v]) => v));
}

async function firstLosses(name: string, over: Record<string, unknown>, device: E.Device): Promise<number[][]> {
  const cfg = resolveConfig({ preset: name, ...over, train: { ...tiny.train } });
  const dir = tempDir(`types-${device}`);
  const t = await Trainer.open(cfg, `${dir}/run`, { device });
  await t.train();
  await t.close();
  return lossesOf(`${dir}/run`);
}

describe('every GAN type on WebGPU', () => {
  it.each(TYPES)('%s: the first steps give the CPU losses (within 1e-3 relative)', async (name, over) => {
    const cpu = await firstLosses(name, over, 'cpu');
    const gpu = await firstLosses(name, over, 'webgpu');
    expect(gpu.length).toBe(2);
    expect(gpu[0]!.length).toBe(cpu[0]!.length);
    cpu.forEach((row, i) =>
      row.forEach((v, j) => {
        expect(Number.isFinite(gpu[i]![j]!)).toBe(true);
        expect(Math.abs(gpu[i]![j]! - v), `${name} step ${i + 1} loss ${j}`).toBeLessThanOrEqual(1e-3 * Math.max(1, Math.abs(v)));
      }),
    );
  });
});
