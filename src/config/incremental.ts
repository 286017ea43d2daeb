/**
 * The `incremental:` config fragment, on its own (zod only) so the config schema can mount it without importing
 * the models: `incremental: incrementalConfigSchema` in configSchema (src/config/ imports no model).
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
        "Raw tables partitioned on a load or receive time rather than the event's (BigQuery ingestion-time partitions, as Segment loads them; Snowplow's collector_tstamp): incremental runs read the partitions since the day of the cutoff minus this many hours. Every row loaded since the last run is in them; the margin covers load jobs across midnight, loaders that file rows under an earlier day and clocks a little ahead.",
      ),
  })
  .default({ lookback_hours: 72, load_margin_hours: 24 });
export type IncrementalConfig = z.output<typeof incrementalConfigSchema>;
