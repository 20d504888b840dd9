// Where ONNX Runtime placed a program's operators, read from its profiler's trace (the Chrome
// trace JSON that TSGAN_ORT_PROFILE / enableProfiling writes): per execution provider, each
// operator's node runs and time. An operator a GPU provider lacks runs on the CPU provider, with
// copies to and from the device around it; its time here is the cost of that fallback.

export interface OpPlacement {
  provider: string;
  op: string;
  /** Node runs in the trace (every step of every call). */
  runs: number;
  /** Their total kernel time, microseconds. */
  us: number;
}

/**
 * Control-flow containers (ONNX Loop, If) run on the CPU provider whatever the device: their bodies
 * are placed op by op, and the loop condition's Identity is a host-side boolean.
 */
const HOST_SIDE = new Set(['Loop', 'If', 'Identity']);

/** Per provider and operator, the runs and time of the node events of profiler traces (each a trace file's JSON text). */
export function parsePlacement(traces: string[]): OpPlacement[] {
  const table = new Map<string, OpPlacement>();
  for (const text of traces) {
    const events = JSON.parse(text) as { cat?: string; dur?: number; args?: { op_name?: string; provider?: string } }[];
    for (const e of events) {
      if (e.cat !== 'Node' || !e.args?.op_name || !e.args.provider) continue;
      const key = `${e.args.provider}/${e.args.op_name}`;
      const row = table.get(key) ?? { provider: e.args.provider, op: e.args.op_name, runs: 0, us: 0 };
      row.runs++;
      row.us += e.dur ?? 0;
      table.set(key, row);
    }
  }
  return [...table.values()].sort((a, b) => b.us - a.us);
}

/** On a GPU device, the operators that ran on the CPU provider (containers excepted): what its provider lacks. */
export function fallbacks(rows: OpPlacement[], device: string): OpPlacement[] {
  if (device === 'cpu') return [];
  return rows.filter((r) => r.provider === 'CPUExecutionProvider' && !HOST_SIDE.has(r.op));
}
