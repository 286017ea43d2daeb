/** The BigQuery warehouse: stitch (or its dry run), introspection and offline SQL over ./index and friends. */
import type { Config } from '../../config/schema';
import { JourneyStitchError } from '../../contract/errors';
import { dialects } from '../../sql/dialects';
import type { Warehouse } from '../warehouse';
import type { BigQueryClient } from './client';
import { formatDryRun, formatIncrementalOutcome, formatRunReport, publishedRef, stitchBigQuery } from './index';
import { runLock, scriptLock } from './lock';
import { bigQueryLocation, bigQueryRawSources } from './sources';

/** The BigQuery warehouse; `client` replaces the real one (tests pass a fake). */
export function bigQueryWarehouse(client?: BigQueryClient): Warehouse {
  const connect = (config: Config): BigQueryClient =>
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on use: a fake client needs no Google library
    client ?? (require('./google') as typeof import('./google')).GoogleBigQueryClient.fromConfig(config);
  return {
    name: 'bigquery',
    dialect: dialects.bigquery,
    stitchOptions: new Set(['dryRun']),

    async stitch(config, { incremental, progress, dryRun }) {
      const result = await stitchBigQuery(config, {
        dryRun,
        incremental,
        client: connect(config),
        onJob: (job) => progress.log(`  ${job.model}${job.loop ? ` (${job.loop.name}, iteration ${job.loop.iteration})` : ''}`),
      });
      if (result.dryRun) return { report: formatDryRun(result.report) };
      return { report: formatRunReport(result.report) + (result.incremental ? formatIncrementalOutcome(result.incremental) : '') };
    },

    // BigQuery SQL names every raw table as project.dataset.table: a DuckDB config lends its project and dataset
    // (and is asked for them, naming the keys).
    offlineConfig(config, file) {
      if (config.warehouse === 'bigquery') return config;
      const missing = (['project', 'dataset'] as const).filter((key) => !config[key]);
      if (missing.length) {
        throw new JourneyStitchError(
          `${file}: BigQuery SQL reads the raw tables as project.dataset.table; add ${missing.map((k) => `${k}:`).join(' and ')} ` +
            `(the Google Cloud project and dataset of your raw tables) to ${file}, or leave out --warehouse bigquery for DuckDB SQL`,
        );
      }
      return { ...config, warehouse: 'bigquery' };
    },

    offline(config) {
      // The script uses the tables a `stitch` run uses: it takes the same run lock.
      return {
        raw: bigQueryRawSources(config),
        out: publishedRef(config),
        lock: scriptLock(runLock(bigQueryLocation(config).project, config.output.dataset)),
      };
    },

    async introspect(config) {
      const { formatIntrospection, introspect } = await import('./introspect');
      const result = introspect(config, await connect(config).getColumns(bigQueryLocation(config).dataset));
      return { text: formatIntrospection(config, result), ready: result.ready };
    },
  };
}
