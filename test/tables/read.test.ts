// readTable on small hand-written tables: formats, inference, overrides, missing values, IDs, the
// category limit, and the one message each bad input gets.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTable, sniffDelimiter } from '../../src/tables/index.js';
import { tempDir } from '../tempdir.js';

const dir = tempDir('tables-read');
let count = 0;
/** Writes `text` to a new file with the given extension and returns its path. */
function file(ext: string, text: string | Buffer): string {
  const path = join(dir, `t${count++}${ext}`);
  writeFileSync(path, text);
  return path;
}

const kinds = (t: { columns: { name: string; kind: string }[] }) => Object.fromEntries(t.columns.map((c) => [c.name, c.kind]));

describe('readTable: CSV', () => {
  it('reads quoting, a BOM, CRLF and a quoted field over two lines, and infers each kind', async () => {
    const path = file(
      '.csv',
      '\uFEFFname,price,count,ok,day,note\r\n' +
        '"Smith, J",1.50,3,true,2024-01-31,plain\r\n' +
        'Lee,2.25,4,FALSE,2024-02-29,"two\nlines"\r\n' +
        'Lee,NA,,true,2024-03-01,"say ""hi"""\r\n',
    );
    const t = await readTable(path);
    expect(kinds(t)).toEqual({
      name: 'categorical',
      price: 'continuous',
      count: 'integer',
      ok: 'boolean',
      day: 'datetime',
      note: 'categorical',
    });
    expect(t.rows).toEqual([
      ['Smith, J', 1.5, 3, true, '2024-01-31', 'plain'],
      ['Lee', 2.25, 4, false, '2024-02-29', 'two\nlines'],
      ['Lee', null, null, true, '2024-03-01', 'say "hi"'],
    ]);
    const [name, price, count, ok, day] = t.columns;
    expect(name!.categories).toEqual(['Lee', 'Smith, J']);
    expect(price).toMatchObject({ missingRate: 1 / 3, min: 1.5, max: 2.25, decimals: 2 });
    expect(count).toMatchObject({ missingRate: 1 / 3, min: 3, max: 4 });
    expect(ok!.categories).toEqual(['false', 'true']);
    expect(day).toMatchObject({ format: 'YYYY-MM-DD', min: Date.UTC(2024, 0, 31), max: Date.UTC(2024, 2, 1) });
  });

  it('finds the delimiter from the header line, or takes the one given', async () => {
    expect(sniffDelimiter('a;b;c\n1,5;2;3\n')).toBe(';');
    expect(sniffDelimiter('"a;b"\tc\n')).toBe('\t');
    expect(sniffDelimiter('single\n1\n')).toBe(',');
    const t = await readTable(file('.csv', 'a;b\n1,5;x\n2,5;y\n'));
    expect(t.rows).toEqual([
      ['1,5', 'x'],
      ['2,5', 'y'],
    ]);
    const tsv = await readTable(file('.tsv', 'a\tb\n1\t2\n'));
    expect(tsv.rows).toEqual([[1, 2]]);
    const piped = await readTable(file('.txt', 'a|b\n1|2\n'), { format: 'csv', delimiter: '|' });
    expect(piped.rows).toEqual([[1, 2]]);
  });

  it("counts each column's missing values (empty, NA, null, NaN, ?) and takes a list of its own", async () => {
    const path = file('.csv', 'x,y\n1,a\n,b\nNA,c\nnull,d\nNaN,-\n?,f\n2,g\n-,h\n');
    const t = await readTable(path);
    expect(t.columns[0]).toMatchObject({ name: 'x', kind: 'categorical', missingRate: 5 / 8 }); // "-" is a value here
    const custom = await readTable(path, { missingValues: ['', '-'] });
    expect(custom.columns.map((c) => [c.name, c.kind, c.missingRate])).toEqual([
      ['x', 'categorical', 2 / 8],
      ['y', 'categorical', 1 / 8],
    ]);
  });

  it('keeps few distinct integers integer, and makes them categorical when declared so', async () => {
    const rows = Array.from({ length: 30 }, (_, i) => `${[4, 6, 8][i % 3]},${i % 2 === 0 ? 'a' : 'b'}`);
    const path = file('.csv', `cylinders,g\n${rows.join('\n')}\n`);
    expect(kinds(await readTable(path))).toEqual({ cylinders: 'integer', g: 'categorical' });
    const t = await readTable(path, { columns: { cylinders: 'categorical', g: { kind: 'categorical' } } });
    expect(t.columns[0]).toMatchObject({ kind: 'categorical', categories: ['4', '6', '8'], numericCategories: true });
    expect(t.rows[0]).toEqual([4, 'a']);
  });

  it('drops ID-like columns (all-unique text, row numbers, *_id) unless told to keep them', async () => {
    const lines = Array.from({ length: 12 }, (_, i) => `${i + 1},${100 + 7 * i},u${i},${i * 3},${i % 2}`);
    const path = file('.csv', `row,order_id,code,score,flag\n${lines.join('\n')}\n`);
    const t = await readTable(path);
    expect(t.dropped).toEqual([
      { name: 'row', reason: 'ID-like: 12 distinct integers, one per row' },
      { name: 'order_id', reason: 'ID-like: 12 distinct integers, one per row' },
      { name: 'code', reason: 'ID-like: 12 distinct values, one per row' },
    ]);
    // score: all unique but not consecutive and not named like an ID: data.
    expect(kinds(t)).toEqual({ score: 'integer', flag: 'integer' });
    expect(kinds(await readTable(path, { keepIds: true }))).toEqual({
      row: 'integer',
      order_id: 'integer',
      code: 'categorical',
      score: 'integer',
      flag: 'integer',
    });
    expect(kinds(await readTable(path, { columns: { code: 'categorical' } }))).toEqual({
      code: 'categorical',
      score: 'integer',
      flag: 'integer',
    });
    expect((await readTable(path, { columns: { flag: 'drop' } })).dropped?.map((d) => d.name)).toEqual(['row', 'order_id', 'code', 'flag']);
  });

  it('limits the categories of a column, and keeps the most frequent with otherLabel', async () => {
    // a x4, b x3, c x2, d x1, e x1
    const values = ['a', 'a', 'a', 'a', 'b', 'b', 'b', 'c', 'c', 'd', 'e'];
    const path = file('.csv', `v,n\n${values.map((v, i) => `${v},${i % 3}`).join('\n')}\n`);
    await expect(readTable(path, { maxCategories: 3 })).rejects.toThrow(
      `${path}: column "v" has 5 distinct values, more than the limit of 3 (maxCategories); set otherLabel to keep the 3 most frequent and map the rest to it, or drop the column (columns: { "v": "drop" })`,
    );
    const t = await readTable(path, { maxCategories: 3, otherLabel: 'other' });
    expect(t.columns[0]!.categories).toEqual(['a', 'b', 'c', 'other']);
    expect(t.rows.map((r) => r[0])).toEqual(['a', 'a', 'a', 'a', 'b', 'b', 'b', 'c', 'c', 'other', 'other']);
    const perColumn = await readTable(path, { columns: { v: { maxCategories: 2, otherLabel: 'rest' } } });
    expect(perColumn.columns[0]!.categories).toEqual(['a', 'b', 'rest']);
  });

  it('reads datetimes in other formats, inferred or given', async () => {
    const t = await readTable(file('.csv', 'a,b,c\n2001/01/01 00:47,Jun 12 1998,31/01/2020\n2001/01/02 13:05,Aug 07 1998,01/02/2020\n'));
    expect(t.columns.map((c) => c.format)).toEqual(['YYYY/MM/DD HH:mm', 'MMM DD YYYY', 'DD/MM/YYYY']);
    const us = await readTable(file('.csv', 'd\n01/02/2020\n03/04/2020\n'));
    expect(us.columns[0]).toMatchObject({ format: 'MM/DD/YYYY', min: Date.UTC(2020, 0, 2) });
    const given = await readTable(file('.csv', 'd\n01/02/2020\n03/04/2020\n'), {
      columns: { d: { kind: 'datetime', format: 'DD/MM/YYYY' } },
    });
    expect(given.columns[0]).toMatchObject({ format: 'DD/MM/YYYY', min: Date.UTC(2020, 1, 1), max: Date.UTC(2020, 3, 3) });
  });
});

describe('readTable: JSON, JSON lines, Parquet, records', () => {
  it('reads an array of records; absent keys and null are missing; numbers in strings stay numbers', async () => {
    const t = await readTable(
      file(
        '.json',
        JSON.stringify([
          { a: 1.5, b: 'x', c: true },
          { a: '2', b: null },
          { b: 'y', c: false, d: 7 },
        ]),
      ),
    );
    expect(t.columns.map((c) => [c.name, c.kind, c.missingRate])).toEqual([
      ['a', 'continuous', 1 / 3],
      ['b', 'categorical', 1 / 3],
      ['c', 'boolean', 1 / 3],
      ['d', 'integer', 2 / 3],
    ]);
    expect(t.rows).toEqual([
      [1.5, 'x', true, null],
      [2, null, null, null],
      [null, 'y', false, 7],
    ]);
  });

  it('reads JSON lines, skipping blank lines', async () => {
    const t = await readTable(file('.jsonl', '{"a": 1, "b": "p"}\n\n{"a": 2, "b": "q"}\n'));
    expect(t.rows).toEqual([
      [1, 'p'],
      [2, 'q'],
    ]);
  });

  it('reads Parquet (hyparquet), INT64 as numbers', async () => {
    const t = await readTable(join(import.meta.dirname, 'fixtures', 'simple.parquet'));
    expect(t.columns.map((c) => [c.name, c.kind])).toEqual([
      ['A', 'integer'],
      ['B', 'categorical'],
    ]);
    expect(t.rows).toEqual([
      [1, 'foo'],
      [2, 'foo'],
      [3, 'foo'],
    ]);
  });

  it('takes records in memory, and a row limit', async () => {
    const records = Array.from({ length: 5 }, (_, i) => ({ x: i * 0.5, y: i % 2 === 0 }));
    const t = await readTable(records, { limit: 3 });
    expect(t.source).toBe('records');
    expect(t.rows).toEqual([
      [0, true],
      [0.5, false],
      [1, true],
    ]);
    const csv = await readTable(file('.csv', 'a\n1\n2\n3\n4\n'), { limit: 2 });
    expect(csv.rows).toEqual([[1], [2]]);
  });
});

describe('readTable: one message per bad input, with the file, line and column', () => {
  const bad = (title: string, ext: string, text: string, options: object, message: (path: string) => string) => {
    it(title, async () => {
      const path = file(ext, text);
      await expect(readTable(path, options)).rejects.toThrow(message(path));
    });
  };

  bad('an empty file', '.csv', '\uFEFF \n', {}, (p) => `${p}: the file is empty (expected a table)`);
  bad('a header and no rows', '.csv', 'a,b\n', {}, (p) => `${p}: no rows (expected a header and at least one row of values)`);
  bad(
    'a row with the wrong number of fields',
    '.csv',
    'a,b\n1,2\n\n3\n',
    {},
    (p) => `${p}: line 4 has 1 fields, expected 2 (as many as the header)`,
  );
  bad(
    'an unclosed quote',
    '.csv',
    'a,b\n1,"2\n',
    {},
    (p) => `${p}: line 2: Quote Not Closed: the parsing is finished with an opening quote`,
  );
  bad('a header naming a column twice', '.csv', 'a,b,a\n1,2,3\n', {}, (p) => `${p}: the header names column "a" twice`);
  bad('a header with an empty name', '.csv', 'a,,c\n1,2,3\n', {}, (p) => `${p}: column 2 of the header has no name`);
  bad(
    'text in a column declared continuous',
    '.csv',
    'price,n\n1.5,1\n"two",2\n',
    { columns: { price: 'continuous' } },
    (p) => `${p}: line 3, column "price": "two" is not a number (the column is declared continuous)`,
  );
  bad(
    'a fraction in a column declared integer',
    '.csv',
    'n\n1\n2.5\n',
    { columns: { n: 'integer' } },
    (p) => `${p}: line 3, column "n": "2.5" is not an integer (the column is declared integer)`,
  );
  bad(
    'a non-boolean in a column declared boolean',
    '.csv',
    'ok\ntrue\nyes\n',
    { columns: { ok: 'boolean' } },
    (p) => `${p}: line 3, column "ok": "yes" is not a boolean (expected true or false; the column is declared boolean)`,
  );
  bad(
    'a date not in the declared format',
    '.csv',
    'd\n2024-01-31\n2024-02-30\n',
    { columns: { d: { kind: 'datetime', format: 'YYYY-MM-DD' } } },
    (p) => `${p}: line 3, column "d": "2024-02-30" is not a datetime in the format YYYY-MM-DD`,
  );
  bad(
    'a column declared datetime in no known format',
    '.csv',
    'd\nmonday\n',
    { columns: { d: 'datetime' } },
    (p) => `${p}: column "d" is declared datetime, but its values (such as "monday") match none of the formats YYYY-MM-DD,`,
  );
  bad(
    'an unknown column named in the options',
    '.csv',
    'a,b\n1,2\n',
    { columns: { a: 'integer', z: 'categorical', q: 'drop' } },
    (p) => `${p}: the options name columns "z", "q" that the table does not have (its columns: a, b)`,
  );
  bad('invalid JSON', '.json', '[{"a": 1},', {}, (p) => `${p}: not valid JSON (`);
  bad('JSON that is not an array', '.json', '{"a": [1, 2]}', {}, (p) => `${p}: expected a JSON array of records (objects), got an object`);
  bad(
    'a JSON record that is not an object',
    '.json',
    '[{"a": 1}, [2]]',
    {},
    (p) => `${p}: record 2 is an array, expected a record (an object of column: value)`,
  );
  bad(
    'a nested value',
    '.json',
    '[{"a": 1}, {"a": {"b": 2}}]',
    {},
    (p) => `${p}: record 2, column "a": an object (expected a number, text, true/false or null)`,
  );
  bad('a bad JSON line', '.jsonl', '{"a": 1}\n\n{"a": 2\n', {}, (p) => `${p}: line 3 is not valid JSON (`);
  bad(
    'an unknown extension',
    '.xlsx',
    'a\n1\n',
    {},
    (p) =>
      `${p}: cannot tell the table's format from its extension (expected .csv, .tsv, .json, .jsonl, .ndjson or .parquet, or give options.format)`,
  );
  bad('a file that is not Parquet', '.parquet', 'a,b\n1,2\n', {}, (p) => `${p}: cannot read it as Parquet: `);

  it('a Parquet file compressed with a codec hyparquet does not bundle (ZSTD)', async () => {
    const path = join(import.meta.dirname, '../../node_modules/vega-datasets/data/flights-3m.parquet');
    await expect(readTable(path, { limit: 5 })).rejects.toThrow(
      `${path}: cannot read it as Parquet: parquet unsupported compression codec: ZSTD`,
    );
  });

  it('a missing file', async () => {
    await expect(readTable(join(dir, 'nope.csv'))).rejects.toThrow(`${join(dir, 'nope.csv')}: cannot read the table: ENOENT`);
  });

  it('a bad option, named by its key', async () => {
    await expect(readTable([{ a: 1 }], { maxCategories: 0, columns: { a: 'number' } } as never)).rejects.toThrow(
      'table options: "columns.a": expected one of continuous, integer, categorical, boolean, datetime, drop or { kind, format, maxCategories, otherLabel, drop }, got "number"; "maxCategories": Too small: expected number to be >0, got 0',
    );
  });

  it('a table whose every column is dropped', async () => {
    await expect(readTable([{ a: null }, { a: null }])).rejects.toThrow('records: no columns left to model ("a": all values missing)');
  });
});
