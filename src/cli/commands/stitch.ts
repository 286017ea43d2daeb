/** `journey-stitch stitch`: build the stitched tables (DuckDB file, or BigQuery datasets). */
import type { Command } from 'commander';
import { DEFAULT_CONFIG_FILE, loadConfig } from '../../config/load';
import { stitchDuckDB } from '../../engine/stitch';

export function register(program: Command): void {
  program
    .command('stitch')
    .description('Load the sources, run the stitching models and write the stitched tables.')
    .option('-c, --config <file>', 'config file', DEFAULT_CONFIG_FILE)
    .option('-e, --export-dir <dir>', 'duckdb: also export every output table as CSV and Parquet into this folder')
    .action(async (opts: { config: string; exportDir?: string }) => {
      const { config } = await loadConfig(opts.config);
      const log = (line: string) => process.stderr.write(`${line}\n`);
      if (config.warehouse === 'bigquery') {
        throw new Error('stitch on bigquery is not available in this build yet; run `journey-stitch sql --warehouse bigquery` and schedule the script');
      }
      await stitchDuckDB(config, { exportDir: opts.exportDir, log });
    });
}
