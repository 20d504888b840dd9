// A model summary: one line per layer with its output shape and parameter count.
import { fmtShape } from '../engine/index.js';
import { Module } from './module.js';

function leafModules(m: Module, prefix: string): [string, Module][] {
  const kids = m.childModules();
  if (kids.length === 0) return [[prefix || m.path, m]];
  return kids.flatMap(([n, c]) => leafModules(c, c.path || `${prefix}.${n}`));
}

/** Text table of a module: its parameters always, its output shapes once it has been traced. */
export function summary(m: Module): string {
  const rows = leafModules(m, m.path).map(([name, mod]) => [
    name,
    mod.describe(),
    mod.lastOutShape ? fmtShape(mod.lastOutShape) : '?',
    String(mod.parameters().reduce((n, p) => n + p.shape.reduce((a, b) => a * b, 1), 0)),
  ]);
  const header = ['layer', 'type', 'output', 'params'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => (i === 3 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ');
  const total = m.paramCount();
  return [line(header), ...rows.map(line), `total trainable parameters: ${total.toLocaleString('en-US')}`].join('\n');
}
