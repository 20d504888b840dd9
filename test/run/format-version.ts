// Checkpoint files as another tsgan would write them: the same bytes with an edited header and the
// checksum recomputed, so only the header differs from a good file.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';

export function withHeader(bytes: Uint8Array, edit: (header: Record<string, unknown>) => Record<string, unknown>): Buffer {
  const buf = Buffer.from(bytes);
  const hlen = buf.readUInt32LE(8);
  const header = Buffer.from(JSON.stringify(edit(JSON.parse(buf.toString('utf8', 12, 12 + hlen)))), 'utf8');
  const lenField = Buffer.alloc(4);
  lenField.writeUInt32LE(header.length);
  const body = Buffer.concat([buf.subarray(0, 8), lenField, header, buf.subarray(12 + hlen, buf.length - 32)]);
  return Buffer.concat([body, createHash('sha256').update(body).digest()]);
}

export const withFormatVersion = (bytes: Uint8Array, version: number): Buffer => withHeader(bytes, (h) => ({ ...h, version }));

/** Rewrites checkpoint files in place as format `version`. */
export function rewriteFormatVersion(paths: readonly string[], version: number): void {
  for (const p of paths) writeFileSync(p, withFormatVersion(readFileSync(p), version));
}
