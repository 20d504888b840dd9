// The chart helpers: Vega-Lite rendered to SVG in Node with no canvas module, text widths from
// DejaVu Sans' advances, and PNGs framed to an exact size.
import { createRequire } from 'node:module';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { renderSvg, renderSvgSized, svgSize, svgToPng, textWidthEm, type TopLevelSpec } from '../../src/charts/vega.js';

const bars = (width: number, height: number): TopLevelSpec => ({
  title: 'two bars',
  width,
  height,
  data: {
    values: [
      { k: 'left', v: 1 },
      { k: 'right', v: 3 },
    ],
  },
  mark: 'bar',
  encoding: { x: { field: 'k', type: 'nominal', title: 'which' }, y: { field: 'v', type: 'quantitative' } },
});

describe('charts', () => {
  it('renders headless: no canvas package is installed, and the SVG has the marks and texts', async () => {
    expect(() => createRequire(import.meta.url).resolve('canvas')).toThrow();
    const warnings: string[] = [];
    const svg = await renderSvg(bars(200, 100), (m) => warnings.push(m));
    expect(warnings).toEqual([]);
    expect(svg.startsWith('<svg')).toBe(true);
    for (const text of ['two bars', 'which', 'left', 'right']) expect(svg).toContain(`>${text}</text>`);
    // Two bars: paths of the bar mark.
    expect(svg.match(/role-mark marks.*?<\/g>/s)?.[0] ?? '').toContain('<path');
    const { width, height } = svgSize(svg);
    expect(width).toBeGreaterThan(200);
    expect(height).toBeGreaterThan(100);
  });

  it("passes vega's warnings on and throws its errors", async () => {
    const warnings: string[] = [];
    await renderSvg({ ...bars(100, 100), data: { values: [] } }, (m) => warnings.push(m));
    expect(warnings.join('\n')).toContain('Infinite extent');
    await expect(renderSvg({ ...bars(100, 100), transform: [{ filter: 'datum.v >' }] })).rejects.toThrow(/Unexpected end of input/);
  });

  it("estimates text widths from DejaVu Sans' advances", () => {
    expect(textWidthEm('iiii')).toBeCloseTo(1.12, 6);
    expect(textWidthEm('MMMM')).toBeCloseTo(3.44, 6);
    expect(textWidthEm('0.25')).toBeCloseTo(0.64 * 3 + 0.32, 6);
    expect(textWidthEm('漢')).toBe(1);
  });

  it('sizes the plot so that the whole chart has the size asked for', async () => {
    const svg = await renderSvgSized((plot) => bars(plot.width, plot.height), { width: 500, height: 300 }, { width: 300, height: 200 });
    expect(svgSize(svg)).toEqual({ width: 500, height: 300 });
  });

  it('frames a PNG to an exact size, centred on white, shrunk (not stretched) when larger', async () => {
    const svg = await renderSvg(bars(200, 100));
    const natural = svgSize(svg);
    const plain = await sharp(await svgToPng(svg)).metadata();
    expect([plain.width, plain.height]).toEqual([natural.width, natural.height]);

    const framed = await sharp(await svgToPng(svg, { width: natural.width + 100, height: natural.height + 40 }))
      .raw()
      .toBuffer({ resolveWithObject: true });
    expect([framed.info.width, framed.info.height]).toEqual([natural.width + 100, natural.height + 40]);
    // The added margins are white: the first column and the first row.
    const px = (x: number, y: number) => [
      ...framed.data.subarray((y * framed.info.width + x) * framed.info.channels, (y * framed.info.width + x) * framed.info.channels + 3),
    ];
    expect(px(0, framed.info.height - 1)).toEqual([255, 255, 255]);
    expect(px(framed.info.width - 1, 0)).toEqual([255, 255, 255]);

    const shrunk = await sharp(await svgToPng(svg, { width: 100, height: 100 })).metadata();
    expect([shrunk.width, shrunk.height]).toEqual([100, 100]);
  });
});
