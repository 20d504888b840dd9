// Who may talk to the studio. Bound to a loopback address it needs no token, but answers only
// requests addressed to a loopback name (a web page elsewhere cannot reach it through DNS
// rebinding) and takes state-changing requests only from its own pages (same Origin). Bound to
// any other address it requires the token it printed at start on every request: as a header
// (`Authorization: Bearer T` or `X-Studio-Token: T`), a `?token=T` query (which also sets a
// cookie, so the page's own requests carry it), or that cookie.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

export const TOKEN_COOKIE = 'tsgan_studio_token';
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

export const isLoopback = (host: string) => LOOPBACK_HOSTS.has(host) || /^127\.\d+\.\d+\.\d+$/.test(host);

export const newToken = () => randomBytes(24).toString('base64url');

function cookie(req: FastifyRequest, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

const same = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/** The host name of a Host header ("127.0.0.1:8080" -> "127.0.0.1", "[::1]:80" -> "[::1]"). */
const hostName = (host: string) => (host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.split(':')[0]!);

/** An onRequest hook enforcing the rules above; `token` undefined on a loopback bind. */
export function guard(token: string | undefined) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    const host = req.headers.host ?? '';
    const origin = req.headers.origin;
    if (req.method !== 'GET' && req.method !== 'HEAD' && origin !== undefined && origin.replace(/^https?:\/\//, '') !== host) {
      return reply.code(403).send({ error: `requests that change anything must come from the studio's own pages (Origin ${origin} is not ${host})` });
    }
    if (token === undefined) {
      if (!isLoopback(hostName(host))) return reply.code(403).send({ error: `the studio answers only requests to a loopback address, not to host ${JSON.stringify(host)}` });
      return;
    }
    const auth = req.headers.authorization;
    const query = (req.query as Record<string, unknown> | undefined)?.token;
    const given =
      (typeof req.headers['x-studio-token'] === 'string' ? req.headers['x-studio-token'] : undefined) ??
      (auth?.startsWith('Bearer ') ? auth.slice('Bearer '.length) : undefined) ??
      (typeof query === 'string' ? query : undefined) ??
      cookie(req, TOKEN_COOKIE);
    if (given === undefined || !same(given, token)) {
      return reply.code(401).send({ error: 'this studio requires its token: open the address gan studio printed (with ?token=...), or send the token in an X-Studio-Token header' });
    }
    if (typeof query === 'string') reply.header('set-cookie', `${TOKEN_COOKIE}=${encodeURIComponent(token)}; Path=/; HttpOnly; SameSite=Strict`);
  };
}
