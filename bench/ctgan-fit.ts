// tsgan's CTGAN fitting a table, timed: the side of bench/ctgan_fit_time.py (the authors' CTGAN).
//   npx tsx bench/ctgan-fit.ts --table table.csv --epochs 10 [--seed 0] [--sample 100000] [--columns '{"a":"categorical"}'] [--threads 1]
// Prints one JSON line: seconds of the whole fit (reading, encoding, training; wall and CPU of all threads), of training alone,
// per epoch, peak RSS (MiB), and seconds to sample --sample rows.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fitTable } from '../src/api/table.js';
import { setDefaultThreads } from '../src/engine/index.js';

const { values } = parseArgs({ options: { table: { type: 'string' }, epochs: { type: 'string', default: '300' }, seed: { type: 'string', default: '0' }, sample: { type: 'string', default: '100000' }, columns: { type: 'string' }, threads: { type: 'string', default: '0' } } });
// onnxruntime's threads (0: its own choice, every core).
setDefaultThreads(Number(values.threads));
if (!values.table) throw new Error('--table FILE is required');
const epochs = Number(values.epochs);
let trainS = 0;
const t0 = performance.now();
const cpu0 = process.cpuUsage();
const synth = await fitTable(values.table, { epochs, seed: Number(values.seed), columns: values.columns ? JSON.parse(values.columns) : undefined, out: join(mkdtempSync(join(tmpdir(), 'ctgan-fit-')), 'run'), onProgress: (p) => (trainS = p.elapsedS) });
const fitS = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
const t1 = performance.now();
const n = Number(values.sample);
await synth.sample(n);
const sampleS = (performance.now() - t1) / 1000;
const rows = synth.encoder.encoding.width;
console.log(JSON.stringify({ side: 'tsgan', threads: Number(values.threads), columns: synth.columns.length, encodedWidth: rows, epochs, steps: synth.step, fit_s: +fitS.toFixed(2), fit_cpu_s: +((cpu.user + cpu.system) / 1e6).toFixed(2), train_s: +trainS.toFixed(2), s_per_epoch: +(fitS / epochs).toFixed(3), train_s_per_epoch: +(trainS / epochs).toFixed(3), peak_rss_mib: Math.round(process.resourceUsage().maxRSS / 1024), sample_s: +sampleS.toFixed(2), sample_rows: n }));
