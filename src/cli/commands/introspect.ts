/** `journey-stitch introspect`: which expected raw columns exist in BigQuery, which are missing, and a mapping to fix it. */
import type { Command } from 'commander';
import { DEFAULT_CONFIG_FILE } from '../../config/file';
import { JourneyStitchError } from '../../contract/errors';
import type { BigQueryClient } from '../../warehouse/bigquery/client';

/** The report text and whether stitch can run as configured. `client` defaults to the real one. */
export async function runIntrospect(configFile: string, client?: BigQueryClient): Promise<{ text: string; ready: boolean }> {
  // Loaded when the command runs, not at start: `journey-stitch --help` does not pay for the BigQuery client.
  const { loadConfig } = require('../../config/load') as typeof import('../../config/load');
  const { getWarehouse } = require('../../warehouse') as typeof import('../../warehouse');
  const { config, file } = await loadConfig(configFile);
  const warehouse = getWarehouse(config.warehouse, { bigquery: client });
  if (!warehouse.introspect) {
    throw new JourneyStitchError(`${file}: introspect reads BigQuery's INFORMATION_SCHEMA; this config has warehouse: ${config.warehouse}`);
  }
  return warehouse.introspect(config);
}

export function register(program: Command): void {
  program
    .command('introspect')
    .description(
      'Check the raw BigQuery dataset against the config: columns found, missing (required or optional), and a suggested column mapping.',
    )
    .option('-c, --config <file>', 'config file', DEFAULT_CONFIG_FILE)
    .action(async (opts: { config: string }) => {
      const { text, ready } = await runIntrospect(opts.config);
      process.stdout.write(text);
      if (!ready) process.exitCode = 1;
    });
}
