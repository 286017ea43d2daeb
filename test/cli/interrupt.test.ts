import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { BIN, runCli } from './run-cli';

/** Runs `stitch` and sends SIGINT as soon as the models start; resolves with the exit code and stderr. */
function stitchAndInterrupt(cwd: string, config: string): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'stitch', '--config', config], { cwd });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (stderr.includes('models:\n') && !child.killed) child.kill('SIGINT');
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

describe('journey-stitch stitch interrupted (child process)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'js-cli-interrupt-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('stops on Ctrl-C, keeps the previous database and leaves no temp files', async () => {
    expect((await runCli(['sample', '--out', 'data', '--events', '5000'], dir)).code).toBe(0);
    const config = path.join('data', 'journey-stitch.yaml');
    expect((await runCli(['stitch', '--config', config], dir)).code).toBe(0);
    const files = async () => (await readdir(path.join(dir, 'data'))).sort();
    const before = await files();
    const database = before.find((f) => f.endsWith('.duckdb'))!;
    const modified = (await stat(path.join(dir, 'data', database))).mtimeMs;

    const result = await stitchAndInterrupt(dir, config);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/journey-stitch: stopped by SIGINT; .*\.duckdb was not changed\n$/);
    expect(await files()).toEqual(before);
    expect((await stat(path.join(dir, 'data', database))).mtimeMs).toBe(modified);
  });

  it('a run killed with SIGKILL mid-export leaves nothing behind once the next run is over', async () => {
    const config = path.join('data', 'journey-stitch.yaml');
    const killed = await new Promise<{ signal: NodeJS.Signals | null; stderr: string }>((resolve, reject) => {
      const child = spawn(process.execPath, [BIN, 'stitch', '--config', config, '--export-dir', 'out'], { cwd: dir });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        if (/ exported \w+ \(1 of/.test(stderr) && !child.killed) child.kill('SIGKILL');
      });
      child.on('error', reject);
      child.on('close', (_code, signal) => resolve({ signal, stderr }));
    });
    expect(killed.signal).toBe('SIGKILL');
    const hidden = async (folder: string) => (await readdir(path.join(dir, folder))).filter((f) => f.startsWith('.')).sort();
    // The kill left the temporary database and the export's staging folder (it had no chance to clean up).
    expect(await hidden('out')).toEqual([expect.stringMatching(/^\.journey-stitch-export-\d+-/)]);
    expect((await hidden('data')).length).toBeGreaterThan(0);

    const next = await runCli(['stitch', '--config', config, '--export-dir', 'out'], dir);
    expect(next.code).toBe(0);
    expect(await hidden('out')).toEqual([]);
    expect(await hidden('data')).toEqual([]);
    expect((await readdir(path.join(dir, 'out'))).filter((f) => f.endsWith('.parquet')).length).toBe(7);
  });
});
