/**
 * A user's mistake reaches the user as a message naming the flag, key or file and the fix, without a stack: the
 * command throws a JourneyStitchError (src/contract/errors.ts), which the CLI prints alone. In process through the
 * CLI's program, where the class can be checked, and once as a real process, where only stderr is seen.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildProgram } from '../../src/cli/main';
import { rejectedOurs } from '../support/errors';
import { runCli } from './run-cli';

/** The error the command `args` ends with, run as `journey-stitch args...` in this process. */
async function failure(...args: string[]): Promise<{ name: string; message: string }> {
  const program = buildProgram().exitOverride();
  for (const c of program.commands) c.exitOverride();
  const { name, message } = await rejectedOurs(program.parseAsync(['node', 'journey-stitch', ...args]));
  return { name, message };
}

const NO_STACK = /\n\s+at /;

let dir: string;
let stderr: jest.SpyInstance;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'js-user-errors-'));
  stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
});
afterEach(() => {
  stderr.mockRestore();
  rmSync(dir, { recursive: true, force: true });
});

const bigqueryConfig = () => {
  const file = path.join(dir, 'bigquery.yaml');
  writeFileSync(file, 'warehouse: bigquery\nproject: my-gcp-project\ndataset: segment_raw\nsource:\n  type: segment\n');
  return file;
};

describe('a user error is a JourneyStitchError naming the fix', () => {
  it('sample: sizes that cannot be met', async () => {
    expect(await failure('sample', '--persons', '5', '--events', '3', '--out', path.join(dir, 'x'))).toEqual({
      name: 'JourneyStitchError',
      message: '--events (3) must be at least --persons (5): every person has at least one event',
    });
    expect((await failure('sample', '--demo', '--events', '500', '--out', path.join(dir, 'x'))).message).toBe(
      '--demo is a fixed data set; leave out --persons and --events (or drop --demo)',
    );
  });

  it('init: a config that is already there', async () => {
    const file = path.join(dir, 'journey-stitch.yaml');
    writeFileSync(file, 'mine\n');
    expect((await failure('init', '--config', file)).message).toBe(`${file} already exists; pass --force to overwrite it`);
  });

  it('evaluate: a folder without ground truth, and a config for another warehouse', async () => {
    expect(await failure('evaluate', '--data', dir)).toEqual({
      name: 'SourceFileError',
      message: `no ground_truth.ndjson or ground_truth.parquet in ${dir}: evaluate needs data written by 'journey-stitch sample' (pass its folder as --data)`,
    });
    writeFileSync(path.join(dir, 'ground_truth.ndjson'), '');
    const config = bigqueryConfig();
    expect(await failure('evaluate', '--data', dir, '--config', config)).toEqual({
      name: 'ConfigError',
      message: `${config}: warehouse: evaluate runs on the embedded DuckDB; set warehouse: duckdb (the config journey-stitch sample writes)`,
    });
  });

  it('preview: a config for another warehouse', async () => {
    const config = bigqueryConfig();
    expect(await failure('preview', '--config', config)).toEqual({
      name: 'ConfigError',
      message: `${config}: warehouse: the preview reads the DuckDB database; set warehouse: duckdb (output.database) to preview`,
    });
  });

  it('generate: a refresh trigger LookML cannot hold', async () => {
    const config = path.join(dir, 'journey-stitch.yaml');
    writeFileSync(
      config,
      'warehouse: duckdb\nsource:\n  type: segment\n  path: .\nlookml:\n  refresh_sql_trigger: "SELECT 1;; SELECT 2"\n',
    );
    expect((await failure('generate', '--config', config, '--out', path.join(dir, 'out'))).message).toMatch(
      /^config lookml\.refresh_sql_trigger: must be one non-empty SQL query without ';;' \(it ends SQL in LookML\), e\.g\. /,
    );
  });
});

describe('as a process', () => {
  it('prints the message alone, exit code 1, no stack', async () => {
    const sizes = await runCli(['sample', '--persons', '5', '--events', '3', '--out', path.join(dir, 'x')], dir);
    expect(sizes).toMatchObject({
      code: 1,
      stderr: 'journey-stitch: --events (3) must be at least --persons (5): every person has at least one event\n',
    });
    writeFileSync(path.join(dir, 'journey-stitch.yaml'), 'warehouse: duckdb\nsource:\n  type: segment\n  path: .\n');
    const preview = await runCli(['preview', '--project', 'nowhere'], dir);
    expect(preview.code).toBe(1);
    expect(preview.stderr).toBe(
      `journey-stitch: ${path.join(dir, 'nowhere', 'manifest.lkml')} not found: run \`journey-stitch generate\` first (or pass --project <folder with manifest.lkml>)\n`,
    );
    expect(preview.stderr).not.toMatch(NO_STACK);
  });
});
