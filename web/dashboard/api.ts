// The studio server's API as the page calls it (same origin: the token, when one is required,
// travels in the cookie the first ?token= address set).
import type { ApiError, RunDetail, RunSummary, StartRequest } from '../../src/studio/protocol.js';

async function call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const res = await fetch(path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await res.json()) as T | ApiError;
  if (!res.ok) throw new Error((json as ApiError).error ?? `${method} ${path}: HTTP ${res.status}`);
  return json as T;
}

const q = (id: string) => `run=${encodeURIComponent(id)}`;

export const api = {
  runs: () => call<{ runs: RunSummary[]; presets: string[] }>('GET', '/api/runs'),
  run: (id: string) => call<RunDetail>('GET', `/api/run?${q(id)}`),
  start: (r: StartRequest) => call<{ id: string }>('POST', '/api/runs/start', r),
  stop: (id: string) => call<{ id: string }>('POST', `/api/run/stop?${q(id)}`, {}),
  resume: (id: string, steps?: number) => call<{ id: string }>('POST', `/api/run/resume?${q(id)}`, steps === undefined ? {} : { steps }),
  /** A run's file, as the server serves it. */
  file: (id: string, path: string) => `/files/${id.split('/').map(encodeURIComponent).join('/')}/${path}`,
  events: () => new EventSource('/api/events'),
  stream: (id: string, from: number) => new EventSource(`/api/run/stream?${q(id)}&from=${from}`),
};

export const samplePath = (step: number) => `samples/step-${String(step).padStart(8, '0')}.png`;
