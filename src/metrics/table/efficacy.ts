// Machine-learning efficacy (the CTGAN paper's and SDGym's measure): classifiers trained on the
// synthetic rows and, for reference, on the real training rows, both scored on held-out real rows.
// The target is a categorical or boolean column; rows where it is missing are left out. A binary
// target's F1 is that of its positive class, the rarer class in the real training rows (as the
// ">50K" of Adult that SDGym's label 1 stands for); otherwise F1 is macro.
import { InputError } from '../../errors.js';
import type { Table } from '../../tables/types.js';
import { argmaxRows } from '../frechet.js';
import { trainClassifier, type ClassifierKind, type ClassifierOptions } from './classifiers.js';
import { columnIndex, columnShape, labelColumn } from './columns.js';
import { fitFeatures } from './features.js';
import { accuracy, aucFromProbs, f1Of, macroF1 } from './scores.js';

export interface ClassifierScores {
  accuracy: number;
  f1: number;
  auc: number | null;
  /** Rows the classifier was trained on. */
  trainRows: number;
}

export interface EfficacyReport {
  target: string;
  classes: string[];
  /** Binary targets: the class whose F1 is reported. */
  positive: string | null;
  f1: 'binary' | 'macro';
  testRows: number;
  /** Synthetic rows dropped for a target that is missing or not a class of the real rows. */
  syntheticRowsDropped: number;
  /** Per classifier: trained on real training rows, and on synthetic rows. */
  classifiers: Record<ClassifierKind, { real: ClassifierScores; synthetic: ClassifierScores }>;
}

export interface EfficacyOptions {
  seed?: number;
  /** Per-classifier overrides of the training recipe (epochs, lr, ...). */
  logistic?: ClassifierOptions;
  mlp?: ClassifierOptions;
}

/** The rows whose target is one of `classes`, and their labels as class indices. */
function labelled(table: Table, target: number, classes: string[]): { rows: Table; labels: Int32Array } {
  const index = new Map(classes.map((c, i) => [c, i]));
  const keep: number[] = [];
  const labels: number[] = [];
  labelColumn(table, target).forEach((l, i) => {
    const k = l === null ? undefined : index.get(l);
    if (k !== undefined) {
      keep.push(i);
      labels.push(k);
    }
  });
  return { rows: { ...table, rows: keep.map((i) => table.rows[i]!) }, labels: Int32Array.from(labels) };
}

export async function mlEfficacy(train: Table, holdout: Table, synthetic: Table, targetName: string, o: EfficacyOptions = {}): Promise<EfficacyReport> {
  const target = columnIndex(train, targetName);
  const spec = train.columns[target]!;
  if (columnShape(spec.kind) !== 'discrete') {
    throw new InputError(`target column "${targetName}" is ${spec.kind}; ML efficacy needs a categorical or boolean target`);
  }
  const counts = new Map<string, number>();
  for (const l of labelColumn(train, target)) if (l !== null) counts.set(l, (counts.get(l) ?? 0) + 1);
  const classes = [...counts.keys()].sort();
  if (classes.length < 2) throw new InputError(`target column "${targetName}" has ${classes.length} class in the training rows; ML efficacy needs at least 2`);
  // The rarer class; on a tie, the later one in sorted order (label 1 of a 0/1 target).
  const positive = classes.length === 2 ? (counts.get(classes[0]!)! < counts.get(classes[1]!)! ? 0 : 1) : undefined;

  const test = labelled(holdout, target, classes);
  if (test.labels.length === 0) throw new InputError(`the holdout rows have no value of target column "${targetName}" that the training rows have`);
  const real = labelled(train, target, classes);
  const syn = labelled(synthetic, target, classes);
  if (syn.labels.length === 0) throw new InputError(`no synthetic row has a value of target column "${targetName}" among the real classes (${classes.join(', ')})`);
  const k = classes.length;

  async function score(kind: ClassifierKind, fit: { rows: Table; labels: Int32Array }): Promise<ClassifierScores> {
    const features = fitFeatures(fit.rows, target);
    const trained = await trainClassifier(kind, features.encode(fit.rows), fit.labels, features.width, k, { seed: o.seed, ...o[kind] });
    const probs = await trained.predict(features.encode(test.rows), test.labels.length);
    const predicted = argmaxRows(probs, test.labels.length, k);
    return {
      accuracy: accuracy(test.labels, predicted),
      f1: positive === undefined ? macroF1(test.labels, predicted) : f1Of(test.labels, predicted, positive),
      auc: aucFromProbs(test.labels, probs, k, positive),
      trainRows: fit.labels.length,
    };
  }

  const classifiers = {} as EfficacyReport['classifiers'];
  for (const kind of ['logistic', 'mlp'] as const) {
    classifiers[kind] = { real: await score(kind, real), synthetic: await score(kind, syn) };
  }
  return {
    target: targetName,
    classes,
    positive: positive === undefined ? null : classes[positive]!,
    f1: positive === undefined ? 'macro' : 'binary',
    testRows: test.labels.length,
    syntheticRowsDropped: synthetic.rows.length - syn.labels.length,
    classifiers,
  };
}
