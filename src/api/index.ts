// The library's front door, one-to-one with the `gan` command: train a preset or a config, open a
// run, and sample, translate, export or evaluate it.
export { train, TrainingError, type ModelSize, type TrainRunOptions } from './train.js';
export { openRun, Run, type Samples, type SampleOptions, type TranslateOptions } from './run.js';
export type { ExportMetadata } from './outputs.js';
export type { AugmentOptions, AugmentRecord, AugmentClass } from './augment.js';
export { resolveConfig, type ConfigInput } from '../config/load.js';
export type { Override } from '../config/merge.js';
