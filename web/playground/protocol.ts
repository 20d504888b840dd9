// Messages between the playground page and its training worker.
import type { Views2d } from './probe.js';

/** Where the page's steps run: onnxruntime-web's wasm backend or its WebGPU one. */
export type WebDevice = 'wasm' | 'webgpu';

/** What the page can train, each a preset (or a preset made page-sized) and its data. */
export const PAGE_SETUPS = {
  ring8: { preset: 'ring8-drs', data: 'mixture', label: 'ring8: 8 Gaussians on a circle (MLP GAN)' },
  grid25: { preset: 'grid25-drs', data: 'mixture', label: 'grid25: 5x5 grid of Gaussians (MLP GAN)' },
  spiral: { preset: 'ring8-drs', data: 'mixture', label: 'spiral (the mixtures\' MLP GAN)' },
  drawn: { preset: 'ring8-drs', data: 'drawn', label: 'points you draw (the mixtures\' MLP GAN)' },
  'mnist-dcgan': { preset: 'mnist-dcgan', data: 'mnist', label: 'MNIST, 1,000 digits (DCGAN, page-sized)' },
  'mnist-cgan': { preset: 'mnist-cgan', data: 'mnist', label: 'MNIST, 1,000 digits (conditional DCGAN, page-sized)' },
  images: { preset: 'mnist-dcgan', data: 'images', label: 'images you drop in, 32x32 colour (DCGAN, page-sized)' },
} as const;
export type SetupName = keyof typeof PAGE_SETUPS;

export interface InitMessage {
  type: 'init';
  setup: SetupName;
  seed: number;
  device: WebDevice;
  threads: number;
  /** Drawn points [n, 2] (setup "drawn"). */
  points?: Float32Array;
  /** The shipped MNIST subset file (setups "mnist-*"). */
  mnist?: Uint8Array;
  /** Dropped images, [n, 3, 32, 32] in [-1, 1] (setup "images"). */
  images?: Float32Array;
  /** A checkpoint to continue from (config.json's text and the .ckpt bytes), instead of fresh parameters. */
  resume?: { config: string; checkpoint: Uint8Array };
}

export type ToWorker =
  | InitMessage
  | { type: 'step'; steps: number }
  | { type: 'export-generator' }
  | { type: 'export-checkpoint' };

export interface StepRowMsg {
  [metric: string]: number;
}

export interface ViewsMsg {
  /** 2-D setups: GAN Lab's views, real samples and mode coverage (mixtures). */
  plane?: Views2d & { real: Float32Array; extent: { lo: number; hi: number }; surfaceSide: number; lines: number; perLine: number };
  modes?: { captured: number; modes: number; highQuality: number };
  /** Image setups: a grid of samples from fixed noise, [n, C, H, W] in [-1, 1]. */
  images?: { x: Float32Array; n: number; shape: number[]; cols: number };
}

export type FromWorker =
  | { type: 'ready'; step: number; config: string; backend: string; threads: number; device: WebDevice; views: ViewsMsg; checkpointable: boolean }
  | { type: 'stepped'; rows: StepRowMsg[]; step: number; ms: number; views: ViewsMsg }
  | { type: 'file'; name: string; bytes: Uint8Array; mime: string }
  | { type: 'files'; files: { name: string; bytes: Uint8Array; mime: string }[] }
  | { type: 'error'; message: string };
