// The studio's figures (BENCHMARKS.md, "Studio"), measured in Debian's chromium with playwright:
// - first paint of the dashboard with 20 runs (synthetic run dirs, written as the trainer writes
//   them: 3,000 steps each), and until the run list and the first run's loss chart are drawn;
// - update latency of a live run: a metrics line appended -> its step shown on the page;
// - a 100,000-line run: page load until its last step and its curves are shown (server cold, then warm).
// Usage: npx tsx scripts/studio-bench.ts [--repeat N]
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { Rng } from '../src/engine/index.js';
import { startStudio } from '../src/studio/server.js';
import { CHROMIUM, ensureApp } from '../test/studio/app.js';
import { metricsRow, writeSyntheticRun } from '../test/studio/synthetic.js';

const repeat = Number(process.argv[process.argv.indexOf('--repeat') + 1] ?? 5) || 5;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;
const fmt = (xs: number[]) => `median ${median(xs).toFixed(0)} ms, min ${Math.min(...xs).toFixed(0)}, max ${Math.max(...xs).toFixed(0)} (${xs.length} loads)`;

/** Milliseconds from navigation start to first contentful paint, and to `ready` holding in the page. */
async function load(page: Page, url: string, ready: string): Promise<{ fcp: number; ready: number }> {
  await page.goto('about:blank');
  await page.goto(url);
  await page.waitForFunction(ready, undefined, { polling: 'raf', timeout: 60_000 });
  return page.evaluate(() => ({
    fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN,
    ready: performance.now(),
  }));
}

const latencyText = (xs: number[]) => `median ${median(xs)} ms, p90 ${pct(xs, 0.9)} ms, max ${Math.max(...xs)} ms (${xs.length} lines)`;

/** Appends 30 rows to a run's log, one every 200 ms, and gives the ms until the page showed each one's step. */
async function liveLatency(page: Page, url: string, dir: string, id: string, last: number): Promise<number[]> {
  await load(page, url, stepShown(id, last));
  await page.evaluate((run) => {
    const w = window as unknown as { seen: Record<number, number> };
    w.seen = {};
    new MutationObserver(() => {
      const m = /step (\d+)/.exec(document.querySelector(`[data-testid=step][data-run="${run}"]`)?.textContent ?? '');
      if (m) w.seen[Number(m[1])] ??= Date.now();
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  }, id);
  const rng = new Rng(7);
  const latency: number[] = [];
  for (let step = last + 1; step <= last + 30; step++) {
    const wrote = Date.now();
    appendFileSync(join(dir, 'metrics.jsonl'), `${metricsRow(step, rng, wrote / 1000)}\n`);
    const seen = await page.waitForFunction((s) => (window as unknown as { seen: Record<number, number> }).seen[s], step, { timeout: 10_000 });
    latency.push(((await seen.jsonValue()) as number) - wrote);
    await new Promise((r) => setTimeout(r, 200));
  }
  return latency;
}

const stepShown = (id: string, step: number) => `document.querySelector('[data-testid=step][data-run="${id}"]')?.textContent?.includes('step ${step} ')`;
const chartDrawn = `!!document.querySelector('[data-testid=chart-losses] canvas')`;

async function main() {
  ensureApp();
  const runs = mkdtempSync(join(tmpdir(), 'tsgan-studio-bench-'));
  for (let i = 0; i < 20; i++) writeSyntheticRun(join(runs, `run-${String(i).padStart(2, '0')}`), { steps: 3000, samplesEvery: 1000, seed: i });
  writeSyntheticRun(join(runs, 'zz-long'), { steps: 100_000, samplesEvery: 50_000 });
  writeSyntheticRun(join(runs, 'zz-live'), { steps: 100, total: 1_000_000 });
  const studio = await startStudio({ runs, port: 0 });
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true });
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  try {
    // 20 runs (and the two others): the list, then run-00's curves.
    const twenty: { fcp: number; ready: number }[] = [];
    for (let i = 0; i < repeat; i++) twenty.push(await load(page, `${studio.url}#runs=run-00`, `document.querySelectorAll('[data-testid=run-list] li').length === 22 && ${chartDrawn} && ${stepShown('run-00', 3000)}`));
    console.log(`20 runs: first contentful paint ${fmt(twenty.map((t) => t.fcp))}; run list + first run's curves drawn ${fmt(twenty.map((t) => t.ready))}`);

    // 100,000 lines: the first load parses the log on the server (cold), later ones reuse it (warm).
    const long: number[] = [];
    for (let i = 0; i < repeat; i++) long.push((await load(page, `${studio.url}#runs=zz-long`, `${chartDrawn} && ${stepShown('zz-long', 100000)}`)).ready);
    console.log(`100,000-line run: cold ${long[0]!.toFixed(0)} ms; warm ${fmt(long.slice(1))}`);
    const t0 = performance.now();
    const bytes = (await (await fetch(`http://127.0.0.1:${studio.port}/api/run/metrics?run=zz-long`)).arrayBuffer()).byteLength;
    console.log(`  /api/run/metrics (warm) ${(performance.now() - t0).toFixed(0)} ms, ${(bytes / 1024).toFixed(0)} KiB`);

    // Live: append one row at a time; the page records when its step appears. Then the same with
    // the 100,000-line run shown (the page merges buckets as rows arrive).
    const live = await liveLatency(page, `${studio.url}#runs=zz-live`, join(runs, 'zz-live'), 'zz-live', 100);
    console.log(`update latency (line written -> step shown): ${latencyText(live)}`);
    const longLive = await liveLatency(page, `${studio.url}#runs=zz-long`, join(runs, 'zz-long'), 'zz-long', 100_000);
    console.log(`  with the 100,000-line run shown: ${latencyText(longLive)}`);
  } finally {
    await browser.close();
    await studio.close();
    rmSync(runs, { recursive: true, force: true });
  }
}

await main();
