// `gan train` on a folder of 16x16 colour images with a DCGAN: the model summary it prints, and
// what `gan sample` and `gan export` give for colour images (one PNG per sample, RGB grids, the
// image shape in the exported model's metadata).
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../tempdir.js';
import { modelInfo } from '../onnx-fields.js';
import { Rng } from '../../src/engine/index.js';
import { decodePng, encodePng } from '../../src/run/png.js';
import { readNpy } from '../../src/run/npy.js';

const NODE_ARGS = ['--import', 'tsx', join(process.cwd(), 'src', 'cli', 'entry.ts')];
function gan(...args: string[]) {
  const r = spawnSync(process.execPath, [...NODE_ARGS, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Eight 20x20 RGBA images of random colours. */
function imageFolder(dir: string): void {
  mkdirSync(dir, { recursive: true });
  const rng = new Rng(4);
  for (let i = 0; i < 8; i++) {
    const rgba = Uint8Array.from({ length: 20 * 20 * 4 }, (_, k) => (k % 4 === 3 ? 255 : rng.int(256)));
    writeFileSync(join(dir, `img${i}.png`), encodePng({ width: 20, height: 20, rgba }));
  }
}

describe('a DCGAN on 16x16 colour images', () => {
  const dir = tempDir('samples');
  const run = join(dir, 'run');
  imageFolder(join(dir, 'images'));
  const cfg = join(dir, 'cfg.json');
  writeFileSync(cfg, JSON.stringify({ data: { kind: 'images', path: join(dir, 'images'), size: 16, channels: 3 }, model: { kind: 'dcgan', latent: 8, width: 8 }, train: { steps: 2, batch: 4, stepsPerRun: 1 } }));

  it('gan train prints the parameters of G and D and the FLOPs of a training step', () => {
    const r = gan('train', '--config', cfg, '--out', run, '--no-progress');
    expect(r.code, r.stderr).toBe(0);
    // G: Linear(8 -> 16x4x4) 2,048 + BN(16) 32 + ConvT(16 -> 8) 2,048 + BN(8) 16 + ConvT(8 -> 3) 384;
    // D: 2,720 as PyTorch counts it (test/gan/image-nets.test.ts).
    expect(r.stderr.split('\n')[0]).toMatch(
      /^model: G 4,528 parameters, D 2,720 parameters; \d+(\.\d+)? MFLOP per training step \(batch 4; matrix products and convolutions, 2 FLOPs per multiply-add\)$/,
    );
  });

  it('gan sample --out DIR/ writes one 16x16 RGB PNG per sample, the same images as .npy', () => {
    const out = join(dir, 'pngs/');
    const r = gan('sample', '--run', run, '--count', '5', '--out', out);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr.trim()).toBe(`wrote 5 samples [5,3,16,16] to ${out} (one PNG each: sample-00000.png ... sample-00004.png)`);
    expect(readdirSync(out).sort()).toEqual(['sample-00000.png', 'sample-00001.png', 'sample-00002.png', 'sample-00003.png', 'sample-00004.png']);
    expect(gan('sample', '--run', run, '--count', '5', '--out', join(dir, 's.npy')).code).toBe(0);
    const x = readNpy(join(dir, 's.npy')).data as Float32Array;
    const img = decodePng(readFileSync(join(out, 'sample-00003.png')));
    expect([img.width, img.height]).toEqual([16, 16]);
    // Pixel (row 5, column 7) of sample 3: its red, green and blue planes, mapped from [-1, 1] to bytes.
    const byte = (v: number) => Math.round((Math.min(1, Math.max(-1, v)) + 1) * 127.5);
    const at = (c: number) => byte(x[3 * 768 + c * 256 + 5 * 16 + 7]!);
    expect(Array.from(img.rgba.subarray((5 * 16 + 7) * 4, (5 * 16 + 7) * 4 + 4))).toEqual([at(0), at(1), at(2), 255]);
    // An existing folder takes the samples too, without a trailing slash.
    expect(gan('sample', '--run', run, '--count', '2', '--out', join(dir, 'pngs')).code).toBe(0);
  });

  it('gan sample --out FILE.png draws an RGB grid (3 x 2 images of 32 px, 2 px apart)', () => {
    expect(gan('sample', '--run', run, '--count', '5', '--out', join(dir, 'grid.png')).code).toBe(0);
    const img = decodePng(readFileSync(join(dir, 'grid.png')));
    expect([img.width, img.height]).toEqual([3 * 32 + 4 * 2, 2 * 32 + 3 * 2]);
    const px = (k: number) => Array.from(img.rgba.subarray(k * 4, k * 4 + 3));
    expect(Array.from({ length: img.width * img.height }, (_, k) => px(k)).some(([r, g, b]) => r !== g || g !== b)).toBe(true);
  });

  it('gan export writes the image channels and size into the model metadata', () => {
    const file = join(dir, 'g.onnx');
    expect(gan('export', '--run', run, '--out', file).code).toBe(0);
    expect(modelInfo(readFileSync(file)).metadata).toMatchObject({ output_shape: '3,16,16', output_layout: 'NCHW', image_channels: '3', image_size: '16x16' });
  });

  it('a folder of PNGs needs image samples: a 2-D run is refused before sampling, by name', () => {
    const ring = join(dir, 'ring');
    const small = join(dir, 'ring.yaml');
    writeFileSync(small, 'data: {kind: mixture, name: moons}\nmodel: {kind: mlp, latent: 2, gHidden: [8], dHidden: [8], output: linear}\ntrain: {steps: 2, stepsPerRun: 1}\n');
    expect(gan('train', '--config', small, '--out', ring, '--no-progress').code).toBe(0);
    const r = gan('sample', '--run', ring, '--count', '3', '--out', join(dir, 'points/'));
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(`gan: --out ${join(dir, 'points/')}: one PNG per sample needs image samples; this run generates vector samples of shape [2]: write .npy, .csv or .png`);
  });
});
