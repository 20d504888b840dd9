// The studio tests serve the built app (dist/app): built here when missing or older than web/;
// the browser they drive is Debian's chromium.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { APP_DIR } from '../../src/studio/server.js';

const newest = (dir: string): number =>
  Math.max(0, ...readdirSync(dir, { withFileTypes: true }).map((e) => (e.isDirectory() ? newest(join(dir, e.name)) : statSync(join(dir, e.name)).mtimeMs)));

export const CHROMIUM = '/usr/bin/chromium';

export function ensureApp(): string {
  const index = join(APP_DIR, 'index.html');
  const sources = Math.max(newest(join(process.cwd(), 'web')), newest(join(process.cwd(), 'src', 'studio')));
  if (!existsSync(index) || statSync(index).mtimeMs < sources) {
    execFileSync(process.execPath, [join(process.cwd(), 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'], { stdio: 'inherit' });
  }
  return APP_DIR;
}
