// What leaves the system: samples as .npy / .png / .csv / .gif or a folder of PNGs, and the generator as an ONNX model.
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import * as E from '../engine/index.js';
import { InputError } from '../errors.js';
import { writeClipAnimation, writeSamplePicture, writeTranslationPicture } from '../gan/artifacts.js';
import { compileSampler, compileScorer, compileTranslator, cyclingLabels, drawRejected, drawSamples, translateAll } from '../gan/sampler.js';
import { translation, type Direction } from '../gan/recipe.js';
import type { LoadedRun } from '../gan/trainer.js';
import { atomicWriteFile } from '../run/atomic.js';
import { formatCsv } from '../run/csv.js';
import { imageGrid, writePng } from '../run/png.js';
import { readNpy, writeNpy } from '../run/npy.js';
import type { DataSource } from '../data/source.js';
import { sampleMixture } from '../data/mixtures.js';
import { TSGAN_VERSION } from '../version.js';
import { bakedOnnx, generatorOnnx, useEma, type ExportMetadata } from '../gan/export.js';

export { useEma, type ExportMetadata } from '../gan/export.js';

/** Maps generated vectors back to the data's own scale (CSV columns were standardised). */
export function toDataScale(x: Float32Array, source: DataSource): Float32Array {
  const st = source.standardization;
  if (!st) return x;
  const d = st.mean.length;
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = x[i]! * st.std[i % d]! + st.mean[i % d]!;
  return out;
}

export interface GenerateOptions {
  seed: number;
  ema: boolean;
  /** Class-aware runs: draw every sample with this label (default: cycle through all labels). */
  label?: number;
  /** Class-aware runs: draw labels uniformly at random, as the model's prior does (for metrics of the whole distribution). */
  randomLabels?: boolean;
  /** Discriminator rejection sampling when the run's model has it (model.rejection); default true. */
  rejection?: boolean;
}

/** Draws `count` samples from a run; for class-aware runs also the label each was drawn with. */
export async function generate(r: LoadedRun, count: number, o: GenerateOptions) {
  const dir = r.run.path;
  const type = r.recipe.type;
  if (!r.recipe.sampler) throw new InputError(`run ${dir} (model type "${type}") translates images rather than drawing them from noise: use gan translate --run ${dir} --in IN.npy --out OUT.npy`);
  const classes = r.recipe.sampler.labels?.classes;
  if (o.label !== undefined) {
    if (!classes) throw new InputError(`--label: run ${dir} (model type "${type}") does not draw samples by label`);
    if (!Number.isInteger(o.label) || o.label < 0 || o.label >= classes) {
      throw new InputError(`--label ${o.label}: expected an integer from 0 to ${classes - 1}`);
    }
  }
  const sampler = await compileSampler(r.recipe, Math.min(count, 500), r.store, { ema: useEma(r.store, o.ema) });
  const rejection = o.rejection !== false ? r.recipe.sampler.rejection : undefined;
  if (rejection) {
    const scorer = await compileScorer(r.recipe, Math.min(count, 500), r.store);
    try {
      const d = await drawRejected(sampler, scorer, count, new E.Rng(o.seed), rejection.quantile, classes === undefined ? undefined : { classes, label: o.label });
      return { ...r, x: d.x, labels: d.labels, acceptance: d.acceptance };
    } finally {
      await scorer.release();
      await sampler.release();
    }
  }
  // Without rejection: the labels drawn at random (the model's prior) or cycling.
  let labels: BigInt64Array | undefined;
  if (classes && o.randomLabels) {
    const rng = new E.Rng(o.seed).fork(1);
    labels = BigInt64Array.from({ length: count }, () => BigInt(rng.int(classes)));
  } else if (classes) {
    labels = cyclingLabels(count, classes, o.label);
  }
  const x = await drawSamples(sampler, count, new E.Rng(o.seed), labels);
  await sampler.release();
  return { ...r, x, labels, acceptance: undefined as number | undefined };
}

/** The path of the labels file written beside FILE.npy: FILE.labels.npy. */
export const labelsPath = (npy: string) => npy.replace(/\.npy$/i, '.labels.npy');

/**
 * Orders samples by label for a grid with one class per row: at most `maxCols` samples of each class
 * are shown (a single label wraps over rows of `maxCols` instead). Returns the values and the columns.
 */
function byLabel(x: Float32Array, labels: BigInt64Array, classes: number, maxCols = 16): { x: Float32Array; cols: number; n: number } {
  const per = x.length / labels.length;
  const groups = Array.from({ length: classes }, () => [] as number[]);
  labels.forEach((l, i) => groups[Number(l)]!.push(i));
  const used = groups.filter((r) => r.length > 0);
  if (used.length === 1) return { x, cols: Math.min(maxCols, labels.length), n: labels.length };
  const cols = Math.min(maxCols, Math.max(...used.map((r) => r.length)));
  // Unfilled cells stay mid-grey (0 in [-1, 1]), like the grid's background.
  const out = new Float32Array(used.length * cols * per);
  used.forEach((r, row) => r.slice(0, cols).forEach((i, c) => out.set(x.subarray(i * per, (i + 1) * per), (row * cols + c) * per)));
  return { x: out, cols, n: used.length * cols };
}

/** `--out DIR/`: a path ending in a slash, or a folder that exists, gets one PNG per sample. */
export const isFolderOut = (out: string) => /[\\/]$/.test(out) || (existsSync(out) && statSync(out).isDirectory());

/** The file kinds each output takes, checked before a run is loaded. */
export const OUTPUT_FILES = {
  samples: (out: string) => {
    if (isFolderOut(out)) return;
    if (!['.npy', '.png', '.csv', '.gif'].includes(extname(out).toLowerCase())) throw new InputError(`--out ${out}: expected a .npy, .png, .gif or .csv file, or a folder (ending in /) for one PNG per sample`);
  },
  onnx: (out: string) => {
    if (extname(out).toLowerCase() !== '.onnx') throw new InputError(`--out ${out}: expected an .onnx file`);
  },
  translation: (inPath: string, out: string) => {
    const ext = extname(out).toLowerCase();
    if (ext !== '.npy' && ext !== '.png') throw new InputError(`--out ${out}: expected a .npy or .png file`);
    if (extname(inPath).toLowerCase() !== '.npy') throw new InputError(`--in ${inPath}: expected a .npy file of float32 images`);
  },
};

/** PNG shows grey (1 channel) and colour (3 channels) images; refused before any sample is drawn. */
function refuseUnshowable(out: string, kind: string, shape: number[]): void {
  if (kind !== 'image') throw new InputError(`--out ${out}: one PNG per sample needs image samples; this run generates ${kind} samples of shape [${shape.join(', ')}]: write .npy${kind === 'vector' ? ', .csv or .png' : ' or .gif'}`);
  if (shape[0] !== 1 && shape[0] !== 3) throw new InputError(`--out ${out}: PNG shows images of 1 or 3 channels; this run generates [${shape.join(', ')}]: write .npy`);
}

/** Grids stay within 8192 x 8192 pixels: at most this many images of [C, H, W] (2 px apart, doubled up to 32 px). */
export function gridCapacity([, h, w]: number[]): number {
  const scale = h! <= 32 ? 2 : 1;
  const fit = (side: number) => Math.max(1, Math.floor((8192 - 2) / (side * scale + 2)));
  return fit(h!) * fit(w!);
}

/** One PNG per sample, sample-00000.png ..., in its own size; labelled runs also get labels.csv (file, label). */
function writeSampleFolder(dir: string, x: Float32Array, count: number, [c, h, w]: number[], labels?: BigInt64Array): { files: string[]; labels?: string } {
  mkdirSync(dir, { recursive: true });
  const digits = Math.max(5, String(count - 1).length);
  const per = c! * h! * w!;
  const names = Array.from({ length: count }, (_, i) => `sample-${String(i).padStart(digits, '0')}.png`);
  names.forEach((name, i) => writePng(join(dir, name), imageGrid(x.subarray(i * per, (i + 1) * per), [1, c!, h!, w!], { pad: 0 })));
  if (!labels) return { files: names };
  const csv = join(dir, 'labels.csv');
  atomicWriteFile(csv, `file,label\n${names.map((n, i) => `${n},${labels[i]}`).join('\n')}\n`);
  return { files: names, labels: csv };
}

/** What sampleToFile wrote: the samples' shape, the labels file, and for a folder the PNGs' names. */
export interface SamplesWritten {
  shape: number[];
  labels?: string;
  files?: string[];
}

export async function sampleToFile(r0: LoadedRun, count: number, out: string, o: GenerateOptions): Promise<SamplesWritten> {
  OUTPUT_FILES.samples(out);
  const ext = extname(out).toLowerCase();
  const folder = isFolderOut(out);
  if (folder || (ext === '.png' && r0.source.kind === 'image')) refuseUnshowable(out, r0.source.kind, r0.source.shape);
  const r = await generate(r0, count, o);
  const shape = [count, ...r.source.shape];
  if (folder) return { shape, ...writeSampleFolder(out, r.x, count, r.source.shape, r.labels) };
  if (ext === '.gif') {
    if (r.source.kind !== 'video') throw new InputError(`--out ${out}: GIF animates video clips; this run generates ${r.source.kind} samples of shape [${r.source.shape.join(', ')}]: write .npy or .png`);
    writeClipAnimation(out, r.x, count, r.source.shape);
    return { shape };
  }
  if (ext === '.npy') {
    writeNpy(out, toDataScale(r.x, r.source), shape);
    if (r.labels) {
      writeNpy(labelsPath(out), r.labels, [count]);
      return { shape, labels: labelsPath(out) };
    }
  } else if (ext === '.csv') {
    if (r.source.kind !== 'vector') {
      throw new InputError(`--out ${out}: CSV holds vector data; this run generates images of shape [${r.source.shape.join(', ')}]: write .npy or .png`);
    }
    const d = r.source.shape[0]!;
    const header = r.source.standardization?.header ?? Array.from({ length: d }, (_, i) => `x${i}`);
    atomicWriteFile(out, formatCsv(toDataScale(r.x, r.source), [count, d], header));
  } else {
    if (r.source.kind === 'image') {
      // One class per row for labelled runs; a grid too large to view shows its first images.
      const g = r.labels ? byLabel(r.x, r.labels, r.recipe.sampler!.labels!.classes) : { x: r.x, n: count, cols: undefined };
      const n = Math.min(g.n, gridCapacity(r.source.shape));
      writeSamplePicture(out, g.x.subarray(0, (n * g.x.length) / g.n), n, r.source, undefined, g.cols);
    } else {
      const real = r.source.mixture ? sampleMixture(r.source.mixture, new E.Rng(o.seed + 1), Math.min(count, 5000)) : undefined;
      writeSamplePicture(out, r.x, count, r.source, real);
    }
  }
  return { shape };
}

/** The generator alone (weights baked in, eval mode, symbolic batch): input "z" (and "y" labels for class-aware types), output "x". */
export async function exportGenerator(r: LoadedRun, out: string, ema: boolean, direction: Direction = 'a2b'): Promise<ExportMetadata> {
  OUTPUT_FILES.onnx(out);
  const { bytes, meta } = generatorOnnx(r, ema, direction, TSGAN_VERSION);
  atomicWriteFile(out, bytes);
  return meta;
}

/** Lowers an inference graph with the store's weights baked in and a symbolic batch, and writes it (atomically). */
export function writeOnnx(out: string, outputs: Record<string, E.Tensor>, meta: Record<string, string>, store: E.StateStore, graphName = 'generator'): void {
  atomicWriteFile(out, bakedOnnx(outputs, meta, store, TSGAN_VERSION, graphName));
}

export interface TranslateFileOptions {
  direction: Direction;
  ema: boolean;
}

/** n images [n, ...input] through a trained image-to-image generator, in batches of up to 500: [n, ...output] values. */
export async function translateImages(r: LoadedRun, x: Float32Array, n: number, o: TranslateFileOptions): Promise<Float32Array> {
  const translator = await compileTranslator(r.recipe, Math.min(n, 500), r.store, { ema: useEma(r.store, o.ema), direction: o.direction });
  const y = await translateAll(translator, x, n);
  await translator.release();
  return y;
}

/** `gan translate`: runs a trained image-to-image generator on the images of a .npy file; writes .npy or a before/after .png. */
export async function translateFile(r: LoadedRun, inPath: string, out: string, o: TranslateFileOptions): Promise<{ shape: number[] }> {
  OUTPUT_FILES.translation(inPath, out);
  const ext = extname(out).toLowerCase();
  const t = r.recipe.translator;
  if (!t) throw new InputError(`run ${r.run.path} (model type "${r.recipe.type}") draws samples from noise; gan translate needs an image-to-image run (pix2pix, srgan, cyclegan)`);
  translation(r.recipe.type, t, o.direction);
  const { data, shape } = readNpy(inPath);
  const want = `[N, ${t.input.join(', ')}]`;
  if (!(data instanceof Float32Array) || shape.length !== t.input.length + 1 || t.input.some((d, i) => shape[i + 1] !== d) || shape[0] === 0) {
    throw new InputError(`--in ${inPath}: expected float32 images of shape ${want} (NCHW, values in [-1, 1]), got ${data instanceof Float32Array ? 'float32' : 'non-float32'} [${shape.join(', ')}]`);
  }
  const n = shape[0]!;
  const y = await translateImages(r, data, n, o);
  const outShape = [n, ...t.output];
  if (ext === '.npy') writeNpy(out, y, outShape);
  else writeTranslationPicture(out, data, y, undefined, n, t.input, t.output, Math.min(n, 16));
  return { shape: outShape };
}
