/**
 * `npm start`: the demo end to end — sample data, stitch on DuckDB, the LookML project, the extension bundle —
 * then the local preview. Steps whose inputs did not change since the last run are skipped.
 * Options: --port <n> (default 4710).
 */
import { DEFAULT_PREVIEW_PORT } from '../src/cli/commands/preview';
import { startPreview } from '../src/preview';
import { prepareDemo } from '../src/preview/demo';

async function main() {
  const portArg = process.argv.indexOf('--port');
  const port = portArg > 0 ? Number(process.argv[portArg + 1]) : DEFAULT_PREVIEW_PORT;
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`--port ${process.argv[portArg + 1]}: use a port number from 0 to 65535`);
  const started = Date.now();
  const root = process.cwd();
  const paths = await prepareDemo(root, {
    report: ({ step, skipped, ms }) =>
      process.stderr.write(`  ${step.padEnd(16)} ${skipped ? 'up to date' : `done in ${(ms / 1000).toFixed(1)}s`}\n`),
  });
  const preview = await startPreview({ projectDir: paths.projectDir, database: paths.database, bundle: paths.bundle, port });
  process.stdout.write(
    `\njourney-stitch demo ready in ${((Date.now() - started) / 1000).toFixed(1)}s\n` +
      `  open ${preview.url}\n` +
      `  LookML dashboards ${preview.dashboardsUrl}\n` +
      `  (data ${paths.dataDir}; LookML ${paths.projectDir}; Ctrl-C to stop)\n`,
  );
  const stop = () => void preview.stop().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((e: unknown) => {
  process.stderr.write(`npm start: ${(e as Error).message ?? String(e)}\n`);
  process.exit(1);
});
