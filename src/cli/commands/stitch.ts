/** `journey-stitch stitch`: build the stitched tables (a DuckDB file, or tables in the BigQuery output dataset). */
import type { Command } from 'commander';
import { DEFAULT_CONFIG_FILE, loadConfig } from '../../config/load';
import { hashKeyWarning } from '../../config/schema';
import { stitchDuckDB } from '../../engine/stitch';
import { formatDryRun, formatIncrementalOutcome, formatRunReport, stitchBigQuery } from '../../warehouse/bigquery';

export function register(program: Command): void {
  program
    .command('stitch')
    .description('Load the sources, run the stitching models and write the stitched tables.')
    .option('-c, --config <file>', 'config file', DEFAULT_CONFIG_FILE)
    .option('-e, --export-dir <dir>', 'duckdb: also export every output table as CSV and Parquet into this folder')
    .option('--dry-run', 'bigquery: estimate bytes and cost of every statement without running anything', false)
    .option('--incremental', 'process only events newer than the last run (minus incremental.lookback_hours); equal to a full rebuild', false)
    .action(async (opts: { config: string; exportDir?: string; dryRun: boolean; incremental: boolean }) => {
      const { config, file } = await loadConfig(opts.config);
      const log = (line: string) => process.stderr.write(`${line}\n`);
      // Options for the other warehouse are refused before anything is said about the run.
      if (config.warehouse === 'duckdb' && opts.dryRun) throw new Error(`--dry-run estimates BigQuery costs; ${file} has warehouse: duckdb`);
      if (config.warehouse === 'bigquery' && opts.exportDir) throw new Error(`--export-dir exports the DuckDB database; ${file} has warehouse: bigquery`);
      const weakKey = hashKeyWarning(config);
      if (weakKey) log(`warning: ${file}: ${weakKey}`);
      if (config.warehouse === 'duckdb') {
        await stitchDuckDB(config, { exportDir: opts.exportDir, incremental: opts.incremental, log });
        return;
      }
      const result = await stitchBigQuery(config, {
        dryRun: opts.dryRun,
        incremental: opts.incremental,
        onJob: (job) => log(`  ${job.model}${job.loop ? ` (${job.loop.name}, iteration ${job.loop.iteration})` : ''}`),
      });
      if (result.dryRun) process.stderr.write(formatDryRun(result.report));
      else process.stderr.write(formatRunReport(result.report) + (result.incremental ? formatIncrementalOutcome(result.incremental) : ''));
    });
}
