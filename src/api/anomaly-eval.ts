// `gan eval` on an anomaly detection run: AUROC and AUPRC of its scores on samples labelled normal
// (0) or anomalous (1). On MNIST and Fashion-MNIST the labels come from the test split: the run's
// classes (data.classes) are normal, every other class anomalous; otherwise --in and --labels give them.
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { InputError } from '../errors.js';
import type { LoadedRun } from '../gan/trainer.js';
import { auroc, averagePrecision } from '../metrics/anomaly.js';
import { copySamples, FASHION_CLASSES, loadFashionMnist, loadMnist, MNIST_CLASSES } from '../data/datasets.js';
import { parseNumericCsv } from '../run/csv.js';
import { resolveClasses } from '../data/subset.js';
import { readNpy } from '../run/npy.js';
import { anomalyScores, anomalyThreshold, DEFAULT_FPR, readScoreInput, sampleCount } from './score.js';

export interface AnomalyEvalOptions {
  ema: boolean;
  /** Samples to score (.npy, image folder, CSV) and their labels (.npy or one-column CSV of 0/1). */
  in?: string;
  labels?: string;
  /** The false-positive rate of the threshold whose detection rate is reported. */
  fpr?: number;
}

/** A labels file: .npy of integers or floats, or a CSV of one column, each 0 (normal) or 1 (anomalous). */
function readLabels(path: string, n: number): Float64Array {
  let values: ArrayLike<number | bigint>;
  if (extname(path).toLowerCase() === '.npy') values = readNpy(path).data;
  else if (extname(path).toLowerCase() === '.csv') {
    const csv = parseNumericCsv(readFileSync(path, 'utf8'), `--labels ${path}`);
    if (csv.cols !== 1) throw new InputError(`--labels ${path}: expected one column of 0 (normal) or 1 (anomalous), got ${csv.cols} columns`);
    values = csv.data;
  } else throw new InputError(`--labels ${path}: expected a .npy or .csv file of 0 (normal) and 1 (anomalous)`);
  if (values.length !== n) throw new InputError(`--labels ${path}: expected ${n} labels (one per input), got ${values.length}`);
  const out = Float64Array.from({ length: n }, (_, i) => Number(values[i]!));
  const bad = out.findIndex((v) => v !== 0 && v !== 1);
  if (bad >= 0) throw new InputError(`--labels ${path}: label ${bad} is ${out[bad]}; expected 0 (normal) or 1 (anomalous)`);
  return out;
}

/** The run's normal class indices (data.classes, names or indices) among a bundled set's classes. */
function normalClasses(r: LoadedRun, names: string[]): number[] {
  const asked = (r.cfg.data as { classes?: (number | string)[] }).classes;
  if (!asked) throw new InputError(`gan eval: run ${r.run.path} trained on every class of ${r.cfg.data.kind}, so its test split has no anomalies; train on some classes (data.classes) or pass --in FILE --labels FILE`);
  return resolveClasses(asked, names, r.cfg.data.kind);
}

/** The test split with labels 0 for the run's classes and 1 for the others (MNIST, Fashion-MNIST). */
function bundledTest(r: LoadedRun): { x: Float32Array; labels: Float64Array; what: string; normal: string[] } {
  const kind = r.cfg.data.kind;
  if (kind !== 'mnist' && kind !== 'fashion') throw new InputError(`gan eval: run ${r.run.path} has ${kind} data, which has no test split labelled normal and anomalous; pass --in FILE --labels FILE`);
  const names = kind === 'mnist' ? MNIST_CLASSES : FASHION_CLASSES;
  const normal = new Set(normalClasses(r, names));
  const test = kind === 'mnist' ? loadMnist('test') : loadFashionMnist('test');
  const x = new Float32Array(test.count * 784);
  copySamples(test, 0, test.count, x, 0);
  const labels = Float64Array.from(test.labels!, (l) => (normal.has(l) ? 0 : 1));
  return { x, labels, what: `${kind} test split`, normal: [...normal].sort((a, b) => a - b).map((k) => names[k]!) };
}

export async function evaluateAnomaly(r: LoadedRun, o: AnomalyEvalOptions): Promise<Record<string, unknown>> {
  if ((o.in === undefined) !== (o.labels === undefined)) throw new InputError('gan eval: --in and --labels go together (the samples and whether each is normal or anomalous)');
  let data: { x: Float32Array; labels: Float64Array; what: string; normal?: string[] };
  if (o.in !== undefined) {
    const { x } = await readScoreInput(r, o.in);
    data = { x, labels: readLabels(o.labels!, sampleCount(r, x, `--in ${o.in}`)), what: o.in };
  } else data = bundledTest(r);
  const start = performance.now();
  const scores = await anomalyScores(r, data.x, o.ema);
  const seconds = (performance.now() - start) / 1000;
  const labels = data.labels;
  const fpr = o.fpr ?? DEFAULT_FPR;
  const t = await anomalyThreshold(r, fpr, o.ema);
  let caught = 0;
  let falseAlarms = 0;
  scores.forEach((s, i) => {
    if (s <= t.threshold) return;
    if (labels[i] === 1) caught++;
    else falseAlarms++;
  });
  const anomalous = labels.reduce((a, b) => a + b, 0);
  return {
    run: r.run.path,
    step: r.step,
    gan_type: r.recipe.type,
    data: r.cfg.data,
    test: data.what,
    ...(data.normal ? { normal_classes: data.normal } : {}),
    normal: labels.length - anomalous,
    anomalous,
    auroc: auroc(scores, labels),
    auprc: averagePrecision(scores, labels),
    threshold: { ...t, detection_rate: caught / anomalous, false_positive_rate: falseAlarms / (labels.length - anomalous) },
    images_per_second: scores.length / seconds,
  };
}
