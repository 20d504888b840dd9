// One image file to the bytes of one training image: decoded by sharp (PNG, JPEG, WebP), alpha
// composited on the background, fitted into size x size, as CHW uint8 with 1 or 3 channels.
import sharp, { type OutputInfo } from 'sharp';
import { InputError } from '../../errors.js';

export type Fit = 'crop' | 'pad' | 'stretch';

export interface DecodeOptions {
  size: number;
  fit: Fit;
  channels: 1 | 3;
  /** A colour sharp parses: "white", "#ffffff", "rgb(0,0,0)". */
  background: string;
}

/** Which part of a file is the image: all of it, or the left or right half (A|B side-by-side pairs). */
export type Region = 'whole' | 'left' | 'right';

// crop: scale the short side to size, centre crop (torchvision's Resize + CenterCrop).
const SHARP_FIT = { crop: 'cover', pad: 'contain', stretch: 'fill' } as const;

/** Refuses a background sharp cannot parse, naming the config key. */
export function checkBackground(background: string, key = 'data.background'): void {
  try {
    sharp({ create: { width: 1, height: 1, channels: 3, background } });
  } catch {
    throw new InputError(`${key} "${background}" is not a colour (e.g. "white", "black", "#808080")`);
  }
}

/** Decodes a region of an image file to CHW bytes; errors name the file. */
export async function decodeImage(file: string, region: Region, o: DecodeOptions): Promise<Uint8Array> {
  let raw: { data: Buffer; info: OutputInfo };
  try {
    // failOn 'error': truncated and corrupt data are refused, not decoded as far as they go.
    let img = sharp(file, { failOn: 'error' });
    if (region === 'whole') img = img.autoOrient();
    else {
      const { width = 0, height = 0 } = await img.metadata();
      const half = Math.floor(width / 2);
      if (half < 1) throw new Error(`${width}x${height} has no left and right halves`);
      img = img.extract({ left: region === 'left' ? 0 : half, top: 0, width: half, height });
    }
    raw = await img
      .resize(o.size, o.size, { fit: SHARP_FIT[o.fit], position: 'centre', background: o.background })
      .flatten({ background: o.background })
      .toColourspace('srgb')
      .removeAlpha()
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
  } catch (e) {
    throw new InputError(`image ${file} cannot be decoded: ${(e as Error).message}`, { cause: e });
  }
  return toChw(raw.data, o.size * o.size, o.channels);
}

/** Interleaved RGB to planes; 1 channel: luma 0.299 R + 0.587 G + 0.114 B (as PIL's "L" and torchvision's Grayscale). */
function toChw(rgb: Uint8Array, pixels: number, channels: 1 | 3): Uint8Array {
  const out = new Uint8Array(channels * pixels);
  for (let i = 0; i < pixels; i++) {
    const r = rgb[3 * i]!;
    const g = rgb[3 * i + 1]!;
    const b = rgb[3 * i + 2]!;
    if (channels === 1) out[i] = Math.round(0.299 * r + 0.587 * g + 0.114 * b);
    else {
      out[i] = r;
      out[pixels + i] = g;
      out[2 * pixels + i] = b;
    }
  }
  return out;
}
