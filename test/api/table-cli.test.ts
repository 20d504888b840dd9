// `gan train` and `gan sample` on a table run, as a user runs them: the table-ctgan preset for a
// few epochs, rows written as CSV and JSON, conditional sampling, and a bad --where.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { tempDir } from '../tempdir.js';

const NODE_ARGS = ['--import', 'tsx', join(process.cwd(), 'src', 'cli', 'entry.ts')];
function gan(...args: string[]) {
  const r = spawnSync(process.execPath, [...NODE_ARGS, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('gan on a table', () => {
  it('trains the table-ctgan preset and samples rows, all of them or of one category', () => {
    const dir = tempDir('table-cli');
    const run = join(dir, 'run');
    const t = gan('train', '--preset', 'table-ctgan', '--set', 'train.epochs=3', '--out', run, '--no-progress');
    expect(t.code, t.stderr).toBe(0);
    const csv = join(dir, 'rows.csv');
    const s = gan('sample', '--run', run, '--count', '50', '--out', csv);
    expect(s.code, s.stderr).toBe(0);
    expect(s.stderr.trim()).toBe(`wrote 50 rows of 7 columns to ${csv}`);
    const rows = parse(readFileSync(csv, 'utf8'), { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(50);
    expect(Object.keys(rows[0]!)).toEqual(['Species', 'Island', 'Beak Length (mm)', 'Beak Depth (mm)', 'Flipper Length (mm)', 'Body Mass (g)', 'Sex']);
    const json = join(dir, 'gentoo.json');
    expect(gan('sample', '--run', run, '--count', '20', '--out', json, '--where', 'Species=Gentoo').code).toBe(0);
    const gentoo = JSON.parse(readFileSync(json, 'utf8')) as Record<string, unknown>[];
    expect(gentoo.map((r) => r.Species)).toEqual(new Array(20).fill('Gentoo'));
    const bad = gan('sample', '--run', run, '--count', '5', '--out', join(dir, 'x.csv'), '--where', 'Species=Emperor');
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim()).toBe('gan: where: column "Species" has no value "Emperor"; its values are Adelie, Chinstrap, Gentoo');
    // gan eval: the preset holds out a fifth of penguins' 344 rows (69), and draws as many rows as it trained on (275).
    const reportDir = join(dir, 'report');
    const e = gan('eval', '--run', run, '--target', 'Species', '--report', reportDir);
    expect(e.code, e.stderr).toBe(0);
    const report = JSON.parse(e.stdout) as { rows: { train: number; holdout: number; synthetic: number }; quality: { overall: number }; efficacy: { target: string } | null; privacy: { identicalShare: number } };
    expect(report.rows).toEqual({ train: 275, holdout: 69, synthetic: 275 });
    expect(report.quality.overall).toBeGreaterThan(0.2);
    expect(report.quality.overall).toBeLessThan(1);
    expect(report.efficacy?.target).toBe('Species');
    expect(JSON.parse(readFileSync(join(reportDir, 'report.json'), 'utf8'))).toEqual(report);
    const noColumn = gan('eval', '--run', run, '--target', 'Wingspan');
    expect(noColumn.code).toBe(2);
    expect(noColumn.stderr.trim()).toBe("gan: --target Wingspan: the table has no such column; its columns are Species, Island, Beak Length (mm), Beak Depth (mm), Flipper Length (mm), Body Mass (g), Sex");
  }, 180_000);
});
