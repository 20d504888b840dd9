// Anomaly scores under an anomaly detection run (f-AnoGAN): each image's score (higher = more
// anomalous), one pass of the trained networks per batch; the threshold at a chosen false-positive
// rate on held-out normal data, whose scores are kept in the run (anomaly-heldout.json) for the
// checkpoint they came from; and the inputs `gan score` reads (.npy, an image folder, a CSV).
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import * as E from '../engine/index.js';
import { InputError } from '../errors.js';
import { frozenCtx } from '../gan/step.js';
import type { LoadedRun } from '../gan/trainer.js';
import { thresholdAtFpr } from '../metrics/anomaly.js';
import { atomicWriteFile } from '../run/atomic.js';
import { parseNumericCsv } from '../run/csv.js';
import { readNpy } from '../run/npy.js';
import { decodeImage } from '../data/images/decode.js';
import { listImages } from '../data/images/folder.js';
import { useEma } from './outputs.js';

/** The false-positive rate `gan score` flags at by default. */
export const DEFAULT_FPR = 0.05;
/** Held-out normal images scored for the threshold, at most. */
const HELD_OUT_MAX = 5000;
const HELD_OUT_FILE = 'anomaly-heldout.json';

/** The run's scorer, or one message saying the run does not score anomalies. */
function scorerOf(r: LoadedRun) {
  const a = r.recipe.anomaly;
  if (!a) throw new InputError(`run ${r.run.path} (model type "${r.recipe.type}") does not score anomalies: scoring needs an anomaly detection run (model kind "fanogan", e.g. preset mnist-anomaly)`);
  return a;
}

/** Checks that x holds whole samples of the run's input shape; returns their count. */
export function sampleCount(r: LoadedRun, x: Float32Array, what: string): number {
  const shape = scorerOf(r).input;
  const per = shape.reduce((a, b) => a * b, 1);
  if (x.length === 0 || x.length % per !== 0) throw new InputError(`${what}: expected images of shape [N, ${shape.join(', ')}] (${per} values each), got ${x.length} values`);
  return x.length / per;
}

/** Scores n samples [n, ...input] (images NCHW in [-1, 1]) in batches of up to 500. */
export async function anomalyScores(r: LoadedRun, x: Float32Array, ema = true): Promise<Float32Array> {
  const a = scorerOf(r);
  const n = sampleCount(r, x, 'score');
  const batch = Math.min(n, 500);
  const input = E.input('x', [batch, ...a.input]);
  const prog = await E.Program.compile({ outputs: { score: a.score(input, frozenCtx(r.recipe, useEma(r.store, ema))) } }, r.store);
  try {
    return await E.runInBatches(x, n, x.length / n, batch, async (feed) => (await prog.run({ x: feed })).score!.data as Float32Array);
  } finally {
    await prog.release();
  }
}

export interface Threshold {
  /** A sample is anomalous when its score is above this. */
  threshold: number;
  fpr: number;
  /** The held-out normal data it was set on, and how many of its samples. */
  heldOut: string;
  count: number;
}

/** Scores of the run's held-out normal data at its checkpoint: read from the run, or computed and kept there. */
async function heldOutScores(r: LoadedRun, ema: boolean): Promise<{ scores: Float32Array; heldOut: string }> {
  const file = join(r.run.path, HELD_OUT_FILE);
  const usesEma = useEma(r.store, ema);
  if (existsSync(file)) {
    const kept = JSON.parse(readFileSync(file, 'utf8')) as { step: number; ema: boolean; heldOut: string; scores: number[] };
    if (kept.step === r.step && kept.ema === usesEma) return { scores: Float32Array.from(kept.scores), heldOut: kept.heldOut };
  }
  const held = r.source.heldOut;
  if (!held) throw new InputError(`run ${r.run.path}: its data holds no held-out samples to set an anomaly threshold on`);
  const count = Math.min(held.count, HELD_OUT_MAX);
  const x = new Float32Array(count * scorerOf(r).input.reduce((a, b) => a * b, 1));
  held.read({ x }, 0, count);
  const scores = await anomalyScores(r, x, ema);
  atomicWriteFile(file, `${JSON.stringify({ step: r.step, ema: usesEma, heldOut: held.name, scores: Array.from(scores) })}\n`);
  return { scores, heldOut: held.name };
}

/** The threshold that flags the share `fpr` of the run's held-out normal samples. */
export async function anomalyThreshold(r: LoadedRun, fpr: number, ema = true): Promise<Threshold> {
  scorerOf(r);
  const { scores, heldOut } = await heldOutScores(r, ema);
  return { threshold: thresholdAtFpr(scores, fpr), fpr, heldOut, count: scores.length };
}

/** How image files become the run's samples: as its image folder was decoded, else at the run's size, grey or colour, on black. */
function decodingOf(r: LoadedRun) {
  const [channels, size] = scorerOf(r).input as [1 | 3, number];
  const d = r.cfg.data as { fit?: 'crop' | 'pad' | 'stretch'; background?: string };
  return { size, channels, fit: d.fit ?? 'crop', background: d.background ?? 'black' };
}

/** The samples of `gan score --in`: a .npy of float32 NCHW images, a folder of images, or a CSV of one flattened image per row. */
export async function readScoreInput(r: LoadedRun, inPath: string): Promise<{ x: Float32Array; names?: string[] }> {
  const shape = scorerOf(r).input;
  const want = `[N, ${shape.join(', ')}]`;
  if (existsSync(inPath) && statSync(inPath).isDirectory()) {
    const names = listImages(inPath);
    const per = shape.reduce((a, b) => a * b, 1);
    const x = new Float32Array(names.length * per);
    const o = decodingOf(r);
    for (let i = 0; i < names.length; i++) {
      const bytes = await decodeImage(join(inPath, names[i]!), 'whole', o);
      for (let j = 0; j < per; j++) x[i * per + j] = bytes[j]! / 127.5 - 1;
    }
    return { x, names };
  }
  const ext = extname(inPath).toLowerCase();
  if (!existsSync(inPath)) throw new InputError(`--in ${inPath}: no such file or folder`);
  if (ext === '.npy') {
    const { data, shape: got } = readNpy(inPath);
    if (!(data instanceof Float32Array) || got.length !== shape.length + 1 || shape.some((d, i) => got[i + 1] !== d) || got[0] === 0) {
      throw new InputError(`--in ${inPath}: expected float32 images of shape ${want} (NCHW, values in [-1, 1]), got ${data instanceof Float32Array ? 'float32' : 'non-float32'} [${got.join(', ')}]`);
    }
    return { x: data };
  }
  if (ext === '.csv') {
    const csv = parseNumericCsv(readFileSync(inPath, 'utf8'), `--in ${inPath}`);
    const per = shape.reduce((a, b) => a * b, 1);
    if (csv.cols !== per) throw new InputError(`--in ${inPath}: expected rows of ${per} values (one image of shape [${shape.join(', ')}] each, in [-1, 1]), got ${csv.cols} columns`);
    return { x: csv.data };
  }
  throw new InputError(`--in ${inPath}: expected a .npy file, a .csv file or a folder of images`);
}

export interface ScoresWritten {
  count: number;
  flagged: number;
  threshold: Threshold;
}

/** `gan score`: one CSV row per input in input order: index, (file,) score, anomalous (0/1 against the threshold at `fpr`). */
export async function scoreFile(r: LoadedRun, inPath: string, out: string, o: { fpr: number; ema: boolean }): Promise<ScoresWritten> {
  if (extname(out).toLowerCase() !== '.csv') throw new InputError(`--out ${out}: expected a .csv file`);
  const { x, names } = await readScoreInput(r, inPath);
  const scores = await anomalyScores(r, x, o.ema);
  const threshold = await anomalyThreshold(r, o.fpr, o.ema);
  const lines = [names ? 'index,file,score,anomalous' : 'index,score,anomalous'];
  let flagged = 0;
  scores.forEach((s, i) => {
    const bad = s > threshold.threshold ? 1 : 0;
    flagged += bad;
    const score = Number(s.toPrecision(7));
    // File names are quoted when they hold a comma or a quote (RFC 4180).
    const name = names && (/[",\r\n]/.test(names[i]!) ? `"${names[i]!.replace(/"/g, '""')}"` : names[i]!);
    lines.push(names ? `${i},${name},${score},${bad}` : `${i},${score},${bad}`);
  });
  atomicWriteFile(out, `${lines.join('\n')}\n`);
  return { count: scores.length, flagged, threshold };
}
