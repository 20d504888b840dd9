// Builds what the page tests load, as web/vite.config.ts builds pages: the example page alone, and
// harness/harness.html, which puts the tsgan/web module on window for the tests to call.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const repo = fileURLToPath(new URL('../..', import.meta.url));

export async function buildSite(outDir: string): Promise<void> {
  const quiet = { configFile: false as const, logLevel: 'error' as const };
  await build({
    ...quiet,
    root: join(repo, 'web'),
    base: './',
    build: { outDir, emptyOutDir: true, rollupOptions: { input: { example: join(repo, 'web', 'example.html') } } },
  });
  const harness = fileURLToPath(new URL('./harness', import.meta.url));
  await build({
    ...quiet,
    root: harness,
    base: './',
    publicDir: false,
    build: { outDir: join(outDir, 'harness'), emptyOutDir: true, rollupOptions: { input: join(harness, 'harness.html') } },
  });
}
