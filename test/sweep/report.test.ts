// `gan sweep --report` on trials written by hand (no training): report.json, and report.svg drawn by
// Vega-Lite with every axis and trial id as text, rasterised by sharp to check its points.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { renderSvg } from '../../src/charts/vega.js';
import { RunDir } from '../../src/run/rundir.js';
import { rankTrials, reportSpec, writeReport } from '../../src/sweep/report.js';
import { expandSweep } from '../../src/sweep/spec.js';
import { trialDir } from '../../src/sweep/trial.js';
import { tempDir } from '../tempdir.js';

const sweep = expandSweep(
  {
    name: 'demo',
    base: { preset: 'ring8' },
    axes: { 'train.lrG': [0.00002, 0.0002, 0.002], 'model.gHidden': [[16, 16], [64]] },
    seeds: [1, 2],
    steps: 100,
  },
  'demo.yaml',
  'grid',
);

/** Writes each trial's config and metrics (loss_G of trial k: 1 + k / 10), but none for `skip`. */
function fakeRuns(skip: string): string {
  const runs = tempDir('sweep-report');
  for (const [k, t] of sweep.trials.entries()) {
    if (t.id === skip) continue;
    const run = new RunDir(trialDir(runs, sweep.name, t.id));
    mkdirSync(run.path, { recursive: true });
    run.writeConfig(t.config);
    writeFileSync(
      run.metricsPath,
      Array.from({ length: 10 }, (_, i) => `${JSON.stringify({ step: 10 * (i + 1), loss_G: 1 + k / 10 })}\n`).join(''),
    );
  }
  return runs;
}

/** Pixels within 24 per channel of an RGB colour. */
function countNear(raw: { data: Buffer; info: { channels: number } }, hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
  let n = 0;
  for (let i = 0; i < raw.data.length; i += raw.info.channels) {
    if (Math.abs(raw.data[i]! - r!) <= 24 && Math.abs(raw.data[i + 1]! - g!) <= 24 && Math.abs(raw.data[i + 2]! - b!) <= 24) n++;
  }
  return n;
}

describe('sweep report', () => {
  it('writes report.json and an SVG with a panel per axis, every trial with metrics labelled', async () => {
    expect(sweep.trials).toHaveLength(12);
    const skipped = sweep.trials[5]!.id;
    const runs = fakeRuns(skipped);
    const { text, ranked, files } = await writeReport(sweep, runs);
    expect(files.map((f) => f.slice(runs.length + 1))).toEqual(['demo/report.json', 'demo/report.svg']);
    expect(ranked[0]!.id).toBe(sweep.trials[0]!.id);
    expect(ranked[11]!.id).toBe(skipped);
    expect(text.split('\n')[1]).toMatch(new RegExp(`^1\\s+${sweep.trials[0]!.id}\\s`));
    expect(JSON.parse(readFileSync(files[0]!, 'utf8')).trials).toHaveLength(12);

    const svg = readFileSync(files[1]!, 'utf8');
    const texts = [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]!);
    for (const t of sweep.trials) expect(texts.includes(t.id)).toBe(t.id !== skipped);
    expect(texts).toContain('train.lrG (log scale)');
    expect(texts).toContain('model.gHidden');
    expect(texts).toContain('[16,16]');
    expect(texts).toContain('[64]');
    expect(texts).toContain('loss_G (lower is better)');
    expect(texts.some((t) => t.startsWith(`best: ${sweep.trials[0]!.id} = 1;`))).toBe(true);

    // Rasterised: 11 points per panel, the best one red, the others blue.
    const png = await sharp(Buffer.from(svg)).png().toBuffer();
    const meta = await sharp(png).metadata();
    expect(meta.width).toBeGreaterThan(600);
    expect(meta.height).toBeGreaterThan(200);
    const raw = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    expect(countNear(raw, '#d62728')).toBeGreaterThan(2 * 30);
    expect(countNear(raw, '#1f77b4')).toBeGreaterThan(2 * 10 * 30);
  });

  it('draws without warnings, and a sweep without axes as one panel in rank order', async () => {
    const runs = fakeRuns('');
    const warnings: string[] = [];
    await renderSvg(reportSpec(sweep, rankTrials(sweep, runs)), (m) => warnings.push(m));
    expect(warnings).toEqual([]);

    const plain = expandSweep({ name: 'plain', base: { preset: 'ring8' }, seeds: [1, 2, 3], steps: 100 }, 'plain.yaml', 'grid');
    const ranked = plain.trials.map((t, i) => ({ rank: i + 1, id: t.id, values: t.values, seed: t.seed, step: 100, value: 3 - i }));
    const svg = await renderSvg(reportSpec(plain, ranked), (m) => warnings.push(m));
    expect(warnings).toEqual([]);
    expect(svg).toContain('>trials in rank order</text>');
    for (const t of plain.trials) expect(svg).toContain(`>${t.id}</text>`);
  });
});
