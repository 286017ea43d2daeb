/**
 * Start fast (issue 21, item 5): the CLI runs compiled JavaScript, and `--help` loads only the command-line parser
 * of the packages (no DuckDB, BigQuery, zod, yaml or tsx; each costs 60–180 ms to load). bench/start.js measures the
 * whole-process time (median of 10 runs; the target is < 0.3 s).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BIN } from './run-cli';

/** The packages (not node: built-ins, not relative files) a CLI run requires, and the files it runs. */
function loadedBy(args: string[]): { packages: string[]; files: string[] } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'js-start-'));
  try {
    const hook = path.join(dir, 'hook.js');
    const out = path.join(dir, 'loaded.json');
    writeFileSync(
      hook,
      `const M = require('node:module'); const packages = new Set(); const files = new Set(); const load = M._load;
       M._load = function (request, parent, ...rest) {
         if (!request.startsWith('.') && !request.startsWith('/') && !request.startsWith('node:')) packages.add(request.split('/').slice(0, request.startsWith('@') ? 2 : 1).join('/'));
         else if (request.startsWith('.') || request.startsWith('/')) files.add(require('node:path').resolve(parent ? require('node:path').dirname(parent.filename) : '.', request));
         return load.call(this, request, parent, ...rest);
       };
       process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(out)}, JSON.stringify({ packages: [...packages], files: [...files] })));`,
    );
    execFileSync(process.execPath, ['-r', hook, BIN, ...args], { stdio: 'ignore' });
    return JSON.parse(require('node:fs').readFileSync(out, 'utf8'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// A source changed since the last build: the first run rebuilds the CLI (loading esbuild); measure the runs after.
beforeAll(() => execFileSync(process.execPath, [BIN, '--version'], { stdio: 'ignore' }));

it('--help runs the compiled CLI and loads no heavy package', () => {
  const { packages, files } = loadedBy(['--help']);
  expect(files.some((f) => f.endsWith(path.join('dist', 'cli', 'journey-stitch.cjs')))).toBe(true);
  expect(packages).toEqual(['commander']);
});

it('a command loads what it needs when it runs: sql loads zod and yaml (the config) but neither DuckDB nor BigQuery', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'js-start-sql-'));
  try {
    writeFileSync(path.join(dir, 'journey-stitch.yaml'), 'warehouse: duckdb\nsource: { type: segment, path: ./data }\n');
    const { packages } = loadedBy(['sql', '--config', path.join(dir, 'journey-stitch.yaml'), '--out', path.join(dir, 'sql')]);
    expect(packages).toEqual(expect.arrayContaining(['commander', 'zod', 'yaml']));
    expect(packages).not.toContain('@duckdb/node-api');
    expect(packages).not.toContain('@google-cloud/bigquery');
    expect(packages).not.toContain('tsx');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
