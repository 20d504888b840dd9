// `gan device --check`: trains a config a few steps on a device with ONNX Runtime's profiler on,
// and reports where each operator ran: an operator the device's provider lacks runs on the CPU
// provider (with copies to and from the device), and its time is the cost of that fallback.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveConfig, type ConfigInput } from '../config/load.js';
import * as E from '../engine/index.js';
import { fallbacks, parsePlacement, type OpPlacement } from '../engine/placement.js';
import { Trainer } from '../gan/trainer.js';

export interface DeviceReport {
  device: E.Device;
  /** Training steps profiled (one call of train.stepsPerRun steps, and the preview sampler). */
  steps: number;
  ops: OpPlacement[];
  /** Operators on the CPU provider that the device's provider lacks. */
  fallbacks: OpPlacement[];
  /** Their share of all node time. */
  fallbackShare: number;
}

export async function checkDeviceOps(config: ConfigInput, device: E.Device): Promise<DeviceReport> {
  const base = resolveConfig(config);
  const steps = base.train.stepsPerRun;
  const cfg = { ...base, train: { ...base.train, steps, checkpointEvery: steps, sampleEvery: steps } };
  const dir = mkdtempSync(join(tmpdir(), 'tsgan-device-'));
  const before = process.env.TSGAN_ORT_PROFILE;
  process.env.TSGAN_ORT_PROFILE = join(dir, 'profile');
  try {
    const t = await Trainer.open(cfg, join(dir, 'run'), { device });
    await t.train();
    await t.close();
  } finally {
    if (before === undefined) delete process.env.TSGAN_ORT_PROFILE;
    else process.env.TSGAN_ORT_PROFILE = before;
  }
  const traces = readdirSync(dir).filter((f) => f.startsWith('profile') && f.endsWith('.json')).map((f) => join(dir, f));
  const ops = parsePlacement(traces.map((f) => readFileSync(f, 'utf8')));
  rmSync(dir, { recursive: true, force: true });
  const lacking = fallbacks(ops, device);
  const total = ops.filter((o) => o.op !== 'Loop').reduce((s, o) => s + o.us, 0);
  return { device, steps, ops, fallbacks: lacking, fallbackShare: total ? lacking.reduce((s, o) => s + o.us, 0) / total : 0 };
}

/** The report as text: every operator by provider, then what falls back and its cost. */
export function formatDeviceReport(r: DeviceReport, what: string): string {
  const lines = [`${what} on ${r.device}: ${r.steps} training steps and the preview sampler, profiled`];
  const w = Math.max(8, ...r.ops.map((o) => o.op.length));
  lines.push(`${'operator'.padEnd(w)}  provider                  runs   time (ms)`);
  for (const o of r.ops) lines.push(`${o.op.padEnd(w)}  ${o.provider.padEnd(24)}  ${String(o.runs).padStart(5)}  ${(o.us / 1000).toFixed(2).padStart(10)}`);
  lines.push(
    r.fallbacks.length === 0
      ? `every operator ran on ${r.device}`
      : `${r.fallbacks.length} operator(s) the ${r.device} provider lacks ran on the CPU: ${r.fallbacks.map((o) => `${o.op} (${(o.us / 1000).toFixed(2)} ms)`).join(', ')}; ${(100 * r.fallbackShare).toFixed(1)}% of the node time`,
  );
  return lines.join('\n');
}
