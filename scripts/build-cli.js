/**
 * Builds the CLI (src/cli/main.ts and what it imports from src/) into one CommonJS file, dist/cli/journey-stitch.cjs,
 * packages left external. Modules a command loads with require() inside its action stay unevaluated until then, so
 * `journey-stitch --help` loads neither DuckDB nor BigQuery. Run by `npm ci` (prepare) and by bin/journey-stitch.js
 * when a source file is newer than the build. Plain JavaScript: it must run before anything is compiled.
 */
const { mkdirSync, readdirSync, renameSync, statSync, writeFileSync } = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const CLI_FILE = path.join(ROOT, 'dist', 'cli', 'journey-stitch.cjs');

/** The newest modification time of the files the build reads (src/, package.json). */
function newestSource() {
  let newest = statSync(path.join(ROOT, 'package.json')).mtimeMs;
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else newest = Math.max(newest, statSync(file).mtimeMs);
    }
  };
  walk(path.join(ROOT, 'src'));
  return newest;
}

/** Whether the built CLI exists and is newer than every source file. */
function cliIsFresh() {
  try {
    return statSync(CLI_FILE).mtimeMs >= newestSource();
  } catch {
    return false;
  }
}

/** Build the CLI, replacing the file in one rename (a run starting meanwhile reads the old or the new one whole). */
function buildCli() {
  const { buildSync } = require('esbuild');
  const result = buildSync({
    entryPoints: [path.join(ROOT, 'src', 'cli', 'main.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    packages: 'external',
    write: false,
    logLevel: 'error',
    // The source's own `require.main === module` check: only bin/journey-stitch.js starts it.
    define: { 'require.main': 'undefined' },
  });
  mkdirSync(path.dirname(CLI_FILE), { recursive: true });
  const temp = `${CLI_FILE}.${process.pid}.tmp`;
  writeFileSync(temp, result.outputFiles[0].contents);
  renameSync(temp, CLI_FILE);
}

module.exports = { buildCli, cliIsFresh, CLI_FILE };

if (require.main === module) buildCli();
