// The `gan` command: train, sample, translate, export, eval, presets; a thin layer over the library (src/api).
// Exit codes: 0 success (including --minutes stops), 1 training failure (non-finite loss),
// 2 bad usage, config or input (nothing written), 130/143 stopped by SIGINT/SIGTERM (checkpoint written).
import { Command, CommanderError } from 'commander';
import cliProgress from 'cli-progress';
import { parse as parseYaml } from 'yaml';
import { readConfigFile, type ConfigInput } from '../config/load.js';
import type { Override } from '../config/merge.js';
import { InputError } from '../errors.js';
import { preset, PRESET_NAMES } from '../config/presets.js';
import { RunDir } from '../run/rundir.js';
import { openRun, train as trainRun, TrainingError, type ModelSize } from '../api/index.js';
import { OUTPUT_FILES } from '../api/outputs.js';
import * as E from '../engine/index.js';
import { GraphBuildError } from '../engine/index.js';
import type { Direction } from '../gan/recipe.js';
import { TSGAN_VERSION } from '../version.js';
import { addSweepCommands } from './sweep.js';
import { addStudioCommand } from './studio.js';
import { addAugmentCommand } from './augment.js';
import { checkDeviceOps, formatDeviceReport } from '../api/device-check.js';
import { isTableRun, loadTable } from '../api/table.js';
import { evaluateTableRun } from '../api/table-eval.js';

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
const device = (v: string): E.Device => {
  if (!(E.DEVICES as readonly string[]).includes(v)) throw new UsageError(`--device must be one of ${E.DEVICES.join(', ')}, got "${v}"`);
  return v as E.Device;
};
const rate = (v: string) => {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n < 0 || n > 1) throw new UsageError(`--fpr must be a false-positive rate from 0 to 1, got "${v}"`);
  return n;
};
const num = (name: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--${name} must be a positive number, got "${v}"`);
  return n;
};

/** One `--set KEY=VALUE`: a dotted key, and a value read as YAML (`1e-4`, `hinge`, `false`, `[128, 128]`). */
function parseOverride(text: string): Override {
  const eq = text.indexOf('=');
  if (eq < 0) throw new UsageError(`--set must be KEY=VALUE (e.g. --set train.lrG=1e-4), got "${text}"`);
  const path = text.slice(0, eq).split('.');
  if (path.some((k) => k === '')) throw new UsageError(`--set needs a dotted key before "=" (e.g. train.lrG), got "${text}"`);
  try {
    return { path, value: parseYaml(text.slice(eq + 1)) };
  } catch (e) {
    throw new UsageError(`--set ${path.join('.')}: the value is not valid YAML (${(e as Error).message.split('\n')[0]!.replace(/:$/, '')}), got "${text.slice(eq + 1)}"`);
  }
}
const collectOverride = (text: string, previous: Override[] = []) => [...previous, parseOverride(text)];
/** One `--where COLUMN=VALUE` of conditional table sampling (the value as text, matched to the column's categories). */
function parseWhere(text: string, previous: Record<string, string> = {}): Record<string, string> {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new UsageError(`--where must be COLUMN=VALUE (e.g. --where species=Adelie), got "${text}"`);
  return { ...previous, [text.slice(0, eq)]: text.slice(eq + 1) };
}

interface TrainFlags {
  preset?: string;
  config?: string;
  set?: Override[];
  out?: string;
  steps?: number;
  minutes?: number;
  seed?: number;
  resume?: boolean;
  progress: boolean;
  /** The root command's --device. */
  device?: E.Device;
}

/** The config the flags start from: a preset's name, or a config file's contents (merged onto the preset it names). */
function baseConfig(f: TrainFlags): { config: ConfigInput; source: string; name: string } | undefined {
  if (f.preset && f.config) throw new UsageError('give either --preset or --config, not both');
  if (f.preset) return { config: f.preset, source: `preset ${f.preset}`, name: f.preset };
  if (f.config) return { config: readConfigFile(f.config) as ConfigInput, source: f.config, name: f.config.replace(/^.*[\\/]/, '').replace(/\.(json|ya?ml)$/i, '') };
  return undefined;
}

/** A FLOP count with 4 significant digits in the largest unit it reaches (GFLOP, MFLOP, kFLOP). */
function flopText(flops: number): string {
  const [unit, scale] = ([['GFLOP', 1e9], ['MFLOP', 1e6], ['kFLOP', 1e3]] as const).find(([, s]) => flops >= s) ?? ['FLOP', 1];
  return `${Number((flops / scale).toPrecision(4))} ${unit}`;
}

/** The model summary `gan train` prints before training: parameters of G and D, and the arithmetic of a step. */
export function modelSummary(m: ModelSize): string {
  const n = (v: number) => v.toLocaleString('en-US');
  return `model: G ${n(m.paramsG)} parameters, D ${n(m.paramsD)} parameters; ${flopText(m.flopsPerStep)} per training step (batch ${m.batch}; matrix products and convolutions, 2 FLOPs per multiply-add)`;
}

async function train(f: TrainFlags): Promise<number> {
  const base = baseConfig(f);
  if (!base && !f.resume) throw new UsageError('gan train needs --preset NAME or --config FILE (or --resume with --out DIR)');
  const out = f.out ?? (base ? `runs/${base.name}` : undefined);
  if (!out) throw new UsageError('--resume needs --out DIR, the run to continue');
  const interactive = f.progress && process.stderr.isTTY;
  const bar = interactive
    ? new cliProgress.SingleBar(
        { format: 'step {value}/{total} |{bar}| {rate} it/s | ETA {eta_formatted} | D {lossD} G {lossG}', hideCursor: true, etaBuffer: 50 },
        cliProgress.Presets.shades_classic,
      )
    : undefined;
  let lastLog = 0;
  const signals: [NodeJS.Signals, number][] = [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ];
  let signalCode = 0;
  const stop = new AbortController();
  for (const [sig, code] of signals) {
    process.once(sig, () => {
      signalCode = code;
      stop.abort();
      process.stderr.write(`\n${sig}: stopping after the current steps and writing a checkpoint\n`);
    });
  }
  const fmt = (v: number | undefined) => (v === undefined ? '-' : v.toFixed(3));
  try {
    const run = await trainRun(base?.config, {
      out,
      steps: f.steps,
      minutes: f.minutes,
      seed: f.seed,
      resume: f.resume,
      device: f.device,
      set: f.set,
      source: base?.source,
      signal: stop.signal,
      log: (m) => process.stderr.write(`${m}\n`),
      onStart: (p) => {
        process.stderr.write(`${modelSummary(p.model)}\n`);
        bar?.start(p.total, p.step, { rate: '-', lossD: '-', lossG: '-' });
      },
      onProgress: (p) => {
        if (bar) bar.update(p.step, { rate: p.stepsPerSecond.toFixed(1), lossD: fmt(p.metrics.loss_D), lossG: fmt(p.metrics.loss_G) });
        else if (f.progress && p.elapsedS - lastLog >= 10) {
          lastLog = p.elapsedS;
          process.stderr.write(`step ${p.step}/${p.total} ${p.stepsPerSecond.toFixed(1)} it/s D ${fmt(p.metrics.loss_D)} G ${fmt(p.metrics.loss_G)}\n`);
        }
      },
    });
    const result = run.result!;
    const why = { steps: 'reached the step count', minutes: `reached the ${f.minutes}-minute limit`, signal: 'stopped by signal', nan: '' }[result.stoppedBy];
    process.stderr.write(
      `trained ${out} to step ${result.step} (${why}, ${result.stepsPerSecond.toFixed(1)} steps/s); ` +
        `checkpoint ${result.checkpoint ?? 'unchanged'}; samples in ${new RunDir(out).samplesDir}\n`,
    );
    return signalCode;
  } catch (e) {
    if (!(e instanceof TrainingError)) throw e;
    process.stderr.write(`${e.message}\n`);
    return 1;
  } finally {
    bar?.stop();
    for (const [sig] of signals) process.removeAllListeners(sig);
  }
}

export function buildCli(): Command {
  const program = new Command('gan')
    .description('Train generative adversarial networks and use their generators (tsgan)')
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) })
    .option('--device <d>', `where ONNX Runtime runs the programs: ${E.DEVICES.join(', ')} (default cpu; for train it overrides train.device)`, device)
    .hook('preAction', (root) => {
      const d = root.opts<{ device?: E.Device }>().device;
      if (d) E.setDefaultDevice(d);
    });

  program
    .command('train')
    .description('train a preset or a config file; writes everything into the run directory')
    .option('--preset <name>', `a named config (${PRESET_NAMES.join(', ')})`)
    .option('--config <file>', 'a config file (.json, .yaml or .yml); it may name a preset (preset: NAME) and give only the keys it changes')
    .option('--set <key=value>', 'set one config key (repeatable): a dotted key and a YAML value, e.g. train.lrG=1e-4, model.gHidden=[128,128]', collectOverride)
    .option('--out <dir>', 'run directory (default runs/<preset or config name>)')
    .option('--steps <n>', 'train to this total step count (overrides train.steps)', int('steps', 1))
    .option('--minutes <m>', 'stop after this many minutes of training, with a checkpoint', num('minutes'))
    .option('--seed <s>', 'seed of every random draw (overrides the config; new runs only)', int('seed', 0))
    .option('--resume', 'continue the run in --out from its last good checkpoint')
    .option('--no-progress', 'no progress bar or progress lines')
    .action(async (f: TrainFlags) => {
      process.exitCode = await train({ ...f, device: program.opts<{ device?: E.Device }>().device });
    });

  program
    .command('sample')
    .description('draw samples from a trained generator: .npy (float32), .png (a picture), .csv (vectors), .gif (clips) or a folder of PNGs (one per image); table runs: rows as .csv, .json or .jsonl')
    .requiredOption('--run <dir>', 'run directory')
    .requiredOption('--count <n>', 'number of samples', int('count', 1))
    .requiredOption('--out <file>', 'output file: .npy, .png, .csv or .gif; or a folder (a path ending in /, or an existing folder) for one PNG per sample')
    .option('--seed <s>', 'seed of the noise', int('seed', 0), 0)
    .option('--no-ema', "use G's weights rather than their moving average")
    .option('--label <k>', 'class-aware runs: draw every sample with label k (default: cycle through all labels)', int('label', 0))
    .option('--no-rejection', "keep every generated sample, even when the run's model has rejection sampling (model.rejection)")
    .option('--where <column=value>', 'table runs: only rows with this value in this categorical or boolean column (conditional sampling)', parseWhere)
    .action(async (f: { run: string; count: number; out: string; seed: number; ema: boolean; label?: number; rejection: boolean; where?: Record<string, string> }) => {
      if (isTableRun(f.run)) {
        const r = await (await loadTable(f.run)).writeRows(f.out, f.count, { seed: f.seed, where: f.where });
        process.stderr.write(`wrote ${r.rows} rows of ${r.columns.length} columns to ${f.out}\n`);
        return;
      }
      if (f.where) throw new UsageError(`--where samples table runs (model kind ctgan); ${f.run} is not one`);
      OUTPUT_FILES.samples(f.out);
      const r = await (await openRun(f.run)).writeSamples(f.out, f.count, { seed: f.seed, ema: f.ema, label: f.label, rejection: f.rejection });
      const where = r.files ? `${f.out} (one PNG each: ${r.files[0]}${r.files.length > 1 ? ` ... ${r.files.at(-1)}` : ''})` : f.out;
      process.stderr.write(`wrote ${f.count} samples ${JSON.stringify(r.shape)} to ${where}${r.labels ? ` and their labels to ${r.labels}` : ''}\n`);
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
      OUTPUT_FILES.translation(f.in, f.out);
      const r = await (await openRun(f.run)).translateFile(f.in, f.out, { direction: f.direction, ema: f.ema });
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
      OUTPUT_FILES.onnx(f.out);
      const meta = await (await openRun(f.run)).export(f.out, { ema: f.ema, direction: f.direction });
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
    .option('--no-rejection', "measure every generated sample, even when the run's model has rejection sampling (model.rejection)")
    .option('--features <space>', 'feature space of FD, KID, precision/recall, density/coverage for image runs: mnist, fashion or NET.onnx (docs/metrics.md)')
    .option('--in <input>', 'anomaly runs: samples to measure AUROC/AUPRC on (.npy, image folder or .csv; default: the test split of MNIST/Fashion-MNIST runs)')
    .option('--labels <file>', 'anomaly runs: whether each --in sample is normal (0) or anomalous (1): .npy or a one-column .csv')
    .option('--fpr <rate>', 'anomaly runs: false-positive rate of the reported threshold (default 0.05)', rate)
    .option('--holdout <file>', "table runs: real rows the model never saw (default: the run's data.holdout rows)")
    .option('--target <column>', 'table runs: the categorical column ML efficacy predicts')
    .option('--report <dir>', 'table runs: also write report.json and the pictures (histograms per column, association matrices) there')
    .action(async (f: { run: string; count?: number; seed: number; ema: boolean; rejection: boolean; features?: string; holdout?: string; target?: string; report?: string; in?: string; labels?: string; fpr?: number }) => {
      if (isTableRun(f.run)) {
        const r = await evaluateTableRun(f.run, { holdout: f.holdout, target: f.target, count: f.count, seed: f.seed, out: f.report });
        process.stderr.write(`${r.summary}\n`);
        process.stdout.write(`${JSON.stringify(r.report, null, 2)}\n`);
        return;
      }
      if (f.holdout || f.target || f.report) throw new UsageError(`--holdout, --target and --report measure table runs (model kind ctgan); ${f.run} is not one`);
      const r = await (await openRun(f.run)).evaluate({ count: f.count, seed: f.seed, ema: f.ema, rejection: f.rejection, features: f.features, in: f.in, labels: f.labels, fpr: f.fpr });
      process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
    });

  program
    .command('score')
    .description('anomaly runs: score each input (higher = more anomalous) and flag it against a threshold set on held-out normal data; writes a CSV in input order')
    .requiredOption('--run <dir>', 'run directory (an anomaly detection run, e.g. preset mnist-anomaly)')
    .requiredOption('--in <input>', '.npy of float32 NCHW images in [-1, 1], a folder of images (decoded as the run\'s data), or a .csv of one flattened image per row')
    .requiredOption('--out <file>', 'output .csv: index, file (folders), score, anomalous (0/1)')
    .option('--fpr <rate>', 'share of held-out normal data the threshold flags', rate, 0.05)
    .option('--no-ema', "use G's weights rather than their moving average")
    .action(async (f: { run: string; in: string; out: string; fpr: number; ema: boolean }) => {
      if (!f.out.toLowerCase().endsWith('.csv')) throw new UsageError(`--out ${f.out}: expected a .csv file`);
      const r = await (await openRun(f.run)).scoreFile(f.in, f.out, { fpr: f.fpr, ema: f.ema });
      const t = r.threshold;
      process.stderr.write(`wrote ${r.count} scores to ${f.out}: ${r.flagged} anomalous (score > ${Number(t.threshold.toPrecision(6))}, the threshold flagging ${t.fpr * 100}% of ${t.count} ${t.heldOut} images)\n`);
    });

  program
    .command('presets')
    .description('list the presets')
    .action(() => {
      const width = Math.max(...PRESET_NAMES.map((n) => n.length));
      for (const n of PRESET_NAMES) process.stdout.write(`${n.padEnd(width)}  ${preset(n).description}\n`);
    });

  program
    .command('device')
    .description('check a device: train a preset or config a few steps on it and list where each operator ran (--device chooses the device)')
    .requiredOption('--check', 'profile the steps and report the operators the device lacks, with the cost of their fallback to the CPU')
    .option('--preset <name>', 'the preset to check', 'ring8')
    .option('--config <file>', 'a config file to check instead of a preset')
    .action(async (f: { preset: string; config?: string }) => {
      const d = program.opts<{ device?: E.Device }>().device ?? 'cpu';
      const config = f.config ? (readConfigFile(f.config) as ConfigInput) : f.preset;
      process.stdout.write(`${formatDeviceReport(await checkDeviceOps(config, d), f.config ?? `preset ${f.preset}`)}\n`);
    });

  addAugmentCommand(program);
  addSweepCommands(program);
  addStudioCommand(program);
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
    if (e instanceof InputError || e instanceof GraphBuildError || e instanceof E.DeviceError) {
      process.stderr.write(`gan: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}
