// tsgan's version, read once from package.json. The file sits one level below the package root both
// as src/version.ts (run through tsx) and as dist/version.js (built), so ../package.json is the
// package's own in either case. Node-only: the engine takes the version as a parameter instead.
import { readFileSync } from 'node:fs';

export const TSGAN_VERSION: string = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
