// The `gan` command: train, sample, translate, export, eval, presets.
// Exit codes: 0 success (including --minutes stops), 1 training failure (non-finite loss),
// 2 bad usage, config or input (nothing written), 130/143 stopped by SIGINT/SIGTERM (checkpoint written).
import { Command, CommanderError } from 'commander';
import cliProgress from 'cli-progress';
import { loadConfigFile, type GanConfig } from '../config/schema.js';
import { InputError } from '../errors.js';
import { preset, PRESET_NAMES } from '../config/presets.js';
import { Trainer } from '../gan/trainer.js';
import { RunDir } from '../run/rundir.js';
import { exportGenerator, sampleToFile, translateFile } from './outputs.js';
import { evaluateRun } from './evaluate.js';
import { GraphBuildError } from '../engine/index.js';
import type { Direction } from '../gan/model.js';
import { TSGAN_VERSION } from '../version.js';

/** A usage mistake on the command line (exit code 2). */
export class UsageError extends InputError {}

const int = (name: string, min: number) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`--${name} must be an integer >= ${min}, got "${v}"`);
  return n;
};
const direction = (v: string): Direction => {
  if (v !== 'a2b' && v !== 'b2a') throw new UsageError(`--direction must be a2b or b2a, got "${v}"`);
  return v;
};
const num = (name: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--${name} must be a positive number, got "${v}"`);
  return n;
};

interface TrainFlags {
  preset?: string;
  config?: string;
  out?: string;
  steps?: number;
  minutes?: number;
  seed?: number;
  resume?: boolean;
  progress: boolean;
}

function resolveConfig(f: TrainFlags): { cfg: GanConfig; name: string } | undefined {
  if (f.preset && f.config) throw new UsageError('give either --preset or --config, not both');
  if (f.preset) {
    if (!PRESET_NAMES.includes(f.preset)) throw new UsageError(`unknown preset "${f.preset}"; presets: ${PRESET_NAMES.join(', ')}`);
    return { cfg: preset(f.preset), name: f.preset };
  }
  if (f.config) return { cfg: loadConfigFile(f.config), name: f.config.replace(/^.*[\\/]/, '').replace(/\.(json|ya?ml)$/i, '') };
  return undefined;
}

async function train(f: TrainFlags): Promise<number> {
  const given = resolveConfig(f);
  if (!given && !f.resume) throw new UsageError('gan train needs --preset NAME or --config FILE (or --resume with --out DIR)');
  const out = f.out ?? (given ? `runs/${given.name}` : undefined);
  if (!out) throw new UsageError('--resume needs --out DIR, the run to continue');
  const run = new RunDir(out);
  let cfg: GanConfig;
  if (f.resume && run.hasRun()) {
    cfg = run.readConfig();
    if (given && JSON.stringify(given.cfg) !== JSON.stringify(cfg)) {
      process.stderr.write(`note: resuming ${out} with the config stored in the run, not the one given\n`);
    }
  } else {
    if (!given) throw new UsageError(`run directory ${out} holds no run to resume`);
    if (run.hasRun()) throw new UsageError(`run directory ${out} already holds a run; pass --resume to continue it or choose another --out`);
    cfg = given.cfg;
    if (f.seed !== undefined) cfg = { ...cfg, seed: f.seed };
  }
  if (f.steps !== undefined) cfg = { ...cfg, train: { ...cfg.train, steps: f.steps } };

  const trainer = await Trainer.open(cfg, out, { resume: f.resume, log: (m) => process.stderr.write(`${m}\n`) });
  const total = cfg.train.steps;
  const interactive = f.progress && process.stderr.isTTY;
  const bar = interactive
    ? new cliProgress.SingleBar(
        { format: 'step {value}/{total} |{bar}| {rate} it/s | ETA {eta_formatted} | D {lossD} G {lossG}', hideCursor: true, etaBuffer: 50 },
        cliProgress.Presets.shades_classic,
      )
    : undefined;
  bar?.start(total, trainer.step, { rate: '-', lossD: '-', lossG: '-' });
  let lastLog = 0;
  const signals: [NodeJS.Signals, number][] = [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ];
  let signalCode = 0;
  for (const [sig, code] of signals) {
    process.once(sig, () => {
      signalCode = code;
      trainer.requestStop();
      process.stderr.write(`\n${sig}: stopping after the current steps and writing a checkpoint\n`);
    });
  }
  const result = await trainer.train({
    minutes: f.minutes,
    onProgress: (p) => {
      const fmt = (v: number | undefined) => (v === undefined ? '-' : v.toFixed(3));
      if (bar) bar.update(p.step, { rate: p.stepsPerSecond.toFixed(1), lossD: fmt(p.metrics.loss_D), lossG: fmt(p.metrics.loss_G) });
      else if (f.progress && p.elapsedS - lastLog >= 10) {
        lastLog = p.elapsedS;
        process.stderr.write(`step ${p.step}/${p.total} ${p.stepsPerSecond.toFixed(1)} it/s D ${fmt(p.metrics.loss_D)} G ${fmt(p.metrics.loss_G)}\n`);
      }
    },
  });
  bar?.stop();
  await trainer.close();
  for (const [sig] of signals) process.removeAllListeners(sig);
  if (result.stoppedBy === 'nan') {
    process.stderr.write(`${result.message}\n`);
    return 1;
  }
  const why = { steps: 'reached the step count', minutes: `reached the ${f.minutes}-minute limit`, signal: 'stopped by signal', nan: '' }[result.stoppedBy];
  process.stderr.write(
    `trained ${out} to step ${result.step} (${why}, ${result.stepsPerSecond.toFixed(1)} steps/s); ` +
      `checkpoint ${result.checkpoint ?? 'unchanged'}; samples in ${run.samplesDir}\n`,
  );
  return signalCode;
}

export function buildCli(): Command {
  const program = new Command('gan')
    .description('Train generative adversarial networks and use their generators (tsgan)')
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });

  program
    .command('train')
    .description('train a preset or a config file; writes everything into the run directory')
    .option('--preset <name>', `a named config (${PRESET_NAMES.join(', ')})`)
    .option('--config <file>', 'a config file (.json, .yaml or .yml)')
    .option('--out <dir>', 'run directory (default runs/<preset or config name>)')
    .option('--steps <n>', 'train to this total step count (overrides train.steps)', int('steps', 1))
    .option('--minutes <m>', 'stop after this many minutes of training, with a checkpoint', num('minutes'))
    .option('--seed <s>', 'seed of every random draw (overrides the config; new runs only)', int('seed', 0))
    .option('--resume', 'continue the run in --out from its last good checkpoint')
    .option('--no-progress', 'no progress bar or progress lines')
    .action(async (f: TrainFlags) => {
      process.exitCode = await train(f);
    });

  program
    .command('sample')
    .description('draw samples from a trained generator: .npy (float32), .png (a picture) or .csv (vectors)')
    .requiredOption('--run <dir>', 'run directory')
    .requiredOption('--count <n>', 'number of samples', int('count', 1))
    .requiredOption('--out <file>', 'output file: .npy, .png or .csv')
    .option('--seed <s>', 'seed of the noise', int('seed', 0), 0)
    .option('--no-ema', "use G's weights rather than their moving average")
    .option('--label <k>', 'class-aware runs: draw every sample with label k (default: cycle through all labels)', int('label', 0))
    .action(async (f: { run: string; count: number; out: string; seed: number; ema: boolean; label?: number }) => {
      const r = await sampleToFile(f.run, f.count, f.out, { seed: f.seed, ema: f.ema, label: f.label });
      process.stderr.write(`wrote ${f.count} samples ${JSON.stringify(r.shape)} to ${f.out}${r.labels ? ` and their labels to ${r.labels}` : ''}\n`);
    });

  program
    .command('translate')
    .description('run an image-to-image generator (pix2pix, srgan, cyclegan) on a .npy of images; writes .npy or a before/after .png')
    .requiredOption('--run <dir>', 'run directory')
    .requiredOption('--in <file>', 'input images: .npy, float32 NCHW in [-1, 1]')
    .requiredOption('--out <file>', 'output file: .npy or .png')
    .option('--direction <d>', 'a2b (paired types; CycleGAN also b2a)', direction, 'a2b')
    .option('--no-ema', "use G's weights rather than their moving average")
    .action(async (f: { run: string; in: string; out: string; direction: Direction; ema: boolean }) => {
      const r = await translateFile(f.run, f.in, f.out, { direction: f.direction, ema: f.ema });
      process.stderr.write(`wrote ${JSON.stringify(r.shape)} translated images to ${f.out}\n`);
    });

  program
    .command('export')
    .description('write the generator alone as an ONNX inference model (any batch size), with metadata')
    .requiredOption('--run <dir>', 'run directory')
    .requiredOption('--out <file>', 'output .onnx file')
    .option('--no-ema', "export G's weights rather than their moving average")
    .option('--direction <d>', 'which generator an image-to-image run exports: a2b (CycleGAN also b2a)', direction, 'a2b')
    .action(async (f: { run: string; out: string; ema: boolean; direction: Direction }) => {
      const meta = await exportGenerator(f.run, f.out, f.ema, f.direction);
      const from = meta.input_shape ? `x [batch, ${meta.input_shape}] -> y` : `z [batch, ${meta.latent_shape}] -> x`;
      process.stderr.write(`wrote ${f.out}: ${from} [batch, ${meta.output_shape}]\n`);
    });

  program
    .command('eval')
    .description('measure a run with the metrics that fit its data; prints JSON')
    .requiredOption('--run <dir>', 'run directory')
    .option('--count <n>', 'number of samples (default 2,500 for 2-D mixtures, 10,000 for images)', int('count', 1))
    .option('--seed <s>', 'seed of the noise', int('seed', 0), 0)
    .option('--no-ema', "use G's weights rather than their moving average")
    .action(async (f: { run: string; count?: number; seed: number; ema: boolean }) => {
      const r = await evaluateRun(f.run, { count: f.count, seed: f.seed, ema: f.ema });
      process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
    });

  program
    .command('presets')
    .description('list the presets')
    .action(() => {
      const width = Math.max(...PRESET_NAMES.map((n) => n.length));
      for (const n of PRESET_NAMES) process.stdout.write(`${n.padEnd(width)}  ${preset(n).description}\n`);
    });

  program.version(TSGAN_VERSION);
  return program;
}

/** Runs the CLI; returns the exit code. Errors become one line on stderr. */
export async function main(argv: string[]): Promise<number> {
  try {
    await buildCli().parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    if (e instanceof InputError || e instanceof GraphBuildError) {
      process.stderr.write(`gan: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}
