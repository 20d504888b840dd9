import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as E from '../../src/engine/index.js';
import { fitImages, openFeatureSpace } from '../../src/metrics/features.js';
import { loadMnist } from '../../src/data/datasets.js';
import { sharedClassifier } from '../../src/metrics/frechet.js';
import { tempDir } from '../tempdir.js';

/** Writes an ONNX model of the given outputs (inputs are whatever they read). */
function writeModel(outputs: Record<string, E.Tensor>, dynamicBatch: boolean): string {
  const path = join(tempDir('features'), 'net.onnx');
  writeFileSync(path, E.lower({ outputs }, { dynamicBatch }).bytes);
  return path;
}

// A projection of [3, 4, 4] images to 5 features: W[p][k] = ((7 p + 3 k) mod 11 - 5) / 10.
const W = Array.from({ length: 48 * 5 }, (_, at) => ((7 * Math.floor(at / 5) + 3 * (at % 5)) % 11 - 5) / 10);

describe('feature spaces', () => {
  it('fitImages resizes bilinearly with half-pixel centres and converts channels', () => {
    // [0, 1] to 4 pixels: centres at -0.25 (clamped), 0.25, 0.75, 1.25 (clamped) of the input.
    expect(Array.from(fitImages(Float32Array.from([0, 1]), 1, [1, 1, 2], [1, 1, 4]))).toEqual([0, 0.25, 0.75, 1]);
    expect(Array.from(fitImages(Float32Array.from([0.5, -1]), 1, [1, 1, 2], [3, 1, 2]))).toEqual([0.5, -1, 0.5, -1, 0.5, -1]);
    const grey = fitImages(Float32Array.from([1, 0.5, -1]), 1, [3, 1, 1], [1, 1, 1]);
    expect(grey[0]).toBeCloseTo(0.299 + 0.587 * 0.5 - 0.114, 6);
    expect(() => fitImages(new Float32Array(8), 1, [2, 2, 2], [3, 2, 2])).toThrow('the feature network takes 3-channel images; the samples have 2 channels');
  });

  it('an ONNX network: grey 8x8 samples resized to its 4x4, repeated to 3 channels, output "features" flattened', async () => {
    // Fixed batch 2 (3 images: the last batch padded); "logits" is its first output, "features" is taken.
    const x = E.input('x', [2, 3, 4, 4]);
    const features = E.matmul(E.flatten(x), E.constant(W, [48, 5]));
    const path = writeModel({ logits: E.reduceSum(features, [1], true), features }, false);
    const space = await openFeatureSpace(path);
    expect(space).toMatchObject({ name: 'net.onnx', input: [3, 4, 4] });
    const images = Float32Array.from({ length: 3 * 64 }, (_, i) => Math.sin(i * 0.37));
    const f = await space.embed(images, 3, [1, 8, 8]);
    await space.release();
    expect(f).toMatchObject({ n: 3, d: 5 });
    // By hand: 8 -> 4 bilinear at half-pixel centres is the mean of each 2x2 block; every channel the same.
    for (let s = 0; s < 3; s++) {
      for (let k = 0; k < 5; k++) {
        let want = 0;
        for (let c = 0; c < 3; c++) for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) {
          const px = (di: number, dj: number) => images[s * 64 + (2 * i + di) * 8 + 2 * j + dj]!;
          want += ((px(0, 0) + px(0, 1) + px(1, 0) + px(1, 1)) / 4) * W[(c * 16 + i * 4 + j) * 5 + k]!;
        }
        expect(f.values[s * 5 + k]).toBeCloseTo(want, 5);
      }
    }
  });

  it('an ONNX network with a symbolic batch and one output of any shape', async () => {
    const x = E.input('img', [1, 1, 2, 2]);
    const path = writeModel({ y: E.reshape(E.mul(x, 2), [1, 2, 2]) }, true);
    const space = await openFeatureSpace(path);
    const f = await space.embed(Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8]), 2, [1, 2, 2]);
    await space.release();
    expect(f).toMatchObject({ n: 2, d: 4 });
    expect(Array.from(f.values)).toEqual([2, 4, 6, 8, 10, 12, 14, 16]);
  });

  it('refuses networks outside the convention and unknown names, with one message each', async () => {
    const two = writeModel({ y: E.add(E.input('a', [1, 3, 2, 2]), E.input('b', [1, 3, 2, 2])) }, true);
    await expect(openFeatureSpace(two)).rejects.toThrow(`--features ${two}: expected one float32 input [batch, C, H, W] with fixed C, H and W; the network takes a float32 [batch, 3, 2, 2], b float32 [batch, 3, 2, 2]`);
    const flat = writeModel({ y: E.mul(E.input('v', [1, 8]), 2) }, true);
    await expect(openFeatureSpace(flat)).rejects.toThrow(`--features ${flat}: expected one float32 input [batch, C, H, W] with fixed C, H and W; the network takes v float32 [batch, 8]`);
    await expect(openFeatureSpace('missing.onnx')).rejects.toThrow('--features missing.onnx: cannot load the ONNX network');
    await expect(openFeatureSpace('inception')).rejects.toThrow('--features inception: expected a shipped feature space (mnist, fashion, emoji) or an .onnx file');
  });

  it('the shipped MNIST classifier by name gives its 128-d feature layer', async () => {
    const test = loadMnist('test');
    const space = await openFeatureSpace('mnist');
    const f = await space.embed(test.data.subarray(0, 4 * 784), 4, [1, 28, 28]);
    const direct = await (await sharedClassifier('mnist')).embed(test.data.subarray(0, 4 * 784), 4);
    expect(f).toMatchObject({ n: 4, d: 128 });
    expect(Array.from(f.values)).toEqual(Array.from(direct.features));
  });
});
