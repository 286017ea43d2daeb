/** `journey-stitch check`: the source files against the config, before a stitch (introspect is its BigQuery twin). */
import type { Command } from 'commander';
import { DEFAULT_CONFIG_FILE } from '../../config/file';

/** The report text, and whether stitch can run (with `strict`, also without warnings). */
export async function runCheck(configFile: string, strict = false): Promise<{ text: string; ready: boolean }> {
  const { loadConfig } = require('../../config/load') as typeof import('../../config/load');
  const { config, file } = await loadConfig(configFile);
  if (config.warehouse !== 'duckdb') {
    throw new Error(`${file}: check reads source files (warehouse: duckdb); for warehouse: bigquery run journey-stitch introspect`);
  }
  // Loaded here, not at the top: `journey-stitch --help` does not pay for DuckDB.
  const { openDuckDB } = require('../../engine/instance') as typeof import('../../engine/instance');
  const { checkFiles, formatSourceReport } = require('../../check') as typeof import('../../check');
  const instance = await openDuckDB(':memory:', config);
  const conn = await instance.connect();
  try {
    const result = await checkFiles(conn, config);
    const warnings = result.findings.some((f) => f.level === 'warning');
    return { text: formatSourceReport(result.report), ready: result.report.ready && !(strict && warnings) };
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

export function register(program: Command): void {
  program
    .command('check')
    .description('Check the source files against the config: columns found and how they map, missing columns, rows, time range, unreadable lines, config values that match nothing.')
    .option('-c, --config <file>', 'config file', DEFAULT_CONFIG_FILE)
    .option('--strict', 'exit non-zero on warnings too', false)
    .action(async (opts: { config: string; strict: boolean }) => {
      const { text, ready } = await runCheck(opts.config, opts.strict);
      process.stdout.write(text);
      if (!ready) process.exitCode = 1;
    });
}
