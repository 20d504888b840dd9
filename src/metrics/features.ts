// Feature spaces for the distribution metrics (Frechet distance, KID, precision/recall,
// density/coverage): a network that maps images to feature vectors. Either one of the shipped
// classifiers (by name) or any ONNX network the user gives (`gan eval --features net.onnx`).
//
// The ONNX input convention (docs/metrics.md): one float32 input [batch, C, H, W] with fixed C, H
// and W (the batch may be symbolic or fixed); it is given images in [-1, 1], resized bilinearly
// from the samples' size when it differs, grey samples repeated to 3 channels and colour samples
// turned grey (ITU-R BT.601 luma) when the channels differ. The output named "features", else the
// first output, flattened per sample, is the feature vector.
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import ort from 'onnxruntime-node';
import * as E from '../engine/index.js';
import { InputError } from '../errors.js';
import { type ClassifierKind } from './classifier.js';
import { sharedClassifier } from './frechet.js';
import type { FeatureSet } from './gram.js';

export type ImageShape = readonly [number, number, number];

export interface FeatureSpace {
  /** How reports name it: the shipped classifier's name, or the ONNX file's name. */
  name: string;
  /** The images it takes, [C, H, W]. */
  input: ImageShape;
  /** Features of n images [n, ...shape] in [-1, 1], adapted to `input` first. */
  embed(images: Float32Array, n: number, shape: ImageShape): Promise<FeatureSet>;
  /** Networks that also classify (an output "probs" [batch, classes]): each image's most probable class. */
  classify?(images: Float32Array, n: number, shape: ImageShape): Promise<Int32Array>;
  release(): Promise<void>;
}

/** The shipped classifiers as feature spaces, by name: adding one (e.g. emoji) is one entry. */
export const SHIPPED_FEATURE_SPACES: Record<string, { classifier: ClassifierKind; input: ImageShape }> = {
  mnist: { classifier: 'mnist', input: [1, 28, 28] },
  fashion: { classifier: 'fashion', input: [1, 28, 28] },
};

/** The emoji feature network (scripts/train-emoji-features.ts), shipped as ONNX: outputs "features" and "probs". */
export const EMOJI_FEATURES_PATH = fileURLToPath(new URL('../../assets/features/emoji.onnx', import.meta.url));

/** Shipped feature networks that are ONNX files, by name. */
export const SHIPPED_ONNX_FEATURES: Record<string, string> = { emoji: EMOJI_FEATURES_PATH };

/** The feature space `gan eval` uses for a kind of data when not told (none for other data). */
export const DEFAULT_FEATURE_SPACES: Partial<Record<string, string>> = { mnist: 'mnist', fashion: 'fashion', emoji: 'emoji' };

/** ITU-R BT.601 luma weights, for colour samples measured by a grey network. */
const LUMA = [0.299, 0.587, 0.114];

/**
 * Images [n, ...from] as [n, ...to]: channels first (grey repeated to 3, 3 made grey by luma), then
 * a bilinear resize (half-pixel centres, PyTorch's align_corners=False, no antialiasing).
 */
export function fitImages(images: Float32Array, n: number, from: ImageShape, to: ImageShape): Float32Array {
  const [c, h, w] = from;
  const [tc, th, tw] = to;
  let x = images.subarray(0, n * c * h * w);
  if (c !== tc) {
    const out = new Float32Array(n * tc * h * w);
    const plane = h * w;
    for (let i = 0; i < n; i++) {
      for (let p = 0; p < plane; p++) {
        if (c === 1 && tc === 3) for (let k = 0; k < 3; k++) out[(i * 3 + k) * plane + p] = x[i * plane + p]!;
        else if (c === 3 && tc === 1) out[i * plane + p] = LUMA.reduce((s, wt, k) => s + wt * x[(i * 3 + k) * plane + p]!, 0);
        else throw new InputError(`the feature network takes ${tc}-channel images; the samples have ${c} channels`);
      }
    }
    x = out;
  }
  if (h === th && w === tw) return x;
  const rows = E.interpolationMatrix(h, th, 'bilinear');
  const cols = E.interpolationMatrix(w, tw, 'bilinear');
  const out = new Float32Array(n * tc * th * tw);
  const tmp = new Float64Array(th * w);
  for (let img = 0; img < n * tc; img++) {
    const src = img * h * w;
    tmp.fill(0);
    for (let o = 0; o < th; o++) for (let i = 0; i < h; i++) {
      const r = rows[o * h + i]!;
      if (r !== 0) for (let j = 0; j < w; j++) tmp[o * w + j]! += r * x[src + i * w + j]!;
    }
    for (let o = 0; o < th; o++) for (let q = 0; q < tw; q++) {
      let s = 0;
      for (let j = 0; j < w; j++) s += cols[q * w + j]! * tmp[o * w + j]!;
      out[(img * th + o) * tw + q] = s;
    }
  }
  return out;
}

const size = (s: ImageShape) => s[0] * s[1] * s[2];

async function shippedFeatureSpace(name: string): Promise<FeatureSpace> {
  const { classifier, input } = SHIPPED_FEATURE_SPACES[name]!;
  const net = await sharedClassifier(classifier);
  return {
    name,
    input,
    async embed(images, n, shape) {
      const { features } = await net.embed(fitImages(images, n, shape, input), n);
      return { values: features, n, d: features.length / n };
    },
    // Shared per process (sharedClassifier): nothing to release here.
    release: async () => {},
  };
}

/** Images per run of a network whose batch dimension is symbolic. */
const ONNX_BATCH = 250;

/** An ONNX network as a feature space, checked against the input convention. */
export async function onnxFeatureSpace(path: string): Promise<FeatureSpace> {
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(path, { logSeverityLevel: 3 });
  } catch (e) {
    throw new InputError(`--features ${path}: cannot load the ONNX network: ${(e as Error).message}`, { cause: e });
  }
  const inputs = session.inputMetadata;
  const shown = inputs.map((i) => (i.isTensor ? `${i.name} ${i.type} [${i.shape.join(', ')}]` : i.name)).join(', ');
  const meta = inputs[0];
  const dims = meta?.isTensor ? meta.shape : [];
  if (inputs.length !== 1 || !meta?.isTensor || meta.type !== 'float32' || dims.length !== 4 || dims.slice(1).some((d) => typeof d !== 'number' || d < 1)) {
    await session.release();
    throw new InputError(`--features ${path}: expected one float32 input [batch, C, H, W] with fixed C, H and W; the network takes ${shown || 'no inputs'}`);
  }
  const input = dims.slice(1) as unknown as ImageShape;
  const fixedBatch = typeof dims[0] === 'number' && dims[0] > 0 ? dims[0] : undefined;
  const output = session.outputNames.includes('features') ? 'features' : session.outputNames[0]!;
  return {
    name: basename(path),
    input,
    async embed(images, n, shape) {
      const batch = fixedBatch ?? Math.min(ONNX_BATCH, n);
      const run = async (feed: Float32Array) => {
        const y = (await session.run({ [meta.name]: new ort.Tensor('float32', feed, [batch, ...input]) }))[output]!;
        if (y.type !== 'float32') throw new InputError(`--features ${path}: output "${output}" is ${y.type}, expected float32`);
        return y.data as Float32Array;
      };
      const values = await E.runInBatches(fitImages(images, n, shape, input), n, size(input), batch, run);
      return { values, n, d: values.length / n };
    },
    ...(session.outputNames.includes('probs')
      ? {
          async classify(images: Float32Array, n: number, shape: ImageShape) {
            const batch = fixedBatch ?? Math.min(ONNX_BATCH, n);
            const run = async (feed: Float32Array) => (await session.run({ [meta.name]: new ort.Tensor('float32', feed, [batch, ...input]) })).probs!.data as Float32Array;
            const probs = await E.runInBatches(fitImages(images, n, shape, input), n, size(input), batch, run);
            const k = probs.length / n;
            return Int32Array.from({ length: n }, (_, i) => {
              let best = 0;
              for (let c = 1; c < k; c++) if (probs[i * k + c]! > probs[i * k + best]!) best = c;
              return best;
            });
          },
        }
      : {}),
    release: () => session.release(),
  };
}

/** A feature space by name: a shipped classifier, or a path to an .onnx file. */
export async function openFeatureSpace(spec: string): Promise<FeatureSpace> {
  if (spec.toLowerCase().endsWith('.onnx')) return onnxFeatureSpace(spec);
  if (spec in SHIPPED_FEATURE_SPACES) return shippedFeatureSpace(spec);
  if (spec in SHIPPED_ONNX_FEATURES) return { ...(await onnxFeatureSpace(SHIPPED_ONNX_FEATURES[spec]!)), name: spec };
  throw new InputError(`--features ${spec}: expected a shipped feature space (${[...Object.keys(SHIPPED_FEATURE_SPACES), ...Object.keys(SHIPPED_ONNX_FEATURES)].join(', ')}) or an .onnx file`);
}
