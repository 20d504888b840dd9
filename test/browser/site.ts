// What the playground tests load: web/playground.html built by Vite (as `npm run build` builds it)
// into a temporary folder, served on loopback with the headers that make the page cross-origin
// isolated (multi-threaded wasm needs SharedArrayBuffer), and Debian's chromium driven by playwright-core.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { launchChromium, serveFolders, type StaticServer } from '../../bench/browser/serve.js';

export { CHROMIUM, hasChromium, SWIFTSHADER_ICD } from '../../bench/browser/serve.js';

const web = fileURLToPath(new URL('../../web', import.meta.url));

export async function buildPlayground(outDir: string): Promise<void> {
  await build({
    configFile: false,
    logLevel: 'error',
    root: web,
    base: './',
    build: { outDir, emptyOutDir: true, rollupOptions: { input: { playground: join(web, 'playground.html') } } },
  });
}

export type Served = StaticServer;

/** Serves a folder on 127.0.0.1 (a free port), cross-origin isolated. */
export const serve = (root: string): Promise<Served> => serveFolders({ '/': root });

/** Headless chromium (`webgpu`: with SwiftShader's software WebGPU adapter): the benchmark's launcher. */
export const launch = launchChromium;
