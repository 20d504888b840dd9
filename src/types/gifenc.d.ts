// The part of gifenc (https://github.com/mattdesl/gifenc) tsgan uses: indexed-colour frames.
declare module 'gifenc' {
  export interface GifFrameOptions {
    palette?: number[][];
    /** Milliseconds this frame shows. */
    delay?: number;
    /** -1: play once, 0: loop forever. */
    repeat?: number;
  }
  export interface Encoder {
    writeFrame(index: Uint8Array, width: number, height: number, opts?: GifFrameOptions): void;
    finish(): void;
    bytes(): Uint8Array;
  }
  export function GIFEncoder(): Encoder;
  const gifenc: { GIFEncoder: typeof GIFEncoder };
  export default gifenc;
}
