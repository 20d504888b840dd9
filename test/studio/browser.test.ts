// The dashboard in a real browser (Debian's chromium driven by playwright-core): runs listed, curves
// drawn (pixels in the lines' colours, not only elements), sample grids, and a live `gan train`
// child started, stopped (with a checkpoint) and resumed through the API while the page follows it.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunDir } from '../../src/run/rundir.js';
import type { RunDetail, RunSummary } from '../../src/studio/protocol.js';
import { startStudio, type Studio } from '../../src/studio/server.js';
import { tempDir } from '../tempdir.js';
import { CHROMIUM, ensureApp } from './app.js';
import { writeSyntheticRun } from './synthetic.js';

const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) console.warn(`test/studio/browser.test.ts skipped: no ${CHROMIUM} (scripts/system-deps.sh installs Debian's chromium)`);

/** Pixels of a PNG within `tol` of an RGB colour in every channel. */
function countColour(png: Buffer, [r, g, b]: [number, number, number], tol = 40): number {
  const img = PNG.sync.read(png);
  let n = 0;
  for (let i = 0; i < img.data.length; i += 4) {
    if (Math.abs(img.data[i]! - r) <= tol && Math.abs(img.data[i + 1]! - g) <= tol && Math.abs(img.data[i + 2]! - b) <= tol) n++;
  }
  return n;
}

const RED: [number, number, number] = [214, 39, 40]; // loss_D
const BLUE: [number, number, number] = [31, 119, 180]; // loss_G

async function until<T>(what: string, f: () => Promise<T | undefined>, ms = 40_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe.skipIf(!haveChromium)('the dashboard in chromium', () => {
  let studio: Studio;
  let browser: Browser;
  let page: Page;
  let runs: string;
  const api = async <T,>(path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`http://127.0.0.1:${studio.port}${path}`, body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return (await res.json()) as T;
  };
  const summary = async (id: string) => (await api<{ runs: RunSummary[] }>('/api/runs')).runs.find((r) => r.id === id);
  const shownStep = async (id: string) => Number(/step (\d+)/.exec((await page.locator(`[data-testid=step][data-run="${id}"]`).textContent({ timeout: 20_000 })) ?? '')?.[1] ?? NaN);

  beforeAll(async () => {
    ensureApp();
    runs = tempDir('studio-browser');
    writeSyntheticRun(join(runs, 'ring8-a'), { steps: 3000, samplesEvery: 1000, seed: 1 });
    writeSyntheticRun(join(runs, 'ring8-b'), { steps: 2000, total: 4000, samplesEvery: 1000, seed: 2 });
    studio = await startStudio({ runs, port: 0, pollMs: 250 });
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true });
    page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  });
  afterAll(async () => {
    await browser?.close();
    await studio?.close();
  });

  it('loads with the runs listed, cross-origin isolated', async () => {
    await page.goto(`${studio.url}#runs=ring8-a`);
    await page.locator('[data-run="ring8-b"]').waitFor();
    expect(await page.locator('[data-testid=run-list] li').evaluateAll((els) => els.map((e) => e.getAttribute('data-run')))).toEqual(['ring8-a', 'ring8-b']);
    expect(await page.locator('[data-run="ring8-b"]').textContent()).toContain('2000/4000');
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  });

  it('draws the curves (red D and blue G loss pixels on the chart) and shows the sample grids with a slider', async () => {
    await until('the loss chart', async () => ((await page.locator('[data-testid=chart-losses] canvas').count()) ? true : undefined));
    await page.waitForTimeout(300);
    const shot = await page.locator('[data-testid=chart-losses] canvas').screenshot();
    expect(countColour(shot, RED)).toBeGreaterThan(300);
    expect(countColour(shot, BLUE)).toBeGreaterThan(300);
    // The D(x) chart has neither colour: the check tells lines apart.
    expect(countColour(await page.locator('[data-testid=chart-outputs] canvas').screenshot(), RED, 20)).toBeLessThan(20);
    const grid = page.locator('[data-testid=sample-grid]');
    await until('the sample grid', async () => ((await grid.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)) === 128 ? true : undefined));
    expect(await grid.getAttribute('src')).toBe('/files/ring8-a/samples/step-00003000.png');
    await page.locator('[data-testid=sample-slider]').fill('0');
    expect(await grid.getAttribute('src')).toBe('/files/ring8-a/samples/step-00001000.png');
  });

  it('overlays two runs side by side', async () => {
    await page.locator('[data-run="ring8-b"] input[type=checkbox]').check();
    await until('both runs in the chart', async () => ((await page.locator('[data-testid=chart-losses] .u-legend .u-series').count()) === 4 ? true : undefined));
    expect(await page.locator('[data-testid=sample-grid]').count()).toBe(2);
    expect(await shownStep('ring8-b')).toBe(2000);
  });

  it('bound to 0.0.0.0: the page works from the printed address (token, then cookie) and not without it', async () => {
    const open = await startStudio({ runs, host: '0.0.0.0', port: 0 });
    try {
      const other = await browser.newPage();
      const bare = await other.goto(`http://127.0.0.1:${open.port}/`);
      expect(bare!.status()).toBe(401);
      await other.goto(`${open.url}#runs=ring8-a`);
      await other.locator('[data-run="ring8-b"]').waitFor();
      await until('curves through the cookie', async () => ((await other.locator('[data-testid=chart-losses] canvas').count()) ? true : undefined));
      await other.close();
    } finally {
      await open.close();
    }
  });

  it('a config with problems, typed into the page, gets them shown and starts nothing', async () => {
    await page.locator('[data-testid=new-run] input').first().fill('typo');
    await page.locator('[data-testid=new-run] textarea').fill('preset: ring8\ntrain: { lrG: -1, stepz: 3 }');
    await page.locator('[data-testid=new-run] button[type=submit]').click();
    expect(await page.locator('[data-testid=start-error]').textContent({ timeout: 10_000 })).toBe(
      'config the config given has 2 problems:\n  "train.lrG": must be > 0, got -1\n  unknown key "train.stepz"',
    );
    expect(existsSync(join(runs, 'typo'))).toBe(false);
  });

  it('follows a live gan train child; stop writes a checkpoint and resume continues from it', async () => {
    const config = 'preset: ring8\ntrain: { stepsPerRun: 8, sampleEvery: 64, checkpointEvery: 100000 }';
    expect(await api('/api/runs/start', { name: 'live', config, steps: 100_000 })).toEqual({ id: 'live' });
    await page.goto(`${studio.url}#runs=live`);
    await until('the live run listed', async () => ((await summary('live'))?.step ? true : undefined));
    const first = await until('a step on the page', async () => {
      const s = await shownStep('live');
      return s > 0 ? s : undefined;
    });
    const later = await until('the step advancing on the page', async () => {
      const s = await shownStep('live');
      return s >= first + 24 ? s : undefined;
    });
    expect(later).toBeGreaterThan(first);
    // Steps/s, from the rows' times, is drawn in its colour.
    await until('the steps/s line', async () => (countColour(await page.locator('[data-testid=chart-speed] canvas').screenshot(), [23, 190, 207], 30) > 100 ? true : undefined));
    await until('a sample grid of the live run', async () => ((await page.locator('[data-testid=sample-grid]').count()) ? true : undefined));

    expect(await api('/api/run/stop?run=live', {})).toEqual({ id: 'live', stopping: true });
    await until('the child to exit', async () => ((await summary('live'))?.status === 'stopped' ? true : undefined));
    const detail = await api<RunDetail>('/api/run?run=live');
    expect(detail.exitCode).toBe(143); // gan train's code for SIGTERM, after its checkpoint
    const run = new RunDir(join(runs, 'live'));
    const [ckpt] = run.checkpointSteps();
    expect(run.checkpointSteps()).toHaveLength(1);
    expect(run.readMetrics().at(-1)!.step).toBe(ckpt);

    expect(await api('/api/run/resume?run=live', { steps: ckpt! + 40 })).toEqual({ id: 'live' });
    await until('the resumed run to finish', async () => ((await summary('live'))?.status === 'done' ? true : undefined));
    const resumed = await api<RunDetail>('/api/run?run=live');
    expect(resumed.exitCode).toBe(0);
    expect(resumed.log.join('\n')).toContain(`resuming from ${run.checkpointPath(ckpt!)} (step ${ckpt})`);
    const steps = run.readMetrics().map((r) => r.step);
    expect(steps).toEqual(Array.from({ length: ckpt! + 40 }, (_, i) => i + 1));
    expect(run.checkpointSteps().at(-1)).toBe(ckpt! + 40);
    await until('the page to show the resumed run finished', async () => ((await shownStep('live')) === ckpt! + 40 ? true : undefined));
  });
});
