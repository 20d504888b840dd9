// tsgan's public API: the front door (train, openRun), then the engine, layers, optimizers, GAN types and data.
export * from './api/index.js';
export { fitTable, loadTable, Synth, type FitTableOptions, type TableSampleOptions, type TableRow } from './api/table.js';
export * as engine from './engine/index.js';
export * as nn from './nn/index.js';
export * from './optim/optimizers.js';
export * from './gan/losses.js';
export { buildTrainStep, type StepConfig, type OptimizerConfig } from './gan/step.js';
export * from './gan/recipe.js';
export { buildRecipe, type DataInfo } from './gan/registry.js';
export { Trainer, loadRun, type TrainOptions, type TrainResult } from './gan/trainer.js';
export { compileSampler, drawSamples, cyclingLabels } from './gan/sampler.js';
export { GanConfig, validateConfig, ConfigError } from './config/schema.js';
export { loadConfigFile, readConfigFile } from './config/load.js';
export { preset, PRESET_NAMES } from './config/presets.js';
export { InputError } from './errors.js';
export * as tableMetrics from './metrics/table/index.js';
