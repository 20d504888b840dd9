// Trains the FCD feature classifier (src/metrics/classifier.ts) with the engine and writes its
// weight file.
//
//   npx tsx scripts/train-classifier.ts mnist     # -> assets/classifiers/mnist.bin
//   npx tsx scripts/train-classifier.ts fashion   # -> assets/classifiers/fashion.bin
//
// Options: --epochs N, --lr X, --batch N, --seed N, --out PATH, --threads N.
// Recipe: the whole training split, shuffled every epoch with the project's Rng; no augmentation;
// softmax cross-entropy; Adam (betas 0.9/0.999) with a cosine learning-rate decay to lr/100;
// STEPS_PER_CALL optimizer steps per program run (an ONNX Loop). The test accuracy over the whole
// test split is measured after training, stored in the file's header, and re-measured from the
// written file.
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import * as E from '../src/engine/index.js';
import { loadFashionMnist, loadMnist, type Dataset } from '../src/data/datasets.js';
import {
  accuracy,
  classifierNet,
  classifierPath,
  compileClassifier,
  embedWith,
  encodeClassifierWeights,
  IMAGE_SIZE,
  loadClassifier,
  NUM_CLASSES,
  type ClassifierKind,
} from '../src/metrics/classifier.js';
import { adam } from '../src/optim/optimizers.js';

const STEPS_PER_CALL = 8;

const DEFAULTS: Record<ClassifierKind, { epochs: number; lr: number }> = {
  mnist: { epochs: 3, lr: 1e-3 },
  fashion: { epochs: 6, lr: 1e-3 },
};

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

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    args: process.argv.slice(2),
    allowPositionals: true,
    options: {
      epochs: { type: 'string' },
      lr: { type: 'string' },
      batch: { type: 'string', default: '128' },
      seed: { type: 'string', default: '1' },
      out: { type: 'string' },
      threads: { type: 'string' },
    },
  });
  const kind = positionals[0] as ClassifierKind | undefined;
  if (kind !== 'mnist' && kind !== 'fashion')
    throw new Error('usage: train-classifier.ts mnist|fashion [--epochs N] [--lr X] [--batch N] [--seed N] [--out PATH]');
  const epochs = Number(values.epochs ?? DEFAULTS[kind].epochs);
  const lr0 = Number(values.lr ?? DEFAULTS[kind].lr);
  const batch = Number(values.batch);
  const seed = Number(values.seed);
  const out = values.out ?? classifierPath(kind);
  const threads = values.threads === undefined ? undefined : Number(values.threads);

  const load = (split: 'train' | 'test'): Dataset => (kind === 'mnist' ? loadMnist(split) : loadFashionMnist(split));
  const train = load('train');
  const test = load('test');
  console.log(
    `${kind}: ${train.count} training and ${test.count} test images; ${epochs} epochs, batch ${batch}, Adam lr ${lr0} (cosine to ${lr0 / 100}), seed ${seed}`,
  );

  const { net, trace, spec } = buildTrainStep(batch);
  const store = new E.StateStore();
  const rng = new E.Rng(seed);
  E.initState(store, trace.declared(), rng.fork(1));
  const shuffle = rng.fork(2);
  const prog = await E.Program.compile(spec, store, { loop: { steps: STEPS_PER_CALL, perStep: ['x', 'y'] }, threads });

  const callsPerEpoch = Math.floor(train.count / (batch * STEPS_PER_CALL));
  const totalCalls = callsPerEpoch * epochs;
  const xs = new Float32Array(STEPS_PER_CALL * batch * IMAGE_SIZE);
  const ys = new Float32Array(STEPS_PER_CALL * batch * NUM_CLASSES);
  const t0 = performance.now();
  let call = 0;
  for (let epoch = 0; epoch < epochs; epoch++) {
    const order = shuffle.permutation(train.count);
    let lossSum = 0;
    for (let c = 0; c < callsPerEpoch; c++, call++) {
      ys.fill(0);
      for (let j = 0; j < STEPS_PER_CALL * batch; j++) {
        const i = order[c * STEPS_PER_CALL * batch + j]!;
        xs.set(train.data.subarray(i * IMAGE_SIZE, (i + 1) * IMAGE_SIZE), j * IMAGE_SIZE);
        ys[j * NUM_CLASSES + train.labels![i]!] = 1;
      }
      const lr = lr0 * (0.01 + 0.99 * 0.5 * (1 + Math.cos((Math.PI * call) / totalCalls)));
      const r = await prog.run({ x: xs, y: ys, lr });
      const losses = r.loss!.data as Float32Array;
      for (const l of losses) lossSum += l;
    }
    const secs = (performance.now() - t0) / 1000;
    console.log(`epoch ${epoch + 1}/${epochs}: mean loss ${(lossSum / (callsPerEpoch * STEPS_PER_CALL)).toFixed(4)}, ${secs.toFixed(0)} s`);
  }
  await prog.release();
  const trainSeconds = (performance.now() - t0) / 1000;

  const evalProg = await compileClassifier(net, store, 500, threads);
  const { probs } = await embedWith(evalProg, test.data, test.count);
  await evalProg.release();
  const acc = accuracy(probs, test.labels!, test.count);
  console.log(`test accuracy ${(100 * acc).toFixed(2)}% over ${test.count} images (training took ${trainSeconds.toFixed(0)} s)`);

  const params = net.params();
  const bytes = encodeClassifierWeights(
    {
      kind,
      featureLayer: 'trunk output: ReLU of Linear(3136->128), 128 values per image',
      inputRange: '1x28x28 images scaled from 0..255 to [-1, 1] (x / 127.5 - 1)',
      training: {
        script: 'scripts/train-classifier.ts',
        data: `${kind} training split, ${train.count} images, shuffled each epoch, no augmentation`,
        loss: 'softmax cross-entropy',
        optimizer: 'Adam, betas 0.9/0.999, eps 1e-8',
        lr: lr0,
        schedule: `cosine decay per ${STEPS_PER_CALL}-step call from lr to lr/100`,
        batch,
        epochs,
        steps: totalCalls * STEPS_PER_CALL,
        seed,
        init: 'PyTorch default (uniform +-1/sqrt(fan_in)) from Rng(seed).fork(1)',
        seconds: Math.round(trainSeconds),
      },
      testAccuracy: Math.round(acc * 1e6) / 1e6,
      testImages: test.count,
    },
    params,
    (name) => store.floats(name),
  );
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, bytes);
  console.log(`wrote ${out} (${statSync(out).size} bytes)`);

  // Check the file round-trips: same accuracy from the loaded weights.
  const loaded = await loadClassifier(kind, out);
  const again = accuracy((await loaded.embed(test.data, test.count)).probs, test.labels!, test.count);
  await loaded.release();
  if (again !== acc) throw new Error(`reloaded weights give test accuracy ${again}, expected ${acc}`);
  console.log('reloaded file: same test accuracy');
}

await main();
