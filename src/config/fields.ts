// Field types the config sections share (src/config/schema.ts, src/data/config.ts, the GAN types' sections).
import { z } from 'zod';

/** An integer of at least `min`. */
export const int = (min: number) => z.number().int().min(min);
