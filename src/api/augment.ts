// `gan augment`: labelled synthetic samples from a class-aware run, in the layouts training
// pipelines read (an ImageFolder tree of PNGs, or .npy arrays with an int64 labels file), with an
// optional filter (the run's own discriminator, or a given ONNX classifier) and a record of what
// was generated (augment.json).
import { mkdirSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import * as ort from 'onnxruntime-node';
import * as E from '../engine/index.js';
import { InputError } from '../errors.js';
import { compileSampler, drawSamples } from '../gan/sampler.js';
import type { LoadedRun } from '../gan/trainer.js';
import { atomicWriteFile } from '../run/atomic.js';
import { writeNpy } from '../run/npy.js';
import { imageGrid, writePng } from '../run/png.js';
import { TSGAN_VERSION } from '../version.js';
import { isFolderOut, labelsPath, toDataScale, useEma } from './outputs.js';

export interface AugmentOptions {
  /** Samples written of each class. */
  perClass: number;
  /** A folder (one sub-folder of PNGs per class) or a .npy file (labels beside it in FILE.labels.npy). */
  out: string;
  /** Keep the best-scored candidates: "d" (the run's discriminator) or the path of an ONNX classifier. */
  filter?: string;
  /** With a filter: the share of candidates kept (perClass / keep are drawn per class; default 0.5). */
  keep?: number;
  /** Seed of the noise (default 0); class c draws from Rng(seed).fork(c + 1). */
  seed?: number;
  /** Use the moving average of G's weights when the run kept one (default true). */
  ema?: boolean;
}

/** One class of an augmentation: its label in the run, its name, and its label in the whole source. */
export interface AugmentClass {
  label: number;
  name: string;
  /** The label the class has in the source before data.classes re-indexed it. */
  value: number;
  count: number;
  /** Share of its candidates kept by the filter (1 without one). */
  acceptance: number;
  /** Folder output: the sub-folder its PNGs are in. */
  folder?: string;
}

/** What augment.json records. */
export interface AugmentRecord {
  producer: string;
  run: string;
  step: number;
  gan_type: string;
  seed: number;
  weights: 'exponential moving average' | 'raw';
  per_class: number;
  out: string;
  layout: 'image-folder' | 'npy';
  files: { samples: string; labels: string };
  filter: null | { by: 'discriminator' | 'classifier'; classifier?: string; keep: number; candidates_per_class: number; score: string };
  /** Kept / drawn over every class. */
  acceptance_rate: number;
  /** Classifier filter: share of the kept samples whose most probable class is the one asked for. */
  classifier_agreement?: number;
  classes: AugmentClass[];
}

/** `--out` takes a folder (ending in / or existing) or a .npy file; checked before a run is loaded. */
export function checkAugmentOut(out: string): void {
  if (isFolderOut(out) || extname(out).toLowerCase() === '.npy') return;
  throw new InputError(`--out ${out}: expected a folder (ending in /) for one sub-folder of PNGs per class, or a .npy file (its labels go to ${basename(out, extname(out))}.labels.npy)`);
}

function checkOptions(o: AugmentOptions): number {
  if (!Number.isInteger(o.perClass) || o.perClass < 1) throw new InputError(`--per-class ${o.perClass}: expected an integer of at least 1`);
  if (o.keep !== undefined && o.filter === undefined) throw new InputError('--keep chooses the share of candidates a filter keeps: give --filter d or --filter CLASSIFIER.onnx');
  const keep = o.keep ?? 0.5;
  if (!(keep > 0 && keep <= 1)) throw new InputError(`--keep ${o.keep}: expected a share in (0, 1]`);
  if (o.filter !== undefined && o.filter !== 'd' && extname(o.filter).toLowerCase() !== '.onnx') throw new InputError(`--filter ${o.filter}: expected "d" (the run's discriminator) or an .onnx classifier`);
  return keep;
}

/** A folder name for a class name: path separators and characters file systems refuse become "_". */
const folderName = (name: string) => name.replace(/[\\/:*?"<>|\s]+/g, '_').replace(/^\.+/, '_') || '_';

/** Indices of the `n` highest scores (ties: the earlier sample), in sample order. */
export function topScores(scores: Float32Array, n: number): number[] {
  const order = Array.from(scores.keys()).sort((a, b) => scores[b]! - scores[a]! || a - b);
  return order.slice(0, n).sort((a, b) => a - b);
}

/** D's score of samples as samples of their labels, in batches. */
async function discriminatorScores(r: LoadedRun, batch: number): Promise<(x: Float32Array, y: BigInt64Array) => Promise<Float32Array>> {
  const s = r.recipe.sampler!;
  if (!s.judge) throw new InputError(`--filter d: the ${r.recipe.type} discriminator does not score a sample by its label`);
  const x = E.input('x', [batch, ...s.output]);
  const y = E.input('y', [batch], 'int64');
  const prog = await E.Program.compile({ outputs: { score: s.judge(x, y, new E.StateTrace(false)) } }, r.store);
  const per = s.output.reduce((a, b) => a * b, 1);
  return async (xs, ys) => {
    const out = new Float32Array(ys.length);
    const fx = new Float32Array(batch * per);
    const fy = new BigInt64Array(batch);
    for (let done = 0; done < ys.length; done += batch) {
      const m = Math.min(batch, ys.length - done);
      fx.fill(0).set(xs.subarray(done * per, (done + m) * per));
      fy.fill(0n).set(ys.subarray(done, done + m));
      out.set(((await prog.run({ x: fx, y: fy })).score!.data as Float32Array).subarray(0, m), done);
    }
    return out;
  };
}

/** An ONNX classifier's log-probabilities [n, K] (softmax of its output, or of its "probs" output's logarithm). */
async function classifierLogProbs(path: string, shape: number[]): Promise<{ run: (x: Float32Array, n: number) => Promise<Float32Array>; release: () => Promise<void> }> {
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(path, { logSeverityLevel: 3 });
  } catch (e) {
    throw new InputError(`--filter ${path}: cannot load the ONNX classifier: ${(e as Error).message}`, { cause: e });
  }
  const input = session.inputMetadata[0];
  const dims = input?.isTensor ? input.shape.slice(1) : [];
  if (session.inputMetadata.length !== 1 || !input?.isTensor || dims.join() !== shape.join()) {
    await session.release();
    throw new InputError(`--filter ${path}: expected a classifier of one float32 input [batch, ${shape.join(', ')}] (the run's samples); it takes ${session.inputMetadata.map((i) => (i.isTensor ? `${i.name} [${i.shape.join(', ')}]` : i.name)).join(', ')}`);
  }
  const probs = session.outputNames.includes('probs');
  const output = probs ? 'probs' : session.outputNames[0]!;
  const per = shape.reduce((a, b) => a * b, 1);
  const fixed = typeof input.shape[0] === 'number' && input.shape[0] > 0 ? input.shape[0] : undefined;
  return {
    async run(x, n) {
      const batch = fixed ?? Math.min(250, n);
      const v = await E.runInBatches(x, n, per, batch, async (feed) => (await session.run({ [input.name]: new ort.Tensor('float32', feed, [batch, ...shape]) }))[output]!.data as Float32Array);
      const k = v.length / n;
      const out = new Float32Array(v.length);
      for (let i = 0; i < n; i++) {
        const row = v.subarray(i * k, (i + 1) * k);
        const logits = probs ? Array.from(row, (p) => Math.log(Math.max(p, 1e-30))) : Array.from(row);
        const max = Math.max(...logits);
        const lse = max + Math.log(logits.reduce((s, l) => s + Math.exp(l - max), 0));
        logits.forEach((l, c) => (out[i * k + c] = l - lse));
      }
      return out;
    },
    release: () => session.release(),
  };
}

/** Refuses runs that do not draw samples by the data's labels. */
function checkLabelled(r: LoadedRun): number {
  const dir = r.run.path;
  const labels = r.recipe.sampler?.labels;
  if (!labels) throw new InputError(`run ${dir} (model type "${r.recipe.type}") has no labels to augment with: gan augment needs a class-aware run (cgan, acgan)`);
  if (labels.meaning !== 'class') throw new InputError(`run ${dir} (model type "${r.recipe.type}") draws by its categorical code, not by the data's labels: gan augment needs a class-aware run (cgan, acgan)`);
  return labels.classes;
}

/** Writes perClass labelled samples of every class of a class-aware run, and augment.json. */
export async function augmentRun(r: LoadedRun, o: AugmentOptions): Promise<AugmentRecord> {
  checkAugmentOut(o.out);
  const keep = checkOptions(o);
  const classes = checkLabelled(r);
  const folder = isFolderOut(o.out);
  const shape = r.recipe.sampler!.output;
  if (folder && (r.source.kind !== 'image' || (shape[0] !== 1 && shape[0] !== 3))) {
    throw new InputError(`--out ${o.out}: a folder of PNGs needs images of 1 or 3 channels; this run generates ${r.source.kind} samples of shape [${shape.join(', ')}]: write a .npy file`);
  }
  const seed = o.seed ?? 0;
  const ds = r.source.dataset;
  const names = Array.from({ length: classes }, (_, c) => ds?.classNames?.[c] ?? String(c));
  const values = Array.from({ length: classes }, (_, c) => ds?.labelValues?.[c] ?? c);
  const candidates = o.filter === undefined ? o.perClass : Math.ceil(o.perClass / keep);
  const batch = Math.min(candidates, 500);
  const ema = useEma(r.store, o.ema ?? true);
  const sampler = await compileSampler(r.recipe, batch, r.store, { ema });
  const byD = o.filter === 'd' ? await discriminatorScores(r, batch) : undefined;
  const byClassifier = o.filter !== undefined && o.filter !== 'd' ? await classifierLogProbs(o.filter, shape) : undefined;
  const per = shape.reduce((a, b) => a * b, 1);
  const x = new Float32Array(classes * o.perClass * per);
  let agree = 0;
  try {
    for (let c = 0; c < classes; c++) {
      const y = new BigInt64Array(candidates).fill(BigInt(c));
      const drawn = await drawSamples(sampler, candidates, new E.Rng(seed).fork(c + 1), y);
      let kept = Array.from({ length: o.perClass }, (_, i) => i);
      if (byD) kept = topScores(await byD(drawn, y), o.perClass);
      if (byClassifier) {
        const lp = await byClassifier.run(drawn, candidates);
        const k = lp.length / candidates;
        if (values[c]! >= k) throw new InputError(`--filter ${o.filter}: the classifier gives ${k} classes; class "${names[c]}" has label ${values[c]} in the run's data`);
        kept = topScores(Float32Array.from({ length: candidates }, (_, i) => lp[i * k + values[c]!]!), o.perClass);
        for (const i of kept) if (argmax(lp.subarray(i * k, (i + 1) * k)) === values[c]) agree++;
      }
      kept.forEach((i, j) => x.set(drawn.subarray(i * per, (i + 1) * per), (c * o.perClass + j) * per));
    }
  } finally {
    await sampler.release();
    await byClassifier?.release();
  }
  const labels = BigInt64Array.from({ length: classes * o.perClass }, (_, i) => BigInt(Math.floor(i / o.perClass)));
  const files = folder ? writeImageFolder(o.out, x, labels, shape, names) : writeArrays(o.out, toDataScale(x, r.source), labels, shape);
  const acceptance = o.perClass / candidates;
  const record: AugmentRecord = {
    producer: `tsgan ${TSGAN_VERSION}`,
    run: r.run.path,
    step: r.step,
    gan_type: r.recipe.type,
    seed,
    weights: ema ? 'exponential moving average' : 'raw',
    per_class: o.perClass,
    out: o.out,
    layout: folder ? 'image-folder' : 'npy',
    files,
    filter:
      o.filter === undefined
        ? null
        : o.filter === 'd'
          ? { by: 'discriminator', keep, candidates_per_class: candidates, score: "D's score of each sample given its label (cgan: logit with the label's projection; acgan: realness logit + log p(label))" }
          : { by: 'classifier', classifier: o.filter, keep, candidates_per_class: candidates, score: "the classifier's log-probability of the asked class" },
    acceptance_rate: acceptance,
    ...(byClassifier ? { classifier_agreement: agree / (classes * o.perClass) } : {}),
    classes: names.map((name, c) => ({ label: c, name, value: values[c]!, count: o.perClass, acceptance, ...(folder ? { folder: folderName(name) } : {}) })),
  };
  atomicWriteFile(recordPath(o.out), `${JSON.stringify(record, null, 2)}\n`);
  return record;
}

/** Where augment.json goes: inside the folder, or FILE.augment.json beside FILE.npy. */
export const recordPath = (out: string) => (isFolderOut(out) ? join(out, 'augment.json') : out.replace(/\.npy$/i, '.augment.json'));

function argmax(v: Float32Array): number {
  let best = 0;
  for (let i = 1; i < v.length; i++) if (v[i]! > v[best]!) best = i;
  return best;
}

/** ImageFolder: DIR/<class name>/sample-00000.png, and labels.csv (file, label, class) over all of them. */
function writeImageFolder(dir: string, x: Float32Array, labels: BigInt64Array, [c, h, w]: number[], names: string[]): { samples: string; labels: string } {
  const per = c! * h! * w!;
  const counts = new Map<number, number>();
  const rows: string[] = [];
  labels.forEach((l, i) => {
    const k = Number(l);
    const j = counts.get(k) ?? 0;
    counts.set(k, j + 1);
    const file = `${folderName(names[k]!)}/sample-${String(j).padStart(5, '0')}.png`;
    mkdirSync(join(dir, dirname(file)), { recursive: true });
    writePng(join(dir, file), imageGrid(x.subarray(i * per, (i + 1) * per), [1, c!, h!, w!], { pad: 0 }));
    rows.push(`${file},${k},"${names[k]!.replace(/"/g, '""')}"`);
  });
  const csv = join(dir, 'labels.csv');
  atomicWriteFile(csv, `file,label,class\n${rows.join('\n')}\n`);
  return { samples: dir, labels: csv };
}

/** FILE.npy (float32 [N, ...shape]) and FILE.labels.npy (int64 [N]). */
function writeArrays(out: string, x: Float32Array, labels: BigInt64Array, shape: number[]): { samples: string; labels: string } {
  writeNpy(out, x, [labels.length, ...shape]);
  writeNpy(labelsPath(out), labels, [labels.length]);
  return { samples: out, labels: labelsPath(out) };
}
