/** `journey-stitch check`: the source files against the config, before a stitch (introspect is its BigQuery twin). */
import type { Command } from 'commander';
import { DEFAULT_CONFIG_FILE } from '../../config/file';
import { JourneyStitchError } from '../../contract/errors';

/** The report text, and whether stitch can run (with `strict`, also without warnings). */
export async function runCheck(configFile: string, strict = false): Promise<{ text: string; ready: boolean }> {
  const { loadConfig } = require('../../config/load') as typeof import('../../config/load');
  const { config, file } = await loadConfig(configFile);
  // Loaded here, not at the top: `journey-stitch --help` does not pay for DuckDB.
  const { getWarehouse } = require('../../warehouse') as typeof import('../../warehouse');
  const warehouse = getWarehouse(config.warehouse);
  if (!warehouse.checkFiles) {
    throw new JourneyStitchError(
      `${file}: check reads source files (warehouse: duckdb); for warehouse: ${config.warehouse} run journey-stitch introspect`,
    );
  }
  return warehouse.checkFiles(config, { strict });
}

export function register(program: Command): void {
  program
    .command('check')
    .description(
      'Check the source files against the config: columns found and how they map, missing columns, rows, time range, unreadable lines, config values that match nothing.',
    )
    .option('-c, --config <file>', 'config file', DEFAULT_CONFIG_FILE)
    .option('--strict', 'exit non-zero on warnings too', false)
    .action(async (opts: { config: string; strict: boolean }) => {
      const { text, ready } = await runCheck(opts.config, opts.strict);
      process.stdout.write(text);
      if (!ready) process.exitCode = 1;
    });
}
