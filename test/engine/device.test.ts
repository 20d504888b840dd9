// The GPU path: training steps compiled for ONNX Runtime's WebGPU provider give the CPU's numbers.
// Without a GPU the provider runs on SwiftShader, the software Vulkan device Debian's chromium
// package ships (scripts/system-deps.sh installs it); VK_ICD_FILENAMES points the Vulkan loader at it
// before the first WebGPU session of this test process starts.
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../tempdir.js';
import { validateConfig } from '../../src/config/schema.js';
import { Trainer } from '../../src/gan/trainer.js';
import * as E from '../../src/engine/index.js';
import { RunDir } from '../../src/run/rundir.js';
import { readCheckpoint } from '../../src/run/checkpoint.js';

const SWIFTSHADER = '/usr/lib/chromium/vk_swiftshader_icd.json';
process.env.VK_ICD_FILENAMES ??= SWIFTSHADER;

const config = (steps: number) =>
  validateConfig(
    {
      seed: 3,
      data: { kind: 'mixture', name: 'ring8' },
      model: { kind: 'mlp', latent: 2, gHidden: [16, 16], dHidden: [16, 16], output: 'linear' },
      train: { steps, batch: 32, stepsPerRun: 4, checkpointEvery: 4, sampleEvery: 1000 },
    },
    'device test',
  );

const losses = (dir: string) =>
  readFileSync(`${dir}/metrics.jsonl`, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { loss_D: number; loss_G: number });

async function trainOn(device: E.Device, dir: string, steps: number, resume = false) {
  const t = await Trainer.open(config(steps), dir, { device, resume });
  await t.train();
  await t.close();
}

describe('devices', () => {
  it('refuses a device that cannot start, naming what it needs, before writing anything', async () => {
    const dir = tempDir('device');
    const err = await Trainer.open(config(4), `${dir}/run`, { device: 'cuda' }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/^device "cuda" cannot start: .+; it needs an NVIDIA GPU with CUDA 12 and onnxruntime-node's CUDA provider, which its install script downloads when asked: npm install onnxruntime-node --onnxruntime-node-install=cuda12 \(docs\/scale\.md\)$/);
    expect(existsSync(`${dir}/run`)).toBe(false);
    expect(() => E.setDefaultDevice('tpu' as E.Device)).toThrow('unknown device "tpu"; expected one of cpu, webgpu, cuda');
  });

  it('trains on WebGPU (SwiftShader) with the CPU losses, and resumes a WebGPU run on the CPU', async () => {
    expect(existsSync(SWIFTSHADER), `${SWIFTSHADER} is missing: install Debian's chromium package (scripts/system-deps.sh)`).toBe(true);
    const cpu = tempDir('device-cpu');
    const gpu = tempDir('device-gpu');
    await trainOn('cpu', cpu, 8);
    await trainOn('webgpu', gpu, 4);
    await trainOn('cpu', gpu, 8, true);
    const a = losses(cpu);
    const b = losses(gpu);
    expect(b).toHaveLength(8);
    // Float32 kernels differ in summation order: the same numbers to about six digits.
    for (let i = 0; i < 8; i++) {
      expect(Math.abs(b[i]!.loss_D - a[i]!.loss_D), `loss_D at step ${i + 1}`).toBeLessThan(1e-4);
      expect(Math.abs(b[i]!.loss_G - a[i]!.loss_G), `loss_G at step ${i + 1}`).toBeLessThan(1e-4);
    }
    const pa = readCheckpoint(new RunDir(cpu).checkpointPath(8)).tensors;
    const pb = readCheckpoint(new RunDir(gpu).checkpointPath(8)).tensors;
    let worst = 0;
    for (const [name, t] of Object.entries(pa)) {
      if (!(t.data instanceof Float32Array)) continue;
      const u = pb[name]!.data as Float32Array;
      for (let i = 0; i < t.data.length; i++) worst = Math.max(worst, Math.abs(t.data[i]! - u[i]!));
    }
    expect(worst).toBeLessThan(1e-4);
  });
});
