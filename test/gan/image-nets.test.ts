// The convolutional networks for any image size (model.kind dcgan and resnet): which sizes they
// build, their shapes, their parameter counts against PyTorch's for the same networks, and one
// training step of every variant on them.
import { describe, expect, it } from 'vitest';
import * as E from '../../src/engine/index.js';
import { validateConfig } from '../../src/config/schema.js';
import { buildRecipe, type DataInfo } from '../../src/gan/registry.js';
import type { GanRecipe } from '../../src/gan/recipe.js';
import { buildTrainStep, type StepConfig } from '../../src/gan/step.js';
import { InputError } from '../../src/errors.js';

const images = (shape: number[], classes?: number): DataInfo => ({
  kind: 'images',
  fields: { x: { shape, dtype: 'float32' }, ...(classes ? { y: { shape: [], dtype: 'int64' as const } } : {}) },
  shape,
  classes,
});
const recipe = (model: Record<string, unknown>, shape: number[], classes?: number) =>
  buildRecipe(validateConfig({ data: { kind: 'mnist' }, model }, 't').model, images(shape, classes));
const params = (r: GanRecipe) => ({ G: r.G.paramCount(), D: r.D.paramCount() });

// Parameter counts of the same networks in PyTorch: `python3 bench/torch_reference.py counts`
// (dcgan_example and sngan in that file; dcgan64 is the PyTorch DCGAN example itself, sngan32 the
// CIFAR-10 SNGAN ResNet).
const TORCH_COUNTS = {
  dcgan64: { G: 3576704, D: 2765568 },
  sngan32: { G: 4276739, D: 1086849 },
  'dcgan16 ngf=8 nc=3': { G: 28080, D: 2720 },
  'dcgan32 ngf=8 nc=3': { G: 61936, D: 11232 },
  'dcgan128 ngf=8 nc=3': { G: 379760, D: 176992 },
  'dcgan16 ngf=8 nc=1': { G: 27824, D: 2464 },
  'sngan64 g=16 d=16': { G: 50115, D: 19225 },
  'sngan32 g=16 d=16 nc=1': { G: 48129, D: 17265 },
};

describe('parameter counts equal PyTorch for the same networks', () => {
  it('dcgan at 64x64x3 is the PyTorch DCGAN example; other sizes and channels follow its pattern', () => {
    expect(params(recipe({ kind: 'dcgan' }, [3, 64, 64]))).toEqual(TORCH_COUNTS.dcgan64);
    expect(params(recipe({ kind: 'dcgan', width: 8 }, [3, 16, 16]))).toEqual(TORCH_COUNTS['dcgan16 ngf=8 nc=3']);
    expect(params(recipe({ kind: 'dcgan', width: 8 }, [3, 32, 32]))).toEqual(TORCH_COUNTS['dcgan32 ngf=8 nc=3']);
    expect(params(recipe({ kind: 'dcgan', width: 8 }, [3, 128, 128]))).toEqual(TORCH_COUNTS['dcgan128 ngf=8 nc=3']);
    expect(params(recipe({ kind: 'dcgan', width: 8 }, [1, 16, 16]))).toEqual(TORCH_COUNTS['dcgan16 ngf=8 nc=1']);
  });

  it('resnet at 32x32x3 is the CIFAR-10 SNGAN ResNet; 64x64 adds a block to each', () => {
    expect(params(recipe({ kind: 'resnet' }, [3, 32, 32]))).toEqual(TORCH_COUNTS.sngan32);
    expect(params(recipe({ kind: 'resnet', gWidth: 16, dWidth: 16 }, [3, 64, 64]))).toEqual(TORCH_COUNTS['sngan64 g=16 d=16']);
    expect(params(recipe({ kind: 'resnet', gWidth: 16, dWidth: 16 }, [1, 32, 32]))).toEqual(TORCH_COUNTS['sngan32 g=16 d=16 nc=1']);
  });

  it('a hidden layer adds Linear(latent -> h, no bias) + BN(h) to G and Linear(features -> h) + BN(h) to D (no bias before BN)', () => {
    const plain = params(recipe({ kind: 'dcgan', width: 8 }, [3, 32, 32]));
    const hidden = params(recipe({ kind: 'dcgan', width: 8, hidden: 16 }, [3, 32, 32]));
    // G's projection reads 16 features instead of 100: (16 - 100) * (32 channels x 4 x 4).
    expect(hidden.G - plain.G).toBe(100 * 16 + 2 * 16 + (16 - 100) * 32 * 16);
    // D's logit reads 16 features instead of 32 x 4 x 4.
    expect(hidden.D - plain.D).toBe(32 * 16 * 16 + 2 * 16 + (16 - 32 * 16));
  });

  it('28x28 keeps the MNIST networks (the bench case "dcgan" against PyTorch: 771,969 and 138,561 at width 128)', () => {
    expect(params(recipe({ kind: 'dcgan' }, [1, 28, 28]))).toEqual({ G: 771969, D: 138561 });
    // Batch norm in D stays off by default at 28 (one pass over real and generated batches).
    expect(recipe({ kind: 'dcgan' }, [1, 28, 28]).joinRealFake).toBe(true);
    expect(recipe({ kind: 'dcgan' }, [3, 64, 64]).joinRealFake).toBe(false);
  });

  it('dWidth sets D alone: G keeps width\'s, D is the network of that width', () => {
    const split28 = params(recipe({ kind: 'dcgan', width: 64, dWidth: 128 }, [1, 28, 28]));
    expect(split28).toEqual({ G: params(recipe({ kind: 'dcgan', width: 64 }, [1, 28, 28])).G, D: 138561 });
    const split64 = params(recipe({ kind: 'dcgan', dWidth: 32 }, [3, 64, 64]));
    expect(split64).toEqual({ G: TORCH_COUNTS.dcgan64.G, D: params(recipe({ kind: 'dcgan', width: 32 }, [3, 64, 64])).D });
    expect(split64.D).toBeLessThan(TORCH_COUNTS.dcgan64.D / 3);
  });
});

describe('sizes', () => {
  it('refuses the sizes a family cannot build, naming the sizes it can', () => {
    expect(() => recipe({ kind: 'dcgan' }, [3, 48, 48])).toThrow(
      new InputError('model "dcgan" generates square images of side 28 or a power of two from 16 to 256 (28, 16, 32, 64, 128, 256); the data\'s samples have shape [3, 48, 48]'),
    );
    expect(() => recipe({ kind: 'dcgan' }, [3, 32, 64])).toThrow(/model "dcgan" generates square images .* shape \[3, 32, 64\]$/);
    expect(() => recipe({ kind: 'dcgan' }, [1, 512, 512])).toThrow(/model "dcgan" generates square images/);
    expect(() => recipe({ kind: 'resnet' }, [3, 16, 16])).toThrow(
      new InputError('model "resnet" generates square images of a power-of-two side from 32 to 256 (32, 64, 128, 256); the data\'s samples have shape [3, 16, 16]'),
    );
    expect(() => recipe({ kind: 'resnet' }, [2])).toThrow(/shape \[2\]$/);
  });

  const cases: [string, Record<string, unknown>, number[]][] = [
    ['dcgan 16x16x1', { kind: 'dcgan', width: 8 }, [1, 16, 16]],
    ['dcgan 32x32x3', { kind: 'dcgan', width: 8 }, [3, 32, 32]],
    ['dcgan 64x64x3', { kind: 'dcgan', width: 8 }, [3, 64, 64]],
    ['dcgan 128x128x3', { kind: 'dcgan', width: 8 }, [3, 128, 128]],
    ['dcgan 32x32x3 with a hidden layer', { kind: 'dcgan', width: 8, hidden: 16 }, [3, 32, 32]],
    ['resnet 32x32x3', { kind: 'resnet', gWidth: 8, dWidth: 8 }, [3, 32, 32]],
    ['resnet 64x64x1', { kind: 'resnet', gWidth: 8, dWidth: 8 }, [1, 64, 64]],
  ];
  it.each(cases)('%s: G draws images of the data shape, D gives one logit each', (_, model, shape) => {
    const r = recipe(model, shape);
    const trace = new E.StateTrace(true);
    const x = r.generate({ z: E.input('z', [3, r.sampler!.latent[0]!]) }, trace).x!;
    expect(x.shape).toEqual([3, ...shape]);
    expect(r.D.call(x, trace).shape).toEqual([3, 1]);
    expect(r.sampler!.output).toEqual(shape);
  });
});

const STEP: StepConfig = {
  batch: 2, loss: 'nonsaturating', dSteps: 1, realLabel: 1, gpWeight: 10, r1Gamma: 0, weightClip: 0, emaDecay: 0,
  optG: { kind: 'adam', lr: 1e-3, beta1: 0.5, beta2: 0.999 }, optD: { kind: 'adam', lr: 1e-3, beta1: 0.5, beta2: 0.999 },
};

/** Runs one compiled training step twice on the same inputs: the losses of both runs. */
async function twoSteps(r: GanRecipe, data: DataInfo, step: Partial<StepConfig> = {}) {
  const built = buildTrainStep(r, data.fields, { ...STEP, ...step });
  const store = new E.StateStore();
  E.initState(store, built.trace.declared(), new E.Rng(0));
  const prog = await E.Program.compile(built.spec, store, { threads: 1 });
  const rng = new E.Rng(1);
  const feeds = Object.fromEntries(
    E.programInputs(built.spec).map((i) => {
      const n = i.shape.reduce((a, b) => a * b, 1);
      if (i.dtype === 'int64') return [i.name, BigInt64Array.from({ length: n }, (_, k) => BigInt(k % 2))];
      return [i.name, i.name.startsWith('lr_') ? new Float32Array([1e-3]) : rng.fillUniform(new Float32Array(n), -1, 1)];
    }),
  );
  const losses = [];
  for (let k = 0; k < 2; k++) {
    const out = await prog.run(feeds);
    losses.push({ D: (out.loss_D!.data as Float32Array)[0]!, G: (out.loss_G!.data as Float32Array)[0]! });
  }
  await prog.release();
  return losses;
}

describe('one training step', () => {
  const steps: [string, Record<string, unknown>, number[], number | undefined, Partial<StepConfig>][] = [
    ['dcgan 16x16x1', { kind: 'dcgan', width: 8 }, [1, 16, 16], undefined, {}],
    ['dcgan 64x64x3, cgan', { kind: 'dcgan', width: 8, variant: 'cgan' }, [3, 64, 64], 2, {}],
    ['dcgan 32x32x3, acgan', { kind: 'dcgan', width: 8, variant: 'acgan' }, [3, 32, 32], 2, {}],
    ['dcgan 128x128x1, infogan', { kind: 'dcgan', width: 8, variant: 'infogan', categories: 3, codes: 1 }, [1, 128, 128], undefined, {}],
    ['dcgan 32x32x3, packed', { kind: 'dcgan', width: 8, pack: 2 }, [3, 32, 32], undefined, { batch: 4 }],
    ['dcgan 32x32x1, infogan with a hidden layer, no batch norm in D', { kind: 'dcgan', width: 8, hidden: 16, batchNormD: false, variant: 'infogan', categories: 3, codes: 1 }, [1, 32, 32], undefined, {}],
    ['resnet 32x32x3, hinge', { kind: 'resnet', gWidth: 8, dWidth: 8 }, [3, 32, 32], undefined, { loss: 'hinge' }],
    ['resnet 64x64x3, cgan', { kind: 'resnet', gWidth: 8, dWidth: 8, variant: 'cgan' }, [3, 64, 64], 2, { loss: 'hinge' }],
    ['resnet 32x32x1, acgan', { kind: 'resnet', gWidth: 8, dWidth: 8, variant: 'acgan' }, [1, 32, 32], 2, {}],
    ['resnet 32x32x3, infogan', { kind: 'resnet', gWidth: 8, dWidth: 8, variant: 'infogan', categories: 3, codes: 1 }, [3, 32, 32], undefined, {}],
  ];
  it.each(steps)('%s: runs and changes the losses, finitely', async (_, model, shape, classes, step) => {
    const data = images(shape, classes);
    const [first, second] = await twoSteps(recipe(model, shape, classes), data, step);
    for (const l of [first!, second!]) expect(Number.isFinite(l.D) && Number.isFinite(l.G)).toBe(true);
    expect(second!.D).not.toBe(first!.D);
    expect(second!.G).not.toBe(first!.G);
  });
});
