// The `gan` command end to end, as a user runs it (a child process per command).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../tempdir.js';
import * as ortWeb from 'onnxruntime-web';
import { readNpy } from '../../src/run/npy.js';
import { RunDir } from '../../src/run/rundir.js';
import { preset, PRESET_NAMES } from '../../src/config/presets.js';

const ENTRY = join(process.cwd(), 'src', 'cli', 'entry.ts');
// node itself runs the CLI (with tsx's loader), as bin/gan.js does: no wrapper process between the
// test and the signals it sends.
const NODE_ARGS = ['--import', 'tsx', ENTRY];
const tmp = () => tempDir('cli');

function gan(...args: string[]) {
  const r = spawnSync(process.execPath, [...NODE_ARGS, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('gan presets', () => {
  it('lists the presets, one line each', () => {
    const r = gan('presets');
    expect(r.code).toBe(0);
    const names = r.stdout.trim().split('\n').map((l) => l.split(/\s+/)[0]);
    expect(names).toEqual(['ring8', 'grid25', 'ring8-drs', 'grid25-drs', 'ring8-infogan', 'grid25-infogan', 'mnist-mlp', 'mnist-dcgan', 'fashion-dcgan', 'stacked-mnist-dcgan', 'mnist-cgan', 'fashion-cgan', 'mnist-acgan', 'fashion-acgan', 'mnist-infogan', 'mnist-lsgan', 'mnist-wgan', 'mnist-wgan-gp', 'mnist-sngan', 'mnist-lapgan', 'mnist-pix2pix-inpaint', 'mnist-unet-inpaint-l1', 'mnist-cyclegan-thicken', 'mnist-srgan-4x', 'fashion-srgan-4x', 'emoji32-dcgan', 'emoji64-dcgan', 'emoji32-cgan', 'emoji32-fewshot', 'emoji-pix2pix-edges', 'emoji-unet-edges-l1', 'emoji-cyclegan-vendors', 'emoji-srgan-16to64', 'moving-mnist-video', 'table-ctgan', 'mnist-anomaly', 'fashion-anomaly']);
  });

  it('a reader that closes the pipe early is no error (exit 0, nothing on stderr)', () => {
    // `true` exits without reading, so every write meets a closed pipe (EPIPE).
    const cmd = [process.execPath, ...NODE_ARGS, 'presets'].map((a) => `'${a}'`).join(' ');
    const r = spawnSync('bash', ['-o', 'pipefail', '-c', `${cmd} | true`], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});

describe('bad configs get one message naming the key or file, exit code 2, and nothing is written', () => {
  const cases: [string, unknown, string][] = [
    ['unknown key', { data: { kind: 'mnist' }, model: { kind: 'dcgan' }, train: { stepz: 5 } }, 'gan: config CFG: unknown key "train.stepz"'],
    ['wrong type', { data: { kind: 'mnist' }, model: { kind: 'dcgan' }, train: { batch: 'big' } }, 'gan: config CFG: "train.batch": expected number, got "big"'],
    ['out of range', { data: { kind: 'mnist' }, model: { kind: 'dcgan' }, train: { lrG: -1 } }, 'gan: config CFG: "train.lrG": must be > 0, got -1'],
    ['bad choice', { data: { kind: 'mnist' }, model: { kind: 'dcgan' }, train: { loss: 'wasserstein' } }, 'gan: config CFG: "train.loss": expected one of "minimax", "nonsaturating", "lsgan", "wgan", "wgan-gp", "hinge", got "wasserstein"'],
    ['missing data file', { data: { kind: 'csv', path: '/nonexistent/data.csv' }, model: { kind: 'mlp' } }, 'gan: CSV file /nonexistent/data.csv cannot be read: no such file'],
  ];
  for (const [name, cfg, message] of cases) {
    it(name, () => {
      const dir = tmp();
      const file = join(dir, 'cfg.json');
      writeFileSync(file, JSON.stringify(cfg));
      const out = join(dir, 'run');
      const r = gan('train', '--config', file, '--out', out, '--no-progress');
      expect(r.code).toBe(2);
      expect(r.stderr.trim()).toBe(message.replace('CFG', file));
      expect(existsSync(out)).toBe(false);
    });
  }

  it('a config with problems in several sections lists them all, one line each after a header', () => {
    const dir = tmp();
    const file = join(dir, 'three.yaml');
    writeFileSync(file, 'data: {kind: mixture, name: ring9}\nmodel: {kind: mlp, latent: 0}\ntrain: {lrG: -1}\n');
    const out = join(dir, 'run');
    const r = gan('train', '--config', file, '--out', out);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(
      `gan: config ${file} has 3 problems:\n` +
        '  "data.name": expected one of "ring8", "grid25", "spiral", "moons", got "ring9"\n' +
        '  "model.latent": must be >= 1, got 0\n' +
        '  "train.lrG": must be > 0, got -1',
    );
    expect(existsSync(out)).toBe(false);
  });

  it('a missing config file', () => {
    const r = gan('train', '--config', '/nonexistent/x.yaml');
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('gan: config file /nonexistent/x.yaml cannot be read: no such file');
  });

  it('YAML configs are read too, and their errors name the file', () => {
    const dir = tmp();
    const file = join(dir, 'c.yaml');
    writeFileSync(file, 'data:\n  kind: mixture\n  name: ring9\nmodel:\n  kind: mlp\n');
    const r = gan('train', '--config', file, '--out', join(dir, 'run'));
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(`gan: config ${file}: "data.name": expected one of "ring8", "grid25", "spiral", "moons", got "ring9"`);
  });

  it('an unknown preset and a bad flag value', () => {
    expect(gan('train', '--preset', 'nope').stderr.trim()).toBe(
      'gan: unknown preset "nope"; presets: ring8, grid25, ring8-drs, grid25-drs, ring8-infogan, grid25-infogan, mnist-mlp, mnist-dcgan, fashion-dcgan, stacked-mnist-dcgan, mnist-cgan, fashion-cgan, mnist-acgan, fashion-acgan, mnist-infogan, mnist-lsgan, mnist-wgan, mnist-wgan-gp, mnist-sngan, mnist-lapgan, mnist-pix2pix-inpaint, mnist-unet-inpaint-l1, mnist-cyclegan-thicken, mnist-srgan-4x, fashion-srgan-4x, emoji32-dcgan, emoji64-dcgan, emoji32-cgan, emoji32-fewshot, emoji-pix2pix-edges, emoji-unet-edges-l1, emoji-cyclegan-vendors, emoji-srgan-16to64, moving-mnist-video, table-ctgan, mnist-anomaly, fashion-anomaly',
    );
    const r = gan('train', '--preset', 'ring8', '--steps', 'ten');
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('gan: --steps must be an integer >= 1, got "ten"');
  });
});

describe('configs from presets: a file naming one, --set on the command line', () => {
  const dir = tmp();
  const ring8 = preset('ring8');
  const setOut = join(dir, 'set');
  const storedConfig = (out: string) => JSON.parse(readFileSync(join(out, 'config.json'), 'utf8')) as unknown;

  it('a YAML file naming a preset trains the preset with the keys it changes; --set overrides the file', () => {
    const file = join(dir, 'ring-small.yaml');
    writeFileSync(file, 'preset: ring8\nmodel: {gHidden: [32], dHidden: [32]}\ntrain: {steps: 8, loss: hinge}\n');
    const out = join(dir, 'file');
    const r = gan('train', '--config', file, '--set', 'train.loss=lsgan', '--set', 'seed=5', '--out', out, '--no-progress');
    expect(r.code, r.stderr).toBe(0);
    expect(storedConfig(out)).toEqual({ ...ring8, seed: 5, model: { ...ring8.model, gHidden: [32], dHidden: [32] }, train: { ...ring8.train, steps: 8, loss: 'lsgan' } });
  });

  it('--set changes the preset; config.json holds the resolved config', () => {
    const sets = ['train.lrG=1e-4', 'model.gHidden=[32]', 'model.dHidden=[32]', 'train.loss=hinge', 'model.spectralNorm=true'].flatMap((s) => ['--set', s]);
    const r = gan('train', '--preset', 'ring8', ...sets, '--steps', '8', '--out', setOut, '--no-progress');
    expect(r.code, r.stderr).toBe(0);
    expect(storedConfig(setOut)).toEqual({
      ...ring8,
      model: { ...ring8.model, gHidden: [32], dHidden: [32], spectralNorm: true },
      train: { ...ring8.train, steps: 8, lrG: 1e-4, loss: 'hinge' },
    });
  });

  it('a resumed run accepts --set that restates its config and refuses --set that would change it', () => {
    const run = new RunDir(setOut);
    const changed = gan('train', '--out', setOut, '--resume', '--steps', '16', '--set', 'train.lrG=2e-4', '--set', 'model.gHidden=[32]', '--no-progress');
    expect(changed.code).toBe(2);
    expect(changed.stderr.trim()).toBe(`gan: --set cannot change a resumed run, which keeps the config in ${run.configPath}: train.lrG is 0.0001 there, --set gives 0.0002`);
    expect(run.checkpointSteps()).toEqual([8]);
    const same = gan('train', '--out', setOut, '--resume', '--steps', '16', '--set', 'train.lrG=0.0001', '--set', 'model.gHidden=[32]', '--no-progress');
    expect(same.code, same.stderr).toBe(0);
    expect(run.checkpointSteps()).toEqual([8, 16]);
  });

  it('bad --set syntax is a usage error, and nothing is written', () => {
    const out = join(dir, 'bad');
    const cases: [string, string][] = [
      ['train.lrG', 'gan: --set must be KEY=VALUE (e.g. --set train.lrG=1e-4), got "train.lrG"'],
      ['=1e-4', 'gan: --set needs a dotted key before "=" (e.g. train.lrG), got "=1e-4"'],
      ['train..lrG=1e-4', 'gan: --set needs a dotted key before "=" (e.g. train.lrG), got "train..lrG=1e-4"'],
      ['model.gHidden=[128,', 'gan: --set model.gHidden: the value is not valid YAML (Flow sequence must end with a ] at line 1, column 6), got "[128,"'],
    ];
    for (const [set, message] of cases) {
      const r = gan('train', '--preset', 'ring8', '--set', set, '--out', out);
      expect(r.code).toBe(2);
      expect(r.stderr.trim()).toBe(message);
    }
    expect(existsSync(out)).toBe(false);
  });

  it('an unknown key or a bad value given by --set is reported like one in a file', () => {
    const r = gan('train', '--preset', 'ring8', '--set', 'train.lrg=1e-4', '--set', 'model.gSlope=2', '--out', join(dir, 'unknown'));
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('gan: config preset ring8 with --set has 2 problems:\n  "model.gSlope": must be <= 1, got 2\n  unknown key "train.lrg"');
  });

  it('an unknown preset in a config file is reported with the list of presets', () => {
    const file = join(dir, 'typo.yaml');
    writeFileSync(file, 'preset: mnist-dcgna\ntrain: {steps: 8}\n');
    const r = gan('train', '--config', file, '--out', join(dir, 'typo'));
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(`gan: config ${file}: unknown preset "mnist-dcgna"; presets: ${PRESET_NAMES.join(', ')}`);
  });
});

describe('train, sample, export, eval on ring8-infogan', () => {
  const dir = tmp();
  const out = join(dir, 'ring');

  it('trains a short run and writes its run directory', () => {
    const r = gan('train', '--preset', 'ring8-infogan', '--steps', '400', '--out', out, '--seed', '3', '--no-progress');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`trained ${out} to step 400 (reached the step count`);
    const run = new RunDir(out);
    expect(run.readConfig().seed).toBe(3);
    expect(run.checkpointSteps()).toEqual([400]);
    expect(run.readMetrics()).toHaveLength(400);
  });

  it('samples .npy (float32 [N, 2]), .csv with a header and .png', () => {
    expect(gan('sample', '--run', out, '--count', '100', '--out', join(dir, 's.npy')).code).toBe(0);
    const npy = readNpy(join(dir, 's.npy'));
    expect(npy.shape).toEqual([100, 2]);
    expect(npy.dtype).toBe('float32');
    expect(gan('sample', '--run', out, '--count', '100', '--out', join(dir, 's.csv')).code).toBe(0);
    const lines = readFileSync(join(dir, 's.csv'), 'utf8').trim().split('\n');
    expect(lines[0]).toBe('x0,x1');
    expect(lines).toHaveLength(101);
    // Same seed, same samples, whatever the format.
    expect(Number(lines[1]!.split(',')[0])).toBeCloseTo((npy.data as Float32Array)[0]!, 5);
    expect(gan('sample', '--run', out, '--count', '500', '--out', join(dir, 's.png')).code).toBe(0);
    expect(readFileSync(join(dir, 's.png')).subarray(1, 4).toString()).toBe('PNG');
    const bad = gan('sample', '--run', out, '--count', '5', '--out', join(dir, 's.txt'));
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim()).toBe(`gan: --out ${join(dir, 's.txt')}: expected a .npy, .png, .gif or .csv file, or a folder (ending in /) for one PNG per sample`);
  });

  it('evaluates mode coverage as JSON', () => {
    const r = gan('eval', '--run', out);
    expect(r.code).toBe(0);
    const m = JSON.parse(r.stdout);
    expect(m).toMatchObject({ step: 400, samples: 2500, modes: 8 });
    const hist = m.mode_histogram as number[];
    expect(hist).toHaveLength(8);
    // The figures are consistent with each other: high-quality samples are the histogram's total,
    // and a mode counts as captured from 20 of 2,500 samples on.
    expect(hist.reduce((a, b) => a + b, 0)).toBe(Math.round(m.high_quality_fraction * 2500));
    expect(m.modes_captured).toBe(hist.filter((h) => h >= 20).length);
  });

  it('exports a generator that onnxruntime-web runs at any batch size, matching gan sample', async () => {
    const file = join(dir, 'g.onnx');
    const r = gan('export', '--run', out, '--out', file);
    expect(r.code, r.stderr).toBe(0);
    ortWeb.env.wasm.numThreads = 1;
    const session = await ortWeb.InferenceSession.create(readFileSync(file));
    // ring8-infogan draws one latent code value per mode: the code is the second input.
    expect(session.inputNames).toEqual(['z', 'y']);
    for (const n of [1, 3]) {
      const res = await session.run({
        z: new ortWeb.Tensor('float32', new Float32Array(n * 2).fill(0.5), [n, 2]),
        y: new ortWeb.Tensor('int64', new BigInt64Array(n).fill(1n), [n]),
      });
      expect(res.x!.dims).toEqual([n, 2]);
    }
    // The exported model and `gan sample` agree on the same noise: sample with seed 0 uses Rng(0)
    // noise and codes cycling 0, 1, 2, ...
    const { Rng } = await import('../../src/engine/index.js');
    const z = new Rng(0).normal(2 * 4);
    const res = await session.run({ z: new ortWeb.Tensor('float32', z, [4, 2]), y: new ortWeb.Tensor('int64', BigInt64Array.from([0n, 1n, 2n, 3n]), [4]) });
    expect(gan('sample', '--run', out, '--count', '4', '--out', join(dir, 'four.npy')).code).toBe(0);
    const viaCli = readNpy(join(dir, 'four.npy')).data as Float32Array;
    const viaWeb = res.x!.data as Float32Array;
    for (let i = 0; i < 8; i++) expect(viaWeb[i]!).toBeCloseTo(viaCli[i]!, 4);
  });
});

describe('a plain GAN run (no labels)', () => {
  const dir = tmp();
  const plain = join(dir, 'plain');
  const cfg = join(dir, 'plain.yaml');
  writeFileSync(cfg, 'data: {kind: mixture, name: moons}\nmodel: {kind: mlp, latent: 2, gHidden: [32], dHidden: [32], output: linear}\ntrain: {steps: 16}\n');

  it('exports a generator with the noise as its only input, which onnxruntime-web runs', async () => {
    expect(gan('train', '--config', cfg, '--out', plain, '--no-progress').code).toBe(0);
    const file = join(dir, 'p.onnx');
    expect(gan('export', '--run', plain, '--out', file).code).toBe(0);
    ortWeb.env.wasm.numThreads = 1;
    const session = await ortWeb.InferenceSession.create(readFileSync(file));
    expect(session.inputNames).toEqual(['z']);
    const { Rng } = await import('../../src/engine/index.js');
    const res = await session.run({ z: new ortWeb.Tensor('float32', new Rng(0).normal(2 * 3), [3, 2]) });
    expect(res.x!.dims).toEqual([3, 2]);
    expect(gan('sample', '--run', plain, '--count', '3', '--out', join(dir, 'three.npy')).code).toBe(0);
    const viaCli = readNpy(join(dir, 'three.npy')).data as Float32Array;
    for (let i = 0; i < 6; i++) expect((res.x!.data as Float32Array)[i]!).toBeCloseTo(viaCli[i]!, 4);
  });

  it('--label gets one message and exit code 2', () => {
    const p = gan('sample', '--run', plain, '--count', '5', '--out', join(dir, 'y.npy'), '--label', '1');
    expect(p.code).toBe(2);
    expect(p.stderr.trim()).toBe(`gan: --label: run ${plain} (model type "gan") does not draw samples by label`);
  });
});

describe('image-to-image runs: gan translate, export and eval', () => {
  const dir = tmp();
  const out = join(dir, 'sr');
  const cfg = join(dir, 'sr.yaml');
  writeFileSync(cfg, 'data: {kind: mnist, task: downscale4}\nmodel: {kind: srgan, width: 8, blocks: 1}\ntrain: {steps: 8, batch: 8, emaDecay: 0.9}\n');
  const input = join(dir, 'low.npy');

  it('translates a .npy of 7x7 images to 28x28 (.npy and a before/after .png)', async () => {
    expect(gan('train', '--config', cfg, '--out', out, '--no-progress').code).toBe(0);
    const { Rng } = await import('../../src/engine/index.js');
    const { writeNpy } = await import('../../src/run/npy.js');
    writeNpy(input, new Rng(1).fillUniform(new Float32Array(5 * 49), -1, 1), [5, 1, 7, 7]);
    const r = gan('translate', '--run', out, '--in', input, '--out', join(dir, 'high.npy'));
    expect(r.code).toBe(0);
    expect(r.stderr.trim()).toBe(`wrote [5,1,28,28] translated images to ${join(dir, 'high.npy')}`);
    const y = readNpy(join(dir, 'high.npy'));
    expect(y.shape).toEqual([5, 1, 28, 28]);
    expect((y.data as Float32Array).every((v) => v >= -1 && v <= 1)).toBe(true);
    expect(gan('translate', '--run', out, '--in', input, '--out', join(dir, 'high.png')).code).toBe(0);
    expect(existsSync(join(dir, 'high.png'))).toBe(true);
  });

  it('bad input gets one message and exit code 2', async () => {
    const { writeNpy } = await import('../../src/run/npy.js');
    const wrong = join(dir, 'wrong.npy');
    writeNpy(wrong, new Float32Array(2 * 784), [2, 1, 28, 28]);
    const r = gan('translate', '--run', out, '--in', wrong, '--out', join(dir, 'x.npy'));
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(`gan: --in ${wrong}: expected float32 images of shape [N, 1, 7, 7] (NCHW, values in [-1, 1]), got float32 [2, 1, 28, 28]`);
    const d = gan('translate', '--run', out, '--in', input, '--out', join(dir, 'x.npy'), '--direction', 'b2a');
    expect(d.stderr.trim()).toBe('gan: --direction b2a: a srgan run translates a2b only');
    const s = gan('sample', '--run', out, '--count', '2', '--out', join(dir, 's.npy'));
    expect(s.code).toBe(2);
    expect(s.stderr.trim()).toBe(`gan: run ${out} (model type "srgan") translates images rather than drawing them from noise: use gan translate --run ${out} --in IN.npy --out OUT.npy`);
    expect(existsSync(join(dir, 'x.npy')) || existsSync(join(dir, 's.npy'))).toBe(false);
  });

  it('exports the translator (x -> y) that onnxruntime-web runs, matching gan translate', async () => {
    const file = join(dir, 'sr.onnx');
    const r = gan('export', '--run', out, '--out', file);
    expect(r.code).toBe(0);
    expect(r.stderr.trim()).toBe(`wrote ${file}: x [batch, 1,7,7] -> y [batch, 1,28,28]`);
    ortWeb.env.wasm.numThreads = 1;
    const session = await ortWeb.InferenceSession.create(readFileSync(file));
    expect(session.inputNames).toEqual(['x']);
    const x = readNpy(input).data as Float32Array;
    const res = await session.run({ x: new ortWeb.Tensor('float32', x, [5, 1, 7, 7]) });
    const viaCli = readNpy(join(dir, 'high.npy')).data as Float32Array;
    const viaWeb = res.y!.data as Float32Array;
    expect(viaWeb.length).toBe(5 * 784);
    for (let i = 0; i < viaWeb.length; i += 97) expect(viaWeb[i]!).toBeCloseTo(viaCli[i]!, 4);
  });

  it('exports either CycleGAN generator (--direction), matching gan translate; a one-way run refuses b2a', async () => {
    const cgCfg = join(dir, 'cg.yaml');
    writeFileSync(cgCfg, 'data: {kind: mnist, task: dilate-unpaired}\nmodel: {kind: cyclegan, width: 4}\ntrain: {steps: 2, batch: 4}\n');
    const cg = join(dir, 'cg');
    expect(gan('train', '--config', cgCfg, '--out', cg, '--no-progress').code).toBe(0);
    const { Rng } = await import('../../src/engine/index.js');
    const { writeNpy } = await import('../../src/run/npy.js');
    const thick = join(dir, 'thick.npy');
    const x = new Rng(5).fillUniform(new Float32Array(3 * 784), -1, 1);
    writeNpy(thick, x, [3, 1, 28, 28]);
    ortWeb.env.wasm.numThreads = 1;
    const viaWeb = async (d: string) => {
      const file = join(dir, `cg-${d}.onnx`);
      const r = gan('export', '--run', cg, '--out', file, '--direction', d);
      expect(r.code).toBe(0);
      const session = await ortWeb.InferenceSession.create(readFileSync(file));
      return (await session.run({ x: new ortWeb.Tensor('float32', x, [3, 1, 28, 28]) })).y!.data as Float32Array;
    };
    expect(gan('translate', '--run', cg, '--in', thick, '--out', join(dir, 'thin.npy'), '--direction', 'b2a').code).toBe(0);
    const viaCli = readNpy(join(dir, 'thin.npy')).data as Float32Array;
    const b2a = await viaWeb('b2a');
    const a2b = await viaWeb('a2b');
    for (let i = 0; i < viaCli.length; i += 53) expect(b2a[i]!).toBeCloseTo(viaCli[i]!, 4);
    // The two directions are different networks.
    expect(a2b.some((v, i) => Math.abs(v - b2a[i]!) > 1e-3)).toBe(true);
    const bad = gan('export', '--run', out, '--out', join(dir, 'no.onnx'), '--direction', 'b2a');
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim()).toBe('gan: --direction b2a: a srgan run translates a2b only');
    expect(existsSync(join(dir, 'no.onnx'))).toBe(false);
    const typo = gan('export', '--run', cg, '--out', join(dir, 'no.onnx'), '--direction', 'ab');
    expect(typo.code).toBe(2);
    expect(typo.stderr.trim()).toBe('gan: --direction must be a2b or b2a, got "ab"');
  });

  it('eval compares outputs and bicubic upscaling with the held-out images', () => {
    const r = gan('eval', '--run', out, '--count', '40');
    expect(r.code).toBe(0);
    const m = JSON.parse(r.stdout) as { images: number; held_out: string; output: Record<string, number>; bicubic: Record<string, number> };
    expect(m.images).toBe(40);
    expect(m.held_out).toBe('test split');
    for (const k of ['psnr', 'ssim', 'accuracy', 'fcd']) {
      expect(Number.isFinite(m.output[k])).toBe(true);
      expect(Number.isFinite(m.bicubic[k])).toBe(true);
    }
    expect(m.bicubic.psnr).toBeGreaterThan(10);
  });

  it('a noise-driven run cannot translate', () => {
    const plainCfg = join(dir, 'moons.yaml');
    writeFileSync(plainCfg, 'data: {kind: mixture, name: moons}\nmodel: {kind: mlp, latent: 2, gHidden: [8], dHidden: [8], output: linear}\ntrain: {steps: 8}\n');
    const plain = join(dir, 'moons');
    expect(gan('train', '--config', plainCfg, '--out', plain, '--no-progress').code).toBe(0);
    const r = gan('translate', '--run', plain, '--in', input, '--out', join(dir, 'm.npy'));
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(`gan: run ${plain} (model type "gan") draws samples from noise; gan translate needs an image-to-image run (pix2pix, srgan, cyclegan)`);
  });
});

describe('video runs: clips as .npy, .png and .gif, and clip metrics', () => {
  const dir = tmp();
  const out = join(dir, 'video');
  const cfg = join(dir, 'video.yaml');
  writeFileSync(cfg, 'data: {kind: moving-mnist}\nmodel: {kind: video, width: 4}\ntrain: {steps: 8, batch: 8, loss: hinge}\n');

  it('trains, samples [N, T, C, H, W] clips and animates them', () => {
    expect(gan('train', '--config', cfg, '--out', out, '--no-progress').code).toBe(0);
    const r = gan('sample', '--run', out, '--count', '3', '--out', join(dir, 'c.npy'));
    expect(r.code).toBe(0);
    expect(readNpy(join(dir, 'c.npy')).shape).toEqual([3, 8, 1, 32, 32]);
    expect(gan('sample', '--run', out, '--count', '4', '--out', join(dir, 'c.gif')).code).toBe(0);
    // A GIF89a file with the animation's loop extension.
    const gif = readFileSync(join(dir, 'c.gif'));
    expect(gif.subarray(0, 6).toString('latin1')).toBe('GIF89a');
    expect(gif.includes(Buffer.from('NETSCAPE2.0', 'latin1'))).toBe(true);
    expect(gan('sample', '--run', out, '--count', '4', '--out', join(dir, 'c.png')).code).toBe(0);
  });

  it('eval measures same-digit and moving shares of generated and real clips', () => {
    const r = gan('eval', '--run', out, '--count', '20');
    expect(r.code).toBe(0);
    const m = JSON.parse(r.stdout) as { clips: number; generated: Record<string, number>; real: Record<string, number> };
    expect(m.clips).toBe(20);
    expect(m.real.moving_fraction).toBe(1);
    expect(m.generated.same_digit_fraction).toBeGreaterThanOrEqual(0);
    expect(m.generated.same_digit_fraction).toBeLessThanOrEqual(1);
  });

  it('.gif for a run that does not make clips gets one message', () => {
    const moons = join(dir, 'moons');
    writeFileSync(join(dir, 'moons.yaml'), 'data: {kind: mixture, name: moons}\nmodel: {kind: mlp, latent: 2, gHidden: [8], dHidden: [8], output: linear}\ntrain: {steps: 8}\n');
    expect(gan('train', '--config', join(dir, 'moons.yaml'), '--out', moons, '--no-progress').code).toBe(0);
    const r = gan('sample', '--run', moons, '--count', '1', '--out', join(dir, 'x.gif'));
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(`gan: --out ${join(dir, 'x.gif')}: GIF animates video clips; this run generates vector samples of shape [2]: write .npy or .png`);
    expect(existsSync(join(dir, 'x.gif'))).toBe(false);
  });
});

describe('class-aware runs: sample by label, labels beside the samples, label accuracy', () => {
  const dir = tmp();
  const out = join(dir, 'cgan');
  const cfg = join(dir, 'cgan.yaml');
  writeFileSync(
    cfg,
    'data: {kind: mixture, name: ring8}\n' +
      'model: {kind: mlp, variant: cgan, latent: 2, gHidden: [64, 64], dHidden: [64, 64], output: linear}\n' +
      'train: {steps: 300, batch: 64, lrG: 0.001, lrD: 0.001, emaDecay: 0}\n',
  );

  it('trains, then --label K draws every sample with label K and writes FILE.labels.npy (int64)', () => {
    expect(gan('train', '--config', cfg, '--out', out, '--no-progress').code).toBe(0);
    const r = gan('sample', '--run', out, '--count', '20', '--out', join(dir, 'k.npy'), '--label', '3');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`and their labels to ${join(dir, 'k.labels.npy')}`);
    const labels = readNpy(join(dir, 'k.labels.npy'));
    expect(labels.dtype).toBe('int64');
    expect(labels.shape).toEqual([20]);
    expect(Array.from(labels.data as BigInt64Array)).toEqual(new Array(20).fill(3n));
  });

  it('without --label the labels cycle through all classes', () => {
    expect(gan('sample', '--run', out, '--count', '10', '--out', join(dir, 'all.npy')).code).toBe(0);
    expect(Array.from(readNpy(join(dir, 'all.labels.npy')).data as BigInt64Array).map(Number)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 0, 1]);
  });

  it('a label out of range gets one message and exit code 2', () => {
    const r = gan('sample', '--run', out, '--count', '5', '--out', join(dir, 'x.npy'), '--label', '8');
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('gan: --label 8: expected an integer from 0 to 7');
  });

  it('eval reports the share of samples landing on the mode of their label', async () => {
    const m = JSON.parse(gan('eval', '--run', out).stdout);
    // The same 2,500 samples (seed 0, labels drawn from the uniform prior), scored here by nearest mode.
    const { generate } = await import('../../src/api/outputs.js');
    const { loadRun } = await import('../../src/gan/trainer.js');
    const { nearestModes } = await import('../../src/metrics/modes.js');
    const { RING8 } = await import('../../src/data/mixtures.js');
    const g = await generate(await loadRun(out), 2500, { seed: 0, ema: true, randomLabels: true });
    const modes = nearestModes(g.x, RING8);
    const labels = g.labels!;
    expect(new Set(labels).size).toBe(8);
    const hits = labels.filter((l, i) => Number(l) === modes[i]).length;
    expect(m.label_accuracy).toBeCloseTo(hits / 2500, 10);
    expect(m.label_accuracy).toBeGreaterThan(0.125); // better than chance after 300 steps
  });

  it('exports a generator with a label input that agrees with gan sample', async () => {
    const file = join(dir, 'c.onnx');
    expect(gan('export', '--run', out, '--out', file).code).toBe(0);
    ortWeb.env.wasm.numThreads = 1;
    const session = await ortWeb.InferenceSession.create(readFileSync(file));
    expect(session.inputNames).toEqual(['z', 'y']);
    const { Rng } = await import('../../src/engine/index.js');
    const z = new Rng(0).normal(2 * 4);
    const y = BigInt64Array.from([0n, 1n, 2n, 3n]);
    const res = await session.run({ z: new ortWeb.Tensor('float32', z, [4, 2]), y: new ortWeb.Tensor('int64', y, [4]) });
    expect(gan('sample', '--run', out, '--count', '4', '--out', join(dir, 'four.npy')).code).toBe(0);
    const viaCli = readNpy(join(dir, 'four.npy')).data as Float32Array;
    const viaWeb = res.x!.data as Float32Array;
    for (let i = 0; i < 8; i++) expect(viaWeb[i]!).toBeCloseTo(viaCli[i]!, 4);
    // Another label, another sample from the same noise.
    const other = await session.run({ z: new ortWeb.Tensor('float32', z, [4, 2]), y: new ortWeb.Tensor('int64', BigInt64Array.from([4n, 5n, 6n, 7n]), [4]) });
    expect(Math.abs((other.x!.data as Float32Array)[0]! - viaWeb[0]!)).toBeGreaterThan(1e-3);
  });
});

describe('stopping', () => {
  it('--minutes stops with a checkpoint and exit code 0', () => {
    const out = join(tmp(), 'r');
    const r = gan('train', '--preset', 'ring8', '--steps', '1000000', '--minutes', '0.03', '--out', out, '--no-progress');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('reached the 0.03-minute limit');
    const run = new RunDir(out);
    const steps = run.checkpointSteps();
    expect(steps).toHaveLength(1);
    expect(run.readMetrics().at(-1)!.step).toBe(steps[0]);
  });

  it('SIGINT writes a checkpoint, exits 130, and the run resumes from it', async () => {
    const out = join(tmp(), 'r');
    const child = spawn(process.execPath, [...NODE_ARGS, 'train', '--preset', 'ring8', '--steps', '1000000', '--out', out, '--no-progress']);
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += String(d)));
    const run = new RunDir(out);
    const deadline = Date.now() + 30_000;
    while (run.readMetrics().length < 50 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    expect(code, stderr).toBe(130);
    const steps = run.checkpointSteps();
    expect(steps).toHaveLength(1);
    expect(run.readMetrics().at(-1)!.step).toBe(steps[0]);
    const resumed = gan('train', '--out', out, '--resume', '--steps', String(steps[0]! + 16), '--no-progress');
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toContain(`resuming from ${run.checkpointPath(steps[0]!)}`);
    expect(run.readMetrics().at(-1)!.step).toBe(steps[0]! + 16);
  });
});
