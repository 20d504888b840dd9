// Paths the studio may touch: only inside the runs folder. A request names a run by its path
// relative to the folder and a file by its path inside the run; anything that would leave the
// folder — "..", an absolute path, a symlink pointing out, a NUL byte — is refused.
import { realpathSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';

export class PathRefused extends Error {
  constructor(readonly what: string) {
    super(`${what} is outside the runs folder`);
    this.name = 'PathRefused';
  }
}

const inside = (root: string, p: string) => {
  const rel = relative(root, p);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
};

/**
 * `rel` (parts joined by "/") resolved inside `root`, following symlinks: the real path, or
 * undefined when nothing is there. Throws PathRefused when the path, or what it links to, is outside.
 */
export function resolveInside(root: string, rel: string): string | undefined {
  if (rel.includes('\0') || isAbsolute(rel) || /^[a-zA-Z]:/.test(rel) || rel.split(/[\\/]/).includes('..')) throw new PathRefused(JSON.stringify(rel));
  const realRoot = realpathSync(root);
  const target = resolve(realRoot, rel);
  if (!inside(realRoot, target)) throw new PathRefused(JSON.stringify(rel));
  let real: string;
  try {
    real = realpathSync(target);
  } catch {
    return undefined;
  }
  if (!inside(realRoot, real)) throw new PathRefused(JSON.stringify(rel));
  return real;
}

/** A run's id: its directory relative to the runs folder, "/"-separated. */
export const runId = (root: string, dir: string) => relative(root, dir).split(sep).join('/');

/** Whether `p` (need not exist) lies inside `root` once resolved (no symlinks followed). */
export const lexicallyInside = (root: string, p: string) => inside(resolve(root), resolve(p));
