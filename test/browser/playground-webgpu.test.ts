// The playground's WebGPU path: chromium with its SwiftShader adapter (a software Vulkan device)
// gives the page navigator.gpu here; ring8's first steps on onnxruntime-web's WebGPU backend are
// compared with the Node engine's on the CPU. Skipped with a message when chromium is absent or
// gives no WebGPU adapter.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSource } from '../../src/data/source.js';
import { runRngs, TrainingSession } from '../../src/gan/session.js';
import { STEP_METRICS } from '../../src/gan/step.js';
import { pageConfig } from '../../web/playground/setups.js';
import { tempDir } from '../tempdir.js';
import { buildPlayground, hasChromium, launch, serve, type Served } from './site.js';

/** GPU kernels sum in another order than the CPU's; measured over 2 steps: 7.8e-6 (BENCHMARKS.md, "In-page training"). */
const TOLERANCE = 1e-4;
const W = 'window.tsganPlayground';

describe.skipIf(!hasChromium())('the playground on WebGPU (SwiftShader)', () => {
  let served: Served;
  let browser: Browser;
  let page: Page;
  let adapter = false;

  beforeAll(async () => {
    const site = tempDir('playground-webgpu');
    await buildPlayground(site);
    served = await serve(site);
    browser = await launch({ webgpu: true });
    page = await browser.newPage();
    await page.goto(`${served.url}/playground.html`);
    adapter = await page.evaluate(async () => {
      const gpu = (navigator as unknown as { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
      return gpu !== undefined && (await gpu.requestAdapter()) !== null;
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await served?.close();
  });

  it("ring8's first 2 steps on WebGPU equal the Node engine's", async (ctx) => {
    if (!adapter) {
      console.warn('WebGPU test skipped: chromium gave no WebGPU adapter (SwiftShader needs libvulkan1 and /usr/lib/chromium/vk_swiftshader_icd.json)');
      ctx.skip();
    }
    await page.evaluate(`${W}.start({ setup: 'ring8', seed: 0, device: 'webgpu', threads: 1 })`);
    await page.waitForFunction(`${W}.state.ready || ${W}.state.error`, null, { timeout: 100_000 });
    expect(await page.evaluate(`${W}.state.error`)).toBe('');
    await page.evaluate(`${W}.step(2)`);
    await page.waitForFunction(`(${W}.state.step >= 2 && !${W}.state.busy) || ${W}.state.error`, null, { timeout: 100_000 });
    expect(await page.evaluate(`${W}.state.error`)).toBe('');
    const rows = (await page.evaluate(`${W}.state.rows`)) as Record<string, number>[];
    const cfg = pageConfig('ring8', 0);
    const rngs = runRngs(cfg.seed);
    const node = new TrainingSession(cfg, await openSource(cfg.data, rngs.data), rngs);
    node.initialize();
    const inNode = await node.run(2);
    await node.close();
    let worst = 0;
    rows.forEach((r, i) => {
      for (const m of STEP_METRICS) worst = Math.max(worst, Math.abs(r[m]! - inNode[i]![m]!) / Math.max(Math.abs(inNode[i]![m]!), 1e-3));
    });
    console.log(`page on WebGPU (SwiftShader) vs Node on the CPU, steps 1-2: largest relative metric difference ${worst.toExponential(2)}`);
    expect(rows.map((r) => r.step)).toEqual([1, 2]);
    expect(worst).toBeLessThanOrEqual(TOLERANCE);
  }, 240_000);
});
