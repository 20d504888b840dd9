// `gan studio`: the runs dashboard in the browser (src/studio). Runs until SIGINT/SIGTERM, which
// stop the trainings it started (each writes a checkpoint) and then the server.
import type { Command } from 'commander';
import { InputError } from '../errors.js';
import { startStudio } from '../studio/server.js';
import { untilStopSignal } from './signals.js';

interface StudioFlags {
  runs: string;
  port: number;
  host: string;
  data?: string[];
}

const port = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InputError(`--port must be an integer from 0 to 65535, got "${v}"`);
  return n;
};
const collect = (v: string, previous: string[] = []) => [...previous, v];

async function studio(f: StudioFlags): Promise<number> {
  const s = await startStudio({ runs: f.runs, host: f.host, port: f.port, data: f.data });
  process.stderr.write(`tsgan studio: ${s.url}\n  runs folder ${f.runs}${s.token ? `\n  bound to ${f.host}: every request needs the token (in the address above)` : ''}\n`);
  const sig = await untilStopSignal();
  process.stderr.write(`${sig}: stopping the trainings started here (with checkpoints) and the server\n`);
  await s.close();
  return 0;
}

export function addStudioCommand(program: Command): void {
  program
    .command('studio')
    .description('the runs dashboard in the browser: live curves, samples, configs, eval reports; start, stop and resume runs')
    .option('--runs <dir>', 'the runs folder', 'runs')
    .option('--port <n>', 'port (0: any free one)', port, 5170)
    .option('--host <h>', 'address to bind; any but a loopback address requires the token printed at start', '127.0.0.1')
    .option('--data <dir>', 'a folder (repeatable) whose data runs started from the page may train on, besides the runs folder', collect)
    .action(async (f: StudioFlags) => {
      process.exitCode = await studio(f);
    });
}
