// f-AnoGAN's two stages in one run: the encoder stage starts at its share of the steps, trains E
// alone (G and D unchanged), and a run resumed on either side of the switch ends with exactly the
// parameters of an uninterrupted one.
import { describe, expect, it } from 'vitest';
import { tempDir } from '../tempdir.js';
import { validateConfig } from '../../src/config/schema.js';
import { Trainer } from '../../src/gan/trainer.js';
import { readCheckpoint } from '../../src/run/checkpoint.js';
import { RunDir } from '../../src/run/rundir.js';

const cfg = validateConfig(
  {
    seed: 5,
    data: { kind: 'mnist', classes: [3] },
    model: { kind: 'fanogan', latent: 4, width: 8, spectralNorm: true, encoderShare: 0.5 },
    train: { steps: 16, batch: 8, stepsPerRun: 3, checkpointEvery: 1000, sampleEvery: 1000, loss: 'hinge', emaDecay: 0 },
  },
  'test',
);

async function trainTo(dir: string, steps: number, resume = false) {
  const t = await Trainer.open(cfg, dir, { resume });
  await t.train({ steps });
  await t.close();
  return readCheckpoint(new RunDir(dir).checkpointPath(steps));
}

describe('f-AnoGAN stages', () => {
  it('switches to the encoder at its share of the steps and then changes E only', async () => {
    const dir = tempDir('fanogan');
    const atSwitch = await trainTo(dir, 8);
    const end = await trainTo(dir, 16, true);
    expect(end.meta).toMatchObject({ stageSince: 8 });
    const changed = (prefix: string) => Object.keys(end.tensors).filter((k) => k.startsWith(prefix) && !Buffer.from(end.tensors[k]!.data.buffer).equals(Buffer.from(atSwitch.tensors[k]!.data.buffer)));
    expect(changed('G.')).toEqual([]);
    expect(changed('D.')).toEqual([]);
    expect(changed('E.').length).toBeGreaterThan(0);
    const rows = new RunDir(dir).readMetrics();
    expect(rows.map((r) => (r.loss_E === undefined ? 'gan' : 'E'))).toEqual([...Array(8).fill('gan'), ...Array(8).fill('E')]);
  });

  let uninterrupted: ReturnType<typeof trainTo> | undefined;
  for (const stopAt of [5, 11]) {
    it(`resumed at step ${stopAt} (${stopAt < 8 ? 'before' : 'after'} the switch), ends as an uninterrupted run`, async () => {
      const whole = await (uninterrupted ??= trainTo(tempDir('fanogan'), 16));
      const dir = tempDir('fanogan');
      await trainTo(dir, stopAt);
      const resumed = await trainTo(dir, 16, true);
      expect(resumed.meta).toEqual(whole.meta);
      for (const [k, v] of Object.entries(whole.tensors)) expect(Buffer.from(resumed.tensors[k]!.data.buffer).equals(Buffer.from(v.data.buffer)), k).toBe(true);
    });
  }
});
