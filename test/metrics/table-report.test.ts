// The table report end to end on a tiny table: the JSON's parts, the summary, and the pictures
// (decoded: their sizes, and bars of both colours actually drawn).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { scheme } from 'vega';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/engine/random.js';
import { associationMatrix, HISTOGRAM_SIZE, matricesSize } from '../../src/metrics/table/pictures.js';
import { evaluateTable } from '../../src/metrics/table/report.js';
import { splitTable } from '../../src/tables/split.js';
import type { Cell, ColumnSpec, Table } from '../../src/tables/types.js';
import { tempDir } from '../tempdir.js';

const columns: ColumnSpec[] = [
  { name: 'height', kind: 'continuous', missingRate: 0 },
  { name: 'weight', kind: 'integer', missingRate: 0 },
  { name: 'kind', kind: 'categorical', missingRate: 0 },
  { name: 'day', kind: 'datetime', missingRate: 0 },
];

function rows(n: number, seed: number): Table {
  const rng = new Rng(seed);
  const out: Cell[][] = [];
  for (let i = 0; i < n; i++) {
    const h = rng.uniform();
    out.push([h, Math.round(50 + 40 * h + 10 * rng.uniform()), h > 0.5 ? 'tall' : 'short', new Date(Date.UTC(2020, 0, 1 + rng.int(30))).toISOString().slice(0, 10)]);
  }
  return { source: `rows-${seed}`, columns, rows: out };
}

/** 'rgb(r, g, b)' as '#rrggbb'. */
const rgbHex = (css: string) => `#${css.match(/\d+/g)!.map((c) => Number(c).toString(16).padStart(2, '0')).join('')}`;

/** Pixels of an RGB colour (within 3 per channel) in a decoded PNG. */
function countColour(png: PNG, hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
  let n = 0;
  for (let i = 0; i < png.data.length; i += 4) {
    if (Math.abs(png.data[i]! - r!) <= 3 && Math.abs(png.data[i + 1]! - g!) <= 3 && Math.abs(png.data[i + 2]! - b!) <= 3) n++;
  }
  return n;
}

describe('evaluateTable', () => {
  const { train, holdout } = splitTable(rows(200, 1), { seed: 3 });

  it('splits 80/20 by a seeded permutation, the same for the same seed', () => {
    expect([train.rows.length, holdout.rows.length]).toEqual([160, 40]);
    expect(splitTable(rows(200, 1), { seed: 3 }).holdout.rows).toEqual(holdout.rows);
    expect(splitTable(rows(200, 1), { seed: 4 }).holdout.rows).not.toEqual(holdout.rows);
  });

  it('reports quality, efficacy and privacy, prints them, and writes the JSON and pictures', async () => {
    const out = tempDir('table-report');
    const synthetic = rows(160, 2);
    const fast = { logistic: { epochs: 5, minSteps: 40 }, mlp: { epochs: 5, minSteps: 40 } };
    const { report, summary, files } = await evaluateTable({ train, holdout, synthetic, target: 'kind', out, efficacy: fast });

    expect(report.rows).toEqual({ train: 160, holdout: 40, synthetic: 160 });
    expect(report.quality.columnShapes.columns).toHaveLength(4);
    expect(report.quality.columnPairTrends.pairs).toHaveLength(6);
    // Rows drawn from the same recipe: the quality is high but below 1.
    expect(report.quality.overall!).toBeGreaterThan(0.8);
    expect(report.quality.overall!).toBeLessThan(1);
    expect(report.efficacy!.f1).toBe('binary');
    expect(report.privacy.identicalShare).toBe(0);
    expect(JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'))).toEqual(JSON.parse(JSON.stringify(report)));
    expect(summary).toContain('quality (SDMetrics): overall ');
    expect(summary).toContain('ML efficacy, target "kind" (2 classes; F1 of "');
    expect(summary).toContain('privacy: 0.0% of synthetic rows copy a training row');

    expect(files.map((f) => f.slice(out.length + 1))).toEqual([
      'report.json',
      'column-00-height.png',
      'column-01-weight.png',
      'column-02-kind.png',
      'column-03-day.png',
      'associations.png',
    ]);
    for (const f of files.slice(1, 5)) {
      const png = PNG.sync.read(readFileSync(f));
      expect([png.width, png.height]).toEqual([HISTOGRAM_SIZE.width, HISTOGRAM_SIZE.height]);
      // Bars of both sides: thousands of pixels each (a legend square alone is 144).
      expect(countColour(png, '#1f77b4')).toBeGreaterThan(2000);
      expect(countColour(png, '#ff7f0e')).toBeGreaterThan(2000);
    }
    const matrices = PNG.sync.read(readFileSync(join(out, 'associations.png')));
    expect([matrices.width, matrices.height]).toEqual([matricesSize(4).width, matricesSize(4).height]);
    // The diagonal's +1, the red end of the diverging scale (reversed redblue), in 4 cells of 35x35
    // per matrix, less the digits drawn on them; -1's blue only in the legend's gradient.
    const [plusOne, minusOne] = [rgbHex(scheme('redblue')(0) as string), rgbHex(scheme('redblue')(1) as string)];
    expect(countColour(matrices, plusOne)).toBeGreaterThan(2 * 4 * 900);
    expect(countColour(matrices, minusOne)).toBeLessThan(100);
  });

  it('computes the association matrix: r for numeric pairs, Cramer V otherwise', () => {
    const t: Table = {
      source: 't',
      columns: [columns[0]!, columns[1]!, columns[2]!],
      rows: [
        [1, 10, 'a'],
        [2, 20, 'a'],
        [3, 30, 'b'],
        [4, 40, 'b'],
      ],
    };
    const m = associationMatrix(t);
    expect(m[0]![1]).toBeCloseTo(1, 12);
    // height binned 1,4,7,11 against a,a,b,b: each bin holds one row -> V = 1.
    expect(m[0]![2]).toBeCloseTo(1, 12);
    expect(m[2]![2]).toBe(1);
  });
});
