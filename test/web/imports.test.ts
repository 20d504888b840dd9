// tsgan/web runs in any page: it may import onnxruntime-web, its own files, the errors and the
// engine's dependency-free PRNG, and nothing else (no Node module, no engine that needs onnxruntime-node).
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const dir = fileURLToPath(new URL('../../src/web/', import.meta.url));
const ALLOWED = new Set(['onnxruntime-web/wasm', '../errors.js', '../engine/random.js', './generator.js', './metadata.js', './pixels.js']);

describe('src/web imports', () => {
  it('only onnxruntime-web, the errors and the PRNG', () => {
    const found = new Set<string>();
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.ts'))) {
      for (const m of readFileSync(dir + f, 'utf8').matchAll(/(?:import|export)[^'"]*from\s+'([^']+)'/g)) found.add(m[1]!);
    }
    expect([...found].filter((s) => !ALLOWED.has(s))).toEqual([]);
    expect(found.has('onnxruntime-web/wasm')).toBe(true);
    // The PRNG itself imports nothing.
    expect(readFileSync(fileURLToPath(new URL('../../src/engine/random.ts', import.meta.url)), 'utf8')).not.toMatch(/^import /m);
  });
});
