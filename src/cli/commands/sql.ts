/**
 * `journey-stitch sql`: the stitching SQL without running it, for review, scheduled queries or SQL Runner.
 * One numbered file per model plus the whole script, or the script on stdout (the work is in ../sql-files.ts,
 * loaded only when the command runs).
 */
import { Option, type Command } from 'commander';
import { DEFAULT_CONFIG_FILE } from '../../config/file';
import type { WarehouseName } from '../../sql/dialect';

export function register(program: Command): void {
  program
    .command('sql')
    .description('Write the stitching SQL: one numbered file per model plus journey_stitch.sql (or print the script).')
    .addOption(
      new Option(
        '-w, --warehouse <name>',
        'SQL dialect (default: the config warehouse); bigquery needs project and dataset in the config',
      ).choices(['duckdb', 'bigquery']),
    )
    .option('-c, --config <file>', 'config file', DEFAULT_CONFIG_FILE)
    .option('-o, --out <dir>', 'folder for the .sql files (default: print the whole script)')
    .action(async (opts: { warehouse?: WarehouseName; config: string; out?: string }) => {
      await (require('../sql-files') as typeof import('../sql-files')).runSql(opts);
    });
}
