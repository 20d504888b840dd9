// The studio's server without a browser: downsampling, the incremental metrics reader and its
// steps/s, what may be served and started, and the security rules over real HTTP.
import { appendFileSync, existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendBuckets, bucketize, bucketSize, shrinkBuckets } from '../../src/studio/buckets.js';
import { Jobs } from '../../src/studio/jobs.js';
import { Live } from '../../src/studio/live.js';
import { MetricsLog, STEPS_PER_S } from '../../src/studio/metrics.js';
import { PathRefused, resolveInside } from '../../src/studio/paths.js';
import { checkStart } from '../../src/studio/start.js';
import { ISOLATION_HEADERS, startStudio, type Studio } from '../../src/studio/server.js';
import type { MetricsMessage, RunSummary } from '../../src/studio/protocol.js';
import { RunDir } from '../../src/run/rundir.js';
import { tempDir } from '../tempdir.js';
import { ensureApp } from './app.js';
import { metricsLines, writeSyntheticRun } from './synthetic.js';

const row = (step: number, time: number, loss = step) => JSON.stringify({ step, loss_D: loss, time });

describe('buckets', () => {
  it('the smallest power-of-two bucket that leaves at most the target count', () => {
    expect(bucketSize(2000, 2000)).toBe(1);
    expect(bucketSize(2001, 2000)).toBe(2);
    expect(bucketSize(100_000, 2000)).toBe(64); // 1,563 buckets; 32 would leave 3,125
  });

  it('keep the last step, row count, and mean/min/max of the finite values', () => {
    const c = { step: [1, 2, 3, 4, 5], cols: { a: [1, 2, NaN, 4, 10], b: [NaN, NaN, 1, 1, 1] } };
    const b = bucketize(c, 0, 5, 2);
    expect(b.step).toEqual([2, 4, 5]);
    expect(b.n).toEqual([2, 2, 1]);
    expect(b.cols.a).toEqual({ mean: [1.5, 4, 10], min: [1, 4, 10], max: [2, 4, 10] });
    expect(b.cols.b!.mean).toEqual([null, 1, 1]);
  });

  it('merge in pairs weighted by row count, and append with missing columns as gaps', () => {
    const b = bucketize({ step: [1, 2, 3, 4, 5, 6, 7], cols: { a: [1, 3, 5, 7, 9, 11, 13] } }, 0, 6, 2); // [2, 6, 10]
    appendBuckets(b, bucketize({ step: [7], cols: { a: [13], z: [0.5] } }, 0, 1, 1));
    expect(b.cols.z!.mean).toEqual([null, null, null, 0.5]);
    shrinkBuckets(b, 2);
    expect(b.step).toEqual([4, 7]);
    expect(b.n).toEqual([4, 3]);
    expect(b.cols.a!.mean).toEqual([4, (10 * 2 + 13) / 3]); // rows 1..4 average 4; rows 5..7 average 11
    expect(b.cols.a!.min).toEqual([1, 9]);
    expect(b.cols.a!.max).toEqual([7, 13]);
  });
});

describe('metrics log', () => {
  it('reads only complete new lines, and derives steps/s from the calls\' end times', () => {
    const file = join(tempDir('studio'), 'metrics.jsonl');
    writeFileSync(file, [1, 2, 3, 4].map((s) => row(s, 100)).join('\n') + '\n' + [5, 6, 7, 8].map((s) => row(s, 102)).join('\n') + '\n');
    const log = new MetricsLog(file);
    expect(log.refresh()).toEqual({ reset: false, added: 8 });
    appendFileSync(file, `${row(9, 103)}\n${row(10, 103)}\n{"step":11,"loss_D":11,"ti`);
    expect(log.refresh()).toEqual({ reset: false, added: 2 });
    appendFileSync(file, 'me":103}\n');
    expect(log.refresh().added).toBe(1);
    expect(log.step).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(log.cols.loss_D).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    // The first call has no rate; the second ran 4 steps in 2 s; the third 3 steps in 1 s.
    expect(log.cols[STEPS_PER_S]).toEqual([NaN, NaN, NaN, NaN, 2, 2, 2, 2, 3, 3, 3]);
    expect('time' in log.cols).toBe(false);
  });

  it('a pause of over ten median calls (a resume) has no rate', () => {
    const file = join(tempDir('studio'), 'metrics.jsonl');
    writeFileSync(file, [100, 101, 102, 103, 104, 200, 201].map((t, i) => row(i + 1, t)).join('\n') + '\n');
    const log = new MetricsLog(file);
    log.refresh();
    expect(log.cols[STEPS_PER_S]).toEqual([NaN, 1, 1, 1, 1, NaN, 1]);
  });

  it('a log cut by a resume is read again from the start', () => {
    const dir = tempDir('studio');
    writeFileSync(join(dir, 'metrics.jsonl'), [1, 2, 3, 4].map((s) => row(s, 100 + s)).join('\n') + '\n');
    const log = new MetricsLog(join(dir, 'metrics.jsonl'));
    log.refresh();
    const generation = log.generation;
    new RunDir(dir).truncateMetrics(2);
    expect(log.refresh()).toEqual({ reset: true, added: 2 });
    expect(log.step).toEqual([1, 2]);
    expect(log.generation).toBe(generation + 1);
  });
});

describe('live updates', () => {
  it('without fs.watch, polling alone brings the new rows and the changed list', async () => {
    const root = tempDir('studio');
    writeSyntheticRun(join(root, 'r'), { steps: 10, total: 100 });
    const live = new Live(root, new Jobs(), 100, false);
    live.start();
    try {
      const events: [string, unknown][] = [];
      const off = live.onRun('r', 10, (event, data) => events.push([event, data]));
      appendFileSync(join(root, 'r', 'metrics.jsonl'), `${row(11, 2e9, 0.5)}\n${row(12, 2e9, 0.75)}\n`);
      const started = Date.now();
      while (!events.some(([e]) => e === 'rows') && Date.now() - started < 5000) await new Promise((r) => setTimeout(r, 20));
      const rows = events.find(([e]) => e === 'rows')![1] as MetricsMessage;
      expect(rows).toMatchObject({ from: 10, rows: 12, buckets: { step: [11, 12], n: [1, 1] } });
      expect(rows.buckets.cols.loss_D!.mean).toEqual([0.5, 0.75]);
      expect(live.summary('r')!.step).toBe(12);
      off();
    } finally {
      live.close();
    }
  });
});

describe('paths inside the runs folder', () => {
  it('resolves inside, refuses what leads out (.., absolute, symlinks out), and is undefined for nothing there', () => {
    const root = tempDir('studio');
    const outside = tempDir('studio-outside');
    writeFileSync(join(outside, 'secret.txt'), 'secret');
    mkdirSync(join(root, 'r'));
    writeFileSync(join(root, 'r', 'a.png'), 'x');
    symlinkSync(outside, join(root, 'out'));
    symlinkSync(join(root, 'r'), join(root, 'alias'));
    expect(resolveInside(root, 'r/a.png')).toMatch(/r\/a\.png$/);
    expect(resolveInside(root, 'alias/a.png')).toMatch(/r\/a\.png$/);
    expect(resolveInside(root, 'r/missing.png')).toBeUndefined();
    for (const bad of ['../x', 'r/../../x', '/etc/passwd', 'out/secret.txt', 'r\0.png']) {
      expect(() => resolveInside(root, bad), bad).toThrow(PathRefused);
    }
  });
});

describe('what the page may start', () => {
  const root = tempDir('studio');
  mkdirSync(join(root, 'taken'));
  const start = (body: unknown) => () => checkStart(body, root, []);
  it('a preset or a config that passes the schema, into a new folder of the runs folder', () => {
    const s = checkStart({ name: 'r1', config: 'preset: ring8\ntrain: { steps: 50 }' }, root, []);
    expect(s).toMatchObject({ id: 'r1', dir: join(root, 'r1') });
    expect(s.config.train.steps).toBe(50);
    expect(checkStart({ name: 'r2', preset: 'grid25', steps: 10 }, root, []).steps).toBe(10);
  });
  it('refuses, with one message, anything else', () => {
    expect(start({ name: '../up', preset: 'ring8' })).toThrow('name must be a folder name of letters, digits, ".", "_" and "-" (not starting with "." or "-"), got "../up"');
    expect(start({ name: 'a/b', preset: 'ring8' })).toThrow('got "a/b"');
    expect(start({ name: 'r', preset: 'ring8', config: 'x: 1' })).toThrow('give either preset or config, not both or neither');
    expect(start({ name: 'r', preset: 'ring8', cmd: 'rm -rf /' })).toThrow('unknown field "cmd" (a start request has name, preset or config, and steps)');
    expect(start({ name: 'r', preset: 'ring9' })).toThrow('unknown preset "ring9"');
    expect(start({ name: 'r', config: 'preset: ring8\ntrain: { stepz: 5 }' })).toThrow('config the config given: unknown key "train.stepz"');
    expect(start({ name: 'r', preset: 'ring8', steps: 0 })).toThrow('steps must be an integer >= 1, got 0');
    expect(start({ name: 'taken', preset: 'ring8' })).toThrow('run taken already exists in the runs folder; choose another name (or resume it)');
    expect(start({ name: 'r', config: 'data: { kind: images, path: /etc }\nmodel: { kind: dcgan }' })).toThrow('"data.path": /etc is outside the runs folder and the --data folders; the studio trains only on data inside them');
  });
});

/** A raw HTTP request (no URL normalisation, so "../" and "%2e%2e" reach the server as sent). */
function raw(port: number, path: string, headers: Record<string, string> = {}, method = 'GET', body?: string): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers: { ...headers, ...(body ? { 'content-type': 'application/json' } : {}) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('the server over HTTP', () => {
  let local: Studio;
  let open: Studio;
  let runs: string;
  beforeAll(async () => {
    ensureApp();
    runs = tempDir('studio-runs');
    writeSyntheticRun(join(runs, 'ring8-a'), { steps: 300 });
    writeSyntheticRun(join(runs, 'sweep', 't0'), { steps: 100_000, samplesEvery: 50_000 });
    const outside = tempDir('studio-outside');
    writeFileSync(join(outside, 'secret.txt'), 'TOP-SECRET-CONTENT');
    symlinkSync(outside, join(runs, 'ring8-a', 'escape'));
    local = await startStudio({ runs, port: 0, pollMs: 100 });
    open = await startStudio({ runs, host: '0.0.0.0', port: 0, pollMs: 100 });
  });
  afterAll(async () => {
    await local?.close();
    await open?.close();
  });

  it('lists every run with its step, total, status, samples and checkpoints', async () => {
    const r = await raw(local.port, '/api/runs');
    expect(r.status).toBe(200);
    const runsListed = (JSON.parse(r.body) as { runs: RunSummary[] }).runs;
    expect(runsListed.map((s) => [s.id, s.step, s.total, s.status, s.samples, s.checkpoints])).toEqual([
      ['ring8-a', 300, 300, 'done', [300], [300]],
      ['sweep/t0', 100_000, 100_000, 'done', [50_000, 100_000], [100_000]],
    ]);
  });

  it('sends the cross-origin isolation headers on every response: the app, the API, files, errors, events', async () => {
    const events = await new Promise<Record<string, unknown>>((resolve) => {
      const req = request({ host: '127.0.0.1', port: local.port, path: '/api/events' }, (res) => {
        resolve(res.headers);
        req.destroy();
      });
      req.end();
    });
    const responses = [await raw(local.port, '/'), await raw(local.port, '/api/runs'), await raw(local.port, '/files/ring8-a/config.json'), await raw(local.port, '/nope'), await raw(open.port, '/api/runs')];
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 404, 401]);
    for (const h of [...responses.map((r) => r.headers), events]) for (const [k, v] of Object.entries(ISOLATION_HEADERS)) expect(h[k]).toBe(v);
    expect(responses[0]!.body).toContain('<main id="app">');
  });

  it('a 100,000-line run comes as at most 2,000 buckets, with exact means', async () => {
    const r = await raw(local.port, `/api/run/metrics?run=${encodeURIComponent('sweep/t0')}`);
    const m = JSON.parse(r.body) as MetricsMessage;
    expect(m.rows).toBe(100_000);
    expect(m.buckets.step.length).toBe(1563);
    expect(m.buckets.step.slice(0, 2)).toEqual([64, 128]);
    const first = metricsLines(1, 64).trim().split('\n').map((l) => (JSON.parse(l) as { loss_D: number }).loss_D);
    expect(m.buckets.cols.loss_D!.mean[0]).toBeCloseTo(first.reduce((a, b) => a + b) / 64, 12);
    expect(m.buckets.cols.steps_per_s!.mean[1]).toBeCloseTo(64, 9); // 32 steps a call, a call every 0.5 s
  });

  it('streams new rows as they are written', async () => {
    const ac = new AbortController();
    const res = await fetch(`http://127.0.0.1:${local.port}/api/run/stream?run=ring8-a&from=300`, { signal: ac.signal });
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    const waitFor = async (s: string) => {
      while (!text.includes(s)) text += decoder.decode((await reader.read()).value);
    };
    await waitFor('event: summary');
    appendFileSync(join(runs, 'ring8-a', 'metrics.jsonl'), `${row(301, 2e9, 0.25)}\n`);
    await waitFor('event: rows');
    const msg = JSON.parse(text.slice(text.indexOf('event: rows')).split('\n')[1]!.slice('data: '.length)) as MetricsMessage;
    expect(msg).toMatchObject({ from: 300, rows: 301, buckets: { step: [301], n: [1] } });
    expect(msg.buckets.cols.loss_D!.mean).toEqual([0.25]);
    ac.abort();
  });

  it('refuses paths out of the runs folder: ../, %2e%2e, absolute, symlinks out', async () => {
    for (const path of ['/files/../../etc/passwd', '/files/%2e%2e/%2e%2e/etc/passwd', '/files/ring8-a/%2E%2E/%2E%2E/etc/passwd', '/files/%2Fetc%2Fpasswd', '/files/ring8-a/escape/secret.txt', '/../../etc/passwd', '/%2e%2e/%2e%2e/etc/passwd']) {
      const r = await raw(local.port, path);
      expect([403, 404], `${path}: ${r.status} ${r.body}`).toContain(r.status);
      expect(r.body).not.toContain('TOP-SECRET-CONTENT');
      expect(r.body).not.toContain('root:');
    }
    expect((await raw(local.port, '/files/ring8-a/escape/secret.txt')).body).toBe('{"error":"\\"ring8-a/escape/secret.txt\\" is outside the runs folder: only files inside the runs folder are served"}');
    expect((await raw(local.port, '/api/run?run=..%2F..')).status).toBe(404);
  });

  it('bound to loopback: answers only loopback host names, and changes only from its own origin', async () => {
    expect((await raw(local.port, '/api/runs', { host: 'attacker.example:80' })).status).toBe(403);
    const foreign = await raw(local.port, '/api/runs/start', { origin: 'http://attacker.example' }, 'POST', JSON.stringify({ name: 'x', preset: 'ring8' }));
    expect(foreign.status).toBe(403);
    expect(existsSync(join(runs, 'x'))).toBe(false);
  });

  it('bound to 0.0.0.0: no token -> 401; the token as header, query (which sets a cookie) or cookie -> 200', async () => {
    expect(open.token).toMatch(/^[\w-]{32}$/);
    expect(open.url).toBe(`http://127.0.0.1:${open.port}/?token=${open.token}`);
    for (const path of ['/', '/api/runs', '/files/ring8-a/config.json', '/api/events']) {
      const r = await raw(open.port, path);
      expect(r.status, path).toBe(401);
      expect(JSON.parse(r.body)).toEqual({ error: 'this studio requires its token: open the address gan studio printed (with ?token=...), or send the token in an X-Studio-Token header' });
    }
    expect((await raw(open.port, '/api/runs', { 'x-studio-token': 'wrong' })).status).toBe(401);
    expect((await raw(open.port, '/api/runs', { 'x-studio-token': open.token! })).status).toBe(200);
    expect((await raw(open.port, '/api/runs', { authorization: `Bearer ${open.token}` })).status).toBe(200);
    const viaQuery = await raw(open.port, `/?token=${open.token}`);
    expect(viaQuery.status).toBe(200);
    const cookie = String(viaQuery.headers['set-cookie']).split(';')[0]!;
    expect(cookie).toBe(`tsgan_studio_token=${open.token}`);
    expect((await raw(open.port, '/files/ring8-a/config.json', { cookie })).status).toBe(200);
    expect((await raw(open.port, '/files/%2e%2e/%2e%2e/etc/passwd', { cookie })).status).toBe(403);
  });

  it('starts only validated configs: a bad one is refused with its message and nothing is written', async () => {
    const bad = await raw(local.port, '/api/runs/start', {}, 'POST', JSON.stringify({ name: 'bad', config: 'preset: ring8\ntrain: { lrG: -1 }' }));
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body)).toEqual({ error: 'config the config given: "train.lrG": must be > 0, got -1' });
    expect(existsSync(join(runs, 'bad'))).toBe(false);
    const stop = await raw(local.port, '/api/run/stop?run=ring8-a', {}, 'POST', '{}');
    expect([stop.status, JSON.parse(stop.body)]).toEqual([409, { error: 'run ring8-a is not being trained by this studio' }]);
  });

  it('a config the child cannot open (a missing data folder) is answered with gan train\'s message', async () => {
    const body = JSON.stringify({ name: 'nodata', config: `data: { kind: images, path: ${join(runs, 'no-such-folder')} }\nmodel: { kind: dcgan }` });
    const r = await raw(local.port, '/api/runs/start', {}, 'POST', body);
    expect([r.status, JSON.parse(r.body)]).toEqual([400, { error: `image folder ${join(runs, 'no-such-folder')} cannot be read: no such folder` }]);
    expect(existsSync(join(runs, 'nodata', 'config.json'))).toBe(false);
  });

  it('refuses to start without the built app, saying how to build it', async () => {
    await expect(startStudio({ runs, appDir: join(runs, 'no-app') })).rejects.toThrow(`the studio's web app is not built (no ${join(runs, 'no-app', 'index.html')}): run npm run build`);
  });
});
