// Trains the emoji feature network (the `emoji` feature space of gan eval: FD, KID, precision/recall,
// density/coverage, and category accuracy for the colour presets) with the engine and ships it as
// an ONNX model with its weights baked in: assets/features/emoji.onnx.
//
//   npx tsx scripts/train-emoji-features.ts [--epochs N] [--lr X] [--batch N] [--seed N] [--out PATH]
//
// Data: the training splits of both emoji vendors (emoji-datasource-google and -apple, 64x64,
// composited on white), so the features serve both styles (CycleGAN between them); labels are the
// 10 emoji.json categories. Test accuracy is measured on both vendors' held-out images, stored in
// the model's metadata, and re-measured from the written file.
// Network: four conv3-ReLU-avgpool2 stages (16, 32, 64, 128 channels; 64 -> 4), Linear(2048 -> 256)
// ReLU [features], Linear(256 -> 10) [logits]; outputs "features" [batch, 256] and "probs" [batch, 10].
import { parseArgs } from 'node:util';
import ort from 'onnxruntime-node';
import * as E from '../src/engine/index.js';
import { AvgPool, Conv2d, Flatten, Linear, ReLU } from '../src/nn/layers.js';
import { Sequential } from '../src/nn/module.js';
import { openSource } from '../src/data/source.js';
import { copySamples } from '../src/data/datasets.js';
import { adam } from '../src/optim/optimizers.js';
import { writeOnnx } from '../src/api/outputs.js';
import { statSync } from 'node:fs';
import { EMOJI_FEATURES_PATH } from '../src/metrics/features.js';
import { TSGAN_VERSION } from '../src/version.js';

const SIZE = 64;
const CLASSES = 10;
const PER = 3 * SIZE * SIZE;
const STEPS_PER_CALL = 4;

function network(): { trunk: Sequential; head: Sequential } {
  const stage = (i: number, o: number) => [new Conv2d(i, o, 3, { padding: 1 }), ReLU(), AvgPool(2)];
  const trunk = new Sequential([...stage(3, 16), ...stage(16, 32), ...stage(32, 64), ...stage(64, 128), Flatten(), new Linear(128 * 16, 256), ReLU()]).named('F.trunk');
  const head = new Sequential([new Linear(256, CLASSES)]).named('F.head');
  return { trunk, head };
}

interface Split {
  x: Float32Array;
  y: Int32Array;
  count: number;
  classNames?: string[];
}

/** Both vendors' training images (or held-out images), as [-1, 1] floats and category labels. */
async function load(which: 'train' | 'held-out'): Promise<Split> {
  const parts: Split[] = [];
  for (const vendor of ['google', 'apple'] as const) {
    const src = await openSource({ kind: 'emoji', vendor, size: SIZE, channels: 3, background: 'white', holdout: 0.1, cache: true }, new E.Rng(0));
    if (which === 'train') {
      const d = src.dataset!;
      const x = new Float32Array(d.count * PER);
      copySamples(d, 0, d.count, x, 0);
      parts.push({ x, y: d.labels!, count: d.count, classNames: d.classNames });
    } else {
      const h = src.heldOut!;
      const x = new Float32Array(h.count * PER);
      const y = new BigInt64Array(h.count);
      h.read({ x, y }, 0, h.count);
      parts.push({ x, y: Int32Array.from(y, Number), count: h.count });
    }
  }
  const count = parts.reduce((s, p) => s + p.count, 0);
  const x = new Float32Array(count * PER);
  const y = new Int32Array(count);
  let at = 0;
  for (const p of parts) {
    x.set(p.x, at * PER);
    y.set(p.y, at);
    at += p.count;
  }
  return { x, y, count, classNames: parts[0]!.classNames };
}

async function accuracyOf(path: string, data: Split): Promise<number> {
  const session = await ort.InferenceSession.create(path);
  let right = 0;
  for (let i = 0; i < data.count; i += 250) {
    const n = Math.min(250, data.count - i);
    const probs = (await session.run({ x: new ort.Tensor('float32', data.x.slice(i * PER, (i + n) * PER), [n, 3, SIZE, SIZE]) })).probs!.data as Float32Array;
    for (let j = 0; j < n; j++) {
      let best = 0;
      for (let c = 1; c < CLASSES; c++) if (probs[j * CLASSES + c]! > probs[j * CLASSES + best]!) best = c;
      if (best === data.y[i + j]) right++;
    }
  }
  await session.release();
  return right / data.count;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      epochs: { type: 'string', default: '6' },
      lr: { type: 'string', default: '1e-3' },
      batch: { type: 'string', default: '64' },
      seed: { type: 'string', default: '1' },
      out: { type: 'string', default: EMOJI_FEATURES_PATH },
    },
  });
  const [epochs, lr0, batch, seed] = [Number(values.epochs), Number(values.lr), Number(values.batch), Number(values.seed)];
  const train = await load('train');
  const test = await load('held-out');
  console.log(`emoji: ${train.count} training and ${test.count} held-out images (google + apple); ${epochs} epochs, batch ${batch}, Adam lr ${lr0} cosine to lr/100, seed ${seed}`);

  const { trunk, head } = network();
  const trace = new E.StateTrace(true);
  const x = E.input('x', [batch, 3, SIZE, SIZE]);
  const y = E.input('y', [batch, CLASSES]);
  const lr = E.input('lr', []);
  const logits = head.call(trunk.call(x, trace), trace);
  const loss = E.neg(E.reduceMean(E.reduceSum(E.mul(y, E.logSoftmax(logits, -1)), 1)));
  const refs = [...trunk.allParams(), ...head.allParams()].map((p) => ({ name: p.name, shape: [...p.shape] }));
  adam(trace, refs, E.grad(loss, refs.map((p) => trace.read(p.name, p.shape))), { lr, name: 'F.opt' });
  const store = new E.StateStore();
  const rng = new E.Rng(seed);
  E.initState(store, trace.declared(), rng.fork(1));
  const prog = await E.Program.compile({ outputs: { loss }, updates: trace.updates() }, store, { loop: { steps: STEPS_PER_CALL, perStep: ['x', 'y'] } });
  const calls = Math.floor(train.count / (batch * STEPS_PER_CALL));
  const xs = new Float32Array(STEPS_PER_CALL * batch * PER);
  const ys = new Float32Array(STEPS_PER_CALL * batch * CLASSES);
  const shuffle = rng.fork(2);
  const t0 = performance.now();
  for (let epoch = 0, call = 0; epoch < epochs; epoch++) {
    const order = shuffle.permutation(train.count);
    let sum = 0;
    for (let c = 0; c < calls; c++, call++) {
      ys.fill(0);
      for (let j = 0; j < STEPS_PER_CALL * batch; j++) {
        const i = order[c * STEPS_PER_CALL * batch + j]!;
        xs.set(train.x.subarray(i * PER, (i + 1) * PER), j * PER);
        ys[j * CLASSES + train.y[i]!] = 1;
      }
      const rate = lr0 * (0.01 + 0.99 * 0.5 * (1 + Math.cos((Math.PI * call) / (calls * epochs))));
      for (const l of (await prog.run({ x: xs, y: ys, lr: rate })).loss!.data as Float32Array) sum += l;
    }
    console.log(`epoch ${epoch + 1}/${epochs}: mean loss ${(sum / (calls * STEPS_PER_CALL)).toFixed(4)}, ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  }
  await prog.release();
  const seconds = Math.round((performance.now() - t0) / 1000);

  // The inference model: weights baked in, a symbolic batch.
  const infer = new E.StateTrace(false);
  const xi = E.input('x', [1, 3, SIZE, SIZE]);
  const features = trunk.call(xi, infer);
  const probs = E.softmax(head.call(features, infer), -1);
  const meta = {
    producer: `tsgan ${TSGAN_VERSION}`,
    purpose: 'tsgan emoji feature space: features [batch, 256] (ReLU of Linear(2048->256)) and category probabilities [batch, 10]',
    input: 'x: float32 [batch, 3, 64, 64] in [-1, 1] (RGB composited on white)',
    categories: JSON.stringify(train.classNames ?? []),
    training: `scripts/train-emoji-features.ts: both vendors' training splits (${train.count} images), ${epochs} epochs, batch ${batch}, Adam ${lr0} cosine, seed ${seed}, ${seconds} s`,
  };
  const write = (metadata: Record<string, string>) => writeOnnx(values.out!, { features, probs }, metadata, store, 'emoji-features');
  write(meta);
  const acc = await accuracyOf(values.out!, test);
  write({ ...meta, held_out_accuracy: `${acc.toFixed(4)} over ${test.count} held-out images of both vendors` });
  if ((await accuracyOf(values.out!, test)) !== acc) throw new Error('the rewritten model gives another accuracy');
  console.log(`wrote ${values.out} (${statSync(values.out!).size} bytes); held-out category accuracy ${(100 * acc).toFixed(2)}% over ${test.count} images (${seconds} s of training)`);
}

await main();
