/**
 * The Warehouse interface the CLI dispatches through: one per warehouse in the registry, each with its dialect;
 * DuckDB's stitches and checks source files (src/warehouse/duckdb), BigQuery's stitches (or dry-runs) and introspects
 * over src/warehouse/bigquery (here with the fake client).
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { configSchema } from '../../src/config/schema';
import { lineProgress } from '../../src/warehouse/progress';
import { dialects } from '../../src/sql/dialects';
import { getWarehouse } from '../../src/warehouse';
import { FakeBigQuery, type FakeTable } from '../../src/warehouse/bigquery/fake';
import { tinyConfig, writeTinyWorld } from './duckdb/tiny-world';
import { BIGQUERY_TEST_CONFIG, rawSourceTables } from '../support/bigquery-catalog';

describe('the registry', () => {
  it('has a warehouse per dialect, each with that dialect', () => {
    for (const name of ['duckdb', 'bigquery'] as const) {
      const warehouse = getWarehouse(name);
      expect([warehouse.name, warehouse.dialect]).toEqual([name, dialects[name]]);
    }
    expect(() => getWarehouse('snowflake' as never)).toThrow("unknown warehouse 'snowflake': use one of duckdb, bigquery");
  });

  it('declares what each one does beyond stitching: options, a files check or introspection', () => {
    const duck = getWarehouse('duckdb');
    const bq = getWarehouse('bigquery');
    expect([[...duck.stitchOptions].sort(), !!duck.checkFiles, !!duck.introspect]).toEqual([['exportDir', 'json'], true, false]);
    expect([[...bq.stitchOptions], !!bq.checkFiles, !!bq.introspect]).toEqual([['dryRun'], false, true]);
  });
});

describe('DuckDB', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'js-warehouse-'));
    await writeTinyWorld(path.join(dir, 'data'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('checks the source files, then stitches them into the database with a summary', async () => {
    const config = tinyConfig(dir);
    const duck = getWarehouse('duckdb');
    const check = await duck.checkFiles!(config, { strict: false });
    expect(check.ready).toBe(true);
    expect(check.text).toContain('pages');
    const lines: string[] = [];
    const outcome = await duck.stitch(config, { progress: lineProgress((l) => lines.push(l)) });
    expect(outcome.report).toBeUndefined();
    expect(outcome.summary).toMatchObject({ database: config.output.database, exported: [] });
    expect(existsSync(config.output.database)).toBe(true);
    expect(lines.length).toBeGreaterThan(0);
  });

  it('writes offline SQL against tables named after the config', () => {
    const target = getWarehouse('duckdb').offline(tinyConfig(dir));
    expect([target.raw.ref('pages'), target.out('persons'), target.readsNote, target.lock]).toEqual([
      '"pages"',
      '"persons"',
      'load your source files into these tables first',
      undefined,
    ]);
  });
});

describe('BigQuery', () => {
  const config = configSchema.parse(BIGQUERY_TEST_CONFIG);
  const fake = () => {
    const tables: Record<string, FakeTable> = {};
    for (const t of rawSourceTables(config)) tables[`${t.path[1]}.${t.path[2]}`] = { columns: t.columns, bytes: 2048 };
    const client = new FakeBigQuery({ project: 'acme-analytics', tables });
    client.datasets.add(config.output.dataset);
    return client;
  };

  it('introspects the raw dataset through the given client', async () => {
    const { text, ready } = await getWarehouse('bigquery', { bigquery: fake() }).introspect!(config);
    expect(ready).toBe(true);
    expect(text).toContain('segment_raw');
  });

  it('dry-runs a stitch: the estimate is its report', async () => {
    const outcome = await getWarehouse('bigquery', { bigquery: fake() }).stitch(config, { dryRun: true, progress: lineProgress(() => {}) });
    expect(outcome.summary).toBeUndefined();
    // The first model reads the raw tables: its bytes are estimated; the price is per TiB.
    expect(outcome.report).toMatch(/^js_\w+ +[\d.]+ (B|KiB|MiB)$/m);
    expect(outcome.report).toContain('/TiB');
  });

  it('writes offline SQL for a DuckDB config only with its project and dataset, naming the missing keys', () => {
    const duck = tinyConfig('/tmp/x');
    expect(getWarehouse('duckdb').offlineConfig(duck, 'a.yaml')).toBe(duck);
    expect(() => getWarehouse('bigquery').offlineConfig(duck, 'a.yaml')).toThrow(
      /^a\.yaml: BigQuery SQL reads the raw tables as project\.dataset\.table; add project: and dataset: /,
    );
    const lent = getWarehouse('bigquery').offlineConfig({ ...duck, project: 'p', dataset: 'd' }, 'a.yaml');
    expect([lent.warehouse, lent.project, lent.dataset]).toEqual(['bigquery', 'p', 'd']);
    expect(getWarehouse('bigquery').offlineConfig(config, 'b.yaml')).toBe(config);
  });

  it('writes offline SQL against the config’s datasets, holding the run lock', () => {
    const target = getWarehouse('bigquery').offline(config);
    expect([target.raw.ref('pages'), target.out('persons'), target.readsNote]).toEqual([
      '`acme-analytics`.`segment_raw`.`pages`',
      '`acme-analytics`.`journey_stitch`.`persons`',
      undefined,
    ]);
    expect(target.lock?.take).toContain('js_run_lock');
  });
});
