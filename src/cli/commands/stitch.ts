/** `journey-stitch stitch`: build the stitched tables (a DuckDB file, or tables in the BigQuery output dataset). */
import type { Command } from 'commander';
import { DEFAULT_CONFIG_FILE } from '../../config/file';
import { JourneyStitchError } from '../../contract/errors';
import type { StitchOption } from '../../warehouse/warehouse';

/** What each warehouse-specific option does, for refusing it where the warehouse does not take it. */
const WAREHOUSE_OPTIONS: Record<StitchOption, string> = {
  dryRun: '--dry-run estimates BigQuery costs',
  exportDir: '--export-dir exports the DuckDB database',
  json: "--json writes the DuckDB run's summary",
};

export function register(program: Command): void {
  program
    .command('stitch')
    .description('Load the sources, run the stitching models and write the stitched tables.')
    .option('-c, --config <file>', 'config file', DEFAULT_CONFIG_FILE)
    .option('-e, --export-dir <dir>', 'duckdb: also export every output table as CSV and Parquet into this folder')
    .option('--dry-run', 'bigquery: estimate bytes and cost of every statement without running anything', false)
    .option(
      '--incremental',
      'process only events newer than the last run (minus incremental.lookback_hours); equal to a full rebuild',
      false,
    )
    .option('--strict', 'duckdb: fail on the warnings of the checks (journey-stitch check) before anything is written', false)
    .option('-q, --quiet', 'no progress bar or lines: errors only', false)
    .option('--json', 'duckdb: write the summary as JSON on stdout (for schedulers)', false)
    .action(
      async (opts: {
        config: string;
        exportDir?: string;
        dryRun: boolean;
        incremental: boolean;
        strict: boolean;
        quiet: boolean;
        json: boolean;
      }) => {
        const { loadConfig } = require('../../config/load') as typeof import('../../config/load');
        const { config, file } = await loadConfig(opts.config);
        // A bar on a terminal, plain lines elsewhere (logs, schedulers), nothing but errors with --quiet.
        const { progressFor } = require('../progress') as typeof import('../progress');
        const progress = progressFor(process.stderr, { quiet: opts.quiet });
        const log = (line: string) => progress.log(line);
        const { getWarehouse } = require('../../warehouse') as typeof import('../../warehouse');
        const warehouse = getWarehouse(config.warehouse);
        // Options for another warehouse are refused before anything is said about the run.
        const given = { dryRun: opts.dryRun, exportDir: opts.exportDir, json: opts.json };
        for (const option of Object.keys(WAREHOUSE_OPTIONS) as StitchOption[]) {
          if (given[option] && !warehouse.stitchOptions.has(option))
            throw new JourneyStitchError(`${WAREHOUSE_OPTIONS[option]}; ${file} has warehouse: ${config.warehouse}`);
        }
        const { hashKeyWarning } = require('../../config/schema') as typeof import('../../config/schema');
        const weakKey = hashKeyWarning(config);
        if (weakKey) log(`warning: ${file}: ${weakKey}`);
        const outcome = await warehouse.stitch(config, {
          incremental: opts.incremental,
          strict: opts.strict,
          dryRun: opts.dryRun,
          exportDir: opts.exportDir,
          progress,
        });
        if (opts.json && outcome.summary) process.stdout.write(`${JSON.stringify(outcome.summary, null, 2)}\n`);
        if (outcome.report) process.stderr.write(outcome.report);
      },
    );
}
