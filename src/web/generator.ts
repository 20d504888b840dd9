// A generator exported by `gan export`, run by onnxruntime-web in a page: samples from seeded noise
// (and labels), drawn into a canvas, or images translated. Only onnxruntime-web runs here: no Node
// module and none of the engine but its dependency-free PRNG (so a seed draws Node's noise).
import * as ort from 'onnxruntime-web/wasm';
import { Rng } from '../engine/random.js';
import { InputError } from '../errors.js';
import { generatorInfo, readOnnxMetadata, type GeneratorInfo } from './metadata.js';
import { gridPixels, imageValues } from './pixels.js';

/** Noise is drawn for batches of at most this many samples, as `gan sample` does. */
const SAMPLE_BATCH = 500;

export type ModelSource = string | URL | ArrayBuffer | Uint8Array;

export interface LoadOptions {
  /** onnxruntime-web's execution providers (default ['wasm']). */
  executionProviders?: ort.InferenceSession.SessionOptions['executionProviders'];
  /** Where onnxruntime-web finds its .wasm files, when the page's bundler does not place them beside it. */
  wasmPaths?: string;
  /** Threads of the wasm backend (default 1 without wasmPaths; more than 1 needs a cross-origin isolated page and wasmPaths). */
  numThreads?: number;
  /** How messages name the model (default: its URL, or "model bytes"). */
  name?: string;
}

export interface SampleOptions {
  /** Seed of the noise (default 0): `gan sample --seed` draws the same noise for the same count. */
  seed?: number;
  /** The noise itself, [n, ...latent] standard normal values, instead of a seed. */
  noise?: Float32Array;
  /** Class-aware generators: one label for every sample, or one per sample (default: 0, 1, 2, ... cycling). */
  label?: number | readonly number[];
}

export interface DrawOptions extends SampleOptions {
  /** How many samples (default 16). */
  n?: number;
  /** Samples per row (default: one column per label for class-aware generators, else a square). */
  cols?: number;
  /** Pixels between samples (default 2). */
  pad?: number;
  /** Each generated pixel becomes scale x scale canvas pixels (default 1). */
  scale?: number;
}

type Canvas = HTMLCanvasElement | OffscreenCanvas;
type ImageInput = ImageData | CanvasImageSource;

async function readSource(source: ModelSource, name: string): Promise<Uint8Array> {
  if (source instanceof Uint8Array) return source;
  if (source instanceof ArrayBuffer) return new Uint8Array(source);
  let res: Response;
  try {
    res = await fetch(source);
  } catch (e) {
    throw new InputError(`${name}: could not fetch the model (${(e as Error).message})`, { cause: e });
  }
  if (!res.ok) throw new InputError(`${name}: could not fetch the model (HTTP ${res.status} ${res.statusText})`);
  return new Uint8Array(await res.arrayBuffer());
}

/** Loads an exported generator from a URL or its bytes; throws an InputError naming the model when it is not one. */
export async function loadGenerator(source: ModelSource, o: LoadOptions = {}): Promise<Generator> {
  const name = o.name ?? (typeof source === 'string' || source instanceof URL ? String(source) : 'model bytes');
  const bytes = await readSource(source, name);
  const info = generatorInfo(readOnnxMetadata(bytes, name), name);
  // These take effect before onnxruntime-web's first session. Its threads load its glue file as
  // workers, which a bundler's copy of it cannot be: one thread unless wasmPaths points at its own files.
  if (o.wasmPaths !== undefined) ort.env.wasm.wasmPaths = o.wasmPaths;
  if (o.numThreads !== undefined) ort.env.wasm.numThreads = o.numThreads;
  else if (o.wasmPaths === undefined) ort.env.wasm.numThreads = 1;
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(bytes, { executionProviders: o.executionProviders ?? ['wasm'], graphOptimizationLevel: 'all' });
  } catch (e) {
    throw new InputError(`${name}: onnxruntime-web could not load the model: ${(e as Error).message ?? e}`, { cause: e });
  }
  const wanted = info.kind === 'translator' ? ['x'] : info.labels ? ['z', 'y'] : ['z'];
  const missing = wanted.filter((i) => !session.inputNames.includes(i));
  if (missing.length) throw new InputError(`${name}: the model has inputs ${session.inputNames.join(', ')}; a ${info.kind} exported by tsgan takes ${wanted.join(', ')}`);
  return new Generator(session, info, name);
}

const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

export class Generator {
  constructor(
    private readonly session: ort.InferenceSession,
    /** What the generator takes and gives (from its export metadata). */
    readonly info: GeneratorInfo,
    private readonly name: string,
  ) {}

  /** The labels samples are drawn with: the option's, or 0, 1, 2, ... cycling (as `gan sample` does). */
  labelsFor(n: number, label: SampleOptions['label']): number[] | undefined {
    const l = this.info.labels;
    if (!l) {
      if (label !== undefined) throw new InputError(`label: ${this.name} (${this.info.ganType}) does not draw samples by label`);
      return undefined;
    }
    const labels = label === undefined ? Array.from({ length: n }, (_, i) => i % l.classes) : typeof label === 'number' ? new Array<number>(n).fill(label) : [...label];
    if (labels.length !== n) throw new InputError(`label: expected ${n} labels, one per sample, got ${labels.length}`);
    const bad = labels.find((v) => !Number.isInteger(v) || v < 0 || v >= l.classes);
    if (bad !== undefined) throw new InputError(`label ${bad}: expected an integer from 0 to ${l.classes - 1}`);
    return labels;
  }

  /**
   * n samples [n, ...output] as float32 values: images in [-1, 1] (NCHW), vectors in the data's
   * scale (standardized columns mapped back). The noise comes from the seed unless given.
   */
  async sample(n: number, o: SampleOptions = {}): Promise<Float32Array> {
    const { info } = this;
    if (info.kind === 'translator') throw new InputError(`${this.name} (${info.ganType}) translates images: use translate(image)`);
    if (!Number.isInteger(n) || n < 1) throw new InputError(`n ${n}: expected a whole number of samples, at least 1`);
    const labels = this.labelsFor(n, o.label);
    const per = size(info.latent);
    if (o.noise && o.noise.length !== n * per) throw new InputError(`noise: expected ${n} x ${per} = ${n * per} values [n, ${info.latent.join(', ')}], got ${o.noise.length}`);
    const rng = new Rng(o.seed ?? 0);
    const batch = Math.min(n, SAMPLE_BATCH);
    const out = new Float32Array(n * size(info.output));
    for (let done = 0; done < n; done += batch) {
      const m = Math.min(batch, n - done);
      // Noise for a whole batch, as Node draws it, so a seed gives Node's samples for any n.
      const z = o.noise ? o.noise.subarray(done * per, (done + m) * per) : rng.fillNormal(new Float32Array(batch * per)).subarray(0, m * per);
      const feeds: Record<string, ort.Tensor> = { z: new ort.Tensor('float32', z, [m, ...info.latent]) };
      if (labels) feeds.y = new ort.Tensor('int64', BigInt64Array.from(labels.slice(done, done + m), BigInt), [m]);
      const x = await this.run(feeds, 'x');
      out.set(x, done * size(info.output));
    }
    return this.toDataScale(out);
  }

  /** Draws n samples as a grid into the canvas (resized to fit); returns the values and labels drawn. */
  async draw(canvas: Canvas, o: DrawOptions = {}): Promise<{ x: Float32Array; labels?: number[] }> {
    const image = this.info.image;
    if (!image) throw new InputError(`${this.name}: draw() shows images; this generator makes ${this.info.output.join('x')} vectors: use sample(n)`);
    const n = o.n ?? 16;
    const labels = this.labelsFor(n, o.label);
    const x = await this.sample(n, { ...o, label: labels });
    const cols = o.cols ?? (this.info.labels && o.label === undefined ? this.info.labels.classes : Math.ceil(Math.sqrt(n)));
    const g = gridPixels(x, n, this.info.output, { cols, pad: o.pad ?? 2, scale: o.scale ?? 1 });
    canvas.width = g.width;
    canvas.height = g.height;
    context(canvas).putImageData(new ImageData(g.data, g.width, g.height), 0, 0);
    return { x, labels };
  }

  /** Image-to-image generators: the image (resized to the model's input) translated, as ImageData of the output's size. */
  async translate(image: ImageInput): Promise<ImageData> {
    const { info } = this;
    if (info.kind !== 'translator') throw new InputError(`${this.name} (${info.ganType}) draws samples from noise: use draw(canvas) or sample(n)`);
    const [c, h, w] = info.input!;
    const pixels = resized(image, w!, h!);
    const x = imageValues(pixels.data, w!, h!, c!);
    const y = await this.run({ x: new ort.Tensor('float32', x, [1, c!, h!, w!]) }, 'y');
    const g = gridPixels(y, 1, info.output, { cols: 1, pad: 0, scale: 1 });
    return new ImageData(g.data, g.width, g.height);
  }

  async release(): Promise<void> {
    await this.session.release();
  }

  private async run(feeds: Record<string, ort.Tensor>, output: string): Promise<Float32Array> {
    const result = await this.session.run(feeds);
    const t = result[output];
    if (!t) throw new InputError(`${this.name}: the model has no output "${output}" (it has ${Object.keys(result).join(', ')})`);
    return t.data as Float32Array;
  }

  private toDataScale(x: Float32Array): Float32Array {
    const st = this.info.standardization;
    if (!st) return x;
    const d = st.mean.length;
    for (let i = 0; i < x.length; i++) x[i] = x[i]! * st.std[i % d]! + st.mean[i % d]!;
    return x;
  }
}

function context(canvas: Canvas): CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D {
  const ctx = canvas.getContext('2d') as CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D | null;
  if (!ctx) throw new InputError('canvas: it has no 2d context (is another kind of context already in use?)');
  return ctx;
}

/** The image's RGBA pixels at width x height (drawn scaled when its size differs). */
function resized(image: ImageInput, width: number, height: number): ImageData {
  if (image instanceof ImageData && image.width === width && image.height === height) return image;
  const target = new OffscreenCanvas(width, height);
  const ctx = context(target);
  let source: CanvasImageSource;
  if (image instanceof ImageData) {
    const own = new OffscreenCanvas(image.width, image.height);
    context(own).putImageData(image, 0, 0);
    source = own;
  } else source = image;
  ctx.drawImage(source, 0, 0, width, height);
  return ctx.getImageData(0, 0, width, height);
}
