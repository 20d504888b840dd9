// Configs: layering (a file over its preset, overrides over both) and the problems validation reports.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyOverrides, mergeRaw } from '../../src/config/merge.js';
import { preset, PRESET_NAMES, rawPreset, withPreset } from '../../src/config/presets.js';
import { ConfigError, validateConfig } from '../../src/config/schema.js';
import { loadConfigFile } from '../../src/config/load.js';
import { tempDir } from '../tempdir.js';

const PRESET_LIST = PRESET_NAMES.join(', ');

describe('mergeRaw', () => {
  it('merges objects key by key; arrays, scalars and null replace', () => {
    const base = { a: { x: 1, y: [1, 2, 3] }, b: 'keep', c: { d: 1 } };
    expect(mergeRaw(base, { a: { y: [9] }, c: null, e: 5 })).toEqual({ a: { x: 1, y: [9] }, b: 'keep', c: null, e: 5 });
  });

  it('takes an object whose kind changes from the override alone', () => {
    const base = { model: { kind: 'dcgan', width: 64, spectralNorm: true }, train: { steps: 10 } };
    expect(mergeRaw(base, { model: { kind: 'mlp', latent: 2 } })).toEqual({ model: { kind: 'mlp', latent: 2 }, train: { steps: 10 } });
    // The same kind restated merges as usual.
    expect(mergeRaw(base, { model: { kind: 'dcgan', width: 32 } })).toEqual({
      model: { kind: 'dcgan', width: 32, spectralNorm: true },
      train: { steps: 10 },
    });
  });

  it('changes neither input', () => {
    const base = { train: { lrG: 1, list: [1] } };
    const over = { train: { lrD: 2 } };
    const merged = mergeRaw(base, over) as { train: { list: number[] } };
    merged.train.list.push(2);
    expect(base).toEqual({ train: { lrG: 1, list: [1] } });
    expect(over).toEqual({ train: { lrD: 2 } });
  });
});

describe('overrides', () => {
  it('set dotted keys, creating sections, the later of two on one key winning', () => {
    const raw = { train: { lrG: 1 } };
    const set = [
      { path: ['train', 'lrG'], value: 2 },
      { path: ['model', 'gHidden'], value: [8] },
      { path: ['train', 'lrG'], value: 3 },
    ];
    expect(applyOverrides(raw, set)).toEqual({ train: { lrG: 3 }, model: { gHidden: [8] } });
  });

  it('follow the kind rule: a new model kind drops the old kind keys', () => {
    const cfg = validateConfig(applyOverrides(rawPreset('mnist-dcgan'), [{ path: ['model', 'kind'], value: 'mlp' }]), 't');
    expect(cfg.model).toEqual(validateConfig({ data: { kind: 'mnist' }, model: { kind: 'mlp' } }, 't').model);
  });
});

describe('presets as the base of a config', () => {
  it('a config naming a preset changes only the keys it gives; its description wins when given', () => {
    const cfg = validateConfig(withPreset({ preset: 'mnist-dcgan', model: { width: 32 }, train: { lrG: 1e-4 } }, 'f'), 'f');
    const base = preset('mnist-dcgan');
    expect(cfg).toEqual({ ...base, model: { ...base.model, width: 32 }, train: { ...base.train, lrG: 1e-4 } });
    expect(validateConfig(withPreset({ preset: 'ring8', description: 'mine' }, 'f'), 'f').description).toBe('mine');
  });

  it('a data section of another kind is taken from the file alone (the preset task is dropped)', () => {
    const cfg = validateConfig(withPreset({ preset: 'mnist-pix2pix-inpaint', data: { kind: 'fashion' } }, 'f'), 'f');
    expect(cfg.data).toEqual({ kind: 'fashion' });
  });

  it('an unknown preset is reported with the list of presets', () => {
    expect(() => withPreset({ preset: 'mnist-gan' }, 'c.yaml')).toThrow(
      new ConfigError(`config c.yaml: unknown preset "mnist-gan"; presets: ${PRESET_LIST}`),
    );
    expect(() => withPreset({ preset: 3 }, 'c.yaml')).toThrow(new ConfigError(`config c.yaml: unknown preset 3; presets: ${PRESET_LIST}`));
    // Only the presets' own names: not what every object inherits.
    expect(() => preset('toString')).toThrow(new ConfigError(`unknown preset "toString"; presets: ${PRESET_LIST}`));
  });

  it('configs without a preset are left as they are', () => {
    const raw = { data: { kind: 'mnist' }, model: { kind: 'dcgan' } };
    expect(withPreset(raw, 'f')).toBe(raw);
    expect(withPreset([1], 'f')).toEqual([1]);
  });

  it('loadConfigFile reads a preset-based YAML file', () => {
    const file = join(tempDir('config'), 'small.yaml');
    writeFileSync(file, 'preset: ring8\nmodel:\n  gHidden: [32, 32]\ntrain: {steps: 100, loss: hinge}\n');
    const base = preset('ring8');
    expect(loadConfigFile(file)).toEqual({
      ...base,
      model: { ...base.model, gHidden: [32, 32] },
      train: { ...base.train, steps: 100, loss: 'hinge' },
    });
  });
});

describe('validation reports every problem', () => {
  it('one line per problem, each with its key and the value given, after a header', () => {
    const raw = { data: { kind: 'mixture', name: 'ring9' }, model: { kind: 'mlp', gHidden: [] }, train: { lrG: -1 } };
    expect(() => validateConfig(raw, 'my.yaml')).toThrow(
      new ConfigError(
        'config my.yaml has 3 problems:\n' +
          '  "data.name": expected one of "ring8", "grid25", "spiral", "moons", got "ring9"\n' +
          '  "model.gHidden": must be >= 1 items, got []\n' +
          '  "train.lrG": must be > 0, got -1',
      ),
    );
  });

  it('shows the value given for a bad kind and a missing section', () => {
    expect(() => validateConfig({ data: { kind: 'mnits' } }, 'c.json')).toThrow(
      new ConfigError(
        'config c.json has 2 problems:\n' +
          `  "data.kind": Invalid discriminator value. Expected 'mixture' | 'mnist' | 'fashion' | 'images' | 'emoji' | 'paired' | 'unpaired' | 'stacked-mnist' | 'moving-mnist' | 'csv' | 'table', got "mnits"\n` +
          '  "model": expected object, got nothing',
      ),
    );
  });

  it('a single problem stays on one line', () => {
    expect(() => validateConfig({ data: { kind: 'mnist' }, model: { kind: 'dcgan', width: 4 } }, 'c.json')).toThrow(
      new ConfigError('config c.json: "model.width": must be >= 8, got 4'),
    );
  });
});
