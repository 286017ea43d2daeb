/**
 * The `incremental:` config fragment, on its own (zod only) so the config schema can mount it without importing
 * the models: `incremental: incrementalConfigSchema` in configSchema.
 */
import { z } from 'zod';

export const incrementalConfigSchema = z
  .strictObject({
    lookback_hours: z
      .number()
      .int()
      .min(0)
      .max(24 * 365)
      .default(72)
      .describe('Incremental runs re-read raw rows this many hours older than the newest event of the last run (late-arriving data).'),
  })
  .default({ lookback_hours: 72 });
export type IncrementalConfig = z.output<typeof incrementalConfigSchema>;
