// The data section of a config: which data, from where, in what form. Validated with the rest of
// the config (src/config/schema.ts); the sources (./source.ts) read it. docs/data.md describes
// every layout.
import { z } from 'zod';
import { int } from '../config/fields.js';
import { FILTERS, TASKS } from './types.js';
import { ReadTableOptions } from '../tables/options.js';
import { subsetFields } from './subset.js';

/** Image-to-image tasks: each image becomes the target of an input derived from it (src/data/tasks.ts). */
const TASK = z.enum(TASKS).optional();
/** How the downscale tasks shrink (area: block means; bicubic: antialiased Keys cubic, as MATLAB's imresize). */
const FILTER = z.enum(FILTERS).optional();

/** How image files become samples: decoded, composited on the background, fitted into size x size. */
const decoding = {
  /** Images are resized to size x size (16..256 is the range the networks take). */
  size: int(4).max(512).default(64),
  /** Non-square images: crop (scale the short side to size, centre crop), pad (fit inside, background around), stretch. */
  fit: z.enum(['crop', 'pad', 'stretch']).default('crop'),
  channels: z.union([z.literal(1), z.literal(3)]).default(3),
  /** Colour transparent pixels are composited on, and padding: a CSS colour ("white", "#ffffff"). */
  background: z.string().min(1).default('white'),
  /** Skip files that cannot be decoded (counted, and the first named) instead of refusing the folder. */
  skipBad: z.boolean().default(false),
  /** Keep the decoded folder in $TSGAN_CACHE (or ~/.cache/tsgan) and reuse it while the files are unchanged. */
  cache: z.boolean().default(true),
};

/** Which images train: a held-out share for evaluation, and optionally only the first `limit` of the rest. */
const split = {
  /** Share of the images held out for evaluation, chosen by a hash of each file's relative path. */
  holdout: z.number().min(0).max(0.9).default(0.1),
  /** Train on only this many of the remaining images (few-shot training); the held-out images stay whole. */
  limit: int(1).optional(),
};

const imageTask = { task: TASK, filter: FILTER };

const ImagesConfig = z.strictObject({
  kind: z.literal('images'),
  /** Folder of PNG/JPEG/WebP files (searched recursively). */
  path: z.string().min(1),
  ...decoding,
  /** "folders": each image is labelled with its first-level sub-folder's name (torchvision's ImageFolder). */
  labels: z.enum(['none', 'folders']).default('none'),
  ...split,
  ...subsetFields,
  ...imageTask,
});

/** The emoji of npm's emoji-datasource-google / -apple (64x64 RGBA), labelled by category. */
const EmojiConfig = z.strictObject({
  kind: z.literal('emoji'),
  vendor: z.enum(['google', 'apple']).default('google'),
  size: int(4).max(64).default(64),
  channels: z.union([z.literal(1), z.literal(3)]).default(3),
  background: z.string().min(1).default('white'),
  cache: z.boolean().default(true),
  ...split,
  ...subsetFields,
  ...imageTask,
});

/** One domain of unpaired data: a folder (decoded as the unpaired section says) or a whole data section. */
const Domain = z.union([z.string().min(1), ImagesConfig.omit({ task: true, filter: true }), EmojiConfig.omit({ task: true, filter: true })]);

export const DataConfig = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('mixture'), name: z.enum(['ring8', 'grid25', 'spiral', 'moons']), ...subsetFields }),
  z.strictObject({ kind: z.literal('mnist'), ...subsetFields, ...imageTask }),
  z.strictObject({ kind: z.literal('fashion'), ...subsetFields, ...imageTask }),
  ImagesConfig,
  EmojiConfig,
  /** Pix2Pix pairs: one folder of A|B side-by-side images (`path`), or folders `a` and `b` with matching file names. */
  z.strictObject({
    kind: z.literal('paired'),
    path: z.string().min(1).optional(),
    a: z.string().min(1).optional(),
    b: z.string().min(1).optional(),
    direction: z.enum(['AtoB', 'BtoA']).default('AtoB'),
    ...decoding,
    ...split,
  }),
  /** CycleGAN's two domains (trainA / trainB), drawn independently. */
  z.strictObject({ kind: z.literal('unpaired'), a: Domain, b: Domain, ...decoding, ...split }),
  /** Three MNIST digits as the three channels of one 28x28 image: 1,000 modes (src/data/stacked.ts). */
  z.strictObject({ kind: z.literal('stacked-mnist') }),
  /** Clips of 8 32x32 frames of one MNIST digit moving and bouncing (src/data/video.ts). */
  z.strictObject({ kind: z.literal('moving-mnist'), ...subsetFields }),
  z.strictObject({
    kind: z.literal('csv'),
    path: z.string().min(1),
  }),
  /**
   * A table (CSV, TSV, JSON, JSON lines, Parquet) for CTGAN: `path` a file, or "vega-datasets:NAME"
   * for a table of the vega-datasets package; the rest are readTable's options (columns, category limit, ...).
   */
  z.strictObject({
    kind: z.literal('table'),
    path: z.string().min(1),
    ...ReadTableOptions.shape,
    /** Share of the rows held out (a seeded choice by the run's seed) for `gan eval`; 0 trains on every row. */
    holdout: z.number().min(0).max(0.9).default(0),
  }),
]).superRefine((d, ctx) => {
  if ('filter' in d && d.filter !== undefined && !d.task?.startsWith('downscale')) {
    ctx.addIssue({ code: 'custom', path: ['filter'], message: 'data.filter chooses how the downscale tasks (downscale2, downscale4, downscale8) shrink; give one as data.task' });
  }
  const unlabelled =
    d.kind === 'images' && d.labels === 'none'
      ? 'images labelled by sub-folder (data.labels "folders"); these images have no labels'
      : d.kind === 'mixture' && (d.name === 'spiral' || d.name === 'moons')
        ? `a labelled mixture (ring8, grid25); mixture "${d.name}" has no labels`
        : undefined;
  for (const key of ['classes', 'perClass'] as const) {
    if (unlabelled && key in d && (d as Record<string, unknown>)[key] !== undefined) ctx.addIssue({ code: 'custom', path: [key], message: `data.${key} needs labelled data: ${unlabelled}` });
  }
  if (d.kind !== 'paired') return;
  const folders = d.a !== undefined || d.b !== undefined;
  if ((d.path === undefined) === (d.a === undefined || d.b === undefined) || (d.path !== undefined && folders)) {
    ctx.addIssue({ code: 'custom', path: ['path'], message: 'paired data takes either path (a folder of A|B side-by-side images) or both a and b (two folders with matching file names)' });
  }
});

export type DataConfig = z.infer<typeof DataConfig>;
export type ImagesConfig = z.infer<typeof ImagesConfig>;
export type EmojiConfig = z.infer<typeof EmojiConfig>;
export type DomainConfig = z.infer<typeof Domain>;
