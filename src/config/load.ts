// Config files: JSON or YAML, merged onto the preset they name (`preset: NAME`), validated.
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { withPreset } from './presets.js';
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
