// Presets: named configs. `gan presets` lists them; `gan train --preset NAME` runs one; a config
// file that names one (`preset: NAME`) gives only the keys it changes.
import { mergeRaw } from './merge.js';
import { ConfigError, validateConfig, type GanConfig } from './schema.js';

/** Training settings the image presets share (30,000 steps; `--minutes` usually ends them first). */
const IMAGE_TRAIN = { steps: 30000, batch: 64, lrG: 2e-4, lrD: 2e-4, emaDecay: 0.995, checkpointEvery: 2000, sampleEvery: 2000 };

/**
 * Told the number of modes: G also draws InfoGAN's categorical code with one value per mode (whose
 * information term makes each value recognisable), so each value settles on its own mode and no
 * samples bridge the gaps.
 */
const INFOGAN_MIXTURE_MODEL = (modes: number) => ({ kind: 'mlp', variant: 'infogan', categories: modes, codes: 0, latent: 2, gHidden: [256, 256, 256], dHidden: [256, 256, 256], gSlope: 0, output: 'linear' });
const INFOGAN_MIXTURE_TRAIN = { steps: 15000, batch: 256, lrG: 5e-4, lrD: 5e-4, lrSchedule: 'linear', lrFinal: 0.005, emaDecay: 0, checkpointEvery: 5000, sampleEvery: 5000 };

/**
 * The 2-D mixture presets, unsupervised: nothing in them depends on the number or placement of the
 * modes, so the same recipe is the default for any 2-D data of this kind (BENCHMARKS.md, "2-D
 * mixtures", has what each choice gained and what did not work).
 * - An over-complete discrete latent: G reads 2 noise values and a uniform code of 64 values (the
 *   same 64 for any data), and InfoGAN's information term makes each value recognisable, so each
 *   value settles on a region of its own. A continuous latent space must be stretched across the
 *   gaps between modes; 64 disconnected pieces need not be (several pieces share a mode). This is
 *   the over-clustering idea of Self-Conditioned GAN (Liu et al. 2020) and DeLiGAN's mixture latent.
 * - Discriminator rejection sampling on D's adversarial logit at the maximum (rejectionQuantile 1):
 *   a mode gets as many code values as G gave it (2 or 3 of 64 for a grid mode, so the proportions
 *   are uneven: G alone has reverse KL 0.05-0.18 on the grid); for a BCE-trained D the logit estimates
 *   log p_data / p_G, so keeping each sample with probability exp(logit - max) evens them out.
 * - G and D 3x256 and 15,000 steps with the rate decaying linearly to 0.5%: the modes are narrow,
 *   and 3x128 or 10,000-12,000 steps left 7-20% of the samples outside them (one seed each).
 */
const MIXTURE_MODEL = { ...INFOGAN_MIXTURE_MODEL(64), rejection: 'drs', rejectionQuantile: 1 };
/** About 2.5 minutes on 2 quiet cores (32 steps an ONNX Runtime call: the same numbers, sooner). */
const MIXTURE_TRAIN = { ...INFOGAN_MIXTURE_TRAIN, stepsPerRun: 32 };

/**
 * The earlier unsupervised recipe, a plain MLP GAN with rejection sampling (`ring8-drs`,
 * `grid25-drs`; the playground's mixtures train it): G 3x128 ReLU with batch norm, 2 noise values;
 * D 3x128 LeakyReLU with the minibatch standard deviation feature; rejection sampling at the
 * maximum logit. It reaches 8/8 ring modes but leaves rows of grid modes thin (24.7 of 25 modes,
 * 91.8% high-quality samples over 10 seeds).
 */
const DRS_MIXTURE_MODEL = { kind: 'mlp', latent: 2, gHidden: [128, 128, 128], dHidden: [128, 128, 128], gSlope: 0, gBatchNorm: true, minibatchStd: true, output: 'linear', rejection: 'drs', rejectionQuantile: 1 };
/** The modes are narrow: a learning rate decaying to 0.5% of its start sharpens them. */
const DRS_MIXTURE_TRAIN = { steps: 14000, batch: 256, lrG: 5e-4, lrD: 5e-4, lrSchedule: 'linear', lrFinal: 0.005, emaDecay: 0, stepsPerRun: 32, checkpointEvery: 7000, sampleEvery: 7000 };

/**
 * f-AnoGAN's networks and their hinge-loss training for the one-class presets (BENCHMARKS.md,
 * "Anomaly detection"). 30,000 steps (494-545 s a digit on 2 quiet cores; --minutes ends them
 * first on a slower machine, the encoder still taking its share of the time): the one-class mean
 * AUROC over MNIST's digits rose from 0.9488 at 6,000 steps to 0.9590.
 */
const ANOMALY_MODEL = { kind: 'fanogan', latent: 64, width: 32, spectralNorm: true, kappa: 1, encoderShare: 0.3 };
const ANOMALY_TRAIN = { steps: 30000, batch: 64, loss: 'hinge', lrG: 2e-4, lrD: 2e-4, emaDecay: 0, checkpointEvery: 2000, sampleEvery: 2000 };

const raw: Record<string, unknown> = {
  ring8: {
    description: 'MLP GAN on 8 Gaussians on the unit circle (sd 0.01), unsupervised: a 64-value code (InfoGAN) and discriminator rejection sampling: mode coverage',
    data: { kind: 'mixture', name: 'ring8' },
    model: MIXTURE_MODEL,
    train: MIXTURE_TRAIN,
  },
  grid25: {
    description: 'MLP GAN on a 5x5 grid of Gaussians (sd 0.05), unsupervised: a 64-value code (InfoGAN) and discriminator rejection sampling: mode coverage',
    data: { kind: 'mixture', name: 'grid25' },
    model: MIXTURE_MODEL,
    train: MIXTURE_TRAIN,
  },
  'ring8-drs': {
    description: 'Plain MLP GAN on ring8, unsupervised, with discriminator rejection sampling (no code)',
    data: { kind: 'mixture', name: 'ring8' },
    model: DRS_MIXTURE_MODEL,
    train: DRS_MIXTURE_TRAIN,
  },
  'grid25-drs': {
    description: 'Plain MLP GAN on grid25, unsupervised, with discriminator rejection sampling (no code)',
    data: { kind: 'mixture', name: 'grid25' },
    model: DRS_MIXTURE_MODEL,
    train: DRS_MIXTURE_TRAIN,
  },
  'ring8-infogan': {
    description: 'InfoGAN on ring8 told the number of modes: a categorical code with one value per mode (8)',
    data: { kind: 'mixture', name: 'ring8' },
    model: INFOGAN_MIXTURE_MODEL(8),
    train: INFOGAN_MIXTURE_TRAIN,
  },
  'grid25-infogan': {
    description: 'InfoGAN on grid25 told the number of modes: a categorical code with one value per mode (25)',
    data: { kind: 'mixture', name: 'grid25' },
    model: INFOGAN_MIXTURE_MODEL(25),
    train: INFOGAN_MIXTURE_TRAIN,
  },
  'mnist-mlp': {
    description: 'Vanilla (fully connected) GAN on MNIST digits',
    data: { kind: 'mnist' },
    model: { kind: 'mlp', latent: 100, gHidden: [256, 512, 1024], dHidden: [512, 256], output: 'tanh' },
    train: { steps: 30000, batch: 64, lrG: 2e-4, lrD: 2e-4, emaDecay: 0.999, checkpointEvery: 2000, sampleEvery: 2000 },
  },
  'mnist-dcgan': {
    description: 'DCGAN on MNIST digits (hinge loss, spectral norm in D, weight average)',
    data: { kind: 'mnist' },
    // Width 64 runs ~2.3x as many steps per minute as 128 on 2 cores; hinge + spectral norm
    // reached a 30% lower Frechet distance than the BCE recipe at equal time (BENCHMARKS.md).
    model: { kind: 'dcgan', latent: 100, width: 64, spectralNorm: true },
    train: { steps: 30000, batch: 64, loss: 'hinge', lrG: 2e-4, lrD: 2e-4, emaDecay: 0.995, checkpointEvery: 2000, sampleEvery: 2000 },
  },
  'fashion-dcgan': {
    description: 'DCGAN on Fashion-MNIST garments (hinge loss, spectral norm in D, weight average)',
    data: { kind: 'fashion' },
    model: { kind: 'dcgan', latent: 100, width: 64, spectralNorm: true },
    train: { steps: 30000, batch: 64, loss: 'hinge', lrG: 2e-4, lrD: 2e-4, emaDecay: 0.995, checkpointEvery: 2000, sampleEvery: 2000 },
  },
  'stacked-mnist-dcgan': {
    description: 'PacGAN-packed DCGAN on Stacked MNIST: three digits as the channels of one image, 1,000 modes (mode collapse benchmark)',
    data: { kind: 'stacked-mnist' },
    // D judges pairs of images (PacGAN2, which reaches all 1,000 modes in the paper). Packing also
    // halves D's batch: in 8 minutes 2,040 steps against 1,440 unpacked, channel FCDs 220-245
    // against 289-327 (modes and KL alike at that point: 955 and 0.71).
    model: { kind: 'dcgan', latent: 100, width: 64, spectralNorm: true, pack: 2 },
    train: { ...IMAGE_TRAIN, loss: 'hinge' },
  },
  'mnist-cgan': {
    description: 'Conditional GAN on MNIST: the label enters G (with the noise) and D (by projection)',
    data: { kind: 'mnist' },
    model: { kind: 'dcgan', variant: 'cgan', latent: 100, width: 64, spectralNorm: true },
    train: { ...IMAGE_TRAIN, loss: 'hinge' },
  },
  'fashion-cgan': {
    description: 'Conditional GAN on Fashion-MNIST: the label enters G (with the noise) and D (by projection)',
    data: { kind: 'fashion' },
    model: { kind: 'dcgan', variant: 'cgan', latent: 100, width: 64, spectralNorm: true },
    train: { ...IMAGE_TRAIN, loss: 'hinge' },
  },
  'mnist-acgan': {
    description: 'Auxiliary-classifier GAN on MNIST: G draws a given class, D also classifies',
    data: { kind: 'mnist' },
    model: { kind: 'dcgan', variant: 'acgan', latent: 100, width: 64, spectralNorm: true },
    train: { ...IMAGE_TRAIN, loss: 'hinge' },
  },
  'fashion-acgan': {
    description: 'Auxiliary-classifier GAN on Fashion-MNIST: G draws a given class, D also classifies',
    data: { kind: 'fashion' },
    model: { kind: 'dcgan', variant: 'acgan', latent: 100, width: 64, spectralNorm: true },
    train: { ...IMAGE_TRAIN, loss: 'hinge' },
  },
  'mnist-infogan': {
    description: 'InfoGAN on MNIST: a 10-way code and 2 continuous codes learn digit class and style unsupervised',
    data: { kind: 'mnist' },
    // The paper's recipe: z = 62 noise values + 2 continuous codes (the 10-way code enters as a
    // one-hot); a 1024-unit layer in G and in D, batch norm in D, non-saturating loss, G's rate 5x D's.
    // With hinge loss and spectral norm instead, the code matched digit classes only 46% of the time.
    // The information term at twice the paper's weight: at 1 the codes were still mixing 4s and 9s
    // after 10 minutes (87.6% against 90.6% at 2).
    model: { kind: 'dcgan', variant: 'infogan', latent: 64, codes: 2, categories: 10, infoWeight: 2, width: 64, hidden: 1024, batchNormD: true },
    train: { ...IMAGE_TRAIN, loss: 'nonsaturating', lrG: 1e-3, lrD: 2e-4 },
  },
  'mnist-lsgan': {
    description: 'Least-squares GAN on MNIST: D regresses real to 1 and generated to 0',
    data: { kind: 'mnist' },
    model: { kind: 'dcgan', latent: 100, width: 64 },
    train: { ...IMAGE_TRAIN, loss: 'lsgan' },
  },
  'mnist-wgan': {
    description: 'Wasserstein GAN on MNIST: a critic kept Lipschitz by clipping its weights to [-0.01, 0.01]',
    data: { kind: 'mnist' },
    // The paper's critic: batch norm after every convolution but the first. Without it the clipped
    // weights leave a critic too weak to shape digits (blobs, FCD 1054 in 10 minutes); with it, and
    // RMSprop as in the paper, it does. The paper's pace (5e-5, 5 critic steps per G step) gave
    // grey noise in 8 minutes; 2e-4 and 2 critic steps (as mnist-wgan-gp) learn digits within
    // minutes (docs/gans/wgan.md has the comparison).
    model: { kind: 'dcgan', latent: 100, width: 64, batchNormD: true },
    train: { ...IMAGE_TRAIN, loss: 'wgan', weightClip: 0.01, dSteps: 2, optimizer: 'rmsprop', lrG: 2e-4, lrD: 2e-4 },
  },
  'mnist-wgan-gp': {
    description: 'WGAN-GP on MNIST: a critic kept Lipschitz by a gradient penalty on interpolates',
    data: { kind: 'mnist' },
    model: { kind: 'dcgan', latent: 100, width: 64 },
    train: { ...IMAGE_TRAIN, loss: 'wgan-gp', gpWeight: 10, dSteps: 2, lrG: 2e-4, lrD: 2e-4, beta1: 0, beta2: 0.9 },
  },
  'mnist-sngan': {
    description: 'Spectrally normalised GAN on MNIST: hinge loss, spectral norm in D, two learning rates',
    data: { kind: 'mnist' },
    model: { kind: 'dcgan', latent: 100, width: 64, spectralNorm: true },
    // Two time-scale rates (Heusel et al. 2017) with Adam(0, 0.9), as SAGAN and BigGAN train SN-GANs.
    train: { ...IMAGE_TRAIN, loss: 'hinge', lrG: 1e-4, lrD: 4e-4, beta1: 0, beta2: 0.9 },
  },
  'mnist-lapgan': {
    description: 'Laplacian-pyramid GAN on MNIST: 7x7 from noise, then 14x14 and 28x28 residuals, a D per level',
    data: { kind: 'mnist' },
    // Levels trained jointly on the generated coarser levels (the paper's independent levels, trained
    // on real coarser levels, compounded their errors when composed: FCD 278 in 10 minutes).
    // Batch 16: the step's time is mostly its convolutions, so a quarter of the batch runs 3.6-4
    // times the steps, and in 10 minutes more steps won (batch sizes compared in docs/gans/lapgan.md).
    model: { kind: 'lapgan', latent: 100, width: 8, spectralNorm: true, condition: 'generated' },
    train: { ...IMAGE_TRAIN, batch: 16, loss: 'hinge' },
  },
  'mnist-pix2pix-inpaint': {
    description: 'Pix2Pix on MNIST: completes digits whose bottom half (rows 14-27) is blanked out',
    data: { kind: 'mnist', task: 'inpaint-bottom' },
    // The paper's objective: the non-saturating GAN loss on PatchGAN logits plus 100 x L1.
    model: { kind: 'pix2pix', width: 32, l1Weight: 100 },
    train: { ...IMAGE_TRAIN, loss: 'nonsaturating' },
  },
  'mnist-unet-inpaint-l1': {
    description: 'The mnist-pix2pix-inpaint U-Net trained on L1 alone (no adversarial term): the baseline Pix2Pix must beat',
    data: { kind: 'mnist', task: 'inpaint-bottom' },
    model: { kind: 'pix2pix', width: 32, l1Weight: 100, adversarialWeight: 0 },
    train: { ...IMAGE_TRAIN, loss: 'nonsaturating' },
  },
  'mnist-cyclegan-thicken': {
    description: 'CycleGAN on MNIST: unpaired translation between digits 0-29999 (A) and dilated digits 30000-59999 (B)',
    data: { kind: 'mnist', task: 'dilate-unpaired' },
    // The paper's objective: least-squares GAN losses, cycle weight 10, identity weight 0.5 x 10,
    // halved because this project's least-squares G loss carries a factor 1/2 the paper's lacks,
    // and quartered again so the adversarial term thickens more in a short run (mean intensity 0.217
    // against 0.169 at 5 and 2.5). A smaller identity weight alone broke the translation.
    // Thick enough (within 10% of the dilated digits) after --minutes 30 (docs/gans/cyclegan.md).
    model: { kind: 'cyclegan', width: 16, cycleWeight: 1.25, identityWeight: 0.625 },
    train: { ...IMAGE_TRAIN, loss: 'lsgan' },
  },
  'mnist-srgan-4x': {
    description: 'SRGAN on MNIST: 7x7 block averages to 28x28 digits (4x super-resolution)',
    data: { kind: 'mnist', task: 'downscale4' },
    model: { kind: 'srgan', width: 32, blocks: 4, contentWeight: 1, adversarialWeight: 0.01 },
    train: { ...IMAGE_TRAIN, loss: 'nonsaturating' },
  },
  'fashion-srgan-4x': {
    description: 'SRGAN on Fashion-MNIST: 7x7 block averages to 28x28 garments (4x super-resolution)',
    data: { kind: 'fashion', task: 'downscale4' },
    model: { kind: 'srgan', width: 32, blocks: 4, contentWeight: 1, adversarialWeight: 0.01 },
    train: { ...IMAGE_TRAIN, loss: 'nonsaturating' },
  },
  // Colour images: the emoji demo set (emoji-datasource-google on npm, 3,786 64x64 images, 90% for
  // training). The recipe is mnist-dcgan's (hinge loss, spectral norm in D instead of batch norm,
  // weight average), which beat the PyTorch example's BCE recipe 2.9x on MNIST at equal minutes;
  // nothing in it is tuned to emoji, so it is the default for a user's folder (data.kind images).
  'emoji32-dcgan': {
    description: 'DCGAN on 32x32 colour emoji (hinge loss, spectral norm in D, weight average)',
    data: { kind: 'emoji', vendor: 'google', size: 32 },
    model: { kind: 'dcgan', latent: 100, width: 64, spectralNorm: true, batchNormD: false },
    train: { ...IMAGE_TRAIN, loss: 'hinge' },
  },
  'emoji64-dcgan': {
    description: 'DCGAN on 64x64 colour emoji (hinge loss, spectral norm in D, weight average)',
    data: { kind: 'emoji', vendor: 'google', size: 64 },
    model: { kind: 'dcgan', latent: 100, width: 64, spectralNorm: true, batchNormD: false },
    train: { ...IMAGE_TRAIN, loss: 'hinge' },
  },
  'emoji32-cgan': {
    description: 'Conditional DCGAN on 32x32 emoji: the category (emoji.json, 10 of them) enters G and D',
    data: { kind: 'emoji', vendor: 'google', size: 32 },
    model: { kind: 'dcgan', variant: 'cgan', latent: 100, width: 64, spectralNorm: true, batchNormD: false },
    train: { ...IMAGE_TRAIN, loss: 'hinge' },
  },
  'emoji32-fewshot': {
    description: 'Few-shot: DCGAN on 100 emoji (32x32) with DiffAugment (color, translation, cutout) against D overfitting',
    // 100 training images (data.limit); the held-out images stay whole for measuring.
    data: { kind: 'emoji', vendor: 'google', size: 32, limit: 100 },
    model: { kind: 'dcgan', latent: 100, width: 64, spectralNorm: true, batchNormD: false },
    train: { ...IMAGE_TRAIN, loss: 'hinge', diffAugment: ['color', 'translation', 'cutout'] },
  },
  // Colour translation on the emoji demo set (emoji-datasource-google/-apple on npm). Nothing in
  // these recipes is tuned to emoji: they are the papers' recipes at the data's size, so they are
  // the defaults for a user's own folder of the same kind (data.kind images/paired/unpaired).
  'emoji-pix2pix-edges': {
    description: "Pix2Pix: edge maps (Sobel, computed from each image) to colour emoji, 64x64; the paper's U-Net to 1x1 and a PatchGAN scaled to the size",
    data: { kind: 'emoji', vendor: 'google', size: 64, task: 'edges' },
    // The paper's objective and optimiser: non-saturating GAN loss on patch logits + 100 x L1, Adam
    // 2e-4 / 0.5, instance norm; batch 8 (the paper's edges2shoes runs use 4) for the CPU's sake.
    model: { kind: 'pix2pix', width: 32, l1Weight: 100 },
    train: { ...IMAGE_TRAIN, batch: 8, loss: 'nonsaturating' },
  },
  'emoji-unet-edges-l1': {
    description: 'The emoji-pix2pix-edges U-Net trained on L1 alone (no adversarial term): the baseline Pix2Pix must beat',
    data: { kind: 'emoji', vendor: 'google', size: 64, task: 'edges' },
    model: { kind: 'pix2pix', width: 32, l1Weight: 100, adversarialWeight: 0 },
    train: { ...IMAGE_TRAIN, batch: 8, loss: 'nonsaturating' },
  },
  'emoji-cyclegan-vendors': {
    description: "CycleGAN between two emoji styles (Google's and Apple's), unpaired, 32x32",
    data: { kind: 'unpaired', a: { kind: 'emoji', vendor: 'google', size: 32 }, b: { kind: 'emoji', vendor: 'apple', size: 32 } },
    // The paper's objective: least-squares GAN losses, cycle 10 and identity 0.5 x 10, each halved
    // because this project's least-squares G loss carries a factor 1/2 the paper's lacks. 32x32
    // takes the U-Net generator (the ResNet one from 64 up costs ~12 s a step here).
    model: { kind: 'cyclegan', width: 32, cycleWeight: 5, identityWeight: 2.5 },
    train: { ...IMAGE_TRAIN, batch: 8, loss: 'lsgan' },
  },
  'emoji-srgan-16to64': {
    description: 'SRGAN: 16x16 bicubic downscales of emoji to 64x64 (4x super-resolution)',
    data: { kind: 'emoji', vendor: 'google', size: 64, task: 'downscale4', filter: 'bicubic' },
    model: { kind: 'srgan', width: 32, blocks: 4, contentWeight: 1, adversarialWeight: 0.01 },
    train: { ...IMAGE_TRAIN, batch: 16, loss: 'nonsaturating' },
  },
  'moving-mnist-video': {
    description: 'Video GAN with dual discriminators on Moving MNIST: 8-frame 32x32 clips of a bouncing digit',
    data: { kind: 'moving-mnist' },
    // The sprite generator (one image moved along a learned path): the frames-as-channels generator
    // drew blurry blobs that barely moved (same digit in 17.8% of clips, moving in 7.0%). Its frames
    // are one image moved, so the spatial D needs one frame per clip.
    model: { kind: 'video', latent: 100, width: 32, frames: 1, generator: 'sprite', spectralNorm: true },
    train: { ...IMAGE_TRAIN, loss: 'hinge' },
  },
  'table-ctgan': {
    description: "CTGAN (Xu et al. 2019) with the authors' defaults on a table (here vega-datasets' penguins; set data.path): conditional generator, packed critic, WGAN-GP, 300 epochs",
    // A fifth of the rows held out, for gan eval's efficacy and privacy measures.
    data: { kind: 'table', path: 'vega-datasets:penguins.json', holdout: 0.2 },
    model: { kind: 'ctgan', embedding: 128, gHidden: [256, 256], dHidden: [256, 256], pack: 10 },
    // The authors' Adam: 2e-4, betas (0.5, 0.9), weight decay 1e-6 on G only; no weight average.
    train: { epochs: 300, batch: 500, loss: 'wgan-gp', gpWeight: 10, lrG: 2e-4, lrD: 2e-4, beta1: 0.5, beta2: 0.9, weightDecayG: 1e-6, emaDecay: 0, checkpointEvery: 1000, sampleEvery: 1000 },
  },
  // f-AnoGAN, one class as normal data (the one-class protocol; docs/gans/fanogan.md). The GAN is
  // trained with the hinge loss and spectral norm rather than the paper's WGAN-GP: in 3 minutes on the
  // shared 2 cores WGAN-GP (2 critic steps, weight average) left G drawing grey (AUROC 0.37 on digit
  // 0) where hinge + SN reached 0.968 (BENCHMARKS.md). Width 32; the encoder takes the last 30%.
  'mnist-anomaly': {
    description: 'f-AnoGAN anomaly detection: one MNIST digit (0) is normal (a hinge-loss GAN with spectral norm, then an encoder); gan score, gan eval (AUROC, AUPRC)',
    data: { kind: 'mnist', classes: [0] },
    model: ANOMALY_MODEL,
    train: ANOMALY_TRAIN,
  },
  'fashion-anomaly': {
    description: 'f-AnoGAN anomaly detection: one Fashion-MNIST class (T-shirt/top) is normal; gan score, gan eval (AUROC, AUPRC)',
    data: { kind: 'fashion', classes: [0] },
    model: ANOMALY_MODEL,
    train: ANOMALY_TRAIN,
  },
};

export const PRESET_NAMES = Object.keys(raw);

const unknownPreset = (name: unknown) => `unknown preset ${JSON.stringify(name)}; presets: ${PRESET_NAMES.join(', ')}`;

/** The preset's config as written (defaults not filled in), a copy the caller may change. */
export function rawPreset(name: string): Record<string, unknown> {
  // An own key only: "toString" is no preset.
  if (!Object.hasOwn(raw, name)) throw new ConfigError(unknownPreset(name));
  return structuredClone(raw[name]) as Record<string, unknown>;
}

export function preset(name: string): GanConfig {
  return validateConfig(rawPreset(name), `preset ${name}`);
}

/**
 * A raw config that names a preset (`preset: NAME`), merged onto that preset's config (mergeRaw:
 * objects key by key, a section whose `kind` changes taken from the config alone); others as they are.
 */
export function withPreset(config: unknown, source: string): unknown {
  if (typeof config !== 'object' || config === null || !('preset' in config)) return config;
  const { preset: name, ...changes } = config as Record<string, unknown>;
  if (typeof name !== 'string' || !PRESET_NAMES.includes(name)) {
    throw new ConfigError(`config ${source}: ${unknownPreset(name)}`);
  }
  return mergeRaw(rawPreset(name), changes);
}
