// The same `mlp` GAN step in TensorFlow.js (GAN Lab's engine) on its wasm backend: G z100-256-512-784
// (LeakyReLU 0.2, tanh), D 784-512-256-1, batch 64, non-saturating BCE as ours (D: mean softplus(-D(x))
// + mean softplus(D(G(z))); G: mean softplus(-D(G(z)))), Adam(2e-4, 0.5, 0.999) for each. One
// iteration = one D step (optimizer.minimize over D's variables, G's output a constant) then one G
// step through D (over G's variables), the losses read back each iteration.
import type * as TfCore from '@tensorflow/tfjs-core';
import type * as TfLayers from '@tensorflow/tfjs-layers';
import type * as TfWasm from '@tensorflow/tfjs-backend-wasm';
import { Rng } from '../../../src/engine/random.js';
import { guarded, median, params } from './result.js';

// tfjs.html loads Google's builds of the three packages; they share one global, tf.
const tf = (window as unknown as { tf: typeof TfCore & typeof TfLayers & { wasm: typeof TfWasm } }).tf;
const tfl = tf;
const BATCH = 64;
const LATENT = 100;
const SAMPLE = 784;

function mlp(inDim: number, hidden: number[], out: number, outActivation?: 'tanh'): TfLayers.Sequential {
  const m = tfl.sequential();
  hidden.forEach((h, i) => {
    m.add(tfl.layers.dense({ units: h, ...(i === 0 ? { inputShape: [inDim] } : {}) }));
    m.add(tfl.layers.leakyReLU({ alpha: 0.2 }));
  });
  m.add(tfl.layers.dense({ units: out, activation: outActivation }));
  return m;
}

void guarded(async () => {
  const q = params();
  const threads = Number(q.get('threads') ?? 1);
  const steps = Number(q.get('steps') ?? 64);
  const warmup = Number(q.get('warmup') ?? 16);
  tf.wasm.setWasmPaths('/tfjs/tfjs-backend-wasm/dist/');
  tf.wasm.setThreadsCount(threads);
  if (!(await tf.setBackend('wasm'))) throw new Error('tfjs: the wasm backend did not start');
  await tf.ready();
  const G = mlp(LATENT, [256, 512], SAMPLE, 'tanh');
  const D = mlp(SAMPLE, [512, 256], 1);
  const gVars = G.trainableWeights.map((w) => w.read() as TfCore.Variable);
  const dVars = D.trainableWeights.map((w) => w.read() as TfCore.Variable);
  const optG = tf.train.adam(2e-4, 0.5, 0.999);
  const optD = tf.train.adam(2e-4, 0.5, 0.999);
  const rng = new Rng(1);
  const pool = Array.from({ length: 8 }, () => tf.tensor2d(rng.fillUniform(new Float32Array(BATCH * SAMPLE), -1, 1), [BATCH, SAMPLE]));
  const z = new Float32Array(BATCH * LATENT);
  const times: number[] = [];
  let last: Record<string, number> = {};
  let first: Record<string, number> | undefined;
  for (let i = 0; i < warmup + steps; i++) {
    const t0 = performance.now();
    const noise = tf.tensor2d(rng.fillNormal(z), [BATCH, LATENT]);
    const real = pool[i % pool.length]!;
    const lossD = optD.minimize(() => {
      const logits = D.apply(tf.concat([real, G.apply(noise) as TfCore.Tensor2D], 0)) as TfCore.Tensor2D;
      const [onReal, onFake] = tf.split(logits, 2, 0);
      return tf.add(tf.mean(tf.softplus(tf.neg(onReal!))), tf.mean(tf.softplus(onFake!))) as TfCore.Scalar;
    }, true, dVars)!;
    const lossG = optG.minimize(() => tf.mean(tf.softplus(tf.neg(D.apply(G.apply(noise) as TfCore.Tensor2D) as TfCore.Tensor2D))) as TfCore.Scalar, true, gVars)!;
    last = { loss_D: lossD.dataSync()[0]!, loss_G: lossG.dataSync()[0]! };
    tf.dispose([noise, lossD, lossG]);
    if (i >= warmup) times.push(performance.now() - t0);
    first ??= last;
  }
  // The count tfjs took, not the one asked for (tfjs.html explains why they could differ).
  return { ok: true, msPerStep: median(times), timedSteps: steps, first, last, threads: tf.wasm.getThreadsCount(), backend: `tfjs ${tf.version_core} ${tf.getBackend()}` };
});
