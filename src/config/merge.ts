// Layering of raw (not yet validated) configs: a config file over the preset it names, then
// `--set` overrides over both. The merged result is validated as a whole (schema.ts).

type RawObject = Record<string, unknown>;

/** One `--set KEY=VALUE`: the dotted key split into its parts, and the parsed value. */
export interface Override {
  path: string[];
  value: unknown;
}

function isRawObject(v: unknown): v is RawObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * `over` merged onto `base`: objects merge key by key; arrays, scalars and null replace. An object
 * that gives a different `kind` replaces the base's object whole: the data and model sections are
 * unions on `kind`, and the base's other keys belong to its kind, not the new one.
 */
export function mergeRaw(base: unknown, over: unknown): unknown {
  if (!isRawObject(base) || !isRawObject(over)) return structuredClone(over);
  if ('kind' in over && over.kind !== base.kind) return structuredClone(over);
  const merged: RawObject = structuredClone(base);
  for (const [key, value] of Object.entries(over)) {
    merged[key] = Object.hasOwn(base, key) ? mergeRaw(base[key], value) : structuredClone(value);
  }
  return merged;
}

/** The overrides as one raw config (later overrides of the same key win). */
function overridesAsConfig(overrides: readonly Override[]): RawObject {
  const root: RawObject = {};
  for (const { path, value } of overrides) {
    let node = root;
    for (const key of path.slice(0, -1)) {
      if (!isRawObject(node[key])) node[key] = {};
      node = node[key] as RawObject;
    }
    node[path.at(-1)!] = value;
  }
  return root;
}

/** `raw` with the overrides merged onto it, by the same rules as a config file onto its preset. */
export function applyOverrides(raw: unknown, overrides: readonly Override[]): unknown {
  return overrides.length ? mergeRaw(raw, overridesAsConfig(overrides)) : raw;
}

/** The value at a dotted path of a config (undefined where the path leads nowhere). */
export function valueAt(config: unknown, path: readonly PropertyKey[]): unknown {
  return path.reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[k] : undefined), config);
}
