/** `journey-stitch introspect`: which expected raw columns exist in BigQuery, which are missing, and a mapping to fix it. */
import type { Command } from 'commander';
import { DEFAULT_CONFIG_FILE } from '../../config/file';
import type { BigQueryClient } from '../../warehouse/bigquery/client';

/** The report text and whether stitch can run as configured. `client` defaults to the real one. */
export async function runIntrospect(configFile: string, client?: BigQueryClient): Promise<{ text: string; ready: boolean }> {
  // Loaded when the command runs, not at start: `journey-stitch --help` does not pay for the BigQuery client.
  const { loadConfig } = require('../../config/load') as typeof import('../../config/load');
  const { GoogleBigQueryClient } = require('../../warehouse/bigquery/google') as typeof import('../../warehouse/bigquery/google');
  const { formatIntrospection, introspect } = require('../../warehouse/bigquery/introspect') as typeof import('../../warehouse/bigquery/introspect');
  const { bigQueryLocation } = require('../../warehouse/bigquery/sources') as typeof import('../../warehouse/bigquery/sources');
  const { config, file } = await loadConfig(configFile);
  if (config.warehouse !== 'bigquery') {
    throw new Error(`${file}: introspect reads BigQuery's INFORMATION_SCHEMA; this config has warehouse: ${config.warehouse}`);
  }
  const { dataset } = bigQueryLocation(config);
  const bq = client ?? GoogleBigQueryClient.fromConfig(config);
  const result = introspect(config, await bq.getColumns(dataset));
  return { text: formatIntrospection(config, result), ready: result.ready };
}

export function register(program: Command): void {
  program
    .command('introspect')
    .description('Check the raw BigQuery dataset against the config: columns found, missing (required or optional), and a suggested column mapping.')
    .option('-c, --config <file>', 'config file', DEFAULT_CONFIG_FILE)
    .action(async (opts: { config: string }) => {
      const { text, ready } = await runIntrospect(opts.config);
      process.stdout.write(text);
      if (!ready) process.exitCode = 1;
    });
}
