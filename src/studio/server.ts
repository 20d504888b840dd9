// `gan studio`'s server (fastify): the built web app (dist/app), the files of the runs folder, and
// a JSON + server-sent-events API over the runs. Every response carries the cross-origin isolation
// headers (the in-page training's threaded wasm needs SharedArrayBuffer). auth.ts says who may
// call it; paths.ts keeps file reads inside the runs folder; start.ts checks what may be trained.
import { existsSync, mkdirSync, readFileSync, realpathSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { PRESET_NAMES } from '../config/presets.js';
import { InputError } from '../errors.js';
import { guard, isLoopback, newToken } from './auth.js';
import { Jobs } from './jobs.js';
import { Live, type Send } from './live.js';
import { PathRefused, resolveInside } from './paths.js';
import type { RunDetail } from './protocol.js';
import { EVAL_FILE, readRawConfig } from './runs.js';
import { checkStart } from './start.js';

/** The built app: dist/app of the package (this file is src/studio/server.ts or dist/studio/server.js). */
export const APP_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'app');

export const ISOLATION_HEADERS = {
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-embedder-policy': 'require-corp',
  'cross-origin-resource-policy': 'same-origin',
} as const;

export interface StudioOptions {
  /** The runs folder (created when missing). */
  runs: string;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  appDir?: string;
  /** Folders besides the runs folder whose data a config started from the page may read. */
  data?: string[];
  /** How often the runs folder is polled besides fs.watch, in ms. */
  pollMs?: number;
}

export interface Studio {
  app: FastifyInstance;
  /** The address to open (with ?token= when one is required). */
  url: string;
  /** Required on every request when bound to a non-loopback host. */
  token?: string;
  port: number;
  jobs: Jobs;
  /** Stops the trainings this server started (each writes a checkpoint), then the server. */
  close(): Promise<void>;
}

export class AppMissing extends InputError {}

export async function startStudio(o: StudioOptions): Promise<Studio> {
  const appDir = o.appDir ?? APP_DIR;
  if (!existsSync(join(appDir, 'index.html'))) throw new AppMissing(`the studio's web app is not built (no ${join(appDir, 'index.html')}): run npm run build`);
  mkdirSync(o.runs, { recursive: true });
  const root = realpathSync(resolve(o.runs));
  const host = o.host ?? '127.0.0.1';
  const token = isLoopback(host) ? undefined : newToken();
  const streams = new Set<ServerResponse>();
  // A child's start or exit changes the run list at once (the callback runs only after both exist).
  const jobs = new Jobs(() => live.soon());
  const live = new Live(root, jobs, o.pollMs);
  const app = Fastify({ logger: false });

  app.addHook('onRequest', guard(token));
  app.addHook('onSend', async (_req, reply, payload) => {
    for (const [k, v] of Object.entries(ISOLATION_HEADERS)) reply.header(k, v);
    return payload;
  });
  await app.register(fastifyStatic, { root: appDir, prefix: '/', index: 'index.html' });

  const fail = (reply: FastifyReply, code: number, error: string) => reply.code(code).send({ error });
  /** The run a request names (?run=ID), which must be one the run list holds. */
  const runOf = (req: FastifyRequest, reply: FastifyReply): string | undefined => {
    const id = (req.query as { run?: unknown }).run;
    if (typeof id === 'string' && live.summary(id)) return id;
    void fail(reply, 404, `no run ${JSON.stringify(id ?? null)} in the runs folder`);
    return undefined;
  };
  const sse = (req: FastifyRequest, reply: FastifyReply): Send => {
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { ...(reply.getHeaders() as Record<string, string>), ...ISOLATION_HEADERS, 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    streams.add(res);
    const beat = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
    req.raw.on('close', () => {
      clearInterval(beat);
      streams.delete(res);
    });
    return (event, data) => res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  };

  app.get('/api/runs', async () => ({ runs: live.list(), presets: PRESET_NAMES }));

  app.get('/api/events', (req, reply) => {
    const off = live.onList(sse(req, reply));
    req.raw.on('close', off);
  });

  app.get('/api/run', async (req, reply) => {
    const id = runOf(req, reply);
    if (!id) return reply;
    const dir = join(root, id);
    const job = jobs.get(id);
    let evalReport: unknown;
    if (existsSync(join(dir, EVAL_FILE))) {
      try {
        evalReport = JSON.parse(readFileSync(join(dir, EVAL_FILE), 'utf8'));
      } catch (e) {
        evalReport = { error: `${EVAL_FILE} is not valid JSON: ${(e as Error).message}` };
      }
    }
    const detail: RunDetail = { summary: live.summary(id)!, config: readRawConfig(dir), eval: evalReport, log: job?.log ?? [], exitCode: job?.running ? undefined : job?.exitCode };
    return detail;
  });

  app.get('/api/run/metrics', async (req, reply) => {
    const id = runOf(req, reply);
    if (!id) return reply;
    return live.rowsMessage(live.metrics(id), 0);
  });

  app.get('/api/run/stream', (req, reply) => {
    const id = runOf(req, reply);
    if (!id) return;
    const from = Math.max(0, Math.floor(Number((req.query as { from?: string }).from ?? 0)) || 0);
    const off = live.onRun(id, from, sse(req, reply));
    req.raw.on('close', off);
  });

  app.get('/files/*', (req, reply) => {
    const rel = (req.params as { '*': string })['*'];
    let real: string | undefined;
    try {
      real = resolveInside(root, rel);
    } catch (e) {
      if (e instanceof PathRefused) return fail(reply, 403, `${e.message}: only files inside the runs folder are served`);
      throw e;
    }
    if (!real) return fail(reply, 404, `no file ${rel} in the runs folder`);
    return reply.header('cache-control', 'no-cache').sendFile(relative(root, real), root);
  });

  const refuse = (reply: FastifyReply, e: unknown) => {
    if (e instanceof InputError) return fail(reply, 400, e.message);
    throw e;
  };

  app.post('/api/runs/start', async (req, reply) => {
    try {
      const s = checkStart(req.body, root, o.data ?? []);
      await jobs.opened(jobs.startNew(s.id, s.dir, s.config, s.steps), s.dir);
      return { id: s.id };
    } catch (e) {
      return refuse(reply, e);
    }
  });

  app.post('/api/run/stop', async (req, reply) => {
    const id = runOf(req, reply);
    if (!id) return reply;
    if (!jobs.stop(id)) return fail(reply, 409, `run ${id} is not being trained by this studio`);
    return { id, stopping: true };
  });

  app.post('/api/run/resume', async (req, reply) => {
    const id = runOf(req, reply);
    if (!id) return reply;
    const steps = (req.body as { steps?: unknown } | undefined)?.steps;
    if (steps !== undefined && (typeof steps !== 'number' || !Number.isInteger(steps) || steps < 1)) return fail(reply, 400, `steps must be an integer >= 1, got ${JSON.stringify(steps)}`);
    const s = live.summary(id)!;
    if (jobs.isRunning(id) || s.status === 'active') return fail(reply, 409, `run ${id} is training already`);
    if (!s.checkpoints.length) return fail(reply, 409, `run ${id} has no checkpoint to resume from`);
    jobs.resume(id, join(root, id), steps);
    return { id };
  });

  live.start();
  app.addHook('onClose', async () => {
    live.close();
    for (const res of streams) res.end();
  });
  await app.listen({ host, port: o.port ?? 0 });
  const port = (app.server.address() as { port: number }).port;
  const shown = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  return {
    app,
    port,
    token,
    jobs,
    url: `http://${shown}:${port}/${token ? `?token=${token}` : ''}`,
    async close() {
      await jobs.stopAll();
      await app.close();
    },
  };
}
