import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config/load';
import { configJsonSchemaText } from '../../src/config/json-schema';
import { runCli } from './run-cli';

describe('journey-stitch init / schema (child process)', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'js-cli-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it.each(['duckdb', 'bigquery'] as const)(
    'init --warehouse %s writes a config that loads, with a working $schema reference',
    async (warehouse) => {
      const result = await runCli(['init', '--warehouse', warehouse], dir);
      expect(result).toMatchObject({ code: 0, stdout: '' });
      expect(result.stderr).toContain('wrote journey-stitch.yaml');
      const file = path.join(dir, 'journey-stitch.yaml');
      const text = await readFile(file, 'utf8');
      const ref = /^# yaml-language-server: \$schema=(.+)$/m.exec(text)![1];
      // The reference resolves, from the config's folder, to the schema shipped with journey-stitch.
      expect(await readFile(path.resolve(dir, ref), 'utf8')).toBe(configJsonSchemaText());
      const { config } = await loadConfig(file);
      expect(config.warehouse).toBe(warehouse);
    },
  );

  it('init refuses to overwrite without --force', async () => {
    const file = path.join(dir, 'journey-stitch.yaml');
    await writeFile(file, 'mine\n');
    const refused = await runCli(['init'], dir);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe('journey-stitch: journey-stitch.yaml already exists; pass --force to overwrite it\n');
    expect(await readFile(file, 'utf8')).toBe('mine\n');
    expect((await runCli(['init', '--force', '--warehouse', 'bigquery'], dir)).code).toBe(0);
    expect(await readFile(file, 'utf8')).toContain('warehouse: bigquery');
  });

  it('init rejects an unknown warehouse', async () => {
    const result = await runCli(['init', '--warehouse', 'snowflake'], dir);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain("argument 'snowflake' is invalid. Allowed choices are duckdb, bigquery");
  });

  it('schema writes the JSON Schema (and prints it with --out -)', async () => {
    expect((await runCli(['schema'], dir)).code).toBe(0);
    expect(await readFile(path.join(dir, 'journey-stitch.schema.json'), 'utf8')).toBe(configJsonSchemaText());
    const printed = await runCli(['schema', '--out', '-'], dir);
    expect(printed).toMatchObject({ code: 0, stdout: configJsonSchemaText() });
  });
});
