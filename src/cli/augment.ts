// `gan augment`: labelled synthetic samples from a class-aware run, for training a classifier.
import type { Command } from 'commander';
import { InputError } from '../errors.js';
import { openRun } from '../api/index.js';
import { checkAugmentOut, recordPath } from '../api/augment.js';

const wholeNumber = (name: string, min: number) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new InputError(`--${name} must be an integer >= ${min}, got "${v}"`);
  return n;
};
const share = (v: string) => {
  const n = Number(v);
  if (!(n > 0 && n <= 1)) throw new InputError(`--keep must be a share in (0, 1], got "${v}"`);
  return n;
};

interface AugmentFlags {
  run: string;
  perClass: number;
  out: string;
  filter?: string;
  keep?: number;
  seed: number;
  ema: boolean;
}

export function addAugmentCommand(program: Command): void {
  program
    .command('augment')
    .description('write labelled synthetic samples of a class-aware run (cgan, acgan): a folder of one sub-folder of PNGs per class, or .npy with FILE.labels.npy; records augment.json')
    .requiredOption('--run <dir>', 'run directory of a class-aware run')
    .requiredOption('--per-class <n>', 'samples of each class', wholeNumber('per-class', 1))
    .requiredOption('--out <dir/|file.npy>', 'a folder (ending in /: ImageFolder layout, PNGs) or a .npy file (float32 NCHW in [-1, 1]; int64 labels in FILE.labels.npy)')
    .option('--filter <d|classifier.onnx>', "keep the best-scored candidates of each class: d (the run's discriminator) or an ONNX classifier (its probability of the asked class)")
    .option('--keep <share>', 'with --filter: the share of candidates kept (default 0.5: twice as many are drawn)', share)
    .option('--seed <s>', 'seed of the noise', wholeNumber('seed', 0), 0)
    .option('--no-ema', "use G's weights rather than their moving average")
    .action(async (f: AugmentFlags) => {
      checkAugmentOut(f.out);
      const r = await (await openRun(f.run)).augment({ perClass: f.perClass, out: f.out, filter: f.filter, keep: f.keep, seed: f.seed, ema: f.ema });
      const filtered = r.filter ? `, kept ${(100 * r.acceptance_rate).toFixed(0)}% of the candidates by ${r.filter.by}` : '';
      process.stderr.write(`wrote ${r.per_class} samples of each of ${r.classes.length} classes to ${r.files.samples} (labels: ${r.files.labels}${filtered}); record in ${recordPath(f.out)}\n`);
    });
}
