import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { OFFSITE_COLUMNS, SEGMENT_COLUMNS } from '../../src/config/schema';
import { OUTPUT_TABLES, REJECTS_TABLE } from '../../src/contract/tables';
import { TINY_CONFIG, writeTinyWorld } from '../warehouse/duckdb/tiny-world';
import { createTable, openMemoryDb, queryRows } from '../support/duckdb';
import { useZetaSQL } from '../support/zetasql';
import { runCli } from './run-cli';
import { anonPerson, userPerson } from '../support/scenarios';

const BIGQUERY_CONFIG = `warehouse: bigquery
project: acme-analytics
dataset: segment_raw
source: { type: segment }
offsite:
  - name: linkedin
    table: linkedin_interactions
`;

describe('journey-stitch stitch (child process)', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'js-cli-stitch-'));
    await writeTinyWorld(path.join(dir, 'data'));
    await writeFile(path.join(dir, 'journey-stitch.yaml'), TINY_CONFIG);
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('stitches, reports progress and the summary on stderr, exports, and exits 0', async () => {
    const result = await runCli(['stitch', '--export-dir', 'export'], dir);
    expect(result.stderr).toMatch(/^ {2}stitched_events +6 rows +\d+ ms {2}\[\d+\/\d+\]$/m);
    expect(result.stderr).toContain('  events out:         6\n');
    expect(result.stderr).toContain(`wrote ${path.join(dir, 'db', 'stitched.duckdb')} and 14 export files in export`);
    expect(result).toMatchObject({ code: 0, stdout: '' });
    expect(existsSync(path.join(dir, 'export', 'stitched_events.parquet'))).toBe(true);
  });

  it('exits 1 with the reason on stderr: bad config, missing file, options for the other warehouse', async () => {
    await writeFile(path.join(dir, 'typo.yaml'), TINY_CONFIG.replace('source:', 'sources:'));
    const typo = await runCli(['stitch', '--config', 'typo.yaml'], dir);
    expect(typo.code).toBe(1);
    expect(typo.stderr).toBe("journey-stitch: typo.yaml: sources: unknown key — did you mean 'source'? (line 2, column 1)\n");

    await rm(path.join(dir, 'data', 'identifies.ndjson'));
    const missing = await runCli(['stitch'], dir);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^journey-stitch: no 'identifies' file in .*data: expected identifies\.ndjson/m);
    expect(existsSync(path.join(dir, 'db', 'stitched.duckdb'))).toBe(false);
    expect(await readdir(path.join(dir, 'db'))).toEqual([]);

    const dryRun = await runCli(['stitch', '--dry-run'], dir);
    expect(dryRun.code).toBe(1);
    expect(dryRun.stderr).toBe(
      `journey-stitch: --dry-run estimates BigQuery costs; ${path.join(dir, 'journey-stitch.yaml')} has warehouse: duckdb\n`,
    );
  });

  it('hands warehouse: bigquery to the BigQuery runner (which here fails on the missing key file, offline)', async () => {
    await writeFile(path.join(dir, 'bq.yaml'), `${BIGQUERY_CONFIG}key_file: ./no-such-key.json\n`);
    const bigquery = await runCli(['stitch', '--config', 'bq.yaml'], dir);
    expect(bigquery.code).toBe(1);
    expect(bigquery.stderr).toContain(path.join(dir, 'no-such-key.json'));
    const exportDir = await runCli(['stitch', '--config', 'bq.yaml', '--export-dir', 'x'], dir);
    expect(exportDir.code).toBe(1);
    expect(exportDir.stderr).toContain('--export-dir exports the DuckDB database');
  });
});

describe('journey-stitch sql (child process)', () => {
  const zetasql = useZetaSQL();
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'js-cli-sql-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('prints a DuckDB script that stitches raw tables named after the config', async () => {
    await writeFile(path.join(dir, 'journey-stitch.yaml'), TINY_CONFIG);
    const result = await runCli(['sql', '--warehouse', 'duckdb'], dir);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^-- journey-stitch: identity stitching pipeline/);
    expect(result.stdout).toContain(
      '-- Reads "pages", "tracks", "identifies", "linkedin" (load your source files into these tables first).',
    );

    // Raw tables with every logical column (the offline SQL assumes they exist), holding the tiny world.
    const db = await openMemoryDb();
    try {
      const columns = (names: readonly string[]) => Object.fromEntries(names.map((n) => [n, 'string' as const]));
      const common = columns(SEGMENT_COLUMNS.common);
      const t = (id: string, anon: string, ts: string, extra: Record<string, string> = {}) => ({
        id,
        anonymous_id: anon,
        timestamp: ts,
        ...extra,
      });
      await createTable(
        db.conn,
        'pages',
        [t('p1', 'a1', '2024-03-01T10:00:00Z', { context_page_title: 'Home' }), t('p3', 'a2', '2024-03-02T09:00:00Z')],
        common,
      );
      await createTable(db.conn, 'tracks', [t('t1', 'a1', '2024-03-01T10:20:00Z', { user_id: 'u1', event: 'Meeting Booked' })], {
        ...common,
        event: 'string',
      });
      await createTable(
        db.conn,
        'identifies',
        [t('i1', 'a1', '2024-03-01T10:10:00Z', { user_id: 'u1', email: 'ada@example.com', name: 'Ada Lovelace' })],
        {
          ...common,
          ...columns(SEGMENT_COLUMNS.identifies),
        },
      );
      await createTable(
        db.conn,
        'linkedin',
        [{ id: 'l1', full_name: 'Ada Lovelace', action: 'liked', timestamp: '2024-02-28T08:00:00Z' }],
        columns(OFFSITE_COLUMNS),
      );
      await db.conn.run(result.stdout);
      // Raw tables stay, outputs are written, intermediate tables are dropped.
      const tables = (await queryRows(db.conn, 'SELECT table_name FROM information_schema.tables ORDER BY 1')).map((r) => r.table_name);
      expect(tables).toEqual([...OUTPUT_TABLES, REJECTS_TABLE, 'pages', 'tracks', 'identifies', 'linkedin'].sort());
      expect(await queryRows(db.conn, 'SELECT event_id, person_id, identity_status FROM stitched_events ORDER BY event_id')).toEqual([
        { event_id: 'i1', person_id: userPerson('u1'), identity_status: 'confirmed' },
        { event_id: 'l1', person_id: userPerson('u1'), identity_status: 'inferred' },
        { event_id: 'p1', person_id: userPerson('u1'), identity_status: 'confirmed' },
        { event_id: 'p3', person_id: anonPerson('a2'), identity_status: 'anonymous' },
        { event_id: 't1', person_id: userPerson('u1'), identity_status: 'confirmed' },
      ]);
    } finally {
      db.close();
    }
  });

  it('writes numbered BigQuery files and the whole script, all valid BigQuery scripts, replacing an older run', async () => {
    await writeFile(path.join(dir, 'journey-stitch.yaml'), BIGQUERY_CONFIG);
    const out = path.join(dir, 'sql');
    await mkdir(out);
    await writeFile(path.join(out, '99_old_model.sql'), 'SELECT 1;');
    await writeFile(path.join(out, 'notes.txt'), 'mine');

    const result = await runCli(['sql', '--warehouse', 'bigquery', '--out', 'sql'], dir);
    expect(result.code).toBe(0);
    const files = (await readdir(out)).sort();
    expect(files).toContain('01_js_events.sql');
    expect(files).toContain('journey_stitch.sql');
    expect(files).toContain('notes.txt');
    expect(files).not.toContain('99_old_model.sql');
    expect(files.filter((f) => f.startsWith('.'))).toEqual([]);
    const numbered = files.filter((f) => /^\d+_/.test(f));
    expect(numbered.map((f) => Number(f.slice(0, 2)))).toEqual(numbered.map((_, i) => i + 1));

    const script = await readFile(path.join(out, 'journey_stitch.sql'), 'utf8');
    expect(script).toContain('`acme-analytics`.`segment_raw`.`linkedin_interactions`');
    expect(script).toContain('CREATE OR REPLACE TABLE `acme-analytics`.`journey_stitch`.`stitched_events`');
    expect(script).toMatch(/WHILE js_changed > 0 AND js_iterations < 50 DO/);
    // It takes the run lock a `stitch` takes (after its declarations), and drops it at the end or on a failure.
    const lock = '`acme-analytics`.`journey_stitch`.`js_run_lock`';
    const take = script.indexOf(`CREATE TABLE ${lock} AS SELECT GENERATE_UUID() AS run_id`);
    expect(take).toBeGreaterThan(script.lastIndexOf('DECLARE '));
    expect(take).toBeLessThan(script.indexOf('CREATE OR REPLACE TABLE'));
    expect(
      script.endsWith(
        `EXCEPTION WHEN ERROR THEN\n  DROP TABLE IF EXISTS ${lock};\n  RAISE USING MESSAGE = @@error.message;\nEND;\n\nDROP TABLE IF EXISTS ${lock};\n`,
      ),
    ).toBe(true);
    await zetasql().expectValid(script.slice(take, script.indexOf(';', take)), 'the lock statement');
    for (const f of [...numbered, 'journey_stitch.sql']) {
      const analysis = await zetasql().parseScript(await readFile(path.join(out, f), 'utf8'));
      expect({ file: f, ...analysis }).toEqual({ file: f, ok: true });
    }
  });

  it('refuses bigquery SQL without project and dataset, naming the keys to add to the config', async () => {
    await writeFile(path.join(dir, 'journey-stitch.yaml'), TINY_CONFIG);
    const result = await runCli(['sql', '--warehouse', 'bigquery', '--out', 'sql'], dir);
    expect(result.code).toBe(1);
    const file = path.join(dir, 'journey-stitch.yaml');
    expect(result.stderr).toBe(
      `journey-stitch: ${file}: BigQuery SQL reads the raw tables as project.dataset.table; add project: and dataset: ` +
        `(the Google Cloud project and dataset of your raw tables) to ${file}, or leave out --warehouse bigquery for DuckDB SQL\n`,
    );
    expect(existsSync(path.join(dir, 'sql'))).toBe(false);
  });

  it('writes bigquery SQL from a duckdb config that sets project and dataset (the README sequence)', async () => {
    await writeFile(path.join(dir, 'journey-stitch.yaml'), `${TINY_CONFIG}project: acme-analytics\ndataset: segment_raw\n`);
    const result = await runCli(['sql', '--warehouse', 'bigquery', '--out', 'sql'], dir);
    expect(result).toMatchObject({ code: 0, stdout: '' });
    const script = await readFile(path.join(dir, 'sql', 'journey_stitch.sql'), 'utf8');
    expect(script).toContain('`acme-analytics`.`segment_raw`.`linkedin`');
    expect(script).toContain('CREATE OR REPLACE TABLE `acme-analytics`.`journey_stitch`.`stitched_events`');
  });
});
