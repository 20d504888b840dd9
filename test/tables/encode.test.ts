// CTGAN's encoding of a table: its layout, the mode-specific normalisation, the round trip on
// real tables, the saved encoder, training-by-sampling's row lists, and the messages for bad rows.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/engine/random.js';
import {
  fitEncoding,
  formatRows,
  loadEncoder,
  readTable,
  rowsByCategory,
  writeRows,
  type Cell,
  type Table,
} from '../../src/tables/index.js';
import { tempDir } from '../tempdir.js';

const VEGA = join(import.meta.dirname, '../../node_modules/vega-datasets/data');

/** A small table: x continuous with gaps, c categorical with a gap, b boolean, d dates. */
function smallTable(): Table {
  const rows: Cell[][] = [];
  const rng = new Rng(4);
  for (let i = 0; i < 200; i++) {
    const x = i % 10 === 0 ? null : Number(((i % 2 === 0 ? -3 : 4) + rng.normal(1)[0]!).toFixed(2));
    const c = i % 25 === 0 ? null : ['red', 'green', 'blue'][i % 3]!;
    rows.push([x, c, i % 4 === 0, `2024-01-${String(1 + (i % 28)).padStart(2, '0')}`]);
  }
  const xs = rows.flatMap((r) => (r[0] === null ? [] : [r[0] as number]));
  return {
    source: 'small',
    columns: [
      { name: 'x', kind: 'continuous', missingRate: 20 / 200, min: Math.min(...xs), max: Math.max(...xs), decimals: 2 },
      { name: 'c', kind: 'categorical', missingRate: 8 / 200, categories: ['blue', 'green', 'red'] },
      { name: 'b', kind: 'boolean', missingRate: 0, categories: ['false', 'true'] },
      { name: 'd', kind: 'datetime', missingRate: 0, min: Date.UTC(2024, 0, 1), max: Date.UTC(2024, 0, 28), format: 'YYYY-MM-DD' },
    ],
    rows,
  };
}

describe('fitEncoding: layout', () => {
  const table = smallTable();
  const enc = fitEncoding(table, { seed: 1 });
  const modes = enc.mixture(0)!.kept.length;
  const dModes = enc.mixture(3)!.kept.length;

  it('lays out value, mode and missing spans for numbers, one-hot spans for categories', () => {
    expect(modes).toBeGreaterThanOrEqual(2); // two well-separated bumps
    const m = modes;
    expect(enc.encoding.spans).toEqual([
      { activation: 'tanh', offset: 0, width: 1, column: 0, role: 'value' },
      { activation: 'softmax', offset: 1, width: m, column: 0, role: 'mode' },
      { activation: 'softmax', offset: 1 + m, width: 2, column: 0, role: 'missing' },
      { activation: 'softmax', offset: 3 + m, width: 4, column: 1, role: 'category' },
      { activation: 'softmax', offset: 7 + m, width: 2, column: 2, role: 'category' },
      { activation: 'tanh', offset: 9 + m, width: 1, column: 3, role: 'value' },
      { activation: 'softmax', offset: 10 + m, width: dModes, column: 3, role: 'mode' },
    ]);
    expect(enc.encoding.width).toBe(10 + m + dModes);
    // Counts by hand: c is blue for i % 3 == 2, green for 1, red for 0, missing for i % 25 == 0 (i = 0, 25, ..., 175).
    const byHand = [0, 0, 0, 0];
    for (let i = 0; i < 200; i++) byHand[i % 25 === 0 ? 3 : [2, 1, 0][i % 3]!]! += 1;
    expect(enc.encoding.discrete).toEqual([
      { column: 1, offset: 3 + m, condOffset: 0, width: 4, counts: byHand },
      { column: 2, offset: 7 + m, condOffset: 4, width: 2, counts: [150, 50] },
    ]);
    expect(enc.encoding.condWidth).toBe(6);
  });

  it('encodes a value as (x - mean_k) / (4 sd_k) for its one-hot mode k, and categories as one-hots', () => {
    const data = enc.encode(table.rows, new Rng(2));
    const { means, sds } = enc.mixture(0)!;
    const w = enc.encoding.width;
    table.rows.forEach((row, r) => {
      const e = data.subarray(r * w, (r + 1) * w);
      const mode = Array.from(e.subarray(1, 1 + modes));
      expect(mode.reduce((a, b) => a + b, 0)).toBe(1);
      if (row[0] === null) {
        expect(Array.from(e.subarray(1 + modes, 3 + modes))).toEqual([0, 1]);
      } else {
        const k = mode.indexOf(1);
        const expected = Math.min(0.99, Math.max(-0.99, ((row[0] as number) - means[k]!) / (4 * sds[k]!)));
        expect(e[0]).toBeCloseTo(expected, 6);
        expect(Array.from(e.subarray(1 + modes, 3 + modes))).toEqual([1, 0]);
      }
      const slot = row[1] === null ? 3 : ['blue', 'green', 'red'].indexOf(row[1] as string);
      expect(Array.from(e.subarray(3 + modes, 7 + modes))).toEqual([0, 1, 2, 3].map((i) => (i === slot ? 1 : 0)));
    });
  });

  it('draws the mode from the posterior (restricted to the kept modes, + 1e-6 each)', () => {
    const { mixture, kept, means } = enc.mixture(0)!;
    // A value between the two heaviest kept modes, where the posterior is split.
    const order = [...kept.keys()].sort((a, b) => mixture.weights[kept[b]!]! - mixture.weights[kept[a]!]!);
    const between = (means[order[0]!]! + means[order[1]!]!) / 2;
    const post = mixture.posterior(between, new Float64Array(mixture.components));
    const restricted = kept.map((k) => post[k]! + 1e-6);
    const total = restricted.reduce((a, b) => a + b, 0);
    const n = 4000;
    const rows = Array.from({ length: n }, () => [between, 'red', true, '2024-01-05'] as Cell[]);
    const data = enc.encode(rows, new Rng(9));
    const freq = new Array<number>(modes).fill(0);
    for (let r = 0; r < n; r++)
      freq[Array.from(data.subarray(r * enc.encoding.width + 1, r * enc.encoding.width + 1 + modes)).indexOf(1)]! += 1 / n;
    restricted.forEach((p, j) => expect(Math.abs(freq[j]! - p / total)).toBeLessThan(0.03));
  });

  it('is the same for the same seed', () => {
    expect(fitEncoding(table, { seed: 1 }).toJSON()).toEqual(enc.toJSON());
    expect(enc.encode(table.rows, new Rng(3))).toEqual(enc.encode(table.rows, new Rng(3)));
  });
});

describe('encode -> decode on real tables', () => {
  const tables: [string, object][] = [
    ['penguins.json', {}],
    ['seattle-weather.csv', {}],
    ['cars.json', {}],
    ['movies.json', { columns: { Title: 'drop' } }],
  ];
  for (const [name, options] of tables) {
    it(`${name}: categories and missing cells exact, numbers within their mode's float32 rounding`, async () => {
      const table = await readTable(join(VEGA, name), options);
      const enc = fitEncoding(table, { seed: 7 });
      const data = enc.encode(table.rows, new Rng(8));
      const back = enc.decode(data, table.rows.length);
      const w = enc.encoding.width;
      let clipped = 0;
      let numbers = 0;
      table.columns.forEach((spec, c) => {
        const info = enc.mixture(c);
        const missingBefore = table.rows.filter((r) => r[c] === null).length;
        expect(back.filter((r) => r[c] === null).length).toBe(missingBefore);
        table.rows.forEach((row, r) => {
          const [orig, got] = [row[c]!, back[r]![c]!];
          if (orig === null || !info) return expect(got).toEqual(orig);
          const valueSpan = enc.encoding.spans.find((s) => s.column === c && s.role === 'value')!;
          const modeSpan = enc.encoding.spans.find((s) => s.column === c && s.role === 'mode')!;
          const k = Array.from(data.subarray(r * w + modeSpan.offset, r * w + modeSpan.offset + modeSpan.width)).indexOf(1);
          numbers++;
          if (Math.abs(data[r * w + valueSpan.offset]!) >= 0.99) {
            clipped++; // beyond 3.96 sd of its mode: CTGAN clips it; decoding stays in the column's range
            return;
          }
          // float32 keeps 24 bits of the scaled value: 4 sd_k * 2^-24 of error, then the source's rounding.
          const slack = 4 * info.sds[k]! * 2 ** -23;
          if (spec.kind === 'datetime')
            expect(got).toBe(orig); // rounding to the day absorbs the float error
          else if (spec.kind === 'integer') expect(Math.abs((got as number) - (orig as number))).toBeLessThanOrEqual(slack + 0.5);
          else expect(Math.abs((got as number) - (orig as number))).toBeLessThanOrEqual(slack + 0.5 * 10 ** -spec.decimals!);
          if (slack < 0.25) expect(got).toBe(orig);
        });
      });
      expect(clipped / numbers).toBeLessThan(0.01);
    });
  }
});

describe('the saved encoder', () => {
  it('round-trips through JSON: the same layout, codes and decoded rows', async () => {
    const table = await readTable(join(VEGA, 'penguins.json'));
    const enc = fitEncoding(table, { seed: 3 });
    const loaded = loadEncoder(JSON.stringify(enc.toJSON()));
    expect(loaded.encoding).toEqual(enc.encoding);
    const a = enc.encode(table.rows, new Rng(5));
    expect(loaded.encode(table.rows, new Rng(5))).toEqual(a);
    expect(loaded.decode(a, table.rows.length)).toEqual(enc.decode(a, table.rows.length));
  });

  it('refuses what is not a saved encoder, naming the field', () => {
    expect(() => loadEncoder({ format: 'tsgan-table-encoder', version: 2 })).toThrow(
      'table encoder: not a saved encoder (version: Invalid input: expected 1;',
    );
  });
});

describe('rowsByCategory', () => {
  it('lists, per category, the rows that have it', async () => {
    const table = await readTable(join(VEGA, 'penguins.json'));
    const enc = fitEncoding(table, { seed: 1 });
    const data = enc.encode(table.rows, new Rng(1));
    const lists = rowsByCategory(enc.encoding, data, table.rows.length);
    expect(lists.length).toBe(enc.encoding.discrete.length); // Species, Island, Sex
    enc.encoding.discrete.forEach((d, i) => {
      const spec = table.columns[d.column]!;
      expect(lists[i]!.map((l) => l.length)).toEqual(d.counts);
      lists[i]!.forEach((rows, slot) => {
        const want = slot < spec.categories!.length ? spec.categories![slot] : null;
        for (const r of rows) expect(table.rows[r]![d.column]).toBe(want);
      });
    });
    // Sex: ".", FEMALE, MALE, missing, counted from the JSON by hand (1, 165, 168, 10).
    expect(enc.encoding.discrete[2]!.counts).toEqual([1, 165, 168, 10]);
  });
});

describe('encode: bad rows', () => {
  const table = smallTable();
  const enc = fitEncoding(table, { seed: 1 });
  it('names the row, the column and what was expected', () => {
    expect(() => enc.encode([[1, 'purple', true, '2024-01-02']], new Rng(1))).toThrow(
      'encode: row 1, column "c": "purple" is not one of its categories (blue, green, red)',
    );
    expect(() => enc.encode([[1, 'red', null, '2024-01-02']], new Rng(1))).toThrow(
      'encode: row 1, column "b": is missing, but the column had no missing values when the encoding was fitted',
    );
    expect(() => enc.encode([[1, 'red', true, '02.01.2024']], new Rng(1))).toThrow(
      'encode: row 1, column "d": "02.01.2024" is not a datetime in the format YYYY-MM-DD',
    );
    expect(() => enc.encode([['one', 'red', true, '2024-01-02']], new Rng(1))).toThrow('encode: row 1, column "x": "one" is not a number');
    expect(() => enc.encode([[1, 'red']], new Rng(1))).toThrow('encode: row 1 has 2 cells, expected 4');
  });
  it('refuses to fit a table whose cells do not match its columns', () => {
    const bad = smallTable();
    bad.rows[3]![1] = 'purple';
    expect(() => fitEncoding(bad, { seed: 1 })).toThrow('fitEncoding: small: row 4, column "c": "purple" is not one of its categories');
    bad.rows[3]![1] = 'red';
    bad.rows[5]![3] = 'soon';
    expect(() => fitEncoding(bad, { seed: 1 })).toThrow(
      'fitEncoding: small: row 6, column "d": "soon" is not a datetime in the format YYYY-MM-DD',
    );
    const empty = smallTable();
    for (const row of empty.rows) row[0] = null;
    expect(() => fitEncoding(empty, { seed: 1 })).toThrow('fitEncoding: small: column "x" has no values (all missing)');
  });
});

describe('writeRows', () => {
  const dir = tempDir('tables-write');
  const columns = [{ name: 'name' }, { name: 'v' }, { name: 'ok' }, { name: 'day' }];
  const rows: Cell[][] = [
    ['Smith, "J"', 1.5, true, '2024-01-31'],
    ['two\nlines', null, false, '2024-02-29'],
    [null, -2, null, null],
  ];
  for (const ext of ['.csv', '.tsv', '.json', '.jsonl']) {
    it(`writes ${ext} that readTable reads back as the same rows`, async () => {
      const path = join(dir, `rows${ext}`);
      writeRows(path, columns, rows);
      const t = await readTable(path, { columns: { name: 'categorical' } });
      expect(t.columns.map((c) => c.kind)).toEqual(['categorical', 'continuous', 'boolean', 'datetime']);
      expect(t.rows).toEqual(rows);
    });
  }
  it('writes CSV as csv-stringify quotes it, atomically (no temporary file left)', () => {
    expect(formatRows('x.csv', columns, rows)).toBe(
      'name,v,ok,day\n"Smith, ""J""",1.5,true,2024-01-31\n"two\nlines",,false,2024-02-29\n,-2,,\n',
    );
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
  it('refuses an extension it cannot write', () => {
    expect(() => writeRows(join(dir, 'rows.xlsx'), columns, rows)).toThrow(
      `${join(dir, 'rows.xlsx')}: cannot tell which format to write rows in from its extension (expected .csv, .tsv, .json, .jsonl or .ndjson)`,
    );
  });
});
