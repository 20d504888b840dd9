// The table report's charts on their own: drawn without warnings, long labels clipped, the missing
// bar in a panel of its own, the matrices' values written in their cells only when there are few.
import { describe, expect, it } from 'vitest';
import { renderSvg, svgSize, svgToPng } from '../../src/charts/vega.js';
import { HISTOGRAM_SIZE, histogramSpec, histogramSvg, matricesSize, matricesSpec, matricesSvg } from '../../src/metrics/table/pictures.js';
import sharp from 'sharp';

const texts = (svg: string) => [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]!);
const shares = (n: number, shift: number) => Array.from({ length: n }, (_, i) => ((i + shift) % n) / ((n * (n - 1)) / 2));

describe('table pictures', () => {
  const edges = Array.from({ length: 21 }, (_, i) => 10 + i * 0.5);
  const numeric = { labels: [...Array.from({ length: 20 }, () => ''), 'missing'], real: shares(21, 0), synthetic: shares(21, 3), edges };
  const long = 'An extremely long category label that goes on';
  const categories = { labels: ['tall', long, 'other', 'missing'], real: [0.4, 0.3, 0.2, 0.1], synthetic: [0.1, 0.2, 0.3, 0.4] };

  it('draws numeric, datetime and category histograms without warnings', async () => {
    const warnings: string[] = [];
    const day = Date.UTC(2020, 0, 1);
    const dated = {
      ...numeric,
      labels: numeric.labels.slice(0, 20),
      real: numeric.real.slice(0, 20),
      synthetic: numeric.synthetic.slice(0, 20),
      edges: edges.map((_, i) => day + i * 86_400_000),
      datetime: true,
    };
    for (const [h, bars] of [
      [numeric, 'touching'],
      [dated, 'touching'],
      [categories, 'grouped'],
    ] as const) {
      const svg = await renderSvg(histogramSpec('a column', h, bars, { width: 500, height: 200 }), (m) => warnings.push(m));
      expect(texts(svg)).toEqual(expect.arrayContaining(['a column', 'real', 'synthetic', 'share of rows']));
    }
    expect(warnings).toEqual([]);
  });

  it('a numeric histogram: bins on a value axis and missing beside it, the whole HISTOGRAM_SIZE', async () => {
    const svg = await histogramSvg('height (continuous)', numeric, 'touching');
    expect(svgSize(svg)).toEqual(HISTOGRAM_SIZE);
    expect(texts(svg)).toEqual(expect.arrayContaining(['value', 'missing', '12', '14', '16', '18']));
  });

  it('a category histogram: labels clipped to 16 characters, bars of both colours', async () => {
    const svg = await histogramSvg(`kind (categorical) ${'x'.repeat(80)}`, categories, 'grouped');
    const t = texts(svg);
    expect(t).toContain('An extremely lo…');
    expect(t.some((s) => s.includes('goes on'))).toBe(false);
    // The title is clipped to 60 characters.
    expect(t).toContain(`kind (categorical) ${'x'.repeat(40)}…`);
    const raw = await sharp(await svgToPng(svg, HISTOGRAM_SIZE))
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    expect([raw.info.width, raw.info.height]).toEqual([HISTOGRAM_SIZE.width, HISTOGRAM_SIZE.height]);
    const count = (hex: string) => {
      const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
      let n = 0;
      for (let i = 0; i < raw.data.length; i += 3)
        if (Math.abs(raw.data[i]! - r!) <= 3 && Math.abs(raw.data[i + 1]! - g!) <= 3 && Math.abs(raw.data[i + 2]! - b!) <= 3) n++;
      return n;
    };
    // Four bars a side, the smallest 10% of the tallest's 40%: well over a legend square's pixels each.
    expect(count('#1f77b4')).toBeGreaterThan(3000);
    expect(count('#ff7f0e')).toBeGreaterThan(3000);
  });

  it("writes each cell's value in matrices of up to 12 columns, grey where undefined", async () => {
    const matrix = (n: number) =>
      Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : i + j === 3 ? null : -0.25)));
    const names = (n: number) => Array.from({ length: n }, (_, i) => `column ${i} with a rather long name`);
    const warnings: string[] = [];
    const small = await renderSvg(matricesSpec(names(4), matrix(4), matrix(4), { width: 288, height: 144 }), (m) => warnings.push(m));
    expect(warnings).toEqual([]);
    const t = texts(small);
    expect(t.filter((s) => s === '1.00')).toHaveLength(8);
    // 16 cells a matrix, 4 on the diagonal and 4 undefined: 8 of -0.25.
    expect(t.filter((s) => s === '−0.25')).toHaveLength(16);
    expect(t).toEqual(expect.arrayContaining(['real', 'synthetic', 'column 0 with a r…']));
    expect(small).toContain('fill="#ddd"');

    const big = await matricesSvg(names(13), matrix(13), matrix(13));
    expect(texts(big).filter((s) => s === '1.00')).toHaveLength(0);
    const png = await sharp(await svgToPng(big, matricesSize(13))).metadata();
    expect([png.width, png.height]).toEqual([matricesSize(13).width, matricesSize(13).height]);
  });
});
