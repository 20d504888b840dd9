import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodePng, encodePng, imageGrid, linePlot, scatterPlot, writePng, type Image } from '../../src/run/png.js';

function rgb(img: Image, x: number, y: number): number[] {
  const i = (y * img.width + x) * 4;
  return [...img.rgba.subarray(i, i + 3)];
}

/** Whether any pixel within `r` of (x, y) has exactly this colour. */
function near(img: Image, x: number, y: number, color: number[], r = 1): boolean {
  for (let yy = y - r; yy <= y + r; yy++) {
    for (let xx = x - r; xx <= x + r; xx++) {
      if (xx >= 0 && yy >= 0 && xx < img.width && yy < img.height && rgb(img, xx, yy).join() === color.join()) return true;
    }
  }
  return false;
}

function count(img: Image, color: number[]): number {
  let k = 0;
  for (let y = 0; y < img.height; y++) for (let x = 0; x < img.width; x++) if (rgb(img, x, y).join() === color.join()) k++;
  return k;
}

describe('imageGrid', () => {
  it('lays out 10 grey 28x28 images in 5 columns with 2px padding', () => {
    const [n, h, w] = [10, 28, 28];
    const data = new Float32Array(n * h * w);
    for (let k = 0; k < n; k++) data.fill(-0.95 + k * 0.2, k * h * w, (k + 1) * h * w); // image k: constant
    data[7 * h * w + 3 * w + 5] = 1; // image 7, row 3, column 5: white
    data[0] = 5; // clamped to 1
    data[1] = -7; // clamped to -1
    const img = imageGrid(data, [n, 1, h, w], { cols: 5, pad: 2 });
    expect([img.width, img.height]).toEqual([152, 62]);
    expect(img.rgba.length).toBe(152 * 62 * 4);
    expect(rgb(img, 0, 0)).toEqual([128, 128, 128]); // padding
    expect(rgb(img, 151, 61)).toEqual([128, 128, 128]);
    // image k at column k % 5, row floor(k / 5); its top-left pixel at (2 + 30*col, 2 + 30*row)
    for (let k = 2; k < n; k++) {
      const [x, y] = [2 + 30 * (k % 5) + 10, 2 + 30 * Math.floor(k / 5) + 10];
      const v = Math.round((Math.fround(-0.95 + k * 0.2) + 1) * 127.5);
      expect(rgb(img, x, y)).toEqual([v, v, v]);
    }
    expect(rgb(img, 2 + 30 * 2 + 5, 2 + 30 + 3)).toEqual([255, 255, 255]); // the white pixel in image 7
    expect(rgb(img, 2 + 30 * 2 + 4, 2 + 30 + 3)).toEqual([185, 185, 185]); // its neighbour: round(1.45*127.5)
    expect(rgb(img, 2, 2)).toEqual([255, 255, 255]);
    expect(rgb(img, 3, 2)).toEqual([0, 0, 0]);
    expect(rgb(img, 30, 10)).toEqual([128, 128, 128]); // gap between image 0 and image 1
    expect(img.rgba[3]).toBe(255);
  });

  it('draws RGB images with default columns and integer upscaling', () => {
    // 2 images, 3 channels, 2x2; image 1 pixel (y=1, x=0) = (1, -1, 0)
    const data = new Float32Array(2 * 3 * 4).fill(-1);
    data[12 + 0 * 4 + 2] = 1;
    data[12 + 1 * 4 + 2] = -1;
    data[12 + 2 * 4 + 2] = 0;
    const img = imageGrid(data, [2, 3, 2, 2], { scale: 3, pad: 1 });
    expect([img.width, img.height]).toEqual([2 * 6 + 3, 6 + 2]); // cols = ceil(sqrt(2)) = 2
    const [x0, y0] = [1 + 7, 1 + 3]; // image 1, source row 1 -> output rows 4..6
    for (let dy = 0; dy < 3; dy++) for (let dx = 0; dx < 3; dx++) expect(rgb(img, x0 + dx, y0 + dy)).toEqual([255, 0, 128]);
    expect(rgb(img, x0 + 3, y0)).toEqual([0, 0, 0]);
  });

  it('honours rows and leaves empty cells grey', () => {
    const img = imageGrid(new Float32Array(3).fill(1), [3, 1, 1, 1], { rows: 1, pad: 1 });
    expect([img.width, img.height]).toEqual([7, 3]);
    const few = imageGrid(new Float32Array(3).fill(1), [3, 1, 1, 1], { cols: 2, pad: 1 });
    expect([few.width, few.height]).toEqual([5, 5]);
    expect(rgb(few, 3, 3)).toEqual([128, 128, 128]); // cell 3 has no image
    expect(rgb(few, 1, 3)).toEqual([255, 255, 255]);
  });

  it('rejects bad shapes', () => {
    expect(() => imageGrid(new Float32Array(10), [2, 1, 2, 2])).toThrow('png: 10 values do not fill shape [2,1,2,2]');
    expect(() => imageGrid(new Float32Array(8), [1, 2, 2, 2])).toThrow('png: images must have 1 or 3 channels, got 2');
  });
});

describe('encodePng / decodePng / writePng', () => {
  it('round-trips pixels exactly', () => {
    const img = imageGrid(
      Float32Array.from({ length: 4 * 3 * 5 * 7 }, (_, i) => Math.sin(i)),
      [4, 3, 5, 7],
    );
    const bytes = encodePng(img);
    expect([...bytes.subarray(0, 8)]).toEqual([137, 80, 78, 71, 13, 10, 26, 10]);
    const back = decodePng(bytes);
    expect([back.width, back.height]).toEqual([img.width, img.height]);
    expect(Buffer.compare(Buffer.from(back.rgba), Buffer.from(img.rgba))).toBe(0);
  });

  it('writes a file that decodes to the same image', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsgan-png-'));
    try {
      const file = path.join(dir, 'samples', 'step-1.png');
      const img = imageGrid(Float32Array.of(-1, 0, 0.5, 1), [4, 1, 1, 1], { pad: 0 });
      writePng(file, img);
      const back = decodePng(fs.readFileSync(file));
      expect([back.width, back.height]).toEqual([2, 2]);
      expect([0, 1, 2, 3].map((i) => back.rgba[i * 4])).toEqual([0, 128, 191, 255]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reports undecodable input', () => {
    expect(() => decodePng(Uint8Array.of(1, 2, 3), 'x.png')).toThrow(/^x\.png is not a readable PNG: /);
  });
});

describe('scatterPlot', () => {
  it('places points, reference points and axes', () => {
    const img = scatterPlot(Float32Array.of(0.5, 0.5), { size: 100, range: [-1, 1], reference: Float32Array.of(-0.5, -0.5) });
    expect([img.width, img.height]).toEqual([100, 100]);
    // x -> round((x + 1) / 2 * 99); y is flipped
    for (const [dx, dy] of [
      [0, 0],
      [1, 0],
      [0, 1],
      [1, 1],
    ]) {
      expect(rgb(img, 74 + dx!, 25 + dy!)).toEqual([30, 30, 30]);
      expect(rgb(img, 25 + dx!, 74 + dy!)).toEqual([255, 150, 150]);
    }
    expect(count(img, [30, 30, 30])).toBe(4);
    expect(count(img, [255, 150, 150])).toBe(4);
    expect(rgb(img, 50, 5)).toEqual([190, 190, 190]); // vertical axis at x = 0
    expect(rgb(img, 5, 49)).toEqual([190, 190, 190]); // horizontal axis at y = 0
    expect(rgb(img, 0, 0)).toEqual([255, 255, 255]);
  });

  it('defaults to 512px and a symmetric range with 10% margin', () => {
    const img = scatterPlot(Float32Array.of(2, -1, NaN, 0));
    expect([img.width, img.height]).toEqual([512, 512]);
    const px = (v: number) => Math.round(((v + 2.2) / 4.4) * 511);
    expect(rgb(img, px(2), 511 - px(-1))).toEqual([30, 30, 30]);
    expect(count(img, [30, 30, 30])).toBe(4); // the NaN point is skipped
  });
});

describe('linePlot', () => {
  const red = [220, 30, 30] as [number, number, number];
  const blue = [30, 60, 220] as [number, number, number];

  it('scales series to the plot area and draws a legend', () => {
    const img = linePlot(
      [
        { name: 'g', values: [0, 1], color: red },
        { name: 'd', values: [1, 0.5], color: blue },
      ],
      { width: 200, height: 100 },
    );
    expect([img.width, img.height]).toEqual([200, 100]);
    // frame at 10px from the edges, data 3px inside it: x in [13, 186], y in [13, 86]
    expect(rgb(img, 10, 50)).toEqual([210, 210, 210]);
    expect(rgb(img, 189, 50)).toEqual([210, 210, 210]);
    expect(rgb(img, 5, 5)).toEqual([255, 255, 255]);
    expect(rgb(img, 13, 86)).toEqual(red); // g starts at the minimum
    expect(rgb(img, 186, 13)).toEqual(red); // ... and ends at the maximum
    expect(near(img, 100, 50, red)).toBe(true); // the segment passes through the middle
    expect(rgb(img, 186, 50)).toEqual(blue); // d ends at 0.5
    expect(near(img, 100, 32, blue)).toBe(true);
    expect(rgb(img, 15, 15)).toEqual(red); // legend squares, one per series
    expect(rgb(img, 15, 29)).toEqual(blue);
    expect(count(img, red)).toBeGreaterThan(174);
  });

  it('skips non-finite values and breaks the line there', () => {
    const img = linePlot([{ name: 'loss', values: [0, NaN, 1, 1, Infinity], color: red }], {
      width: 200,
      height: 100,
      xs: [0, 10, 20, 30, 40],
    });
    // only finite points set the scales: x 0..30 -> 13..186, y 0..1 -> 86..13
    expect(rgb(img, 13, 86)).toEqual(red); // index 0, a lone dot
    expect(rgb(img, 128, 13)).toEqual(red); // index 2
    expect(rgb(img, 186, 13)).toEqual(red); // index 3, joined to index 2
    expect(rgb(img, 127, 13)).toEqual([255, 255, 255]);
    expect(near(img, 70, 50, red, 3)).toBe(false); // no segment across the NaN
    expect(count(img, red)).toBe(1 + 59 + 100); // dot, line x = 128..186, legend square
  });
});
