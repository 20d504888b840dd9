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
import { writeFileSync } from 'node:fs';
import { checkDeviceOps } from '../../src/api/device-check.js';
import { fallbacks, parsePlacement } from '../../src/engine/placement.js';

const SWIFTSHADER = '/usr/lib/chromium/vk_swiftshader_icd.json';
process.env.VK_ICD_FILENAMES ??= SWIFTSHADER;

const raw = (steps: number) => ({
  seed: 3,
  data: { kind: 'mixture', name: 'ring8' },
  model: { kind: 'mlp', latent: 2, gHidden: [16, 16], dHidden: [16, 16], output: 'linear' },
  train: { steps, batch: 32, stepsPerRun: 4, checkpointEvery: 4, sampleEvery: 1000 },
});
const config = (steps: number) => validateConfig(raw(steps), 'device test');
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

describe('operator placement', () => {
  it('sums node runs and time per provider and operator from a profiler trace; containers are not fallbacks', () => {
    const file = `${tempDir('placement')}/trace.json`;
    const node = (op: string, provider: string, dur: number) => ({ cat: 'Node', dur, name: `${op}_kernel_time`, args: { op_name: op, provider } });
    writeFileSync(file, JSON.stringify([node('Gemm', 'WebGpuExecutionProvider', 30), node('Gemm', 'WebGpuExecutionProvider', 12), node('Loop', 'CPUExecutionProvider', 500), node('Identity', 'CPUExecutionProvider', 2), node('Erf', 'CPUExecutionProvider', 7), { cat: 'Session', dur: 9, name: 'model_run' }]));
    const rows = parsePlacement([readFileSync(file, 'utf8')]);
    expect(rows).toEqual([
      { provider: 'CPUExecutionProvider', op: 'Loop', runs: 1, us: 500 },
      { provider: 'WebGpuExecutionProvider', op: 'Gemm', runs: 2, us: 42 },
      { provider: 'CPUExecutionProvider', op: 'Erf', runs: 1, us: 7 },
      { provider: 'CPUExecutionProvider', op: 'Identity', runs: 1, us: 2 },
    ]);
    expect(fallbacks(rows, 'webgpu')).toEqual([{ provider: 'CPUExecutionProvider', op: 'Erf', runs: 1, us: 7 }]);
    expect(fallbacks(rows, 'cpu')).toEqual([]);
  });
});

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

  it('places every operator of an MLP GAN step on WebGPU (gan device --check)', async () => {
    const r = await checkDeviceOps(raw(4), 'webgpu');
    expect(r.fallbacks).toEqual([]);
    const gemm = r.ops.find((o) => o.op === 'Gemm' || o.op === 'MatMul');
    expect(gemm?.provider).toBe('WebGpuExecutionProvider');
    expect(new Set(r.ops.filter((o) => o.provider === 'CPUExecutionProvider').map((o) => o.op))).toEqual(new Set(['Loop', 'Identity']));
  });
});
