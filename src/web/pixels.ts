// Between the generator's NCHW float values in [-1, 1] and the page's RGBA pixels.

const toByte = (v: number) => Math.round((Math.min(1, Math.max(-1, v)) + 1) * 127.5);

export interface GridOptions {
  /** Images per row. */
  cols: number;
  /** Pixels between images (black). */
  pad: number;
  /** Each value becomes scale x scale pixels (nearest neighbour). */
  scale: number;
}

/** The RGBA pixels of n images [n, C, H, W] (C = 1 grey or 3 RGB) laid out in a grid. */
export function gridPixels(x: Float32Array, n: number, [c, h, w]: number[], o: GridOptions): { data: Uint8ClampedArray<ArrayBuffer>; width: number; height: number } {
  const cols = Math.min(o.cols, n);
  const rows = Math.ceil(n / cols);
  const cell = { w: w! * o.scale, h: h! * o.scale };
  const width = cols * cell.w + (cols - 1) * o.pad;
  const height = rows * cell.h + (rows - 1) * o.pad;
  const data = new Uint8ClampedArray(width * height * 4);
  for (let i = 3; i < data.length; i += 4) data[i] = 255;
  const plane = h! * w!;
  for (let k = 0; k < n; k++) {
    const base = k * c! * plane;
    const x0 = (k % cols) * (cell.w + o.pad);
    const y0 = Math.floor(k / cols) * (cell.h + o.pad);
    for (let py = 0; py < cell.h; py++) {
      const sy = Math.floor(py / o.scale);
      for (let px = 0; px < cell.w; px++) {
        const s = base + sy * w! + Math.floor(px / o.scale);
        const d = ((y0 + py) * width + x0 + px) * 4;
        const r = toByte(x[s]!);
        data[d] = r;
        data[d + 1] = c === 3 ? toByte(x[s + plane]!) : r;
        data[d + 2] = c === 3 ? toByte(x[s + 2 * plane]!) : r;
      }
    }
  }
  return { data, width, height };
}

/** RGBA pixels [H, W, 4] as one NCHW image [1, C, H, W] in [-1, 1]; C = 1 takes the luminance (ITU-R 601). */
export function imageValues(rgba: Uint8ClampedArray, width: number, height: number, channels: number): Float32Array {
  const plane = width * height;
  const out = new Float32Array(channels * plane);
  for (let i = 0; i < plane; i++) {
    const [r, g, b] = [rgba[i * 4]!, rgba[i * 4 + 1]!, rgba[i * 4 + 2]!];
    if (channels === 1) out[i] = (0.299 * r + 0.587 * g + 0.114 * b) / 127.5 - 1;
    else {
      out[i] = r / 127.5 - 1;
      out[i + plane] = g / 127.5 - 1;
      out[i + 2 * plane] = b / 127.5 - 1;
    }
  }
  return out;
}
