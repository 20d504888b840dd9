// Measuring synthetic tables: SDMetrics' quality report, ML efficacy, privacy, pictures, and the
// report that gathers them (docs/metrics.md, "Tables").
export { tableReport, evaluateTable, formatTableReport, type TableReport, type TableReportInput, type EvaluateTableResult } from './report.js';
export { qualityReport, type QualityReport, type ColumnShapeScore, type PairTrendScore } from './quality.js';
export { mlEfficacy, type EfficacyReport, type EfficacyOptions, type ClassifierScores } from './efficacy.js';
export { privacyReport, closestDistances, identicalShare, type PrivacyReport, type DcrSummary } from './privacy.js';
export { writeTablePictures } from './pictures.js';
export { splitTable, type SplitOptions } from '../../tables/split.js';
