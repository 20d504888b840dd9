// What crosses between the host and a GPU device per call of K training steps, and what it costs:
// the steps as an ONNX Loop (which runs on the CPU provider: carried state goes to the host and back
// at every step) against the steps unrolled (state stays on the device within the call), each with
// the state fed from the host every call or kept on the device between calls (StateStore device values).
// Taken in rounds (every row once per round) so load changes reach every row alike; each figure is a
// median. On SwiftShader (no GPU) the times are a CPU emulating a GPU: for the record only.
// usage: npm run bench -- --device-transfer [--device webgpu] [--preset ring8-drs] [--calls 4] [--rounds 3] [--json]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { resolveConfig } from '../src/config/load.js';
import * as E from '../src/engine/index.js';
import { Trainer } from '../src/gan/trainer.js';
import { median } from './browser/pages/result.js';

const say = (s: string) => process.stderr.write(`${s}\n`);

interface Row {
  form: E.LoopForm;
  keepOnDevice: boolean;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: process.argv.slice(2).filter((a) => a !== '--device-transfer'),
    options: {
      device: { type: 'string', default: 'webgpu' },
      preset: { type: 'string', default: 'ring8-drs' },
      calls: { type: 'string', default: '4' },
      rounds: { type: 'string', default: '3' },
      json: { type: 'boolean', default: false },
    },
  });
  const device = values.device as E.Device;
  await E.Program.checkDevice(device);
  const base = resolveConfig({ preset: values.preset });
  const K = base.train.stepsPerRun;
  const calls = Number(values.calls);
  const rows: Row[] = [
    { form: 'loop', keepOnDevice: false },
    { form: 'unrolled', keepOnDevice: false },
    { form: 'unrolled', keepOnDevice: true },
  ];
  const times = new Map<Row, number[]>(rows.map((r) => [r, []]));
  const compiles = new Map<Row, number[]>(rows.map((r) => [r, []]));
  const stateBytes: number[] = [];
  for (let round = 0; round < Number(values.rounds); round++) {
    for (const row of rows) {
      E.setLoopForm(row.form);
      E.setStateOnDevice(row.keepOnDevice);
      const dir = mkdtempSync(join(tmpdir(), 'tsgan-transfer-'));
      const t = await Trainer.open(base, join(dir, 'run'), { device });
      // The session's calls alone (no checkpoints, previews or metrics files); the first compiles the program: timed apart.
      let t0 = performance.now();
      await t.session.run(K);
      compiles.get(row)!.push((performance.now() - t0) / 1000);
      t0 = performance.now();
      for (let c = 0; c < calls; c++) await t.session.run(K);
      times.get(row)!.push((performance.now() - t0) / 1000 / (K * calls));
      await t.store.sync();
      if (!stateBytes.length) stateBytes.push(t.store.names().reduce((s, n) => s + t.store.get(n).data.byteLength, 0));
      await t.close();
      rmSync(dir, { recursive: true, force: true });
      say(`round ${round + 1}: ${row.form}${row.keepOnDevice ? ', state kept on the device' : ''}: ${(1000 * times.get(row)!.at(-1)!).toFixed(1)} ms/step`);
    }
  }
  E.setLoopForm('auto');
  E.setStateOnDevice(true);
  const mib = (b: number) => (b / 2 ** 20).toFixed(2);
  // State bytes crossing per call, from the graph's interface: in and out once per step (Loop), once per call (unrolled), never (kept).
  const crossing = (r: Row) => (r.form === 'loop' ? 2 * K : r.keepOnDevice ? 0 : 2) * stateBytes[0]!;
  const results = rows.map((r) => ({
    bench: 'device-transfer',
    device,
    preset: values.preset,
    stepsPerCall: K,
    form: r.form,
    stateOnDevice: r.keepOnDevice,
    stateMiBCrossingPerCall: Number(mib(crossing(r))),
    msPerStep: Number((1000 * median(times.get(r)!)).toFixed(2)),
    firstCallS: Number(median(compiles.get(r)!).toFixed(2)),
  }));
  if (values.json) for (const r of results) console.log(JSON.stringify(r));
  else {
    console.log(`${values.preset} on ${device}, ${K} steps per call, state ${mib(stateBytes[0]!)} MiB; median of ${values.rounds} rounds`);
    console.log('form      state kept on device  state MiB crossing/call  ms/step  first call (s)');
    for (const r of results) console.log(`${r.form.padEnd(9)} ${String(r.stateOnDevice).padEnd(21)} ${String(r.stateMiBCrossingPerCall).padStart(23)}  ${String(r.msPerStep).padStart(7)}  ${String(r.firstCallS).padStart(14)}`);
  }
}

await main();
