import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildProgram } from '../../src/cli/main';
import { DEMO_SIZE } from '../../src/sample';

const run = async (...args: string[]) => {
  const program = buildProgram().exitOverride();
  program.configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
  for (const c of program.commands) c.exitOverride().configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
  await program.parseAsync(['node', 'journey-stitch', ...args]);
};

describe('journey-stitch sample / evaluate', () => {
  let dir: string;
  let stderr: jest.SpyInstance;
  let stdout: jest.SpyInstance;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'js-sample-cli-'));
  });
  beforeEach(() => {
    stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    stdout = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
  });
  afterEach(() => {
    stderr.mockRestore();
    stdout.mockRestore();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the fixed demo data set, then scores it', async () => {
    const out = join(dir, 'demo');
    await run('sample', '--demo', '--out', out);
    const written = [
      'ground_truth.ndjson',
      'identifies.ndjson',
      'journey-stitch.yaml',
      'linkedin.ndjson',
      'pages.ndjson',
      'sample.json',
      'tracks.ndjson',
    ];
    expect(readdirSync(out).sort()).toEqual(written);
    const manifest = JSON.parse(readFileSync(join(out, 'sample.json'), 'utf8'));
    expect(manifest.options).toMatchObject({ seed: 'demo', events: 10_000, persons: 400 });
    expect(manifest.files).toEqual(written);
    // What --help promises is what it writes.
    expect({ events: manifest.events, persons: manifest.phenomena.persons }).toEqual(DEMO_SIZE);
    expect(String(stderr.mock.calls.map((c) => c[0]).join(''))).toContain(`wrote 10,039 events of 425 persons`);
    const help = buildProgram()
      .commands.find((c) => c.name() === 'sample')!
      .helpInformation()
      .replace(/\s+/g, ' ');
    expect(help).toContain('the small fixed demo data set (10,039 events of 425 persons)');

    await run('evaluate', '--data', out);
    const printed = stdout.mock.calls.map((c) => String(c[0])).join('');
    expect(printed).toMatch(/\| measure \| journey-stitch \| journey-stitch, exact-name rule \| seed SQL \|/);
    expect(printed).toMatch(
      /\| offsite rows correctly attached to visitors \(share of the rows attached to one\) \| [\d,]+ \(\d+\.\d\d%\) \|/,
    );
    expect(printed).toMatch(/\| pairwise recall \| \d+\.\d\d% \| \d+\.\d\d% \|/);
  });

  it('refuses sizes with --demo, and bad numbers, naming the flag', async () => {
    await expect(run('sample', '--demo', '--events', '500', '--out', join(dir, 'x'))).rejects.toThrow(/--demo is a fixed data set/);
    await expect(run('sample', '--persons', 'many', '--out', join(dir, 'x'))).rejects.toThrow(/--persons takes a positive whole number/);
    await expect(run('sample', '--end', '2024-12-32', '--out', join(dir, 'x'))).rejects.toThrow(
      /--end takes a calendar date as YYYY-MM-DD .* got '2024-12-32'/,
    );
    expect(existsSync(join(dir, 'x'))).toBe(false);
  });

  it('says what is missing when the folder has no ground truth', async () => {
    await expect(run('evaluate', '--data', dir)).rejects.toThrow(
      /no ground_truth\.ndjson or ground_truth\.parquet in .*journey-stitch sample/,
    );
  });
});
