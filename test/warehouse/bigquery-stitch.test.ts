/**
 * stitchBigQuery with the real models against the fake, and every statement it sends analyzed by ZetaSQL
 * in the order it was sent (each CREATE TABLE adds its table to the catalog, DROP TABLE removes nothing the
 * later statements need).
 */
import { hostname } from 'node:os';
import { configSchema, type ConfigInput } from '../../src/config/schema';
import { OUTPUT_TABLES, REJECTS_TABLE } from '../../src/contract/tables';
import { FakeBigQuery, type FakeAnswer } from '../../src/warehouse/bigquery/fake';
import { columnsQuery } from '../../src/warehouse/bigquery/google';
import { acquireSql, runLock } from '../../src/warehouse/bigquery/lock';
import { BigQueryModelError, formatDryRun, formatRunReport, stitchBigQuery } from '../../src/warehouse/bigquery';
import { informationSchemaColumns, rawSourceTables } from '../support/bigquery-catalog';
import { useZetaSQL, type CatalogTable } from '../support/zetasql';
import { rejectedOurs } from '../support/errors';

const GiB = 1024 ** 3;
const zetasql = useZetaSQL();

const input: ConfigInput = {
  warehouse: 'bigquery',
  project: 'acme-analytics',
  dataset: 'segment_raw',
  location: 'EU',
  output: { dataset: 'journey_stitch', create_dataset: true, price_per_tib_usd: 5 },
  source: { type: 'segment', columns: { identifies: { email: 'email_address' } } },
  offsite: [{ name: 'linkedin', label: 'LinkedIn', columns: { full_name: 'member_name' } }],
  identity: { crm_ids: [{ name: 'hubspot', column: 'hubspot_id' }] },
};
const config = configSchema.parse(input);
const rawTables = rawSourceTables(config);

/** The raw dataset in the fake: the catalog's tables and columns, 1 GiB each. Convergence checks answer 0. */
function warehouse(tables: CatalogTable[] = rawTables, answer: (sql: string) => FakeAnswer | undefined = () => undefined): FakeBigQuery {
  return new FakeBigQuery({
    project: 'acme-analytics',
    location: 'EU',
    tables: Object.fromEntries(
      tables.map((t) => [`${t.path[1]}.${t.path[2]}`, { columns: t.columns.map((c) => ({ name: c.name, type: c.type })), bytes: GiB }]),
    ),
    answer: (sql, { dryRun }) => answer(sql) ?? (!dryRun && /^SELECT changed FROM/.test(sql) ? { rows: [{ changed: 0 }] } : undefined),
  });
}

/** Analyze statements in order; a CREATE TABLE … AS SELECT adds its table for the statements after it. */
async function analyzeInOrder(statements: string[]): Promise<void> {
  const zs = zetasql();
  await zs.registerCatalog(rawTables);
  for (const [i, sql] of statements.entries()) {
    const res = await zs.expectValid(sql, `statement ${i + 1} of ${statements.length}`);
    if (res.creates) await zs.addTables(res.creates);
  }
}

describe('stitchBigQuery on the fake', () => {
  it('runs the models: dataset created, outputs built partitioned and clustered, published, scratch set to expire, every statement valid BigQuery', async () => {
    const fake = warehouse();
    const result = await stitchBigQuery(config, { client: fake });
    if (result.dryRun) throw new Error('expected a run');
    const report = result.report;
    expect(report.datasetCreated).toBe(true);

    // The published outputs remain, and the scratch tables (set to expire); the staging copies are dropped.
    const left = [...fake.tables.keys()].filter((k) => k.startsWith('journey_stitch.')).map((k) => k.split('.')[1]);
    const expiring = report.jobs.filter((j) => j.model.startsWith('expire ')).map((j) => j.model.slice('expire '.length));
    expect(expiring.length).toBeGreaterThan(10);
    expect(left.sort()).toEqual([...OUTPUT_TABLES, REJECTS_TABLE, ...expiring].sort());
    expect(left.some((t) => t.startsWith('js_next_'))).toBe(false);

    const dataset = '`acme-analytics`.`journey_stitch`';
    const build = (table: string) => fake.sent().find((s) => s.startsWith(`CREATE OR REPLACE TABLE ${dataset}.\`js_next_${table}\`\n`));
    // The event-level and session tables by day (an incremental DELETE bills only the days it touches).
    expect(build('stitched_events')).toMatch(/^CREATE OR REPLACE TABLE \S+\nPARTITION BY DATE\(occurred_at\)\nCLUSTER BY person_id\nAS\n/);
    expect(build('sessions')).toMatch(/^CREATE OR REPLACE TABLE \S+\nPARTITION BY DATE\(started_at\)\nCLUSTER BY person_id\nAS\n/);
    expect(build('session_paths')).toMatch(/^CREATE OR REPLACE TABLE \S+\nPARTITION BY DATE\(first_step_at\)\nCLUSTER BY person_id\nAS\n/);
    for (const table of ['persons', 'identity_links', 'journey_paths'])
      expect(build(table)).toMatch(/^CREATE OR REPLACE TABLE \S+\nCLUSTER BY person_id\nAS\n/);

    // Publishing comes after every model, as free copies, then the cleanup.
    const names = report.jobs.map((j) => j.model);
    const firstPublish = names.indexOf('publish stitched_events');
    expect(names.slice(firstPublish, firstPublish + 7)).toEqual([...OUTPUT_TABLES, REJECTS_TABLE].map((t) => `publish ${t}`));
    expect(names.slice(0, firstPublish).some((n) => n.startsWith('publish') || n.startsWith('drop'))).toBe(false);
    expect(names.slice(firstPublish + 7)).toEqual([
      ...[...OUTPUT_TABLES, REJECTS_TABLE].map((t) => `drop ${t}`),
      ...expiring.map((t) => `expire ${t}`),
    ]);
    expect(fake.sent()).toContain(`CREATE OR REPLACE TABLE ${dataset}.\`persons\` COPY ${dataset}.\`js_next_persons\``);
    expect(report.models.find((m) => m.model === 'publish persons')).toMatchObject({ bytesProcessed: 0, bytesBilled: 0 });

    expect(report.iterations).toEqual({ js_id_propagation: 1, js_anon_propagation: 1 });
    // stitched_events joins three tables the fake sized at 1 GiB (as big as the raw tables they come from).
    expect(report.models.find((m) => m.model === 'stitched_events')).toMatchObject({ jobs: 1, bytesProcessed: 3 * GiB });
    expect(report.totals.bytesProcessed).toBe(report.jobs.reduce((s, j) => s + j.bytesProcessed, 0));
    expect(formatRunReport(report)).toMatch(/^stitched_events\s+3\.00 GiB\s+\d+\.\d slot-s$/m);

    await analyzeInOrder(fake.sent());
  });

  it('a failed run leaves the published tables of the last run untouched', async () => {
    const fake = warehouse();
    await stitchBigQuery(config, { client: fake });
    const before = new Map(fake.tables);
    const failing = warehouse(rawTables, (sql) =>
      sql.includes('`js_next_session_paths`\n') ? { error: { reason: 'invalidQuery', message: 'boom' } } : undefined,
    );
    for (const [k, v] of before) if (k.startsWith('journey_stitch.')) failing.tables.set(k, v);
    failing.datasets.add('journey_stitch');
    await expect(stitchBigQuery(config, { client: failing })).rejects.toThrow(
      "model 'session_paths' failed on BigQuery: boom [invalidQuery, job ",
    );
    for (const table of [...OUTPUT_TABLES, REJECTS_TABLE])
      expect(failing.tables.get(`journey_stitch.${table}`)).toBe(before.get(`journey_stitch.${table}`));
    expect(failing.sent().some((s) => s.includes(' COPY '))).toBe(false);
  });

  it('dry run before the first run: estimates the raw reads, names what it cannot estimate, creates nothing', async () => {
    const fake = warehouse();
    const result = await stitchBigQuery(config, { client: fake, dryRun: true });
    if (!result.dryRun) throw new Error('expected a dry run');
    const { report } = result;
    expect(report.datasetMissing).toBe(true);
    expect(report.estimates.every((e) => e.notEstimated === 'output dataset journey_stitch does not exist yet')).toBe(true);
    expect(fake.datasets.has('journey_stitch')).toBe(false);
    expect(fake.jobs.every((j) => j.configuration?.dryRun)).toBe(true);
    expect(formatDryRun(report)).toContain('output dataset does not exist yet');
  });

  it('dry run after a run: every statement estimated from the kept tables, cost at the configured price', async () => {
    const fake = warehouse();
    await stitchBigQuery(config, { client: fake });
    // The models' statements: tables made, js_events finished in place, loop checks (not the run log's own DML).
    const ran = fake
      .sent({ dryRun: false })
      .filter((s) => /^CREATE OR REPLACE TABLE \S+\n|^SELECT changed|^(?:DELETE FROM|INSERT INTO) `[^`]+`\.`[^`]+`\.`js_events`/.test(s));
    const result = await stitchBigQuery(config, { client: fake, dryRun: true });
    if (!result.dryRun) throw new Error('expected a dry run');
    const { report } = result;
    expect(report.notEstimated).toEqual([]);
    // The staging statement reads the raw tables only: 4 tables of 1 GiB.
    expect(report.estimates[0]).toEqual({ model: 'js_events', bytes: 4 * GiB, billedBytes: 4 * GiB, accuracy: 'PRECISE' });
    expect(report.estimates.find((e) => e.model === 'persons')).toMatchObject({
      bytes: expect.any(Number),
      readsPreviousRun: expect.arrayContaining(['stitched_events']),
    });
    // The cost is of what BigQuery bills: whole MiB, at least 10 MiB per table read, so never less than processed.
    expect(report.billedBytes).toBe(report.estimates.reduce((sum, e) => sum + (e.billedBytes ?? 0), 0));
    expect(report.billedBytes).toBeGreaterThanOrEqual(report.bytes);
    expect(report.costUsd).toBeCloseTo((report.billedBytes / 1024 ** 4) * 5, 12);
    expect(report.maxBytes).toBeGreaterThan(report.bytes);
    // The dry run asks about the statements a run sends (loop bodies once), outputs under their published names.
    const dry = fake.sent({ dryRun: true });
    expect(new Set(dry)).toEqual(new Set(ran.map((s) => s.replaceAll('`js_next_', '`'))));
    await analyzeInOrder(dry);
  });

  it('a raw table missing a required column fails before any job, naming table, column and the fix', async () => {
    const withoutTimestamp = rawTables.map((t) =>
      t.path[2] === 'tracks' ? { ...t, columns: t.columns.filter((c) => c.name !== 'timestamp') } : t,
    );
    const fake = warehouse(withoutTimestamp);
    expect((await rejectedOurs(stitchBigQuery(config, { client: fake }))).message).toBe(
      "acme-analytics.segment_raw: raw table 'tracks' has no column 'timestamp': add it, or map 'timestamp' to an existing column in the config (journey-stitch introspect lists what is there and suggests a mapping)",
    );
    expect(fake.jobs).toEqual([]);
  });

  it('a raw table that is not there fails before any job, naming it and the command that lists what is', async () => {
    const fake = warehouse(rawTables.filter((t) => t.path[2] !== 'identifies'));
    expect((await rejectedOurs(stitchBigQuery(config, { client: fake }))).message).toBe(
      "raw table acme-analytics.segment_raw.identifies does not exist (needed for 'identifies'); run 'journey-stitch introspect' to see the tables and columns the config expects",
    );
    expect(fake.jobs).toEqual([]);
  });

  it('missing optional columns are read as NULL, and the SQL is still valid', async () => {
    const slim = rawTables.map((t) => ({
      ...t,
      columns: t.columns.filter((c) => !c.name.startsWith('context_campaign') && c.name !== 'hubspot_id'),
    }));
    const fake = warehouse(slim);
    await stitchBigQuery(config, { client: fake });
    const zs = zetasql();
    await zs.registerCatalog(slim);
    for (const sql of fake.sent()) {
      const res = await zs.expectValid(sql);
      if (res.creates) await zs.addTables(res.creates);
    }
  });

  it('a failed job stops the run with the model name and BigQuery message', async () => {
    const error = {
      reason: 'resourcesExceeded',
      location: 'query',
      message: 'Resources exceeded during query execution: The query could not be executed in the allotted memory.',
    };
    const fake = warehouse(rawTables, (sql) =>
      sql.startsWith('CREATE OR REPLACE TABLE `acme-analytics`.`journey_stitch`.`js_backfill`') ? { error } : undefined,
    );
    const err = await stitchBigQuery(config, { client: fake }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BigQueryModelError);
    expect((err as Error).message).toMatch(
      /^model 'js_backfill' failed on BigQuery: Resources exceeded during query execution: .* \[resourcesExceeded, job job_fake_\d+\]$/,
    );
    // The failed job is the last before the lock is released.
    const jobs = fake.jobs.filter((j) => !j.configuration?.query?.query.includes('`js_run_lock`'));
    expect(jobs[jobs.length - 1].status.errorResult).toEqual(error);
    expect(fake.sent().some((s) => s.includes('`stitched_events`\nPARTITION'))).toBe(false);
  });

  it('the INFORMATION_SCHEMA query of getColumns is valid BigQuery', async () => {
    const zs = zetasql();
    await zs.registerCatalog(informationSchemaColumns('acme-analytics', 'segment_raw'));
    expect((await zs.expectValid(columnsQuery('acme-analytics', 'segment_raw'))).columns).toEqual([
      { name: 'table_name', type: 'STRING' },
      { name: 'column_name', type: 'STRING' },
      { name: 'data_type', type: 'STRING' },
      { name: 'is_partitioning_column', type: 'STRING' },
    ]);
  });
});

describe('one stitch at a time per output dataset (the lock table js_run_lock)', () => {
  const LOCK = '`acme-analytics`.`journey_stitch`.`js_run_lock`';
  const lockKey = 'journey_stitch.js_run_lock';
  const firstPublish = (sql: string) => sql.startsWith('CREATE OR REPLACE TABLE `acme-analytics`.`journey_stitch`.`stitched_events` COPY ');
  /** A lock as a run elsewhere leaves it. */
  const foreign = { run_id: 'r-cron', host: 'cron-box', pid: 4242, started_at: '2026-01-01T03:00:00.000Z' };

  it('a second run (full or incremental) while one is publishing is refused at once, naming the lock, its holder and the fix; nothing of the first run is touched', async () => {
    const fake = warehouse();
    const { reached, resume } = fake.pauseBefore(firstPublish);
    const first = stitchBigQuery(config, { client: fake });
    await reached;
    const holder = fake.tables.get(lockKey)?.rows?.[0];
    expect(holder).toEqual({
      run_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      host: hostname(),
      pid: process.pid,
      started_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT[\d:.]+Z$/),
    });
    const tables = new Map(fake.tables);
    const before = fake.requests.length;

    const refused = await rejectedOurs(stitchBigQuery(config, { client: fake }));
    expect(refused.message).toBe(
      `another journey-stitch run holds acme-analytics.journey_stitch.js_run_lock: run ${holder!.run_id} on host ${hostname()} (pid ${process.pid}), started ${holder!.started_at}. ` +
        'Runs share their tables in this dataset, so only one may run at a time. Wait for it to end; if it is no longer running (stopped, killed, or its machine gone) ' +
        `and none of its BigQuery jobs is, drop the lock: DROP TABLE ${LOCK}`,
    );
    await expect(stitchBigQuery(config, { client: fake, incremental: true })).rejects.toThrow(
      `another journey-stitch run holds acme-analytics.journey_stitch.js_run_lock: run ${holder!.run_id}`,
    );
    // The refused runs only tried the lock and read its holder; every table is as the first run left it.
    const refusedSent = fake.sent().slice(before);
    const tryLock = `CREATE TABLE ${LOCK}`;
    const readHolder = `SELECT run_id, host, pid, started_at FROM ${LOCK}`;
    expect(refusedSent.map((s) => s.slice(0, s.indexOf(LOCK) + LOCK.length))).toEqual([tryLock, readHolder, tryLock, readHolder]);
    expect([...fake.tables.keys()]).toEqual([...tables.keys()]);
    for (const [key, table] of tables) expect(fake.tables.get(key)).toBe(table);

    // The first run goes on as if alone, publishes, and releases the lock; then the next run goes.
    resume();
    const result = await first;
    if (result.dryRun) throw new Error('expected a run');
    expect(result.report.models.filter((m) => m.model.startsWith('publish '))).toHaveLength(OUTPUT_TABLES.length + 1);
    expect(fake.sent().slice(-2)).toEqual([`SELECT run_id, host, pid, started_at FROM ${LOCK}`, `DROP TABLE ${LOCK}`]);
    expect(fake.tables.has(lockKey)).toBe(false);
    await expect(stitchBigQuery(config, { client: fake })).resolves.toMatchObject({ dryRun: false });
    expect(fake.tables.has(lockKey)).toBe(false);
  });

  it('a failed run releases the lock and throws its own error; the next run goes', async () => {
    let failing = true;
    const fake = warehouse(rawTables, (sql) =>
      failing && sql.includes('`js_next_persons`\n') ? { error: { reason: 'invalidQuery', message: 'boom' } } : undefined,
    );
    await expect(stitchBigQuery(config, { client: fake })).rejects.toThrow("model 'persons' failed on BigQuery: boom");
    expect(fake.sent().slice(-1)).toEqual([`DROP TABLE ${LOCK}`]);
    expect(fake.tables.has(lockKey)).toBe(false);
    failing = false;
    await expect(stitchBigQuery(config, { client: fake })).resolves.toMatchObject({ dryRun: false });
  });

  it('a lock left behind by a stopped run refuses every run (not a dry run, which creates nothing) until the DROP TABLE the error names is run', async () => {
    const fake = warehouse();
    fake.datasets.add('journey_stitch');
    await fake.query(acquireSql(runLock('acme-analytics', 'journey_stitch'), foreign));
    const err = await rejectedOurs(stitchBigQuery(config, { client: fake }));
    expect(err.message).toMatch(
      /^another journey-stitch run holds acme-analytics\.journey_stitch\.js_run_lock: run r-cron on host cron-box \(pid 4242\), started 2026-01-01T03:00:00\.000Z\. /,
    );
    expect(fake.sent().filter((s) => !s.includes(LOCK))).toEqual([]);
    await expect(stitchBigQuery(config, { client: fake, dryRun: true })).resolves.toMatchObject({ dryRun: true });
    expect(fake.sent({ dryRun: false }).filter((s) => !s.includes(LOCK))).toEqual([]);
    await fake.query(/DROP TABLE \S+$/.exec(err.message)![0]);
    await expect(stitchBigQuery(config, { client: fake })).resolves.toMatchObject({ dryRun: false });
  });

  it('a run whose lock was dropped by hand while it ran leaves the lock another run took since, and says so', async () => {
    const fake = warehouse();
    const { reached, resume } = fake.pauseBefore(firstPublish);
    const first = stitchBigQuery(config, { client: fake });
    await reached;
    const lock = runLock('acme-analytics', 'journey_stitch');
    await fake.query(`DROP TABLE ${lock.ref}`);
    await fake.query(acquireSql(lock, foreign));
    resume();
    expect((await rejectedOurs(first)).message).toMatch(
      /: this run's lock \(run [0-9a-f-]{36}\) was dropped while it ran, and run r-cron on host cron-box \(pid 4242\), started 2026-01-01T03:00:00\.000Z holds it now: /,
    );
    expect(fake.tables.get(lockKey)?.rows).toEqual([foreign]);
  });
});
