/**
 * stitchBigQuery with `incremental: true` against the fake: the first run (no run log yet) is the full build
 * that leaves state, staged and published; the second reads the last run, cuts off at its watermark minus the
 * lookback and runs the incremental plan in place, the replacement as one transaction script. Every statement
 * sent is analyzed by ZetaSQL in order (the script parsed, and each of its statements analyzed).
 */
import { configSchema, type ConfigInput } from '../../src/config/schema';
import { OUTPUT_TABLES, REJECTS_TABLE } from '../../src/contract/tables';
import { configHash } from '../../src/warehouse/runRecord';
import { STATE_TABLES } from '../../src/models/incremental';
import { FakeBigQuery, type FakeTable } from '../../src/warehouse/bigquery/fake';
import { formatIncrementalOutcome, formatRunReport, stitchBigQuery } from '../../src/warehouse/bigquery';
import { rawSourceTables, runsCatalogTable } from '../support/bigquery-catalog';
import { useZetaSQL, type CatalogTable } from '../support/zetasql';
import { rejectedOurs } from '../support/errors';

const GiB = 1024 ** 3;
const zetasql = useZetaSQL();

const input: ConfigInput = {
  warehouse: 'bigquery',
  project: 'acme-analytics',
  dataset: 'segment_raw',
  output: { dataset: 'journey_stitch', create_dataset: true },
  source: { type: 'segment' },
  offsite: [{ name: 'linkedin', label: 'LinkedIn' }],
  incremental: { lookback_hours: 6 },
};
const config = configSchema.parse(input);
const rawTables = rawSourceTables(config);
const DATASET = '`acme-analytics`.`journey_stitch`';
const WATERMARK = '2024-03-02 10:00:00.250000';

const RUNS_TABLE = runsCatalogTable('acme-analytics', 'journey_stitch');

type Answer = NonNullable<ConstructorParameters<typeof FakeBigQuery>[0]['answer']>;

/**
 * What the warehouse answers that the fake cannot compute: convergence checks (0), the last run (once a run log
 * exists) and this run's row of the log (mode incremental once a transaction script was sent).
 */
function warehouseAnswers(): Answer {
  let transactions = 0;
  return (sql, { dryRun }) => {
    if (dryRun) return undefined;
    if (sql.startsWith('BEGIN\n')) transactions++;
    if (/^SELECT changed FROM/.test(sql)) return { rows: [{ changed: 0 }] };
    if (sql.startsWith('SELECT FORMAT_TIMESTAMP')) return { rows: [{ watermark: WATERMARK, config_hash: configHash(config) }] };
    const runId = /^SELECT run_id, mode,[\s\S]* WHERE run_id = '([^']+)'$/.exec(sql)?.[1];
    if (!runId) return undefined;
    const mode = transactions > 0 ? 'incremental' : 'full';
    return {
      rows: [
        {
          run_id: runId,
          mode,
          refreshed_at: '2024-03-03 10:00:00.000000',
          watermark: WATERMARK,
          cutoff: null,
          new_events: 12,
          affected_persons: 3,
          rows_rewritten: 41,
          late_rows: 0,
        },
      ],
    };
  };
}

/** The raw dataset (1 GiB per table), or the given tables, and the warehouse's answers. */
function warehouse(tables?: Map<string, FakeTable>, fail?: Answer): FakeBigQuery {
  const answers = warehouseAnswers();
  return new FakeBigQuery({
    project: 'acme-analytics',
    datasets: ['journey_stitch'],
    tables: tables
      ? Object.fromEntries(tables)
      : Object.fromEntries(rawTables.map((t) => [`${t.path[1]}.${t.path[2]}`, { columns: t.columns, bytes: GiB }])),
    answer: (sql, req) => fail?.(sql, req) ?? answers(sql, req),
  });
}

/** What a run sends besides the lock statements (taking, reading and dropping js_run_lock; tested in bigquery-stitch). */
const unlocked = (sent: string[]) => sent.filter((s) => !s.includes('`js_run_lock`'));

/** The statements of the apply transaction script (each ends with ';' on its own line end). */
function transactionStatements(script: string): string[] {
  const body = /^BEGIN\nBEGIN TRANSACTION;\n([\s\S]*)COMMIT TRANSACTION;\nEXCEPTION WHEN ERROR THEN\n/.exec(script)?.[1];
  if (body === undefined) throw new Error(`not a transaction script:\n${script.slice(0, 200)}`);
  return body.split(/;\n/).filter((s) => s.trim() !== '');
}

describe('stitchBigQuery --incremental on the fake', () => {
  it('first run: the full build that leaves state; second run: the incremental plan in place, one transaction, scratch dropped', async () => {
    const fake = warehouse();

    // ---- first run: no run log yet → full build with state, published
    const first = await stitchBigQuery(config, { client: fake, incremental: true });
    if (first.dryRun || !first.incremental) throw new Error('expected an incremental run');
    expect(first.incremental.fullReason).toBe(`no earlier run found (table ${STATE_TABLES.runs})`);
    // The run holds the lock from its first statement to its last.
    expect(fake.sent()[0]).toMatch(/^CREATE TABLE `acme-analytics`.`journey_stitch`.`js_run_lock` AS SELECT /);
    expect(fake.sent().slice(-2)).toEqual([
      `SELECT run_id, host, pid, started_at FROM ${DATASET}.\`js_run_lock\``,
      `DROP TABLE ${DATASET}.\`js_run_lock\``,
    ]);
    const firstSent = unlocked(fake.sent());
    expect(firstSent[0]).toMatch(
      /^SELECT FORMAT_TIMESTAMP\('%F %H:%M:%E6S', watermark\) AS watermark, config_hash FROM \(SELECT watermark, config_hash FROM `acme-analytics`.`journey_stitch`.`journey_stitch_runs`/,
    );
    expect(fake.jobs[1].status.errorResult?.reason).toBe('notFound');
    const names = first.report.jobs.map((j) => j.model);
    const { runs: _inPlace, ...stagedState } = STATE_TABLES;
    const staged = [...OUTPUT_TABLES, REJECTS_TABLE, ...Object.values(stagedState)];
    expect(names.filter((n) => n.startsWith('publish '))).toEqual(staged.map((t) => `publish ${t}`));
    // The run log is appended to in place, never staged, copied or dropped.
    expect(firstSent.some((s) => s.startsWith(`INSERT INTO ${DATASET}.\`${STATE_TABLES.runs}\` (run_id, `))).toBe(true);
    expect(firstSent.some((s) => s.includes(`js_next_${STATE_TABLES.runs}`))).toBe(false);
    // It records the run only once every staged table is published (a failed copy must not leave a log row).
    const logged = firstSent.findIndex((s) => s.startsWith(`INSERT INTO ${DATASET}.\`${STATE_TABLES.runs}\``));
    const lastCopy = firstSent.map((s) => s.includes(' COPY ')).lastIndexOf(true);
    expect(lastCopy).toBeGreaterThan(0);
    expect(logged).toBeGreaterThan(lastCopy);
    expect(firstSent.slice(logged).some((s) => s.startsWith('DROP TABLE IF EXISTS') && s.includes('js_next_'))).toBe(true);
    for (const t of [...staged, STATE_TABLES.runs]) expect(fake.tables.has(`journey_stitch.${t}`)).toBe(true);
    expect([...fake.tables.keys()].some((k) => k.includes('js_next_'))).toBe(false);
    // Event-level state by day: replacing a stored copy's rows bills only its day's partition, not the table.
    for (const t of [STATE_TABLES.events, STATE_TABLES.tokens]) {
      expect(firstSent.find((s) => s.startsWith(`CREATE OR REPLACE TABLE ${DATASET}.\`js_next_${t}\`\n`))).toMatch(
        /\nPARTITION BY DATE\(occurred_at\)\nAS\n/,
      );
    }
    expect(firstSent[firstSent.length - 1]).toMatch(/^SELECT run_id, mode, .* WHERE run_id = '/);
    expect(first.incremental.run).toMatchObject({ mode: 'full', new_events: 12, affected_persons: 3, rows_rewritten: 41 });
    expect(formatIncrementalOutcome(first.incremental)).toBe(
      'full build (no earlier run found (table journey_stitch_runs)), state kept for the next incremental run: 12 new event(s), 3 affected person(s), 41 row(s) rewritten\n',
    );

    // ---- second run: same config → incremental from the watermark minus 6 hours
    const before = fake.requests.length;
    const second = await stitchBigQuery(config, { client: fake, incremental: true });
    if (second.dryRun || !second.incremental) throw new Error('expected an incremental run');
    expect(second.incremental.fullReason).toBeUndefined();
    const sent = unlocked(fake.sent().slice(before));
    expect(sent[0]).toMatch(/^SELECT FORMAT_TIMESTAMP/);
    // The cutoff comes from the run row read: 10:00:00.25 minus lookback_hours (6).
    const cutoff = "CAST('2024-03-02 04:00:00.250000' AS TIMESTAMP)";
    const staging = sent.find((s) => s.startsWith(`CREATE OR REPLACE TABLE ${DATASET}.\`inc_new_js_events\``));
    expect(staging).toContain(`>= ${cutoff}`);
    // The raw timestamp column is a TIMESTAMP: compared bare, so BigQuery prunes the date partitions before the cutoff.
    expect(staging).toContain(`WHERE (raw_rows.\`timestamp\` >= ${cutoff} OR raw_rows.\`timestamp\` IS NULL)`);
    expect(staging).not.toContain('SAFE_CAST(raw_rows.');
    // In place: no staging names, no publish copies; the replacement is one script job, then the scratch is dropped.
    expect(sent.some((s) => s.includes('js_next_') || s.includes(' COPY '))).toBe(false);
    const scriptAt = sent.findIndex((s) => s.startsWith('BEGIN\nBEGIN TRANSACTION;\n'));
    expect(sent.filter((s) => s.includes('BEGIN TRANSACTION'))).toHaveLength(1);
    const models = second.report.models.map((m) => m.model);
    expect(models[models.length - 1]).toMatch(/^apply \(one transaction, \d+ statements\)$/);
    const drops = sent.slice(scriptAt + 1, -1);
    expect(drops.length).toBeGreaterThan(50);
    expect(drops.every((s) => /^DROP TABLE IF EXISTS `acme-analytics`.`journey_stitch`.`(js_inc_|inc_)/.test(s))).toBe(true);
    for (const t of [...OUTPUT_TABLES, REJECTS_TABLE, ...Object.values(STATE_TABLES)])
      expect(fake.tables.has(`journey_stitch.${t}`)).toBe(true);
    expect([...fake.tables.keys()].some((k) => /\.(js_inc_|inc_)/.test(k))).toBe(false);
    expect(sent[sent.length - 1]).toMatch(/^SELECT run_id, mode, .* WHERE run_id = '/);
    expect(second.incremental.run).toMatchObject({ mode: 'incremental', new_events: 12, affected_persons: 3, rows_rewritten: 41 });
    expect(formatRunReport(second.report)).toMatch(/^js_events\s+4\.00 GiB\s+\d+\.\d slot-s$/m);
    expect(second.report.totals.bytesProcessed).toBe(second.report.jobs.reduce((s, j) => s + j.bytesProcessed, 0));

    // ---- every statement, both runs, in order: valid BigQuery against the tables built before it
    const zs = zetasql();
    await zs.registerCatalog([...rawTables]);
    const created = new Map<string, CatalogTable>();
    const add = async (table: CatalogTable) => {
      await zs.addTables(table);
      created.set(table.path.join('.'), table);
    };
    const firstLogRead = fake.sent().findIndex((s) => s.startsWith('SELECT FORMAT_TIMESTAMP'));
    for (const [i, sql] of fake.sent().entries()) {
      const what = `statement ${i + 1}`;
      if (i === firstLogRead) continue; // the run log does not exist yet: BigQuery answered notFound (checked above)
      if (sql.startsWith('BEGIN\n')) {
        expect(await zs.parseScript(sql)).toEqual({ ok: true });
        for (const [j, statement] of transactionStatements(sql).entries())
          await zs.expectValid(statement, `${what}, transaction statement ${j + 1}`);
        continue;
      }
      const copy = /^CREATE OR REPLACE TABLE `([^`]+)`\.`([^`]+)`\.`([^`]+)` COPY `([^`]+)`\.`([^`]+)`\.`([^`]+)`$/.exec(sql);
      const res = await zs.expectValid(sql, what);
      if (res.creates) await add(res.creates);
      else if (sql.startsWith(`CREATE TABLE IF NOT EXISTS ${DATASET}.\`${STATE_TABLES.runs}\``)) await add(RUNS_TABLE);
      else if (copy) await add({ path: copy.slice(1, 4), columns: created.get(copy.slice(4, 7).join('.'))!.columns });
    }
  });

  it('a publish copy that fails leaves no run in the log: the next run is a full build again', async () => {
    const fake = warehouse(undefined, (sql) =>
      sql.includes(' COPY ') && sql.includes(`js_next_${STATE_TABLES.tokens}`)
        ? { error: { reason: 'backendError', message: 'copy failed' } }
        : undefined,
    );
    await expect(stitchBigQuery(config, { client: fake, incremental: true })).rejects.toThrow(/copy failed/);
    expect(fake.sent().some((s) => s.startsWith(`INSERT INTO ${DATASET}.\`${STATE_TABLES.runs}\``))).toBe(false);
  });

  it('after a run that stopped while publishing (some tables copied, some not), the next run is a full build', async () => {
    const fake = warehouse();
    await stitchBigQuery(config, { client: fake, incremental: true });
    const copyFails = (sql: string) =>
      sql.includes(' COPY ') && sql.includes(`js_next_${STATE_TABLES.tokens}`)
        ? { error: { reason: 'backendError', message: 'copy failed' } }
        : undefined;
    const failing = warehouse(fake.tables, copyFails);
    // A full run (another config) stops at a copy; then the config is put back, so the log's last run matches it.
    const changed = configSchema.parse({ ...input, sessions: { inactivity_minutes: 45 } });
    await expect(stitchBigQuery(changed, { client: failing, incremental: true })).rejects.toThrow(/copy failed/);
    // The log still ends with the first run, but some published tables are the failed run's.
    const next = warehouse(failing.tables);
    const result = await stitchBigQuery(config, { client: next, incremental: true });
    if (result.dryRun || !result.incremental) throw new Error('expected an incremental run');
    expect(result.incremental.fullReason).toMatch(/^staged tables of an unfinished run are in journey_stitch \(js_next_/);
    expect([...next.tables.keys()].some((k) => k.includes('.js_next_'))).toBe(false);
  });

  it('a changed config runs the full build again, naming why', async () => {
    const fake = warehouse();
    await stitchBigQuery(config, { client: fake, incremental: true });
    const changed = configSchema.parse({ ...input, sessions: { inactivity_minutes: 45 } });
    const result = await stitchBigQuery(changed, { client: fake, incremental: true });
    if (result.dryRun || !result.incremental) throw new Error('expected an incremental run');
    expect(result.incremental.fullReason).toBe('the config changed since the last run');
    expect(result.report.models.some((m) => m.model === `publish ${STATE_TABLES.events}`)).toBe(true);
  });

  it('a failed replacement leaves no scratch tables, reports the model and releases the lock', async () => {
    const fake = warehouse();
    await stitchBigQuery(config, { client: fake, incremental: true });
    const failing = warehouse(fake.tables, (sql) =>
      sql.startsWith('BEGIN\n') ? { error: { reason: 'invalidQuery', message: 'boom' } } : undefined,
    );
    await expect(stitchBigQuery(config, { client: failing, incremental: true })).rejects.toThrow(
      /^model 'apply \(one transaction, \d+ statements\)' failed on BigQuery: boom/,
    );
    expect([...failing.tables.keys()].some((k) => /\.(js_inc_|inc_)/.test(k))).toBe(false);
    expect(failing.sent().slice(-1)).toEqual([`DROP TABLE ${DATASET}.\`js_run_lock\``]);
    expect(failing.tables.has('journey_stitch.js_run_lock')).toBe(false);
  });

  it('while an incremental run works in place, a second run (incremental or full) is refused and touches none of its tables', async () => {
    const fake = warehouse();
    await stitchBigQuery(config, { client: fake, incremental: true });
    const { reached, resume } = fake.pauseBefore((sql) => sql.startsWith('BEGIN\n'));
    const running = stitchBigQuery(config, { client: fake, incremental: true });
    await reached;
    // Held just before its transaction: its scratch tables are built, the published ones not replaced yet.
    expect([...fake.tables.keys()].some((k) => /\.inc_/.test(k))).toBe(true);
    const tables = new Map(fake.tables);
    const before = fake.requests.length;
    const held = /^another journey-stitch run holds acme-analytics\.journey_stitch\.js_run_lock: run [0-9a-f-]{36} on host /;
    await expect(stitchBigQuery(config, { client: fake, incremental: true })).rejects.toThrow(held);
    await expect(stitchBigQuery(config, { client: fake })).rejects.toThrow(held);
    expect(fake.sent().slice(before)).toHaveLength(4);
    expect(
      fake
        .sent()
        .slice(before)
        .every((s) => s.includes(`${DATASET}.\`js_run_lock\``)),
    ).toBe(true);
    expect([...fake.tables.keys()]).toEqual([...tables.keys()]);
    for (const [key, table] of tables) expect(fake.tables.get(key)).toBe(table);

    resume();
    const result = await running;
    if (result.dryRun || !result.incremental) throw new Error('expected an incremental run');
    expect(result.incremental.run.mode).toBe('incremental');
    expect([...fake.tables.keys()].some((k) => /\.(js_inc_|inc_|js_run_lock$)/.test(k))).toBe(false);
  });

  it("raw tables partitioned by load time (Segment's): the incremental staging reads the partitions since the day before the cutoff's", async () => {
    // INFORMATION_SCHEMA lists an ingestion-time partitioned table's _PARTITIONTIME as its partitioning column.
    const loadPartitioned = rawSourceTables(config, { loadTime: true }).map((t): [string, FakeTable] => [
      `${t.path[1]}.${t.path[2]}`,
      {
        columns: t.columns.map((c) => ({ name: c.name, type: c.type, ...(c.name === '_PARTITIONTIME' && { partitioning: true }) })),
        bytes: GiB,
      },
    ]);
    const fake = warehouse(new Map(loadPartitioned));
    await stitchBigQuery(config, { client: fake, incremental: true });
    expect(fake.sent().join('\n')).not.toContain('_PARTITIONTIME');
    const sentBefore = fake.sent().length;
    await stitchBigQuery(config, { client: fake, incremental: true });
    // Watermark 03-02 10:00:00.25, lookback 6 h: the cutoff is 03-02 04:00:00.25, and 24 h before it is 03-01.
    const staging = fake
      .sent()
      .slice(sentBefore)
      .find((s) => s.includes('`inc_new_js_events`'));
    const loaded = "(raw_rows._PARTITIONTIME >= CAST('2024-03-01 00:00:00' AS TIMESTAMP) OR raw_rows._PARTITIONTIME IS NULL)";
    expect(staging?.split(loaded).length).toBe(loadPartitioned.length + 1);
  });

  it('--dry-run with --incremental is refused before any job', async () => {
    const fake = warehouse();
    expect((await rejectedOurs(stitchBigQuery(config, { client: fake, incremental: true, dryRun: true }))).message).toBe(
      '--dry-run estimates a full stitch; run it without --incremental',
    );
    expect(fake.requests).toEqual([]);
  });
});
