// In-page training speed: ring8's training step (32 steps a call, as the preset runs) in the
// playground page on onnxruntime-web (wasm 1 and 2 threads; WebGPU on SwiftShader), next to the same
// session in Node on onnxruntime-node, one after the other on the same machine. Steps/s counts
// the step calls alone (not the views drawn between them).
// usage: npx tsx bench/playground-speed.ts [CALLS]   (default 10 calls of 32 steps, after one warm-up call)
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as E from '../src/engine/index.js';
import { openSource } from '../src/data/source.js';
import { runRngs, TrainingSession } from '../src/gan/session.js';
import { pageConfig } from '../web/playground/setups.js';
import { buildPlayground, launch, serve } from '../test/browser/site.js';

const CALLS = Number(process.argv[2] ?? 10);
const K = 32;
const cfg = pageConfig('ring8', 0);

async function nodeSpeed(threads: number): Promise<number> {
  E.setDefaultThreads(threads);
  const rngs = runRngs(cfg.seed);
  const s = new TrainingSession(cfg, await openSource(cfg.data, rngs.data), rngs);
  s.initialize();
  await s.run(K);
  const t0 = performance.now();
  for (let i = 0; i < CALLS; i++) await s.run(K);
  const sps = (CALLS * K * 1000) / (performance.now() - t0);
  await s.close();
  return sps;
}

const site = mkdtempSync(join(tmpdir(), 'tsgan-playground-bench-'));
await buildPlayground(site);
const served = await serve(site);

async function pageSpeed(device: 'wasm' | 'webgpu', threads: number): Promise<number | string> {
  const browser = await launch({ webgpu: device === 'webgpu' });
  try {
    const page = await browser.newPage();
    await page.goto(`${served.url}/playground.html`);
    const W = 'window.tsganPlayground';
    await page.evaluate(`${W}.start({ setup: 'ring8', seed: 0, device: '${device}', threads: ${threads} })`);
    await page.waitForFunction(`${W}.state.ready || ${W}.state.error`, null, { timeout: 300_000 });
    const err = (await page.evaluate(`${W}.state.error`)) as string;
    if (err) return `cannot start: ${err}`;
    let total = 0;
    for (let i = 0; i <= CALLS; i++) {
      const before = (await page.evaluate(`${W}.state.step`)) as number;
      await page.evaluate(`${W}.step(${K})`);
      await page.waitForFunction(`(${W}.state.step >= ${before + K} && !${W}.state.busy) || ${W}.state.error`, null, { timeout: 600_000 });
      // The first call compiles the program: a warm-up, not counted.
      if (i > 0) total += K / ((await page.evaluate(`${W}.state.stepsPerSecond`)) as number);
    }
    return (CALLS * K) / total;
  } finally {
    await browser.close();
  }
}

const fmt = (v: number | string) => (typeof v === 'number' ? `${v.toFixed(1)} steps/s` : v);
console.log(`ring8 step, ${CALLS} calls of ${K} steps after a warm-up call`);
console.log(`node, onnxruntime-node, 1 thread:  ${fmt(await nodeSpeed(1))}`);
console.log(`node, onnxruntime-node, 2 threads: ${fmt(await nodeSpeed(2))}`);
console.log(`page, wasm, 1 thread:              ${fmt(await pageSpeed('wasm', 1))}`);
console.log(`page, wasm, 2 threads:             ${fmt(await pageSpeed('wasm', 2))}`);
if (process.argv.includes('--webgpu')) console.log(`page, WebGPU (SwiftShader):        ${fmt(await pageSpeed('webgpu', 1))}`);
await served.close();
