// Builds the browser side of tsgan (the studio dashboard, in-page training, the tsgan/web example)
// into dist/app, which the package ships, so `gan studio` serves it without a build step (not
// dist/studio: tsc writes the studio's server, src/studio, there). JSX is preact's (web/tsconfig.json).
// Every top-level web/*.html is a page of its own.
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = dirname(fileURLToPath(import.meta.url));
const pages = Object.fromEntries(
  readdirSync(root)
    .filter((f) => f.endsWith('.html'))
    .map((f) => [f.slice(0, -'.html'.length), join(root, f)]),
);

// Multi-threaded wasm (SharedArrayBuffer) needs a cross-origin isolated page.
const isolation = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

export default defineConfig({
  root,
  base: './',
  build: { outDir: join(root, '..', 'dist', 'app'), emptyOutDir: true, rollupOptions: { input: pages } },
  server: { headers: isolation },
  preview: { headers: isolation },
});
