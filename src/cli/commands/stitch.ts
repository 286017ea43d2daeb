/** `journey-stitch stitch`: build the stitched tables (a DuckDB file, or tables in the BigQuery output dataset). */
import type { Command } from 'commander';
import { DEFAULT_CONFIG_FILE } from '../../config/file';

export function register(program: Command): void {
  program
    .command('stitch')
    .description('Load the sources, run the stitching models and write the stitched tables.')
    .option('-c, --config <file>', 'config file', DEFAULT_CONFIG_FILE)
    .option('-e, --export-dir <dir>', 'duckdb: also export every output table as CSV and Parquet into this folder')
    .option('--dry-run', 'bigquery: estimate bytes and cost of every statement without running anything', false)
    .option('--incremental', 'process only events newer than the last run (minus incremental.lookback_hours); equal to a full rebuild', false)
    .option('--strict', 'duckdb: fail on the warnings of the checks (journey-stitch check) before anything is written', false)
    .option('-q, --quiet', 'no progress bar or lines: errors only', false)
    .option('--json', 'duckdb: write the summary as JSON on stdout (for schedulers)', false)
    .action(async (opts: { config: string; exportDir?: string; dryRun: boolean; incremental: boolean; strict: boolean; quiet: boolean; json: boolean }) => {
      const { loadConfig } = require('../../config/load') as typeof import('../../config/load');
      const { config, file } = await loadConfig(opts.config);
      // A bar on a terminal, plain lines elsewhere (logs, schedulers), nothing but errors with --quiet.
      const { progressFor } = require('../progress') as typeof import('../progress');
      const progress = progressFor(process.stderr, { quiet: opts.quiet });
      const log = (line: string) => progress.log(line);
      // Options for the other warehouse are refused before anything is said about the run.
      if (config.warehouse === 'duckdb' && opts.dryRun) throw new Error(`--dry-run estimates BigQuery costs; ${file} has warehouse: duckdb`);
      if (config.warehouse === 'bigquery' && opts.exportDir) throw new Error(`--export-dir exports the DuckDB database; ${file} has warehouse: bigquery`);
      const { hashKeyWarning } = require('../../config/schema') as typeof import('../../config/schema');
      const weakKey = hashKeyWarning(config);
      if (weakKey) log(`warning: ${file}: ${weakKey}`);
      if (config.warehouse === 'duckdb') {
        const { stitchDuckDB } = require('../../engine/stitch') as typeof import('../../engine/stitch');
        const result = await stitchDuckDB(config, { exportDir: opts.exportDir, incremental: opts.incremental, strict: opts.strict, progress });
        if (opts.json) {
          const { database, exported, summary, run } = result;
          process.stdout.write(`${JSON.stringify({ database, exported, ...summary, seconds: Math.round(run.totalMs) / 1000 }, null, 2)}\n`);
        }
        return;
      }
      if (opts.exportDir) throw new Error(`--export-dir exports the DuckDB database; ${file} has warehouse: bigquery`);
      if (opts.json) throw new Error(`--json writes the DuckDB run's summary; ${file} has warehouse: bigquery`);
      const { formatDryRun, formatIncrementalOutcome, formatRunReport, stitchBigQuery } = require('../../warehouse/bigquery') as typeof import('../../warehouse/bigquery');
      const result = await stitchBigQuery(config, {
        dryRun: opts.dryRun,
        incremental: opts.incremental,
        onJob: (job) => log(`  ${job.model}${job.loop ? ` (${job.loop.name}, iteration ${job.loop.iteration})` : ''}`),
      });
      if (result.dryRun) process.stderr.write(formatDryRun(result.report));
      else process.stderr.write(formatRunReport(result.report) + (result.incremental ? formatIncrementalOutcome(result.incremental) : ''));
    });
}
