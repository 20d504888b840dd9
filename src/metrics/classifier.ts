// The feature network behind the Frechet classifier distance (FCD): a small CNN for 1x28x28 images
// (MNIST digits or Fashion-MNIST garments), trained with this engine by scripts/train-classifier.ts
// and shipped as assets/classifiers/{mnist,fashion}.bin.
//
// Weight file layout (all integers little-endian):
//   bytes 0..7    magic "TSGANCLF"
//   bytes 8..11   uint32 header length H
//   next H bytes  JSON header (UTF-8, space-padded so the payload starts at a multiple of 4):
//                 format/architecture version, parameter names, shapes and byte offsets, the
//                 training recipe and the measured test accuracy
//   payload       float32 values of every parameter, in header order
//   last 32 bytes SHA-256 of every byte before it
// The checksum is verified before anything else is read, so a flipped byte or a truncated file is
// reported as corrupt rather than parsed.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as E from '../engine/index.js';
import type { Tensor } from '../engine/index.js';
import { AvgPool, Conv2d, Flatten, Linear, ReLU } from '../nn/layers.js';
import { Sequential, type Ctx } from '../nn/module.js';

export type ClassifierKind = 'mnist' | 'fashion';

/** Bumped whenever classifierNet() changes in a way that invalidates shipped weights. */
export const CLASSIFIER_ARCH_VERSION = 1;
export const CLASSIFIER_ARCH =
  'Conv2d(1->32,k3,p1) ReLU AvgPool(2) | Conv2d(32->64,k3,p1) ReLU AvgPool(2) | Flatten | Linear(3136->128) ReLU [features] | Linear(128->10) [logits]';
/** Parameter name prefix of the classifier's state. */
export const CLASSIFIER_PREFIX = 'C';
export const FEATURE_DIM = 128;
export const NUM_CLASSES = 10;
export const IMAGE_SIZE = 784;

const MAGIC = 'TSGANCLF';
const FORMAT_VERSION = 1;

/** The classifier as two halves: `trunk` maps images to the 128-d feature layer, `head` maps features to logits. */
export interface ClassifierNet {
  trunk: Sequential;
  head: Sequential;
  /** Every parameter, trunk first, in a fixed order (the order of the weight file). */
  params(): { name: string; shape: number[] }[];
  features(x: Tensor, ctx: Ctx): Tensor;
  logits(h: Tensor, ctx: Ctx): Tensor;
}

export function classifierNet(): ClassifierNet {
  const trunk = new Sequential([
    new Conv2d(1, 32, 3, { padding: 1 }),
    ReLU(),
    AvgPool(2), // 14x14
    new Conv2d(32, 64, 3, { padding: 1 }),
    ReLU(),
    AvgPool(2), // 7x7
    Flatten(),
    new Linear(64 * 7 * 7, FEATURE_DIM),
    ReLU(),
  ]).named(`${CLASSIFIER_PREFIX}.trunk`);
  const head = new Sequential([new Linear(FEATURE_DIM, NUM_CLASSES)]).named(`${CLASSIFIER_PREFIX}.head`);
  return {
    trunk,
    head,
    params() {
      return [...trunk.allParams(), ...head.allParams()].map((p) => ({ name: p.name, shape: [...p.shape] }));
    },
    features: (x, ctx) => trunk.call(x, ctx),
    logits: (h, ctx) => head.call(h, ctx),
  };
}

// ---- weight files ----

export interface TrainingRecipe {
  [key: string]: unknown;
}

export interface ClassifierHeader {
  format: number;
  archVersion: number;
  architecture: string;
  kind: ClassifierKind;
  featureLayer: string;
  inputRange: string;
  params: { name: string; shape: number[]; offset: number; length: number }[];
  training: TrainingRecipe;
  testAccuracy: number;
  testImages: number;
  checksum: string;
}

export interface ClassifierWeights {
  header: ClassifierHeader;
  values: Record<string, Float32Array>;
}

/** Where the shipped weights of a kind live (assets/classifiers/ at the package root, from src/ or dist/). */
export function classifierPath(kind: ClassifierKind): string {
  return fileURLToPath(new URL(`../../assets/classifiers/${kind}.bin`, import.meta.url));
}

/** Serialises weights (header fields other than params/format/checksum are taken as given). */
export function encodeClassifierWeights(
  meta: Omit<ClassifierHeader, 'params' | 'format' | 'checksum' | 'archVersion' | 'architecture'>,
  params: { name: string; shape: number[] }[],
  values: (name: string) => Float32Array,
): Buffer {
  let offset = 0;
  const entries = params.map((p) => {
    const length = p.shape.reduce((a, b) => a * b, 1);
    const v = values(p.name);
    if (v.length !== length) throw new Error(`parameter "${p.name}" has ${v.length} values, expected ${length}`);
    const e = { name: p.name, shape: p.shape, offset, length };
    offset += length * 4;
    return e;
  });
  const header: ClassifierHeader = {
    format: FORMAT_VERSION,
    archVersion: CLASSIFIER_ARCH_VERSION,
    architecture: CLASSIFIER_ARCH,
    ...meta,
    params: entries,
    checksum: 'SHA-256 of all preceding bytes, stored as the last 32 bytes of the file',
  };
  let json = JSON.stringify(header);
  const unpadded = 8 + 4 + Buffer.byteLength(json);
  json += ' '.repeat((4 - (unpadded % 4)) % 4);
  const headerBytes = Buffer.from(json, 'utf8');
  const payload = Buffer.alloc(offset);
  for (const e of entries) {
    const v = values(e.name);
    Buffer.from(v.buffer, v.byteOffset, v.byteLength).copy(payload, e.offset);
  }
  const len = Buffer.alloc(4);
  len.writeUInt32LE(headerBytes.length, 0);
  const body = Buffer.concat([Buffer.from(MAGIC, 'latin1'), len, headerBytes, payload]);
  return Buffer.concat([body, createHash('sha256').update(body).digest()]);
}

/** Reads and verifies a weight file. Throws `classifier weights <path> are corrupt (checksum mismatch)` on any damage. */
export function readClassifierWeights(path: string): ClassifierWeights {
  let buf: Buffer;
  try {
    buf = readFileSync(path);
  } catch (e) {
    throw new Error(`cannot read classifier weights ${path}: ${(e as Error).message}`, { cause: e });
  }
  const corrupt = () => new Error(`classifier weights ${path} are corrupt (checksum mismatch)`);
  if (buf.length < 8 + 4 + 32) throw corrupt();
  const body = buf.subarray(0, buf.length - 32);
  const digest = createHash('sha256').update(body).digest();
  if (!digest.equals(buf.subarray(buf.length - 32))) throw corrupt();
  if (body.toString('latin1', 0, 8) !== MAGIC) throw new Error(`${path} is not a tsgan classifier weight file`);
  const headerLen = body.readUInt32LE(8);
  const header = JSON.parse(body.toString('utf8', 12, 12 + headerLen)) as ClassifierHeader;
  if (header.format !== FORMAT_VERSION) {
    throw new Error(`classifier weights ${path} have format ${header.format}; this version reads ${FORMAT_VERSION}`);
  }
  if (header.archVersion !== CLASSIFIER_ARCH_VERSION) {
    throw new Error(
      `classifier weights ${path} are for architecture version ${header.archVersion}; this version builds ${CLASSIFIER_ARCH_VERSION}`,
    );
  }
  const start = 12 + headerLen;
  const payload = body.subarray(start);
  const values: Record<string, Float32Array> = {};
  for (const p of header.params) {
    if (p.offset + p.length * 4 > payload.length) {
      throw new Error(`classifier weights ${path}: parameter "${p.name}" lies past the end of the data`);
    }
    // Copy into an aligned array (Buffer slices may not start on a 4-byte boundary in memory).
    values[p.name] = new Float32Array(payload.buffer.slice(payload.byteOffset + p.offset, payload.byteOffset + p.offset + p.length * 4));
  }
  return { header, values };
}

// ---- inference ----

export interface Embedding {
  /** [n, 128] activations of the feature layer (after its ReLU). */
  features: Float32Array;
  /** [n, 10] softmax class probabilities. */
  probs: Float32Array;
}

export interface Classifier {
  kind: ClassifierKind;
  header: ClassifierHeader;
  /** Runs n images ([n, 1, 28, 28], values in [-1, 1]) through the network in batches. */
  embed(images: Float32Array, n: number): Promise<Embedding>;
  release(): Promise<void>;
}

export const EMBED_BATCH = 500;

/**
 * Compiles the inference program (input "x" [batch, 1, 28, 28]; outputs "features" and "probs")
 * over a store holding the classifier's parameters.
 */
export async function compileClassifier(
  net: ClassifierNet,
  store: E.StateStore,
  batch = EMBED_BATCH,
  threads?: number,
): Promise<E.Program> {
  const ctx = new E.StateTrace(false);
  const x = E.input('x', [batch, 1, 28, 28]);
  const features = net.features(x, ctx);
  const probs = E.softmax(net.logits(features, ctx), -1);
  return E.Program.compile({ outputs: { features, probs } }, store, { threads });
}

/** Embeds n images with a program from compileClassifier (the last partial batch is zero-padded). */
export async function embedWith(prog: E.Program, images: Float32Array, n: number): Promise<Embedding> {
  if (images.length < n * IMAGE_SIZE) throw new Error(`embed: ${images.length} values hold fewer than ${n} images of 1x28x28`);
  const batch = prog.inputs.find((i) => i.name === 'x')!.shape[0]!;
  const features = new Float32Array(n * FEATURE_DIM);
  const probs = new Float32Array(n * NUM_CLASSES);
  const x = new Float32Array(batch * IMAGE_SIZE);
  for (let done = 0; done < n; done += batch) {
    const m = Math.min(batch, n - done);
    x.fill(0);
    x.set(images.subarray(done * IMAGE_SIZE, (done + m) * IMAGE_SIZE));
    const r = await prog.run({ x });
    features.set((r.features!.data as Float32Array).subarray(0, m * FEATURE_DIM), done * FEATURE_DIM);
    probs.set((r.probs!.data as Float32Array).subarray(0, m * NUM_CLASSES), done * NUM_CLASSES);
  }
  return { features, probs };
}

/** Loads a classifier's weights (by default the shipped file of `kind`) and compiles its inference program. */
export async function loadClassifier(kind: ClassifierKind, path: string = classifierPath(kind)): Promise<Classifier> {
  const { header, values } = readClassifierWeights(path);
  if (header.kind !== kind) throw new Error(`classifier weights ${path} are for ${header.kind}, not ${kind}`);
  const net = classifierNet();
  const store = new E.StateStore();
  for (const p of net.params()) {
    const v = values[p.name];
    if (!v) throw new Error(`classifier weights ${path} lack parameter "${p.name}"`);
    store.set(p.name, v, p.shape);
  }
  const prog = await compileClassifier(net, store);
  return {
    kind,
    header,
    embed: (images, n) => embedWith(prog, images, n),
    release: () => prog.release(),
  };
}

/** Fraction of rows of probs [n, 10] whose argmax equals the label. */
export function accuracy(probs: Float32Array, labels: ArrayLike<number>, n: number): number {
  let right = 0;
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < NUM_CLASSES; c++) if (probs[i * NUM_CLASSES + c]! > probs[i * NUM_CLASSES + best]!) best = c;
    if (best === labels[i]) right++;
  }
  return right / n;
}
