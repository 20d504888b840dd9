// What the playground tests load: web/playground.html built by Vite (as `npm run build` builds it)
// into a temporary folder, served on loopback with the headers that make the page cross-origin
// isolated (multi-threaded wasm needs SharedArrayBuffer), and Debian's chromium driven by playwright-core.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { build } from 'vite';
import { CHROMIUM, serveFolders, SWIFTSHADER_ICD, type StaticServer } from '../../bench/browser/serve.js';

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

/** Headless chromium; `webgpu` adds the flags that give it SwiftShader's software WebGPU adapter. */
export function launch(o: { webgpu?: boolean } = {}): Promise<Browser> {
  const args = ['--no-sandbox', '--disable-dev-shm-usage'];
  if (o.webgpu) args.push('--enable-unsafe-webgpu', '--enable-features=Vulkan', '--use-vulkan=swiftshader', '--use-webgpu-adapter=swiftshader', '--ignore-gpu-blocklist');
  return chromium.launch({ executablePath: CHROMIUM, args, env: { ...process.env, VK_ICD_FILENAMES: process.env.VK_ICD_FILENAMES ?? SWIFTSHADER_ICD } });
}
