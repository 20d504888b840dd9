// In-page training speed of the `mlp` benchmark step: our compiled ONNX step in onnxruntime-web
// (wasm, 1 and 2 threads; WebGPU on SwiftShader for the record) next to TensorFlow.js with its wasm
// backend (the same networks, batch, losses and Adam) in the same chromium, and next to Node's
// figure for our step. Each browser figure is the median of `--repeats` fresh pages, taken in rounds
// (every row once per round), each page's figure the median of its timed steps.
// The warm-up is long on purpose: with 2 wasm threads a page's first three calls (24 steps) run at
// 2-4x the settled time (the thread pool and the wasm heap settling), so a short warm-up times them.
// usage: npm run bench -- --browser [...], or npx tsx bench/browser/run.ts [--steps 128] [--warmup 48] [--repeats 3] [--no-webgpu] [--webgpu-steps 8]
//        [--only ours,tfjs,ours-webgpu] [--json]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'vite';
import * as E from '../../src/engine/index.js';
import { CASES, benchOurs, buildBenchStep } from '../run.js';
import { median, type PageResult } from './pages/result.js';
import { hasChromium, launchChromium, serveFolders, CHROMIUM } from './serve.js';
import { writeStepFiles, type StepManifest } from './step-files.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const modules = fileURLToPath(new URL('../../node_modules', import.meta.url));

interface Config {
  name: string;
  page: string;
  query: Record<string, number>;
  webgpu?: boolean;
  /** A page that has not reported by then counts as not run. */
  timeoutS: number;
}

async function buildPages(outDir: string): Promise<void> {
  const root = join(here, 'pages');
  const input = Object.fromEntries(['ours', 'ours-webgpu', 'tfjs'].map((p) => [p, join(root, `${p}.html`)]));
  await build({ configFile: false, logLevel: 'error', root, base: './', publicDir: false, build: { outDir, emptyOutDir: true, rollupOptions: { input } } });
}

/** Node's first call with the feeds the pages draw (bench/browser/pages/our-step.ts), for agreement. */
async function nodeFirstCall(manifest: StepManifest, perRun: number): Promise<Record<string, number>> {
  const { built, store } = buildBenchStep(CASES.find((c) => c.name === 'mlp')!, manifest.batch);
  const prog = await E.Program.compile(built.spec, store, { loop: perRun > 1 ? { steps: perRun, perStep: ['x', 'z'] } : undefined });
  const rng = new E.Rng(1);
  const pool = Array.from({ length: 8 }, () => rng.fillUniform(new Float32Array(perRun * manifest.batch * manifest.sampleSize), -1, 1));
  const z = rng.fillNormal(new Float32Array(perRun * manifest.batch * manifest.latent));
  const out = await prog.run({ x: pool[0]!, z, lr_G: 2e-4, lr_D: 2e-4 });
  await prog.release();
  return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, (v.data as Float32Array)[0]!]));
}

const round = (x: number) => Math.round(x * 100) / 100;

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: process.argv.slice(2).filter((a) => a !== '--browser'),
    options: {
      steps: { type: 'string', default: '128' },
      warmup: { type: 'string', default: '48' },
      repeats: { type: 'string', default: '3' },
      'no-webgpu': { type: 'boolean', default: false },
      'webgpu-steps': { type: 'string', default: '8' },
      only: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  if (!hasChromium()) throw new Error(`${CHROMIUM} is missing: apt-get install chromium (scripts/system-deps.sh)`);
  const steps = Number(values.steps);
  const warmup = Number(values.warmup);
  const repeats = Number(values.repeats);
  const dir = mkdtempSync(join(tmpdir(), 'tsgan-bench-browser-'));
  const say = (s: string) => process.stderr.write(`${s}\n`);
  try {
    const manifest = writeStepFiles(join(dir, 'step'), 64, 8);
    await buildPages(join(dir, 'site'));
    const server = await serveFolders({ '/': join(dir, 'site'), '/step/': join(dir, 'step'), '/ort/': join(modules, 'onnxruntime-web', 'dist'), '/tfjs/': join(modules, '@tensorflow') });
    const q = { steps, warmup };
    const timeoutS = 600;
    const configs: Config[] = [
      { name: 'tsgan onnxruntime-web wasm, 1 thread, 8 steps/call', page: 'ours', query: { threads: 1, perRun: 8, ...q }, timeoutS },
      { name: 'tsgan onnxruntime-web wasm, 2 threads, 8 steps/call', page: 'ours', query: { threads: 2, perRun: 8, ...q }, timeoutS },
      { name: 'tsgan onnxruntime-web wasm, 2 threads (no spinning), 8 steps/call', page: 'ours', query: { threads: 2, perRun: 8, spin: 0, ...q }, timeoutS },
      { name: 'tsgan onnxruntime-web wasm, 2 threads, 1 step/call', page: 'ours', query: { threads: 2, perRun: 1, ...q }, timeoutS },
      { name: 'tfjs wasm, 1 thread', page: 'tfjs', query: { threads: 1, ...q }, timeoutS },
      { name: 'tfjs wasm, 2 threads', page: 'tfjs', query: { threads: 2, ...q }, timeoutS },
    ];
    if (!values['no-webgpu']) configs.push({ name: 'tsgan onnxruntime-web WebGPU (SwiftShader), 8 steps/call', page: 'ours-webgpu', query: { perRun: 8, steps: Number(values['webgpu-steps']), warmup: 8 }, webgpu: true, timeoutS: 300 });
    // --only ours,tfjs,ours-webgpu: the pages to run (default all).
    const pages = values.only?.split(',');
    const chosen = pages ? configs.filter((c) => pages.includes(c.page)) : configs;
    const rows: Record<string, unknown>[] = [];
    const figures = new Map<string, number>();
    /** One fresh page (in its own browser) of a row. */
    const onePage = async (c: Config): Promise<PageResult> => {
      const browser = await launchChromium({ webgpu: c.webgpu });
      try {
        const page = await browser.newPage();
        const search = new URLSearchParams(Object.entries(c.query).map(([k, v]) => [k, String(v)]));
        await page.goto(`${server.url}/${c.page}.html?${search}`);
        try {
          await page.waitForFunction(() => 'benchResult' in window, null, { timeout: c.timeoutS * 1000, polling: 500 });
          return (await page.evaluate(() => (window as unknown as { benchResult: PageResult }).benchResult))!;
        } catch {
          return { ok: false, error: `no result within ${c.timeoutS} s`, crossOriginIsolated: true };
        }
      } finally {
        await browser.close();
      }
    };
    // Rounds: every row once per round, so a change in the machine's load reaches every row alike.
    const results = new Map<Config, PageResult[]>(chosen.map((c) => [c, []]));
    for (let r = 0; r < repeats; r++) {
      for (const c of chosen) {
        const runs = results.get(c)!;
        if (runs.some((x) => !x.ok)) continue;
        const res = await onePage(c);
        runs.push(res);
        say(res.ok ? `${c.name}: ${res.msPerStep!.toFixed(2)} ms/step (round ${r + 1}/${repeats})` : `${c.name}: could not run: ${res.error?.split('\n')[0]}`);
      }
    }
    for (const c of chosen) {
      const runs = results.get(c)!;
      const failed = runs.find((r) => !r.ok);
      if (failed) {
        rows.push({ config: c.name, error: failed.error?.split('\n')[0] });
        continue;
      }
      const ms = median(runs.map((r) => r.msPerStep!));
      figures.set(c.name, ms);
      rows.push({ config: c.name, ms_per_step: round(ms), repeats: runs.map((r) => round(r.msPerStep!)), steps_per_s: round(1000 / ms), first: runs[0]!.first, last: runs.at(-1)!.last, isolated: runs[0]!.crossOriginIsolated, threads: runs[0]!.threads, backend: runs[0]!.backend });
    }
    await server.close();
    const node = await benchOurs(CASES.find((c) => c.name === 'mlp')!, 64, 100, 10, {}, 8);
    rows.push({ config: 'tsgan onnxruntime-node (CPU, 2 threads), 8 steps/call', ms_per_step: round(node.ms), steps_per_s: round(1000 / node.ms) });
    const nodeFirst = { 1: await nodeFirstCall(manifest, 1), 8: await nodeFirstCall(manifest, 8) };
    const ours2 = figures.get(configs[1]!.name);
    const tf2 = figures.get('tfjs wasm, 2 threads');
    const ours1 = figures.get(configs[0]!.name);
    const tf1 = figures.get('tfjs wasm, 1 thread');
    const summary = {
      speedup_vs_tfjs_2_threads: ours2 && tf2 ? round(tf2 / ours2) : null,
      speedup_vs_tfjs_1_thread: ours1 && tf1 ? round(tf1 / ours1) : null,
      node_first_call: nodeFirst,
    };
    if (values.json) {
      for (const r of rows) console.log(JSON.stringify(r));
      console.log(JSON.stringify(summary));
    } else {
      for (const r of rows) console.log(`${String(r.config).padEnd(62)} ${r.ms_per_step !== undefined ? `${(r.ms_per_step as number).toFixed(2)} ms/step` : `not run: ${r.error}`}`);
      console.log(`ours / tfjs at 2 threads: ${summary.speedup_vs_tfjs_2_threads}x; at 1 thread: ${summary.speedup_vs_tfjs_1_thread}x`);
      for (const r of rows.filter((x) => x.first)) console.log(`first call ${String(r.config).padEnd(56)} ${JSON.stringify(r.first)}`);
      console.log(`first call in Node (1 step/call) ${JSON.stringify(nodeFirst[1])}\nfirst call in Node (8 steps/call) ${JSON.stringify(nodeFirst[8])}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
