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

/** How often a test run checkpoints and writes previews. */
type Every = { checkpointEvery: number; sampleEvery: number };
const raw = (steps: number, every: Every = { checkpointEvery: 4, sampleEvery: 1000 }) => ({
  seed: 3,
  data: { kind: 'mixture', name: 'ring8' },
  model: { kind: 'mlp', latent: 2, gHidden: [16, 16], dHidden: [16, 16], output: 'linear' },
  train: { steps, batch: 32, stepsPerRun: 4, ...every },
});
const config = (steps: number, every?: Every) => validateConfig(raw(steps, every), 'device test');
const losses = (dir: string) =>
  readFileSync(`${dir}/metrics.jsonl`, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { loss_D: number; loss_G: number });

async function trainOn(device: E.Device, dir: string, steps: number, resume = false, every?: Every) {
  const t = await Trainer.open(config(steps, every), dir, { device, resume });
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
    // The K steps are unrolled on a GPU device: no Loop, nothing on the CPU provider.
    expect(r.ops.filter((o) => o.provider === 'CPUExecutionProvider')).toEqual([]);
  });

  it('keeps updated state on the WebGPU device between runs and copies it to the host only when asked', async () => {
    const s = E.state('s', [3]);
    const x = E.input('x', [3]);
    const spec = { outputs: { y: E.add(x, s) }, updates: [[s, E.mul(s, 2)]] as const };
    const store = new E.StateStore();
    store.set('s', Float32Array.of(1, 2, 3), [3]);
    const gpu = await E.Program.compile(spec, store, { device: 'webgpu', threads: 1 });
    expect(gpu.keepsStateOnDevice).toBe(true);
    const ys: number[][] = [];
    for (let i = 0; i < 3; i++) ys.push([...((await gpu.run({ x: Float32Array.of(1, 1, 1) })).y!.data as Float32Array)]);
    // Each run read the state the run before left on the device.
    expect(ys).toEqual([[2, 3, 4], [3, 5, 7], [5, 9, 13]]);
    expect(store.deviceValue('s')?.device).toBe('webgpu');
    expect(() => store.get('s')).toThrow('state "s" is held on the webgpu device: await store.sync() before reading it on the host');
    // A program on the CPU reading it brings it to the host first.
    const cpu = await E.Program.compile({ outputs: { z: E.mul(s, 1) } }, store, { device: 'cpu', threads: 1 });
    expect([...((await cpu.run()).z!.data as Float32Array)]).toEqual([8, 16, 24]);
    expect(store.deviceValue('s')).toBeUndefined();
    expect([...store.floats('s')]).toEqual([8, 16, 24]);
    // Releasing a program copies what it left on the device.
    await gpu.run({ x: Float32Array.of(0, 0, 0) });
    // A WebGPU program that updates the state on the host takes it from the device first.
    E.setStateOnDevice(false);
    const hostSide = await E.Program.compile(spec, store, { device: 'webgpu', threads: 1 }).finally(() => E.setStateOnDevice(true));
    expect(hostSide.keepsStateOnDevice).toBe(false);
    await hostSide.run({ x: Float32Array.of(0, 0, 0) });
    expect([...store.floats('s')]).toEqual([32, 64, 96]);
    await gpu.run({ x: Float32Array.of(0, 0, 0) });
    await gpu.release();
    expect([...store.floats('s')]).toEqual([64, 128, 192]);
    await cpu.release();
    await hostSide.release();
  });

  it('trains the same numbers with the steps as a Loop or unrolled, and with the state kept on the device or not', async () => {
    const run = async (device: E.Device, form: E.LoopForm, keep: boolean) => {
      E.setLoopForm(form);
      E.setStateOnDevice(keep);
      try {
        const dir = tempDir(`device-${device}-${form}-${keep}`);
        // 10 steps: calls of 4, 4 and 2 (a second program takes the first's device-held state);
        // the preview sampler reads it at step 4 and 8, and only step 8 and 10 checkpoint (sync).
        await trainOn(device, dir, 10, false, { checkpointEvery: 8, sampleEvery: 4 });
        return { losses: losses(dir).map(({ loss_D, loss_G }) => ({ loss_D, loss_G })), params: readCheckpoint(new RunDir(dir).checkpointPath(10)).tensors };
      } finally {
        E.setLoopForm('auto');
        E.setStateOnDevice(true);
      }
    };
    // On the CPU the two forms are the same kernels in the same order: the same bits.
    const loop = await run('cpu', 'loop', true);
    const unrolled = await run('cpu', 'unrolled', true);
    expect(unrolled.losses).toEqual(loop.losses);
    for (const [name, t] of Object.entries(loop.params)) expect(unrolled.params[name]!.data, name).toEqual(t.data);
    // On WebGPU, host-fed and device-kept state run the same kernels on the same values.
    const fed = await run('webgpu', 'unrolled', false);
    const kept = await run('webgpu', 'unrolled', true);
    expect(kept.losses).toEqual(fed.losses);
    for (const [name, t] of Object.entries(fed.params)) expect(kept.params[name]!.data, name).toEqual(t.data);
  });
});
