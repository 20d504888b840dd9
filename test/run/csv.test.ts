import { describe, expect, it } from 'vitest';
import { formatCsv, parseNumericCsv } from '../../src/run/csv.js';

describe('formatCsv', () => {
  it('writes a header and rows with up to 7 significant digits', () => {
    const data = Float32Array.of(0.1, -2, 1 / 3, 1234567.8, 0, 1e-8);
    expect(formatCsv(data, [3, 2], ['x', 'y'])).toBe('x,y\n0.1,-2\n0.3333333,1234568\n0,1e-8\n');
  });

  it('round-trips through parseNumericCsv to float32 precision', () => {
    const data = Float32Array.from({ length: 30 }, (_, i) => Math.sin(i * 1.7) * 10 ** ((i % 7) - 3));
    const parsed = parseNumericCsv(formatCsv(data, [10, 3], ['a', 'b', 'c']), 'mem');
    expect(parsed.header).toEqual(['a', 'b', 'c']);
    expect([parsed.rows, parsed.cols]).toEqual([10, 3]);
    expect(parsed.data[0]).toBe(0);
    // 7 significant digits: relative error at most 5e-7, plus float32 rounding
    for (let i = 1; i < data.length; i++) expect(Math.abs(parsed.data[i]! / data[i]! - 1)).toBeLessThan(1e-6);
  });

  it('rejects a header that does not match the rows', () => {
    expect(() => formatCsv(new Float32Array(6), [3, 2], ['x'])).toThrow('csv: header has 1 names but rows have 2 values');
    expect(() => formatCsv(new Float32Array(5), [3, 2], ['x', 'y'])).toThrow('csv: 5 values do not fill shape [3,2]');
  });
});

describe('parseNumericCsv', () => {
  it('reads a header, skips blank lines and accepts CRLF', () => {
    const r = parseNumericCsv('x, y\r\n1,2\r\n\r\n  -3.5 , 4e2\r\n', 'a.csv');
    expect(r.header).toEqual(['x', 'y']);
    expect([r.rows, r.cols]).toEqual([2, 2]);
    expect([...r.data]).toEqual([1, 2, -3.5, 400]);
  });

  it('names columns c0..c{d-1} when the first line is numeric', () => {
    const r = parseNumericCsv('\n0.5,1,2\n3,4,5\n', 'b.csv');
    expect(r.header).toEqual(['c0', 'c1', 'c2']);
    expect([...r.data]).toEqual([0.5, 1, 2, 3, 4, 5]);
    expect(r.rows).toBe(2);
  });

  it('treats a line with any non-numeric field as the header', () => {
    const r = parseNumericCsv('1,label\n2,3\n', 'c.csv');
    expect(r.header).toEqual(['1', 'label']);
    expect([...r.data]).toEqual([2, 3]);
  });

  it('reports ragged rows with the 1-based file line', () => {
    expect(() => parseNumericCsv('x,y\n1,2\n\n3\n', 'd.csv')).toThrow('d.csv: row 4 has 1 fields, expected 2');
    expect(() => parseNumericCsv('1,2\n3,4,5\n', 'e.csv')).toThrow('e.csv: row 2 has 3 fields, expected 2');
  });

  it('reports fields that are not finite numbers', () => {
    expect(() => parseNumericCsv('x,y\n1,2\n3,abc\n', 'f.csv')).toThrow('f.csv: row 3, column "y": "abc" is not a number');
    expect(() => parseNumericCsv('x,y\n1,\n', 'g.csv')).toThrow('g.csv: row 2, column "y": "" is not a number');
    expect(() => parseNumericCsv('1,2\nNaN,2\n', 'h.csv')).toThrow('h.csv: row 2, column "c0": "NaN" is not a number');
    expect(() => parseNumericCsv('a\nInfinity\n', 'i.csv')).toThrow('i.csv: row 2, column "a": "Infinity" is not a number');
    expect(() => parseNumericCsv('a\n1e999\n', 'j.csv')).toThrow('j.csv: row 2, column "a": "1e999" is not a number');
  });

  it('rejects files without data rows', () => {
    expect(() => parseNumericCsv('', 'empty.csv')).toThrow('empty.csv: no data rows');
    expect(() => parseNumericCsv('\n  \n', 'blank.csv')).toThrow('blank.csv: no data rows');
    expect(() => parseNumericCsv('x,y\n', 'header.csv')).toThrow('header.csv: no data rows');
  });
});
