// The configs the playground trains: presets, made page-sized where they are not. Node reads them
// too (the browser tests train the same config in Node to compare).
import { withPreset } from '../../src/config/presets.js';
import { validateConfig, type GanConfig } from '../../src/config/schema.js';
import { PAGE_SETUPS, type SetupName } from './protocol.js';

/** Page-sized versions of the image presets: half the width and batch, one step a call (the page shows every step). */
const PAGE_IMAGE_CHANGES = { model: { width: 32 }, train: { batch: 32, stepsPerRun: 1 } };

/** A setup's config: its preset with the page's seed and changes. */
export function pageConfig(setup: SetupName, seed: number): GanConfig {
  const { preset } = PAGE_SETUPS[setup];
  const changes: Record<string, unknown> = { seed };
  if (setup === 'spiral') changes.data = { kind: 'mixture', name: 'spiral' };
  if (setup === 'images') Object.assign(changes, { data: { kind: 'images', path: 'images dropped into the playground', size: 32 }, ...PAGE_IMAGE_CHANGES });
  else if (PAGE_SETUPS[setup].data === 'mnist') Object.assign(changes, PAGE_IMAGE_CHANGES);
  return validateConfig(withPreset({ preset, ...changes }, 'the playground'), 'the playground');
}

