/**
 * `journey-stitch stitch` progress as a user sees it: bars on a terminal (the CLI run under `script`, which gives it
 * a pseudo-terminal), plain lines in a pipe, nothing with --quiet, and --json keeping stdout pure JSON.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { TINY_CONFIG, writeTinyWorld } from '../warehouse/duckdb/tiny-world';
import { BIN, runCli } from './run-cli';

const ESC = '\x1b';

/** Runs the CLI on a pseudo-terminal (util-linux `script`); stdout and stderr both arrive as the terminal's output. */
function runOnTerminal(args: string[], cwd: string): Promise<{ code: number | null; output: string }> {
  const command = [process.execPath, BIN, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qec', command, '/dev/null'], {
      cwd,
      env: { ...process.env, TERM: 'xterm-256color', COLUMNS: '120' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

describe('stitch progress (child process)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'js-cli-progress-'));
    await writeTinyWorld(path.join(dir, 'data'));
    await writeFile(path.join(dir, 'journey-stitch.yaml'), TINY_CONFIG);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('on a terminal: bars for loading (bytes), models (n of N) and export (tables), the kept lines above them', async () => {
    const run = await runOnTerminal(['stitch', '--export-dir', 'export'], dir);
    expect(run.code).toBe(0);
    expect(run.output).toContain(ESC);
    expect(run.output).toMatch(/loading \[[█░]{24}\] \d+% \| \d\.\d kB of \d\.\d kB \| \d+s \| \w+\.(ndjson|csv)/);
    expect(run.output).toMatch(/models \[[█░]{24}\] \d+% \| \d+ of (\d+) \| \d+s \| js_\w+/);
    expect(run.output).toMatch(/export \[[█░]{24}\] \d+% \| \d of 7 \| \d+s \| \w+/);
    // The lines a log would keep are all there, whole.
    expect(run.output).toMatch(
      /read pages\.ndjson: 3 rows, 1 unreadable line\(s\) kept in rejected_rows \(\d+ ms\) \[0\.\d kB of 0\.\d kB\]\r?\n/,
    );
    expect(run.output).toMatch(/ {2}stitched_events +6 rows +\d+ ms {2}\[\d+\/\d+\]\r?\n/);
    expect(run.output).toMatch(/ {2}exported rejected_rows \(7 of 7\)\r?\n/);
    expect(run.output).toMatch(/ {2}events out: {9}6\r?\n/);
  });

  it('in a pipe: plain lines with the bytes read of the total and n of N, no escape codes', async () => {
    const run = await runCli(['stitch', '--export-dir', 'export'], dir);
    expect(run.code).toBe(0);
    expect(run.stderr).not.toContain(ESC);
    expect(run.stderr).not.toContain('█');
    const lines = run.stderr.split('\n');
    expect(lines.filter((l) => l.startsWith('read ')).map((l) => l.replace(/\(\d+ ms\) \[[\d.]+ kB of/, '[x of'))).toEqual([
      'read pages.ndjson: 3 rows, 1 unreadable line(s) kept in rejected_rows [x of 0.9 kB]',
      'read tracks.csv: 1 rows [x of 0.9 kB]',
      'read identifies.ndjson: 1 rows [x of 0.9 kB]',
      'read linkedin.ndjson: 2 rows [x of 0.9 kB]',
    ]);
    const places = lines.flatMap((l) => {
      const m = /\[(\d+)\/(\d+)\]$/.exec(l);
      return m ? [[Number(m[1]), Number(m[2])]] : [];
    });
    expect(places.length).toBeGreaterThan(10);
    expect(places).toEqual(places.map((_, i) => [i + 1, places.length]));
    expect(lines.filter((l) => /^ {2}exported \w+ \(\d of 7\)$/.test(l))).toHaveLength(7);
    // Not flooding: one line per file (4), model and table (7), and the report around them (warnings, summary).
    const report = lines.filter((l) => !l.startsWith('read ') && !/\[\d+\/\d+\]$/.test(l) && !l.startsWith('  exported '));
    expect(report.length).toBeLessThan(30);
  });

  it('--quiet prints nothing, on a terminal or not', async () => {
    const piped = await runCli(['stitch', '--quiet'], dir);
    expect(piped).toMatchObject({ code: 0, stdout: '', stderr: '' });
    const terminal = await runOnTerminal(['stitch', '--quiet'], dir);
    expect(terminal).toEqual({ code: 0, output: '' });
  });

  it('--json keeps stdout pure JSON while progress goes to stderr', async () => {
    const run = await runCli(['stitch', '--json'], dir);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ eventsIn: 8, eventsOut: 6, database: path.join(dir, 'db', 'stitched.duckdb') });
    expect(run.stderr).toMatch(/^ {2}stitched_events +6 rows/m);
  });
});
