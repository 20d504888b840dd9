// The data section of a config: which data, from where, in what form. Validated with the rest of
// the config (src/config/schema.ts); the sources (./source.ts) read it.
import { z } from 'zod';
import { int } from '../config/fields.js';
import { TASKS } from './types.js';

/** Image-to-image tasks: each image becomes the target of an input derived from it (src/data/tasks.ts). */
const TASK = z.enum(TASKS).optional();

export const DataConfig = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('mixture'), name: z.enum(['ring8', 'grid25', 'spiral', 'moons']) }),
  z.strictObject({ kind: z.literal('mnist'), task: TASK }),
  z.strictObject({ kind: z.literal('fashion'), task: TASK }),
  z.strictObject({
    kind: z.literal('images'),
    /** Folder of PNG/JPEG files (searched recursively). */
    path: z.string().min(1),
    /** Images are resized to size x size. */
    size: int(4).max(512),
    channels: z.union([z.literal(1), z.literal(3)]).default(3),
    task: TASK,
  }),
  /** Three MNIST digits as the three channels of one 28x28 image: 1,000 modes (src/data/stacked.ts). */
  z.strictObject({ kind: z.literal('stacked-mnist') }),
  /** Clips of 8 32x32 frames of one MNIST digit moving and bouncing (src/data/video.ts). */
  z.strictObject({ kind: z.literal('moving-mnist') }),
  z.strictObject({
    kind: z.literal('csv'),
    path: z.string().min(1),
  }),
]);


export type DataConfig = z.infer<typeof DataConfig>;
