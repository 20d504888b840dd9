// The table report: quality (SDMetrics' quality report of the synthetic rows against the training
// rows, with the held-out real rows' own score beside it for scale), ML efficacy for a target
// column, and privacy; as JSON, as a printable summary, and (evaluateTable) written to a directory
// with the pictures. `gan eval` on a table run calls evaluateTable.
import { join } from 'node:path';
import { atomicWriteFile } from '../../run/atomic.js';
import type { Table } from '../../tables/types.js';
import { checkSameColumns } from './columns.js';
import { mlEfficacy, type EfficacyOptions, type EfficacyReport } from './efficacy.js';
import { writeTablePictures } from './pictures.js';
import { privacyReport, type PrivacyReport } from './privacy.js';
import { qualityReport, type QualityReport } from './quality.js';

export interface TableReportInput {
  /** The rows the model was fitted on. */
  train: Table;
  /** Real rows the model never saw. */
  holdout: Table;
  synthetic: Table;
  /** A categorical or boolean column to measure ML efficacy on. */
  target?: string;
  seed?: number;
  efficacy?: Omit<EfficacyOptions, 'seed'>;
}

export interface TableReport {
  rows: { train: number; holdout: number; synthetic: number };
  quality: QualityReport;
  /** The overall quality score of the held-out real rows against the training rows: what real data scores. */
  holdoutQuality: number | null;
  efficacy: EfficacyReport | null;
  privacy: PrivacyReport;
}

export async function tableReport(input: TableReportInput): Promise<TableReport> {
  const { train, holdout, synthetic } = input;
  checkSameColumns(train, holdout, 'holdout');
  checkSameColumns(train, synthetic, 'synthetic');
  return {
    rows: { train: train.rows.length, holdout: holdout.rows.length, synthetic: synthetic.rows.length },
    quality: qualityReport(train, synthetic),
    holdoutQuality: qualityReport(train, holdout).overall,
    efficacy: input.target === undefined ? null : await mlEfficacy(train, holdout, synthetic, input.target, { seed: input.seed, ...input.efficacy }),
    privacy: privacyReport(train, holdout, synthetic, { seed: input.seed }),
  };
}

const pct = (x: number | null | undefined): string => (x === null || x === undefined ? 'n/a' : `${(100 * x).toFixed(1)}%`);
const num = (x: number | null | undefined, digits = 3): string => (x === null || x === undefined ? 'n/a' : x.toFixed(digits));

/** The report as lines of text for a terminal. */
export function formatTableReport(r: TableReport): string {
  const q = r.quality;
  const lines = [
    `rows: ${r.rows.train} train, ${r.rows.holdout} holdout, ${r.rows.synthetic} synthetic`,
    `quality (SDMetrics): overall ${pct(q.overall)} = mean of column shapes ${pct(q.columnShapes.score)} and column pair trends ${pct(q.columnPairTrends.score)}` +
      ` (held-out real rows: ${pct(r.holdoutQuality)}; SDMetrics >= 0.27 thresholded: ${pct(q.overallThresholded)})`,
    '  column shapes:',
    ...q.columnShapes.columns.map((c) => `    ${c.column}: ${num(c.score)} (${c.metric})`),
  ];
  const worst = [...q.columnPairTrends.pairs].filter((p) => p.score !== null).sort((a, b) => a.score! - b.score!).slice(0, 5);
  if (worst.length) lines.push('  lowest column pair trends:', ...worst.map((p) => `    ${p.columns.join(' x ')}: ${num(p.score)} (${p.metric})`));
  const e = r.efficacy;
  if (e) {
    lines.push(
      `ML efficacy, target "${e.target}" (${e.classes.length} classes; F1 ${e.f1 === 'binary' ? `of "${e.positive}"` : 'macro'}), tested on ${e.testRows} held-out rows:`,
    );
    for (const [kind, s] of Object.entries(e.classifiers)) {
      lines.push(
        `  ${kind.padEnd(8)} trained on real: accuracy ${num(s.real.accuracy)}, F1 ${num(s.real.f1)}, AUC ${num(s.real.auc)};` +
          ` on synthetic: accuracy ${num(s.synthetic.accuracy)}, F1 ${num(s.synthetic.f1)}, AUC ${num(s.synthetic.auc)}`,
      );
    }
  }
  const p = r.privacy;
  lines.push(
    `privacy: ${pct(p.identicalShare)} of synthetic rows copy a training row (held-out real rows: ${pct(p.holdoutIdenticalShare)});` +
      ` distance to closest training row, median ${num(p.dcr.synthetic.median)} / 5th percentile ${num(p.dcr.synthetic.p5)}` +
      ` (held-out real rows: ${num(p.dcr.holdout.median)} / ${num(p.dcr.holdout.p5)})`,
  );
  return lines.join('\n');
}

export interface EvaluateTableResult {
  report: TableReport;
  summary: string;
  /** report.json and the PNGs, when `out` was given. */
  files: string[];
}

/** tableReport, plus report.json and the pictures in `out` when given. */
export async function evaluateTable(input: TableReportInput & { out?: string }): Promise<EvaluateTableResult> {
  const report = await tableReport(input);
  const files: string[] = [];
  if (input.out !== undefined) {
    const json = join(input.out, 'report.json');
    atomicWriteFile(json, JSON.stringify(report, null, 2) + '\n');
    files.push(json, ...(await writeTablePictures(input.out, input.train, input.synthetic)));
  }
  return { report, summary: formatTableReport(report), files };
}
