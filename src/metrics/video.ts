// What makes a generated clip a moving digit: the same digit in every frame (the MNIST classifier
// on each frame's digit, cut out around its centre of mass and resized to 28x28) and motion (the
// frames' intensity centre of mass moves).
import { argmaxRows, sharedClassifier } from './frechet.js';
import { CLIP, resizeImage } from '../data/video.js';
import { NUM_CLASSES } from './classifier.js';

export interface ClipMetrics {
  /** Share of clips whose frames the classifier all gives the same digit. */
  sameDigitFraction: number;
  /** Share of clips whose centre of mass gets at least `minShift` pixels from where it starts. */
  movingFraction: number;
  /** Mean over clips of the largest distance (pixels) of the centre of mass from its first position. */
  meanMaxShift: number;
  /** Clips per digit the classifier gives their first frame. */
  digitHistogram: number[];
}

/** Centre of mass (x, y) of one [h, w] frame in [-1, 1], weighting pixels by intensity (v + 1) / 2; undefined for a black frame. */
export function centreOfMass(frame: Float32Array, h: number, w: number): [number, number] | undefined {
  let m = 0;
  let mx = 0;
  let my = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const v = Math.max(0, (frame[y * w + x]! + 1) / 2);
      m += v;
      mx += v * x;
      my += v * y;
    }
  }
  return m < 1e-6 ? undefined : [mx / m, my / m];
}

/**
 * A frame as the classifier expects a digit: the `window` x `window` square around the frame's
 * centre of mass (the size the clip's 28x28 MNIST image was scaled to), resized back to 28x28.
 */
export function centredDigit(frame: Float32Array, h: number, w: number, window = CLIP.digit): Float32Array {
  const c = centreOfMass(frame, h, w) ?? [(w - 1) / 2, (h - 1) / 2];
  const left = Math.round(c[0] - (window - 1) / 2);
  const top = Math.round(c[1] - (window - 1) / 2);
  const crop = new Float32Array(window * window).fill(-1);
  for (let y = 0; y < window; y++) {
    for (let x = 0; x < window; x++) {
      const sy = y + top;
      const sx = x + left;
      if (sy >= 0 && sy < h && sx >= 0 && sx < w) crop[y * window + x] = frame[sy * w + sx]!;
    }
  }
  return resizeImage(crop, window, window, 28, 28);
}

/** Metrics of n grey clips [n, T, 1, H, W] in [-1, 1]. */
export async function clipMetrics(clips: Float32Array, n: number, [t, , h, w]: number[], minShift = 3): Promise<ClipMetrics> {
  const frames = new Float32Array(n * t! * 784);
  const plane = h! * w!;
  for (let f = 0; f < n * t!; f++) frames.set(centredDigit(clips.subarray(f * plane, (f + 1) * plane), h!, w!), f * 784);
  const { probs } = await (await sharedClassifier('mnist')).embed(frames, n * t!);
  const digits = argmaxRows(probs, n * t!, NUM_CLASSES);
  let same = 0;
  let moving = 0;
  let shiftSum = 0;
  const digitHistogram = new Array<number>(NUM_CLASSES).fill(0);
  for (let i = 0; i < n; i++) {
    const first = digits[i * t!]!;
    digitHistogram[first]!++;
    let allSame = true;
    for (let f = 1; f < t!; f++) if (digits[i * t! + f] !== first) allSame = false;
    if (allSame) same++;
    const start = centreOfMass(clips.subarray(i * t! * plane, (i * t! + 1) * plane), h!, w!);
    let maxShift = 0;
    for (let f = 1; f < t! && start; f++) {
      const c = centreOfMass(clips.subarray((i * t! + f) * plane, (i * t! + f + 1) * plane), h!, w!);
      if (c) maxShift = Math.max(maxShift, Math.hypot(c[0] - start[0], c[1] - start[1]));
    }
    shiftSum += maxShift;
    if (maxShift >= minShift) moving++;
  }
  return { sameDigitFraction: same / n, movingFraction: moving / n, meanMaxShift: shiftSum / n, digitHistogram };
}
