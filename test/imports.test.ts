// tsgan's modules depend on each other one way: no import cycles in src (type-only imports included),
// and the engine imports nothing of tsgan outside it. The layers a page bundles (engine, nn, optim,
// gan but its Node trainer) reach no Node-only module: onnxruntime-node only through src/engine/ort-node.ts.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve('src');
const ENGINE = join(SRC, 'engine');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** Relative imports and re-exports of a file, as absolute .ts paths. */
function importsOf(file: string): string[] {
  const src = readFileSync(file, 'utf8');
  return [...src.matchAll(/^\s*(?:import|export)\s[^;]*?\sfrom\s+'(\.[^']+)'/gms)].map((m) => resolve(dirname(file), m[1]!.replace(/\.js$/, '.ts')));
}

/** Package and node: imports of a file (bare specifiers), type-only ones included. */
function packagesOf(file: string): string[] {
  const src = readFileSync(file, 'utf8');
  return [...src.matchAll(/^\s*(?:import|export)\s[^;]*?\sfrom\s+'([^.'][^']*)'/gms), ...src.matchAll(/^\s*import\s+'([^.'][^']*)'/gm)].map((m) => m[1]!);
}

/** The files a set of files reach through static relative imports, the set included. */
function closure(files: readonly string[]): string[] {
  const seen = new Set<string>();
  const visit = (f: string) => {
    if (seen.has(f)) return;
    seen.add(f);
    for (const d of importsOf(f)) visit(d);
  };
  files.forEach(visit);
  return [...seen];
}

/** Every cycle a depth-first walk closes, as "a.ts -> b.ts -> a.ts". */
function cycles(files: readonly string[]): string[] {
  const deps = new Map(files.map((f) => [f, importsOf(f)]));
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const found: string[] = [];
  const visit = (f: string) => {
    state.set(f, 'open');
    path.push(f);
    for (const d of deps.get(f) ?? []) {
      if (state.get(d) === 'open') found.push([...path.slice(path.indexOf(d)), d].map((p) => relative(SRC, p)).join(' -> '));
      else if (!state.has(d)) visit(d);
    }
    path.pop();
    state.set(f, 'done');
  };
  for (const f of files) if (!state.has(f)) visit(f);
  return found;
}

describe('module graph', () => {
  it('the engine has no import cycles and imports nothing of tsgan outside src/engine', () => {
    const files = sourceFiles(ENGINE);
    expect(files.length).toBeGreaterThan(10);
    expect(importsOf(join(ENGINE, 'autodiff.ts'))).toContain(join(ENGINE, 'ops', 'reduce.ts'));
    expect(cycles(files)).toEqual([]);
    expect(files.flatMap((f) => importsOf(f).filter((d) => !d.startsWith(ENGINE)).map((d) => `${relative(SRC, f)} -> ${relative(SRC, d)}`))).toEqual([]);
  });

  it('src has no import cycles', () => {
    const files = sourceFiles(SRC);
    expect(importsOf(join(SRC, 'config', 'schema.ts'))).toContain(join(SRC, 'gan', 'registry.ts'));
    expect(cycles(files)).toEqual([]);
  });

  it('the layers a page bundles (engine, nn, optim, gan) import no node: module nor onnxruntime-node but through ort-node.ts', () => {
    const NODE_WIRING = join(ENGINE, 'ort-node.ts');
    // The trainer writes run directories (files, PNG previews): Node's, built on the browser-safe session.ts.
    const nodeTrainer = [join(SRC, 'gan', 'trainer.ts'), join(SRC, 'gan', 'artifacts.ts')];
    const layers = ['engine', 'nn', 'optim', 'gan'].flatMap((d) => sourceFiles(join(SRC, d))).filter((f) => f !== NODE_WIRING && !nodeTrainer.includes(f));
    expect(layers).toContain(join(SRC, 'gan', 'session.ts'));
    const reached = closure(layers);
    expect(reached).not.toContain(NODE_WIRING);
    // Packages a browser bundle may hold (onnxruntime-common: types only, shared by the node and web builds).
    const browserSafe = new Set(['zod', 'onnxruntime-common']);
    const offending = reached.flatMap((f) => packagesOf(f).filter((p) => !browserSafe.has(p)).map((p) => `${relative(SRC, f)} -> ${p}`));
    expect(offending).toEqual([]);
    // The wiring file is the one that imports onnxruntime-node, and nothing else does.
    expect(packagesOf(NODE_WIRING)).toContain('onnxruntime-node');
    const others = sourceFiles(ENGINE).filter((f) => f !== NODE_WIRING && packagesOf(f).includes('onnxruntime-node'));
    expect(others).toEqual([]);
  });
});
