// Config files: JSON or YAML, merged onto the preset they name (`preset: NAME`), validated.
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { applyOverrides, valueAt, type Override } from './merge.js';
import { rawPreset, withPreset } from './presets.js';
import { ConfigError, validateConfig, type GanConfig } from './schema.js';

const isYamlPath = (path: string) => /\.ya?ml$/i.test(path);

/**
 * Reads a .json or .yaml/.yml config file, merged onto the preset it names (`preset: NAME`) if it
 * names one; not validated yet (overrides may still be merged onto it).
 */
export function readConfigFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ConfigError(`config file ${path} cannot be read${code === 'ENOENT' ? ': no such file' : `: ${(e as Error).message}`}`);
  }
  let raw: unknown;
  try {
    raw = isYamlPath(path) ? parseYaml(text) : JSON.parse(text);
  } catch (e) {
    throw new ConfigError(`config file ${path} is not valid ${isYamlPath(path) ? 'YAML' : 'JSON'}: ${(e as Error).message}`);
  }
  return withPreset(raw, path);
}

/** Reads a .json or .yaml/.yml config file (merged onto its preset, if it names one) and validates it. */
export function loadConfigFile(path: string): GanConfig {
  return validateConfig(readConfigFile(path), path);
}

/** A config as a program gives it: a preset's name, or a config object (which may name a preset and give only the keys it changes). */
export type ConfigInput = string | Record<string, unknown>;

/** The raw config an input stands for, and how messages name it. */
function rawConfig(input: ConfigInput): { raw: unknown; source: string } {
  if (typeof input === 'string') return { raw: rawPreset(input), source: `preset ${input}` };
  return { raw: withPreset(input, 'object'), source: 'object' };
}

/** A preset or config object with overrides (`--set`) merged onto it, validated as a whole. */
export function resolveConfig(input: ConfigInput, overrides: readonly Override[] = [], source?: string): GanConfig {
  const base = rawConfig(input);
  const name = source ?? base.source;
  return validateConfig(applyOverrides(base.raw, overrides), overrides.length ? `${name} with --set` : name);
}

/**
 * A resumed run keeps its stored config: overrides may restate it (so a restartable command line
 * can keep its flags) but not change it.
 */
export function refuseChangingOverrides(stored: GanConfig, overrides: readonly Override[], configPath: string): void {
  if (!overrides.length) return;
  const resolved = validateConfig(applyOverrides(stored, overrides), `${configPath} with --set`);
  const show = (cfg: GanConfig, path: string[]) => JSON.stringify(valueAt(cfg, path));
  const changes = overrides
    .filter(({ path }) => show(resolved, path) !== show(stored, path))
    .map(({ path }) => `${path.join('.')} is ${show(stored, path)} there, --set gives ${show(resolved, path)}`);
  if (changes.length) throw new ConfigError(`--set cannot change a resumed run, which keeps the config in ${configPath}: ${changes.join('; ')}`);
}
