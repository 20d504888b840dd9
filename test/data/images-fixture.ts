// Image files for the data tests, written with sharp from RGBA pixels (the extension picks the format).
import { mkdirSync } from 'node:fs';
import { dirname, extname } from 'node:path';
import sharp from 'sharp';

export type Rgba = [number, number, number, number];

/** Writes a width x height image whose pixel (x, y) is at(x, y); PNG, lossless WebP or JPEG (quality 100). */
export async function writeImage(file: string, width: number, height: number, at: (x: number, y: number) => Rgba): Promise<void> {
  const raw = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) raw.set(at(x, y), (y * width + x) * 4);
  mkdirSync(dirname(file), { recursive: true });
  const img = sharp(raw, { raw: { width, height, channels: 4 } });
  const ext = extname(file).toLowerCase();
  if (ext === '.png') await img.png().toFile(file);
  else if (ext === '.webp') await img.webp({ lossless: true }).toFile(file);
  else await img.flatten().jpeg({ quality: 100 }).toFile(file);
}

/** An image of one colour. */
export const solid = (file: string, width: number, height: number, rgba: Rgba) => writeImage(file, width, height, () => rgba);

export const RED: Rgba = [255, 0, 0, 255];
export const GREEN: Rgba = [0, 255, 0, 255];
export const BLUE: Rgba = [0, 0, 255, 255];
export const WHITE: Rgba = [255, 255, 255, 255];

/** Byte value of a sample value in [-1, 1]. */
export const byte = (v: number) => Math.round((v + 1) * 127.5);

/** Image k of an [n, C, H, W] array as bytes: [channel][y][x]. */
export function planes(data: Float32Array, k: number, [c, h, w]: number[]): number[][][] {
  const per = c! * h! * w!;
  return Array.from({ length: c! }, (_, ch) => Array.from({ length: h! }, (_, y) => Array.from({ length: w! }, (_, x) => byte(data[k * per + ch * h! * w! + y * w! + x]!))));
}
