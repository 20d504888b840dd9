// Type inference on real tables (vega-datasets): the kinds we expect from looking at the data, and
// missing rates and categories counted here straight from the files (JSON.parse, split on commas).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTable, type Table } from '../../src/tables/index.js';

const VEGA = join(import.meta.dirname, '../../node_modules/vega-datasets/data');

/** Per key of a JSON array of records: the share of records where it is null or absent, and its distinct values. */
function countJson(file: string): Map<string, { missing: number; distinct: Set<string> }> {
  const records = JSON.parse(readFileSync(join(VEGA, file), 'utf8')) as Record<string, unknown>[];
  const keys = new Set(records.flatMap((r) => Object.keys(r)));
  return new Map(
    [...keys].map((k) => {
      const present = records.filter((r) => r[k] !== null && r[k] !== undefined);
      return [k, { missing: (records.length - present.length) / records.length, distinct: new Set(present.map((r) => String(r[k]))) }];
    }),
  );
}

/** The same for a CSV without quoted fields: empty fields are missing. */
function countCsv(file: string): Map<string, { missing: number; distinct: Set<string> }> {
  const [header, ...lines] = readFileSync(join(VEGA, file), 'utf8').trim().split(/\r?\n/);
  const rows = lines.map((l) => l.split(','));
  return new Map(
    header!.split(',').map((k, j) => {
      const present = rows.filter((r) => r[j] !== '');
      return [k, { missing: (rows.length - present.length) / rows.length, distinct: new Set(present.map((r) => r[j]!)) }];
    }),
  );
}

function expectCounts(t: Table, counts: ReturnType<typeof countJson>): void {
  for (const c of t.columns) {
    const want = counts.get(c.name)!;
    expect([c.name, c.missingRate]).toEqual([c.name, want.missing]);
    if (c.kind === 'categorical') expect([c.name, c.categories!.length]).toEqual([c.name, want.distinct.size]);
  }
}

const kinds = (t: Table) => Object.fromEntries(t.columns.map((c) => [c.name, c.kind]));

describe('inference on vega-datasets tables', () => {
  it('penguins.json', async () => {
    const t = await readTable(join(VEGA, 'penguins.json'));
    expect(t.rows.length).toBe(344);
    expect(kinds(t)).toEqual({
      Species: 'categorical',
      Island: 'categorical',
      'Beak Length (mm)': 'continuous',
      'Beak Depth (mm)': 'continuous',
      'Flipper Length (mm)': 'integer',
      'Body Mass (g)': 'integer',
      Sex: 'categorical',
    });
    expectCounts(t, countJson('penguins.json'));
    expect(t.columns[0]!.categories).toEqual(['Adelie', 'Chinstrap', 'Gentoo']);
    expect(t.columns[2]).toMatchObject({ decimals: 1, min: 32.1, max: 59.6 });
  });

  it('cars.json: a datetime column, few distinct integers kept integer', async () => {
    const t = await readTable(join(VEGA, 'cars.json'));
    expect(kinds(t)).toEqual({
      Name: 'categorical',
      Miles_per_Gallon: 'continuous',
      Cylinders: 'integer',
      Displacement: 'continuous',
      Horsepower: 'integer',
      Weight_in_lbs: 'integer',
      Acceleration: 'continuous',
      Year: 'datetime',
      Origin: 'categorical',
    });
    expectCounts(t, countJson('cars.json'));
    const year = t.columns.find((c) => c.name === 'Year')!;
    expect(year).toMatchObject({ format: 'YYYY-MM-DD', min: Date.UTC(1970, 0, 1), max: Date.UTC(1982, 0, 1) });
  });

  it('movies.json: near-unique titles hit the category limit; dropped, the rest has heavy missingness', async () => {
    await expect(readTable(join(VEGA, 'movies.json'))).rejects.toThrow(
      /column "Title" has 3,176 distinct values, more than the limit of 1,000/,
    );
    const t = await readTable(join(VEGA, 'movies.json'), { columns: { Title: 'drop' } });
    expect(t.dropped).toEqual([{ name: 'Title', reason: 'dropped by the options' }]);
    expect(kinds(t)).toMatchObject({
      'US Gross': 'integer',
      'Release Date': 'datetime',
      'MPAA Rating': 'categorical',
      'Running Time min': 'integer',
      Director: 'categorical',
      'IMDB Rating': 'continuous',
    });
    expect(t.columns.find((c) => c.name === 'Release Date')!.format).toBe('MMM DD YYYY');
    expectCounts(t, countJson('movies.json'));
    const kept = await readTable(join(VEGA, 'movies.json'), { columns: { Title: { maxCategories: 50, otherLabel: 'other' } } });
    expect(kept.columns[0]!.categories!.length).toBe(51);
  });

  it('seattle-weather.csv', async () => {
    const t = await readTable(join(VEGA, 'seattle-weather.csv'));
    expect(kinds(t)).toEqual({
      date: 'datetime',
      precipitation: 'continuous',
      temp_max: 'continuous',
      temp_min: 'continuous',
      wind: 'continuous',
      weather: 'categorical',
    });
    expectCounts(t, countCsv('seattle-weather.csv'));
    expect(t.columns[5]!.categories).toEqual(['drizzle', 'fog', 'rain', 'snow', 'sun']);
  });

  it('birdstrikes.csv: 10,000 rows, a quarter of the speeds missing', async () => {
    const t = await readTable(join(VEGA, 'birdstrikes.csv'));
    expect(t.rows.length).toBe(10000);
    expect(kinds(t)).toMatchObject({
      'Flight Date': 'datetime',
      'Cost Total $': 'integer',
      'Speed IAS in knots': 'integer',
      'Wildlife Size': 'categorical',
    });
    expectCounts(t, countCsv('birdstrikes.csv'));
    expect(t.columns.find((c) => c.name === 'Speed IAS in knots')!.missingRate).toBe(0.2836);
  });
});
