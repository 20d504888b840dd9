// Tables: reading and typing them, CTGAN's reversible encoding, writing rows.
export * from './types.js';
export { readTable, sniffDelimiter, type TableFormat } from './read.js';
export { ReadTableOptions, DEFAULT_MISSING, DEFAULT_MAX_CATEGORIES, type ColumnOption } from './options.js';
export { DATETIME_FORMATS, datetimeFormat } from './datetime.js';
export { fitMixture, BayesianMixture, MIXTURE_DEFAULTS, type MixtureOptions, type MixtureState } from './gmm.js';
export {
  fitEncoding,
  loadEncoder,
  rowsByCategory,
  TableEncoder,
  MODE_WEIGHT_THRESHOLD,
  type FitEncodingOptions,
  type SavedEncoder,
} from './encode.js';
export { writeRows, formatRows } from './write.js';
