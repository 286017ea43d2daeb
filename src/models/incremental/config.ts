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
    load_margin_hours: z
      .number()
      .int()
      .min(0)
      .max(24 * 365)
      .default(24)
      .describe(
        'Raw tables partitioned by load time (BigQuery ingestion-time partitions, as Segment loads them): incremental runs read the partitions loaded since the day of the cutoff minus this many hours. Every row loaded since the last run is in them; the margin covers load jobs across midnight and loaders that file rows under an earlier day.',
      ),
  })
  .default({ lookback_hours: 72, load_margin_hours: 24 });
export type IncrementalConfig = z.output<typeof incrementalConfigSchema>;
