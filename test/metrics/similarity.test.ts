// PSNR, SSIM and the bicubic baseline, against values worked out by hand or measured with PyTorch.
import { describe, expect, it } from 'vitest';
import { psnr, ssim, upscaleBicubic } from '../../src/metrics/similarity.js';
import { Rng } from '../../src/engine/index.js';

describe('image similarity', () => {
  it('PSNR is 10 log10(range^2 / MSE) per image, averaged; identical images count 100 dB', () => {
    const a = new Float32Array(8).fill(0);
    const b = Float32Array.from([0.1, -0.1, 0.1, -0.1, 0, 0, 0, 0]);
    // Image 1: MSE 0.01 -> 10 log10(4 / 0.01) = 26.0206; image 2: identical -> 100.
    expect(psnr(a, b, 2)).toBeCloseTo((10 * Math.log10(400) + 100) / 2, 4);
  });

  it('SSIM is 1 for identical images and matches the closed form for constant ones', () => {
    const x = new Rng(1).fillUniform(new Float32Array(2 * 16 * 16), -1, 1);
    expect(ssim(x, x, [2, 1, 16, 16])).toBeCloseTo(1, 10);
    // Constants u, v (in [0, 1]): no variance, so SSIM = (2uv + C1) / (u^2 + v^2 + C1).
    const u = 0.75;
    const v = 0.25;
    const c1 = 0.0001;
    const a = new Float32Array(16 * 16).fill(2 * u - 1);
    const b = new Float32Array(16 * 16).fill(2 * v - 1);
    expect(ssim(a, b, [1, 1, 16, 16])).toBeCloseTo((2 * u * v + c1) / (u * u + v * v + c1), 6);
  });

  it('bicubic upscaling matches PyTorch interpolate(mode="bicubic", align_corners=False)', () => {
    const x = Float32Array.from([0.5, -1.0, 0.25, 1.0, 0.0, -0.5, -0.75, 0.2, 0.9]);
    const y = upscaleBicubic(x, [1, 1, 3, 3], 4);
    // Rows 0, 3, 7, 11 and columns 0, 2, 5, 9, 11 of torch's 12x12 output.
    const torch = [
      [0.6158983, 0.2678013, -1.0509068, 0.1657484, 0.490849],
      [0.9546543, 0.6386495, -0.5402694, -0.1838556, -0.0531915],
      [0.4509454, 0.4016536, 0.2259112, -0.0532395, -0.106452],
      [-1.0701673, -0.829137, 0.0406124, 0.9788261, 1.1451968],
    ];
    [0, 3, 7, 11].forEach((r, i) => [0, 2, 5, 9, 11].forEach((c, j) => expect(y[r * 12 + c]).toBeCloseTo(torch[i]![j]!, 5)));
  });
});
