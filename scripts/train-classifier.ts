// Trains the FCD feature classifier (src/metrics/classifier.ts) with the engine and writes its
// weight file.
//
//   npx tsx scripts/train-classifier.ts mnist     # -> assets/classifiers/mnist.bin
//   npx tsx scripts/train-classifier.ts fashion   # -> assets/classifiers/fashion.bin
//
// Options: --epochs N, --lr X, --batch N, --seed N, --out PATH, --threads N.
// Recipe (src/metrics/classifier-training.ts): the whole training split, shuffled every epoch with the project's Rng; no augmentation;
// softmax cross-entropy; Adam (betas 0.9/0.999) with a cosine learning-rate decay to lr/100;
// STEPS_PER_CALL optimizer steps per program run (an ONNX Loop). The test accuracy over the whole
// test split is measured after training, stored in the file's header, and re-measured from the
// written file.
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { loadFashionMnist, loadMnist, type Dataset } from '../src/data/datasets.js';
import { accuracy, classifierPath, encodeClassifierWeights, loadClassifier, type ClassifierKind } from '../src/metrics/classifier.js';
import { STEPS_PER_CALL, testAccuracy, trainClassifier } from '../src/metrics/classifier-training.js';

const DEFAULTS: Record<ClassifierKind, { epochs: number; lr: number }> = {
  mnist: { epochs: 3, lr: 1e-3 },
  fashion: { epochs: 6, lr: 1e-3 },
};

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

  const steps = Math.floor(train.count / (batch * STEPS_PER_CALL)) * STEPS_PER_CALL * epochs;
  let epoch = 0;
  const { net, store, seconds: trainSeconds } = await trainClassifier(
    { x: train.data, labels: train.labels!, count: train.count },
    {
      steps,
      lr: lr0,
      batch,
      seed,
      threads,
      onProgress: (p) => console.log(`epoch ${++epoch}/${epochs}: mean loss ${p.meanLoss.toFixed(4)}, ${p.seconds.toFixed(0)} s`),
    },
  );
  const acc = await testAccuracy({ net, store }, { x: test.data, labels: test.labels!, count: test.count }, threads);
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
        steps,
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
