// tsgan/web: load a generator exported by `gan export` in any web page and draw its samples into a
// canvas, translate images, or take the raw values. Runs on onnxruntime-web (docs/web.md).
export { loadGenerator, Generator, type DrawOptions, type LoadOptions, type ModelSource, type SampleOptions } from './generator.js';
export type { GeneratorInfo, LabelInfo, Standardization } from './metadata.js';
export { InputError } from '../errors.js';
