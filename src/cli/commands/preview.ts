/** `journey-stitch preview`: serve the extension locally, answering its Looker API calls from the DuckDB database. */
import { InvalidArgumentError, type Command } from 'commander';
import { DEFAULT_CONFIG_FILE } from '../../config/file';
import { packageFile } from '../../package-root';

export const DEFAULT_PREVIEW_PORT = 4710;
/** The production bundle committed at the package root (a test keeps it equal to a fresh build). */
export const SHIPPED_BUNDLE = 'bundle.js';

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new InvalidArgumentError(`--port ${value}: use a port number from 0 to 65535 (0 picks a free one)`);
  return n;
}

export function register(program: Command): void {
  program
    .command('preview')
    .description(
      'Run the Looker extension locally: a Looker-compatible host on 127.0.0.1 answering its queries from the stitched DuckDB database through the generated LookML.',
    )
    .option('-c, --config <file>', 'config file (its output.database is queried)', DEFAULT_CONFIG_FILE)
    .option('-p, --port <port>', `port on 127.0.0.1 (default ${DEFAULT_PREVIEW_PORT})`, port, DEFAULT_PREVIEW_PORT)
    .option('--project <dir>', 'folder of the generated LookML project (manifest.lkml, lookml/)', '.')
    .option('--bundle <file>', `the built extension (default: the ${SHIPPED_BUNDLE} shipped with journey-stitch)`)
    .action(async (opts: { config: string; port: number; project: string; bundle?: string }) => {
      const { ConfigError, loadConfig } = require('../../config/load') as typeof import('../../config/load');
      const { startPreview } = require('../../preview') as typeof import('../../preview');
      const { config } = await loadConfig(opts.config);
      if (config.warehouse !== 'duckdb')
        throw new ConfigError(opts.config, [
          'warehouse: the preview reads the DuckDB database; set warehouse: duckdb (output.database) to preview',
        ]);
      const preview = await startPreview({
        projectDir: opts.project,
        database: config.output.database,
        bundle: opts.bundle ?? packageFile(SHIPPED_BUNDLE),
        port: opts.port,
      });
      process.stdout.write(
        `journey-stitch preview: ${preview.url}\n  dashboards: ${preview.dashboardsUrl}\n  (database ${config.output.database}; Ctrl-C to stop)\n`,
      );
      const stop = () => {
        void preview.stop().then(() => process.exit(0));
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}
