// The augmentation report (docs/applications.md, "Augmentation"): prints JSON and a Markdown table.
//
//   # Classification Accuracy Score of a trained class-aware run (mnist-cgan, fashion-cgan, ...):
//   npx tsx scripts/augment-report.ts cas --run runs/mnist-cgan [--per-class 6000] [--filter d --keep 0.5]
//       [--steps 1392] [--no-real] [--json out.json]
//   # Low-data gain: a GAN on n real images per class per seed, and the classifier on the n real
//   # images vs on them plus --synthetic samples per class:
//   npx tsx scripts/augment-report.ts lowdata --preset mnist-cgan --n 10 --seeds 1,2,3,4,5
//       [--gan-minutes 10 | --gan-steps 3000] [--synthetic 500] [--diff-augment translation,cutout]
//       [--real-share 0.5 | none] [--filter real|d|NET.onnx --keep 0.5] [--steps 1392] [--runs runs/lowdata] [--json out.json]
//
// --steps is the classifier's budget in optimizer steps of batch 128 (default 1,392: the shipped
// MNIST classifier's 3 passes over 60,000 images); both sides of a comparison get the same budget.
// --real-share: the share of the augmented side's training images that are the n real ones (repeated);
// none adds the synthetic images to the real ones as they are. --filter real keeps, of --synthetic / --keep
// candidates per class, those the classifier trained on the n real images finds most probable.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openRun } from '../src/api/index.js';
import { classificationAccuracyScore, lowDataGain, SHIPPED_RECIPE, spread, type LowDataResult } from '../src/api/augment-report.js';

const say = (m: string) => process.stderr.write(`${m}\n`);
const pct = (v: number) => (100 * v).toFixed(2);

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    args: process.argv.slice(2),
    allowPositionals: true,
    options: {
      run: { type: 'string' },
      'per-class': { type: 'string', default: '6000' },
      filter: { type: 'string' },
      keep: { type: 'string' },
      steps: { type: 'string', default: String(SHIPPED_RECIPE.steps) },
      'no-real': { type: 'boolean', default: false },
      preset: { type: 'string' },
      n: { type: 'string', default: '10' },
      seeds: { type: 'string', default: '1,2,3,4,5' },
      'gan-minutes': { type: 'string' },
      'gan-steps': { type: 'string' },
      synthetic: { type: 'string', default: '500' },
      'real-share': { type: 'string', default: '0.5' },
      'diff-augment': { type: 'string', default: 'translation,cutout' },
      runs: { type: 'string', default: 'runs/lowdata' },
      json: { type: 'string' },
    },
  });
  const recipe = { ...SHIPPED_RECIPE, steps: Number(values.steps) };
  const keep = values.keep === undefined ? undefined : Number(values.keep);
  let result: unknown;
  if (positionals[0] === 'cas') {
    if (!values.run) throw new Error('cas needs --run DIR (a class-aware run)');
    const r = await classificationAccuracyScore(await openRun(values.run), { perClass: Number(values['per-class']), filter: values.filter, keep, recipe, real: !values['no-real'], log: say });
    result = r;
    console.log(`| run | step | synthetic | CAS % | real-data % | classifier steps |\n|---|---|---|---|---|---|`);
    console.log(`| ${r.run} | ${r.step} | ${r.synthetic}${r.augment.filter ? ` (filter ${r.augment.filter.by}, keep ${r.augment.filter.keep})` : ''} | ${pct(r.cas)} | ${r.real === undefined ? '-' : pct(r.real)} | ${r.recipe.steps} |`);
  } else if (positionals[0] === 'lowdata') {
    if (!values.preset) throw new Error('lowdata needs --preset NAME (a class-aware preset: mnist-cgan, fashion-cgan, ...)');
    const n = Number(values.n);
    const seeds = values.seeds.split(',').map(Number);
    const runs: LowDataResult[] = [];
    for (const seed of seeds) {
      runs.push(
        await lowDataGain({
          preset: values.preset,
          perClass: n,
          seed,
          out: join(values.runs, `${values.preset}-n${n}-seed${seed}`),
          ganSteps: values['gan-steps'] === undefined ? undefined : Number(values['gan-steps']),
          ganMinutes: values['gan-minutes'] === undefined ? undefined : Number(values['gan-minutes']),
          diffAugment: values['diff-augment'] ? values['diff-augment'].split(',') : [],
          syntheticPerClass: Number(values.synthetic),
          realShare: values['real-share'] === 'none' ? null : Number(values['real-share']),
          filter: values.filter,
          keep,
          recipe,
          log: say,
        }),
      );
    }
    const gain = spread(runs.map((r) => r.gain));
    result = { preset: values.preset, perClass: n, synthetic: Number(values.synthetic), recipe, runs, real: spread(runs.map((r) => r.real)), augmented: spread(runs.map((r) => r.augmented)), gain };
    console.log(`| seed | GAN steps | real % | real + synthetic % | gain (points) |\n|---|---|---|---|---|`);
    for (const r of runs) console.log(`| ${r.seed} | ${r.ganSteps} | ${pct(r.real)} | ${pct(r.augmented)} | ${(100 * r.gain).toFixed(2)} |`);
    console.log(`| mean ± sd | | | | ${(100 * gain.mean).toFixed(2)} ± ${(100 * gain.sd).toFixed(2)} (mean - sd ${(100 * gain.meanMinusSd).toFixed(2)}) |`);
  } else {
    throw new Error('usage: augment-report.ts cas --run DIR ... | lowdata --preset NAME --n N ... (see the head of this file)');
  }
  if (values.json) writeFileSync(values.json, `${JSON.stringify(result, null, 2)}\n`);
}

await main();
