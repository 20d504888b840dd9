// Datasets from the user's files: a folder of PNG/JPEG images, or a numeric CSV.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative } from 'node:path';
import jpeg from 'jpeg-js';
import { interpolationMatrix } from '../engine/functional.js';
import { decodePng } from '../run/png.js';
import { parseNumericCsv } from '../run/csv.js';
import type { Dataset } from './datasets.js';
import { InputError } from '../errors.js';

const IMAGE_EXT = new Set(['.png', '.jpg', '.jpeg']);

function listImages(dir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir).sort();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(`image folder ${dir} cannot be read${code === 'ENOENT' ? ': no such folder' : `: ${(e as Error).message}`}`, { cause: e });
  }
  return entries.flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return listImages(p);
    return IMAGE_EXT.has(extname(name).toLowerCase()) ? [p] : [];
  });
}

/** Area weights for shrinking, bilinear (half-pixel centres) for enlarging: [out, in]. */
function resampleMatrix(inSize: number, outSize: number): number[] {
  if (outSize >= inSize) return interpolationMatrix(inSize, outSize, 'bilinear');
  const m = new Array<number>(outSize * inSize).fill(0);
  const scale = inSize / outSize;
  for (let o = 0; o < outSize; o++) {
    const lo = o * scale;
    const hi = lo + scale;
    for (let i = Math.floor(lo); i < Math.min(Math.ceil(hi), inSize); i++) {
      m[o * inSize + i] = (Math.min(hi, i + 1) - Math.max(lo, i)) / scale;
    }
  }
  return m;
}

/** Decodes one image to RGBA bytes; errors name the file. */
function decodeImage(file: string): { width: number; height: number; rgba: Uint8Array } {
  const bytes = readFileSync(file);
  try {
    if (extname(file).toLowerCase() === '.png') return decodePng(bytes);
    const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true });
    return { width: img.width, height: img.height, rgba: img.data };
  } catch (e) {
    throw new InputError(`image ${file} cannot be decoded: ${(e as Error).message}`, { cause: e });
  }
}

/**
 * Every PNG/JPEG under dir (sorted by path), resized to size x size and converted to `channels`
 * (1: luma 0.299 R + 0.587 G + 0.114 B; 3: RGB), as NCHW values in [-1, 1]. Alpha is ignored.
 */
export function loadImageFolder(dir: string, size: number, channels: 1 | 3): Dataset {
  const files = listImages(dir);
  if (files.length === 0) throw new InputError(`image folder ${dir} holds no .png, .jpg or .jpeg files`);
  const per = channels * size * size;
  const data = new Float32Array(files.length * per);
  const plane = new Float32Array(size * size);
  files.forEach((file, k) => {
    const img = decodeImage(file);
    if (img.width < 1 || img.height < 1) throw new InputError(`image ${relative(dir, file)} in ${dir} is empty`);
    const ah = resampleMatrix(img.height, size);
    const aw = resampleMatrix(img.width, size);
    for (let c = 0; c < channels; c++) {
      // value(y, x) of this channel, in [0, 255]
      const px = (y: number, x: number) => {
        const o = (y * img.width + x) * 4;
        return channels === 3 ? img.rgba[o + c]! : 0.299 * img.rgba[o]! + 0.587 * img.rgba[o + 1]! + 0.114 * img.rgba[o + 2]!;
      };
      // Resample rows then columns: tmp[y][ox] = sum_x aw[ox][x] * px(y, x).
      const tmp = new Float32Array(img.height * size);
      for (let y = 0; y < img.height; y++) {
        for (let ox = 0; ox < size; ox++) {
          let s = 0;
          for (let x = 0; x < img.width; x++) {
            const wgt = aw[ox * img.width + x]!;
            if (wgt !== 0) s += wgt * px(y, x);
          }
          tmp[y * size + ox] = s;
        }
      }
      for (let oy = 0; oy < size; oy++) {
        for (let ox = 0; ox < size; ox++) {
          let s = 0;
          for (let y = 0; y < img.height; y++) {
            const wgt = ah[oy * img.height + y]!;
            if (wgt !== 0) s += wgt * tmp[y * size + ox]!;
          }
          plane[oy * size + ox] = s;
        }
      }
      for (let i = 0; i < size * size; i++) data[k * per + c * size * size + i] = Math.min(Math.max(plane[i]! / 127.5 - 1, -1), 1);
    }
  });
  return { name: `images:${dir}`, shape: [channels, size, size], count: files.length, data };
}

/**
 * A numeric CSV as vectors, each column standardised to zero mean and unit variance (samples are
 * mapped back with the stored mean and std). Errors name the file, the row and the column.
 */
export function loadCsvDataset(path: string): { dataset: Dataset; standardization: { mean: number[]; std: number[]; header: string[] } } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(`CSV file ${path} cannot be read${code === 'ENOENT' ? ': no such file' : `: ${(e as Error).message}`}`, { cause: e });
  }
  const { header, data, rows, cols } = parseNumericCsv(text, path);
  if (rows < 2) throw new InputError(`${path}: needs at least 2 data rows, has ${rows}`);
  const mean = new Array<number>(cols).fill(0);
  const std = new Array<number>(cols).fill(0);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) mean[c]! += data[r * cols + c]! / rows;
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) std[c]! += (data[r * cols + c]! - mean[c]!) ** 2 / (rows - 1);
  for (let c = 0; c < cols; c++) std[c] = Math.sqrt(std[c]!) || 1; // constant columns stay constant
  const z = new Float32Array(data.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) z[r * cols + c] = (data[r * cols + c]! - mean[c]!) / std[c]!;
  return { dataset: { name: `csv:${path}`, shape: [cols], count: rows, data: z }, standardization: { mean, std, header } };
}
