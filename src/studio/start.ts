// What a page may ask to train, checked before anything runs: a run name that makes a new folder
// directly inside the runs folder, and a preset or a config that passes the project's schema
// (src/config), whose data files lie inside the runs folder or a folder given with --data.
import { existsSync, realpathSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { resolveConfig, type ConfigInput } from '../config/load.js';
import type { GanConfig } from '../config/schema.js';
import { InputError } from '../errors.js';
import { lexicallyInside } from './paths.js';
import type { StartRequest } from './protocol.js';

export const RUN_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$/;
/** Keys of a data section that name files or folders. */
const PATH_KEYS = new Set(['path', 'a', 'b']);

export interface CheckedStart {
  id: string;
  dir: string;
  config: GanConfig;
  steps?: number;
}

/** A StartRequest made sure of, or an InputError with the one thing that is wrong. */
export function checkStart(body: unknown, runsRoot: string, dataRoots: readonly string[]): CheckedStart {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new InputError('the request must be a JSON object with name and preset or config');
  const r = body as Partial<Record<keyof StartRequest, unknown>>;
  const known = new Set(['name', 'preset', 'config', 'steps']);
  const unknown = Object.keys(r).filter((k) => !known.has(k));
  if (unknown.length) throw new InputError(`unknown field "${unknown[0]}" (a start request has name, preset or config, and steps)`);
  if (typeof r.name !== 'string' || !RUN_NAME.test(r.name)) {
    throw new InputError(`name must be a folder name of letters, digits, ".", "_" and "-" (not starting with "." or "-"), got ${JSON.stringify(r.name ?? null)}`);
  }
  if ((r.preset === undefined) === (r.config === undefined)) throw new InputError('give either preset or config, not both or neither');
  if (r.steps !== undefined && (typeof r.steps !== 'number' || !Number.isInteger(r.steps) || r.steps < 1)) {
    throw new InputError(`steps must be an integer >= 1, got ${JSON.stringify(r.steps)}`);
  }
  let input: ConfigInput;
  let source: string;
  if (r.preset !== undefined) {
    if (typeof r.preset !== 'string') throw new InputError(`preset must be a preset's name, got ${JSON.stringify(r.preset)}`);
    input = r.preset;
    source = `preset ${r.preset}`;
  } else {
    if (typeof r.config !== 'string') throw new InputError('config must be the text of a JSON or YAML config');
    let raw: unknown;
    try {
      raw = parseYaml(r.config);
    } catch (e) {
      throw new InputError(`config is not valid YAML or JSON: ${(e as Error).message.split('\n')[0]}`);
    }
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new InputError('config must be a mapping (data, model, train; or preset and the keys it changes)');
    input = raw as Record<string, unknown>;
    source = 'the config given';
  }
  const config = resolveConfig(input, [], source);
  checkDataPaths(config.data, runsRoot, dataRoots);
  const dir = join(runsRoot, r.name);
  if (existsSync(dir)) throw new InputError(`run ${r.name} already exists in the runs folder; choose another name (or resume it)`);
  return { id: r.name, dir, config, steps: r.steps as number | undefined };
}

/** Every file or folder the data section names must be inside the runs folder or a --data folder. */
function checkDataPaths(data: unknown, runsRoot: string, dataRoots: readonly string[], at = 'data'): void {
  if (typeof data !== 'object' || data === null) return;
  const roots = [runsRoot, ...dataRoots].map((d) => (existsSync(d) ? realpathSync(d) : resolve(d)));
  for (const [k, v] of Object.entries(data)) {
    const key = `${at}.${k}`;
    if (typeof v === 'object') checkDataPaths(v, runsRoot, dataRoots, key);
    else if (typeof v === 'string' && PATH_KEYS.has(k)) {
      const p = existsSync(v) ? realpathSync(v) : resolve(v);
      if (!roots.some((root) => lexicallyInside(root, p))) {
        throw new InputError(`"${key}": ${v} is outside the runs folder and the --data folders; the studio trains only on data inside them`);
      }
    }
  }
}
