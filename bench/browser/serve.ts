// The page tests' and the browser benchmark's web server and browser: folders served on loopback
// with the headers that make a page cross-origin isolated (multi-threaded wasm needs
// SharedArrayBuffer), and Debian's chromium driven by playwright-core.
import { existsSync } from 'node:fs';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyInstance } from 'fastify';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

export interface StaticServer {
  url: string;
  close(): Promise<void>;
}

/** Serves each folder under its URL prefix ('/' first) on 127.0.0.1, cross-origin isolated. */
export async function serveFolders(mounts: Record<string, string>): Promise<StaticServer> {
  const app: FastifyInstance = Fastify({ logger: false });
  app.addHook('onSend', async (_req, reply) => {
    reply.header('Cross-Origin-Opener-Policy', 'same-origin');
    reply.header('Cross-Origin-Embedder-Policy', 'require-corp');
    reply.header('Cache-Control', 'no-store');
  });
  Object.entries(mounts).forEach(([prefix, root], i) => {
    app.register(fastifyStatic, { root, prefix, decorateReply: i === 0, index: false });
  });
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  return { url: address, close: () => app.close() };
}

export const hasChromium = () => existsSync(CHROMIUM);

/** Headless chromium; `webgpu` adds the flags that give it SwiftShader's software WebGPU adapter. */
export function launchChromium(o: { webgpu?: boolean } = {}): Promise<Browser> {
  const args = ['--no-sandbox', '--disable-dev-shm-usage'];
  if (o.webgpu) args.push('--enable-unsafe-webgpu', '--enable-features=Vulkan', '--use-angle=swiftshader', '--use-webgpu-adapter=swiftshader', '--ignore-gpu-blocklist');
  return chromium.launch({ executablePath: CHROMIUM, args, env: { ...process.env, VK_ICD_FILENAMES: process.env.VK_ICD_FILENAMES ?? SWIFTSHADER_ICD } });
}
