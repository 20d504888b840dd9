// Animated GIFs of grey images (video samples), encoded by gifenc, written atomically.
import gifenc from 'gifenc';
import { atomicWriteFile } from './atomic.js';
import type { Image } from './png.js';

const GREYS = Array.from({ length: 256 }, (_, v) => [v, v, v]);

/** Encodes frames (RGBA images of one size, shown as grey: the red channel) as a looping GIF. */
export function encodeGif(frames: Image[], delayMs: number): Uint8Array {
  const { width, height } = frames[0]!;
  const gif = gifenc.GIFEncoder();
  for (const f of frames) {
    if (f.width !== width || f.height !== height) throw new Error(`gif: frames differ in size (${f.width}x${f.height} vs ${width}x${height})`);
    const index = new Uint8Array(width * height);
    for (let i = 0; i < index.length; i++) index[i] = f.rgba[4 * i]!;
    gif.writeFrame(index, width, height, { palette: GREYS, delay: delayMs, repeat: 0 });
  }
  gif.finish();
  return gif.bytes();
}

export function writeGif(path: string, frames: Image[], delayMs = 125): void {
  atomicWriteFile(path, encodeGif(frames, delayMs));
}
