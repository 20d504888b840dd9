// The two ML-efficacy classifiers, trained with this project's engine: logistic regression (one
// linear layer) and an MLP with one hidden layer of 100 ReLU units (scikit-learn's MLPClassifier
// default). Softmax cross-entropy with per-row weights (balanced classes for logistic regression,
// as SDGym configures scikit-learn's), L2 weight decay, Adam, mini-batches of 200 drawn from a
// seeded shuffle each epoch, for the given epochs or at least 500 steps. Same seed, same weights, same predictions.
import * as E from '../../engine/index.js';
import { Linear, ReLU } from '../../nn/layers.js';
import { Sequential } from '../../nn/module.js';
import { adam } from '../../optim/optimizers.js';

export type ClassifierKind = 'logistic' | 'mlp';

export interface ClassifierOptions {
  seed?: number;
  epochs?: number;
  lr?: number;
  batch?: number;
  weightDecay?: number;
  hidden?: number;
  /** At least this many optimizer steps however few the rows (small tables would otherwise get a few dozen). */
  minSteps?: number;
  /** Weight each class by n / (k * count): scikit-learn's class_weight='balanced'. */
  balanced?: boolean;
  threads?: number;
}

export const CLASSIFIER_DEFAULTS: Record<ClassifierKind, Required<Omit<ClassifierOptions, 'seed' | 'threads'>>> = {
  logistic: { epochs: 100, minSteps: 500, lr: 0.01, batch: 200, weightDecay: 1e-4, hidden: 0, balanced: true },
  mlp: { epochs: 50, minSteps: 500, lr: 1e-3, batch: 200, weightDecay: 1e-4, hidden: 100, balanced: false },
};

const STEPS_PER_CALL = 8;

export interface Trained {
  /** Class probabilities [n, k] of n rows of features [n, d]. */
  predict(x: Float32Array, n: number): Promise<Float32Array>;
}

function network(kind: ClassifierKind, d: number, k: number, hidden: number): Sequential {
  const layers = kind === 'logistic' ? [new Linear(d, k)] : [new Linear(d, hidden), ReLU(), new Linear(hidden, k)];
  return new Sequential(layers).named(kind === 'logistic' ? 'LR' : 'MLP');
}

/** Trains a classifier on n rows of features x [n, d] with labels in 0..k-1. */
export async function trainClassifier(kind: ClassifierKind, x: Float32Array, labels: Int32Array, d: number, k: number, o: ClassifierOptions = {}): Promise<Trained> {
  const c = { ...CLASSIFIER_DEFAULTS[kind], ...o };
  const n = labels.length;
  if (n === 0) throw new Error(`trainClassifier: no rows to train the ${kind} classifier on`);
  const batch = Math.min(c.batch, n);
  const net = network(kind, d, k, c.hidden);

  const trace = new E.StateTrace(true);
  const xb = E.input('x', [batch, d]);
  const yb = E.input('y', [batch, k]);
  const wb = E.input('w', [batch]);
  const lr = E.input('lr', []);
  const ce = E.neg(E.reduceSum(E.mul(yb, E.logSoftmax(net.call(xb, trace), -1)), 1));
  const loss = E.div(E.reduceSum(E.mul(wb, ce)), E.reduceSum(wb));
  const refs = net.allParams().map((p) => ({ name: p.name, shape: [...p.shape] }));
  const grads = E.grad(
    loss,
    refs.map((p) => trace.read(p.name, p.shape)),
  );
  adam(trace, refs, grads, { lr, weightDecay: c.weightDecay, name: `${net.path}.opt` });

  const store = new E.StateStore();
  const rng = new E.Rng(o.seed ?? 0);
  E.initState(store, trace.declared(), rng.fork(1));
  const shuffle = rng.fork(2);
  const prog = await E.Program.compile({ outputs: { loss }, updates: trace.updates() }, store, {
    loop: { steps: STEPS_PER_CALL, perStep: ['x', 'y', 'w'] },
    threads: o.threads,
  });

  const counts = new Array<number>(k).fill(0);
  for (const l of labels) counts[l]!++;
  const weight = (l: number) => (c.balanced ? n / (k * counts[l]!) : 1);
  const stepsPerEpoch = Math.max(1, Math.floor(n / batch));
  const calls = Math.ceil(Math.max(c.epochs * stepsPerEpoch, c.minSteps) / STEPS_PER_CALL);
  const xs = new Float32Array(STEPS_PER_CALL * batch * d);
  const ys = new Float32Array(STEPS_PER_CALL * batch * k);
  const ws = new Float32Array(STEPS_PER_CALL * batch);
  let order = shuffle.permutation(n);
  let next = 0;
  try {
    for (let call = 0; call < calls; call++) {
      ys.fill(0);
      for (let j = 0; j < STEPS_PER_CALL * batch; j++) {
        if (next === stepsPerEpoch * batch) {
          order = shuffle.permutation(n);
          next = 0;
        }
        const i = order[next++]!;
        xs.set(x.subarray(i * d, (i + 1) * d), j * d);
        ys[j * k + labels[i]!] = 1;
        ws[j] = weight(labels[i]!);
      }
      await prog.run({ x: xs, y: ys, w: ws, lr: c.lr });
    }
  } finally {
    await prog.release();
  }

  return {
    async predict(features: Float32Array, m: number): Promise<Float32Array> {
      const ctx = new E.StateTrace(false);
      const probs = E.softmax(net.call(E.input('x', [m, d]), ctx), -1);
      const p = await E.Program.compile({ outputs: { probs } }, store, { threads: o.threads });
      try {
        return (await p.run({ x: features })).probs!.data as Float32Array;
      } finally {
        await p.release();
      }
    },
  };
}
