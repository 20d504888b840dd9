// The training recipe of the shipped classifier (src/metrics/classifier.ts), as a function: the
// shipped weights (scripts/train-classifier.ts) and the augmentation report's classifiers
// (scripts/augment-report.ts: trained on real, synthetic or mixed images) all come from it.
// Recipe: shuffled passes with the project's Rng; no augmentation; softmax cross-entropy; Adam
// (betas 0.9/0.999) with a cosine learning-rate decay to lr/100 over the whole budget;
// STEPS_PER_CALL optimizer steps per program run (an ONNX Loop).
import * as E from '../engine/index.js';
import { adam } from '../optim/optimizers.js';
import { accuracy, classifierNet, compileClassifier, embedWith, IMAGE_SIZE, NUM_CLASSES, type ClassifierNet } from './classifier.js';

export const STEPS_PER_CALL = 8;

/** Labelled 1x28x28 images in [-1, 1]. */
export interface LabelledImages {
  x: Float32Array;
  labels: ArrayLike<number>;
  count: number;
}

export interface ClassifierRecipe {
  /** Optimizer steps (rounded down to whole calls of STEPS_PER_CALL; the shipped MNIST classifier: 1,392, 3 epochs of 60,000). */
  steps: number;
  lr: number;
  batch: number;
  seed: number;
  threads?: number;
  /** Called after each pass over data of at least one call's worth, and at the end: the mean loss since the last call. */
  onProgress?: (p: { step: number; meanLoss: number; seconds: number }) => void;
}

export interface TrainedClassifier {
  net: ClassifierNet;
  store: E.StateStore;
  steps: number;
  seconds: number;
}

function buildTrainStep(batch: number) {
  const net = classifierNet();
  const trace = new E.StateTrace(true);
  const x = E.input('x', [batch, 1, 28, 28]);
  const y = E.input('y', [batch, NUM_CLASSES]);
  const lr = E.input('lr', []);
  const logits = net.logits(net.features(x, trace), trace);
  const loss = E.neg(E.reduceMean(E.reduceSum(E.mul(y, E.logSoftmax(logits, -1)), 1)));
  const refs = net.params();
  const grads = E.grad(
    loss,
    refs.map((p) => trace.read(p.name, p.shape)),
  );
  adam(trace, refs, grads, { lr, name: 'C.opt' });
  return { net, trace, spec: { outputs: { loss }, updates: trace.updates() } };
}

/** Trains the classifier on labelled images (labels 0..9) for a budget of optimizer steps. */
export async function trainClassifier(data: LabelledImages, o: ClassifierRecipe): Promise<TrainedClassifier> {
  const { net, trace, spec } = buildTrainStep(o.batch);
  const store = new E.StateStore();
  const rng = new E.Rng(o.seed);
  E.initState(store, trace.declared(), rng.fork(1));
  const shuffle = rng.fork(2);
  const prog = await E.Program.compile(spec, store, { loop: { steps: STEPS_PER_CALL, perStep: ['x', 'y'] }, threads: o.threads });
  const totalCalls = Math.max(1, Math.floor(o.steps / STEPS_PER_CALL));
  const perCall = STEPS_PER_CALL * o.batch;
  const xs = new Float32Array(perCall * IMAGE_SIZE);
  const ys = new Float32Array(perCall * NUM_CLASSES);
  const t0 = performance.now();
  // Shuffled passes. Data of at least one call's worth drops a pass's tail that does not fill a
  // whole call (so 60,000 images give the shipped recipe's passes exactly); smaller data (a few
  // images per class) runs pass after pass within a call.
  let order = shuffle.permutation(data.count);
  let at = 0;
  let lossSum = 0;
  let lossCount = 0;
  const report = (call: number) => {
    o.onProgress?.({ step: call * STEPS_PER_CALL, meanLoss: lossSum / lossCount, seconds: (performance.now() - t0) / 1000 });
    lossSum = 0;
    lossCount = 0;
  };
  try {
    for (let call = 0; call < totalCalls; call++) {
      if (data.count >= perCall && at + perCall > order.length) {
        report(call);
        order = shuffle.permutation(data.count);
        at = 0;
      }
      ys.fill(0);
      for (let j = 0; j < perCall; j++) {
        if (at >= order.length) {
          order = shuffle.permutation(data.count);
          at = 0;
        }
        const i = order[at++]!;
        xs.set(data.x.subarray(i * IMAGE_SIZE, (i + 1) * IMAGE_SIZE), j * IMAGE_SIZE);
        ys[j * NUM_CLASSES + data.labels[i]!] = 1;
      }
      const lr = o.lr * (0.01 + 0.99 * 0.5 * (1 + Math.cos((Math.PI * call) / totalCalls)));
      const losses = (await prog.run({ x: xs, y: ys, lr })).loss!.data as Float32Array;
      for (const l of losses) lossSum += l;
      lossCount += losses.length;
    }
    report(totalCalls);
  } finally {
    await prog.release();
  }
  return { net, store, steps: totalCalls * STEPS_PER_CALL, seconds: (performance.now() - t0) / 1000 };
}

/** Test accuracy of a trained classifier on labelled images. */
export async function testAccuracy(c: { net: ClassifierNet; store: E.StateStore }, test: LabelledImages, threads?: number): Promise<number> {
  const prog = await compileClassifier(c.net, c.store, Math.min(500, test.count), threads);
  try {
    const { probs } = await embedWith(prog, test.x, test.count);
    return accuracy(probs, test.labels, test.count);
  } finally {
    await prog.release();
  }
}
