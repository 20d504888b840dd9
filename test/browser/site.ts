// What the playground tests load: web/playground.html built by Vite (as `npm run build` builds it)
// into a temporary folder, served on loopback with the headers that make the page cross-origin
// isolated (multi-threaded wasm needs SharedArrayBuffer), and Debian's chromium driven by playwright-core.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import Fastify from 'fastify';
import { chromium, type Browser } from 'playwright-core';
import { build } from 'vite';

export const CHROMIUM = '/usr/bin/chromium';
/** Chromium's SwiftShader Vulkan driver: the software GPU its WebGPU adapter runs on here. */
export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';
export const hasChromium = () => existsSync(CHROMIUM);

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

export interface Served {
  url: string;
  close(): Promise<void>;
}

/** Serves a folder on 127.0.0.1 (a free port), cross-origin isolated. */
export async function serve(root: string): Promise<Served> {
  const app = Fastify({ logger: false });
  app.addHook('onSend', async (_req, reply) => {
    reply.header('Cross-Origin-Opener-Policy', 'same-origin');
    reply.header('Cross-Origin-Embedder-Policy', 'require-corp');
  });
  await app.register(fastifyStatic, { root });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return { url, close: () => app.close() };
}

/** Headless chromium; `webgpu` adds the flags that give it SwiftShader's software WebGPU adapter. */
export function launch(o: { webgpu?: boolean } = {}): Promise<Browser> {
  const args = ['--no-sandbox', '--disable-dev-shm-usage'];
  if (o.webgpu) args.push('--enable-unsafe-webgpu', '--enable-features=Vulkan', '--use-vulkan=swiftshader', '--use-webgpu-adapter=swiftshader', '--ignore-gpu-blocklist');
  return chromium.launch({ executablePath: CHROMIUM, args, env: { ...process.env, VK_ICD_FILENAMES: process.env.VK_ICD_FILENAMES ?? SWIFTSHADER_ICD } });
}
