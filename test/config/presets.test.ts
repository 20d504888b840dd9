// Every preset is a config that builds: its data opens, its GAN type accepts the data, and one
// training step's graph is built (the optimizer's state included) without compiling it.
import { describe, expect, it } from 'vitest';
import * as E from '../../src/engine/index.js';
import { preset, PRESET_NAMES } from '../../src/config/presets.js';
import { openSource, type DataSource } from '../../src/data/source.js';
import type { GanConfig } from '../../src/config/schema.js';
import { buildRecipe } from '../../src/gan/registry.js';
import { buildTrainStep } from '../../src/gan/step.js';
import { dataInfo, stepConfig } from '../../src/gan/trainer.js';

// Each distinct data section is opened once (Fashion-MNIST takes seconds to parse).
const sources = new Map<string, DataSource>();
async function sourceOf(data: GanConfig['data']): Promise<DataSource> {
  const key = JSON.stringify(data);
  if (!sources.has(key)) sources.set(key, await openSource(data, new E.Rng(1)));
  return sources.get(key)!;
}

describe('presets', () => {
  it.each(PRESET_NAMES)('%s builds its training step on its data', async (name) => {
    const cfg = preset(name);
    const source = await sourceOf(cfg.data);
    const recipe = buildRecipe(cfg.model, dataInfo(cfg, source));
    const built = buildTrainStep(recipe, source.fields, stepConfig(cfg));
    // The step reads every trainable parameter of G and D.
    const state = new Set(built.trace.declared().map((d) => d.name));
    for (const p of [...recipe.G.parameters(), ...recipe.D.parameters()]) expect(state.has(p.name)).toBe(true);
    expect(recipe.type).toBe(cfg.model.kind === 'mlp' || cfg.model.kind === 'dcgan' ? cfg.model.variant : cfg.model.kind);
  });
});
