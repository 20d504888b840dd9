// Runs a README section's first ```ts example as it stands there, with 'tsgan' pointing at the source.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');

/** The first ```ts block of the README section titled `title`. */
export function readmeExample(title: string): string {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf(`## ${title}`));
  const m = /```ts\n([\s\S]*?)```/.exec(section);
  if (!m) throw new Error(`README section "${title}" has no ts example`);
  return m[1]!;
}

/** Runs the example of README section `title` in `dir` (with tsx) and returns the lines it printed. */
export function runReadmeExample(title: string, dir: string): string[] {
  const code = readmeExample(title).replace("from 'tsgan'", `from ${JSON.stringify(join(root, 'src/index.ts'))}`);
  writeFileSync(join(dir, 'example.mts'), code);
  const out = execFileSync(join(root, 'node_modules/.bin/tsx'), ['example.mts'], { cwd: dir, encoding: 'utf8' });
  return out.trim().split('\n');
}
