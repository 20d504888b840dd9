import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appendLine, atomicWriteFile } from '../../src/run/atomic.js';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsgan-atomic-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('atomicWriteFile', () => {
  it('writes bytes and strings, replaces existing files, leaves no temp files', () => {
    const file = path.join(dir, 'a.bin');
    atomicWriteFile(file, Uint8Array.of(0, 1, 2, 255));
    expect([...fs.readFileSync(file)]).toEqual([0, 1, 2, 255]);
    atomicWriteFile(file, 'héllo\n');
    expect(fs.readFileSync(file, 'utf8')).toBe('héllo\n');
    expect(fs.readdirSync(dir)).toEqual(['a.bin']);
  });

  it('writes a subarray view, not its whole buffer', () => {
    const file = path.join(dir, 'view.bin');
    const buf = Uint8Array.of(9, 9, 1, 2, 3, 9);
    atomicWriteFile(file, buf.subarray(2, 5));
    expect([...fs.readFileSync(file)]).toEqual([1, 2, 3]);
  });

  it('creates missing parent directories', () => {
    const file = path.join(dir, 'x', 'y', 'z.txt');
    atomicWriteFile(file, 'deep');
    expect(fs.readFileSync(file, 'utf8')).toBe('deep');
  });

  it('names the target and the cause on failure', () => {
    fs.writeFileSync(path.join(dir, 'file'), 'not a dir');
    const target = path.join(dir, 'file', 'sub', 'out.bin');
    expect(() => atomicWriteFile(target, 'x')).toThrow(
      `cannot write ${target}: ENOTDIR: not a directory, mkdir '${path.join(dir, 'file', 'sub')}'`,
    );
  });

  it('removes the temp file when the rename fails and keeps the target intact', () => {
    const target = path.join(dir, 'taken');
    fs.mkdirSync(target);
    fs.writeFileSync(path.join(target, 'keep'), 'k');
    let message = '';
    try {
      atomicWriteFile(target, 'x');
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message.startsWith(`cannot write ${target}: `)).toBe(true);
    expect(message).toMatch(/(EISDIR|ENOTEMPTY|EEXIST)/);
    expect(fs.readdirSync(dir)).toEqual(['taken']);
    expect(fs.readFileSync(path.join(target, 'keep'), 'utf8')).toBe('k');
  });
});

describe('appendLine', () => {
  it('appends one line per call', () => {
    const file = path.join(dir, 'logs', 'metrics.jsonl');
    appendLine(file, JSON.stringify({ step: 1, loss: 0.5 }));
    appendLine(file, JSON.stringify({ step: 2, loss: 0.25 }));
    expect(fs.readFileSync(file, 'utf8')).toBe('{"step":1,"loss":0.5}\n{"step":2,"loss":0.25}\n');
    const rows = fs
      .readFileSync(file, 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { step: number });
    expect(rows.map((r) => r.step)).toEqual([1, 2]);
  });

  it('reports the path when it cannot write', () => {
    const target = path.join(dir, 'adir');
    fs.mkdirSync(target);
    expect(() => appendLine(target, 'x')).toThrow(`cannot write ${target}: EISDIR: illegal operation on a directory, open '${target}'`);
  });
});
