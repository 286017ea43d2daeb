/** `journey-stitch preview` from the command line: prints its URL, serves the host page and the bundle, stops on SIGTERM. */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { createFixtureDatabase, type FixtureDatabase } from './support/fixture';

const BIN = join(__dirname, '..', '..', 'bin', 'journey-stitch.js');
let fixture: FixtureDatabase;
let dir: string;

beforeAll(async () => {
  fixture = await createFixtureDatabase();
  dir = mkdtempSync(join(tmpdir(), 'preview-cli-'));
  writeFileSync(
    join(dir, 'journey-stitch.yaml'),
    `warehouse: duckdb\nsource:\n  type: segment\n  path: .\noutput:\n  database: ${JSON.stringify(fixture.path)}\n`,
  );
  writeFileSync(join(dir, 'bundle.js'), 'document.body.textContent = "bundle";');
});
afterAll(() => {
  fixture?.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

type Cli = ChildProcessByStdio<null, Readable, Readable>;

/** Starts `journey-stitch preview` and waits for the URL it prints. */
function startCli(args: string[], cwd?: string): { child: Cli; url: Promise<string> } {
  const child = spawn(process.execPath, [BIN, 'preview', ...args, '--port', '0'], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  const url = new Promise<string>((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = /journey-stitch preview: (http:\/\/127\.0\.0\.1:\d+\/extensions\/journey_stitch::journey_stitch\/)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', (code) => reject(new Error(`exited ${code}: ${err}`)));
  });
  return { child, url };
}

async function stopCli(child: Cli): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.on('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

test('prints the URL, serves the host page and the bundle as is', async () => {
  const { child, url: started } = startCli([
    '--config',
    join(dir, 'journey-stitch.yaml'),
    '--project',
    fixture.project,
    '--bundle',
    join(dir, 'bundle.js'),
  ]);
  try {
    const url = await started;
    const page = await (await fetch(url)).text();
    expect(page).toContain('data-testid="preview-pii-switch"');
    expect(page).toContain('"extensionId":"journey_stitch::journey_stitch"');
    expect(await (await fetch(new URL('/__preview/bundle.js', url))).text()).toBe('document.body.textContent = "bundle";');
    expect((await fetch(new URL('/nothing', url))).status).toBe(404);
    // The fixture project has no dashboards: the index says so.
    expect(await (await fetch(new URL('/dashboards', url))).text()).toContain('The project has no dashboards.');
  } finally {
    await stopCli(child);
  }
});

test("without --bundle, serves the bundle shipped with journey-stitch, whatever the user's folder", async () => {
  // The README's sequence runs in the user's folder, which has no dist/ of its own.
  const { child, url: started } = startCli(['--project', fixture.project], dir);
  try {
    const url = await started;
    const shipped = readFileSync(join(__dirname, '..', '..', 'bundle.js'), 'utf8');
    expect(await (await fetch(new URL('/__preview/bundle.js', url))).text()).toBe(shipped);
  } finally {
    await stopCli(child);
  }
});

test('a bad port is refused before anything starts', async () => {
  const child = spawn(process.execPath, [BIN, 'preview', '--port', 'eighty'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  const code = await new Promise((resolve) => child.on('exit', resolve));
  expect(code).not.toBe(0);
  expect(err).toContain('--port eighty: use a port number from 0 to 65535');
});
