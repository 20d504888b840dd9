// A 10,000-image folder (issue 13): first decode time, cached load time, and the resident memory of
// a training run on it. BENCHMARKS.md ("A 10,000-image folder") has the figures.
//
//   npx tsx scripts/folder-bench.ts [--dir /tmp/folder10k] [--count 10000] [--side 256] [--size 64] [--steps 64]
//
// The folder is made once (if absent) from the 7,572 emoji of emoji-datasource-google and -apple:
// each emoji upscaled to side x side (Lanczos), composited on white, the ones after the first 7,572
// mirrored, written as JPEG (quality 90) in one sub-folder per category: photos' format and size,
// not the emoji's 64x64 PNGs, so decoding costs what a user's folder costs. Each measurement runs in
// its own process (node's heap and sharp's caches start empty): the decode with an empty cache
// directory, the cached load, then `gan train` on the folder with its peak resident memory (VmHWM).
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { emojiEntries } from '../src/data/images/emoji.js';

const { values } = parseArgs({
  options: {
    dir: { type: 'string', default: join(tmpdir(), 'tsgan-folder10k') },
    count: { type: 'string', default: '10000' },
    side: { type: 'string', default: '256' },
    size: { type: 'string', default: '64' },
    steps: { type: 'string', default: '64' },
    phase: { type: 'string' },
  },
});
const dir = values.dir;
const count = Number(values.count);
const side = Number(values.side);
const size = Number(values.size);
const say = (m: string) => process.stderr.write(`${m}\n`);

async function makeFolder(): Promise<void> {
  const all = (['google', 'apple'] as const).flatMap((v) => {
    const { entries, classNames } = emojiEntries(v);
    return entries.map((e) => ({ file: e.file, category: e.label === undefined ? 'none' : classNames[e.label]! }));
  });
  const tmp = `${dir}.partial`;
  rmSync(tmp, { recursive: true, force: true });
  for (let i = 0; i < count; i++) {
    const src = all[i % all.length]!;
    const sub = join(tmp, src.category.replace(/[^A-Za-z0-9]+/g, '-'));
    mkdirSync(sub, { recursive: true });
    let img = sharp(src.file).resize(side, side, { kernel: 'lanczos3' }).flatten({ background: 'white' });
    if (i >= all.length) img = img.flop();
    await img.jpeg({ quality: 90 }).toFile(join(sub, `${String(i).padStart(5, '0')}.jpg`));
  }
  execFileSync('mv', [tmp, dir]);
}

/** One measurement, in this process: open the folder as a training source. */
async function load(): Promise<void> {
  const { openSource } = await import('../src/data/source.js');
  const { validateConfig } = await import('../src/config/schema.js');
  const E = await import('../src/engine/index.js');
  const cfg = validateConfig({ data: { kind: 'images', path: dir, size, labels: 'folders' }, model: { kind: 'dcgan' } }, 'folder-bench');
  const t0 = performance.now();
  const src = await openSource(cfg.data, new E.Rng(0), 0);
  const seconds = (performance.now() - t0) / 1000;
  console.log(JSON.stringify({ seconds, images: src.dataset?.count, heldOut: src.heldOut?.count, rssMiB: process.memoryUsage().rss / 2 ** 20 }));
}

/** Runs a command to its end, reading its peak resident memory from /proc just before it exits. */
function peakRss(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ peakMiB: number; out: string }> {
  return new Promise((done, fail) => {
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let out = '';
    let peak = 0;
    child.stdout.on('data', (d) => (out += String(d)));
    child.stderr.on('data', (d) => (out += String(d)));
    // npx starts node as a child: poll every process of the group (detached: its own) for VmHWM.
    const poll = setInterval(() => {
      try {
        const pids = execFileSync('pgrep', ['-g', String(child.pid)]).toString().trim().split('\n');
        for (const pid of pids) {
          const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
          if (m) peak = Math.max(peak, Number(m[1]) / 1024);
        }
      } catch {
        // the process ended between the listing and the read
      }
    }, 200);
    child.on('error', fail);
    child.on('exit', (code) => {
      clearInterval(poll);
      if (code !== 0) fail(new Error(`${cmd} ${args.join(' ')} exited with ${code}:\n${out}`));
      else done({ peakMiB: peak, out });
    });
  });
}

async function main(): Promise<void> {
  if (values.phase === 'load') return load();
  if (!existsSync(dir)) {
    const t0 = performance.now();
    await makeFolder();
    say(`made ${count} JPEGs of ${side}x${side} in ${dir} (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
  }
  const cache = mkdtempSync(join(tmpdir(), 'tsgan-cache-'));
  const env = { ...process.env, TSGAN_CACHE: cache };
  const me = process.argv[1]!;
  const loadOnce = () => JSON.parse(execFileSync('npx', ['tsx', me, '--phase', 'load', '--dir', dir, '--size', String(size)], { env }).toString());
  const first = loadOnce();
  say(`first decode: ${first.seconds.toFixed(1)} s for ${first.images} + ${first.heldOut} held-out images (rss ${first.rssMiB.toFixed(0)} MiB)`);
  const cached = loadOnce();
  say(`cached load: ${cached.seconds.toFixed(2)} s (rss ${cached.rssMiB.toFixed(0)} MiB)`);
  const run = join(cache, 'run');
  const config = join(cache, 'folder.json');
  writeFileSync(config, JSON.stringify({ data: { kind: 'images', path: dir, size }, model: { kind: 'dcgan', latent: 100, width: 64, spectralNorm: true, batchNormD: false }, train: { steps: Number(values.steps), batch: 64, loss: 'hinge', checkpointEvery: 1000, sampleEvery: 1000 } }));
  const trained = await peakRss('npx', ['gan', 'train', '--config', config, '--out', run], env);
  say(`gan train ${values.steps} steps at ${size}x${size}: peak resident memory ${trained.peakMiB.toFixed(0)} MiB`);
  const pixels = (first.images + first.heldOut) * 3 * size * size;
  console.log(JSON.stringify({ images: first.images + first.heldOut, side, size, firstDecodeSeconds: first.seconds, cachedLoadSeconds: cached.seconds, decodedMiB: pixels / 2 ** 20, trainPeakRssMiB: trained.peakMiB }));
  rmSync(cache, { recursive: true, force: true });
}

await main();
