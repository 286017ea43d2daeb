/** The BigQuery runner and dry run against the local fake: jobs in order, statistics, failures, cost arithmetic. */
import { LoopCapError } from '../../src/warehouse/duckdb/run';
import type { Pipeline, SqlStep } from '../../src/sql/pipeline';
import { BigQueryDialect } from '../../src/sql/dialects';
import { BigQueryJobError, jobStatistics, type JobResource } from '../../src/warehouse/bigquery/client';
import { FakeBigQuery, type FakeAnswer } from '../../src/warehouse/bigquery/fake';
import { toJobError } from '../../src/warehouse/bigquery/google';
import {
  BigQueryModelError,
  billedEstimate,
  costUsd,
  dryRunPipeline,
  missingObject,
  runPipelineOnBigQuery,
  totalsByModel,
} from '../../src/warehouse/bigquery/run';
import { tablesRead } from '../../src/warehouse/bigquery/statements';
import { formatBytes, formatDryRun, formatRunReport } from '../../src/warehouse/bigquery';
import { rejectedOurs } from '../support/errors';

const d = new BigQueryDialect();
const MiB = 1024 ** 2;
const GiB = 1024 ** 3;
const TiB = 1024 ** 4;
const PROJECT = 'acme-analytics';
const raw = (t: string) => d.tableRef(PROJECT, 'raw', t);
const out = (t: string) => d.tableRef(PROJECT, 'stitched', t);
/** A statement with what it declares (as the models declare it): the table it creates, its reads, its raw sources. */
const sql = (name: string, text: string, creates?: string, declared: Pick<SqlStep, 'reads' | 'sources' | 'writes'> = {}): SqlStep => ({
  kind: 'sql',
  name,
  sql: text,
  ...(creates ? { creates } : {}),
  ...declared,
});
const target = { outputDataset: 'stitched', createDataset: true, out };

/** raw.events (2 GiB) → scratch `labels`, a loop over it, → output `people`. */
function pipeline(maxIterations = 5): Pipeline {
  return {
    outputs: ['people'],
    scratch: ['labels', 'delta'],
    steps: [
      sql('labels', d.createTableAs(out('labels'), `SELECT id AS node, id AS label FROM ${raw('events')}`), 'labels', {
        sources: ['events'],
      }),
      {
        kind: 'loop',
        name: 'propagate',
        maxIterations,
        body: [
          sql('delta', d.createTableAs(out('delta'), `SELECT COUNT(*) AS changed FROM ${out('labels')}`), 'delta', { reads: ['labels'] }),
          sql('labels', d.createTableAs(out('labels'), `SELECT node, label FROM ${out('labels')}`), 'labels', { reads: ['labels'] }),
        ],
        changedSql: `SELECT changed FROM ${out('delta')}`,
        changedReads: ['delta'],
      },
      sql(
        'people',
        d.createTableAs(out('people'), `SELECT label AS person_id FROM ${out('labels')}`, { clusterBy: ['person_id'] }),
        'people',
        { reads: ['labels'] },
      ),
    ],
  };
}

/** A fake whose raw dataset holds `events` (2 GiB), answering the convergence check from a list of counts. */
function fakeWarehouse(changes: number[], extra: (sql: string, dryRun: boolean) => FakeAnswer | undefined = () => undefined) {
  let checks = 0;
  return new FakeBigQuery({
    project: PROJECT,
    datasets: ['raw'],
    tables: { 'raw.events': { columns: [{ name: 'id', type: 'STRING' }], bytes: 2 * GiB } },
    answer: (text, { dryRun }) => {
      const custom = extra(text, dryRun);
      if (custom) return custom;
      if (!dryRun && text.startsWith('SELECT changed')) return { rows: [{ changed: changes[checks++] ?? 0 }] };
      return undefined;
    },
  });
}

describe('the fake answers with BigQuery job shapes', () => {
  it('records a finished query job with int64 statistics as strings', async () => {
    const fake = fakeWarehouse([]);
    const { job } = await fake.query(`SELECT id FROM ${raw('events')}`);
    expect(job).toMatchObject({
      kind: 'bigquery#job',
      jobReference: { projectId: PROJECT, jobId: 'job_fake_1', location: 'US' },
      configuration: { jobType: 'QUERY', query: { query: `SELECT id FROM ${raw('events')}`, useLegacySql: false } },
      status: { state: 'DONE' },
      statistics: {
        totalBytesProcessed: String(2 * GiB),
        query: { totalBytesProcessed: String(2 * GiB), totalBytesBilled: String(2 * GiB), statementType: 'SELECT', cacheHit: false },
      },
    });
    expect(typeof job.statistics!.query!.totalSlotMs).toBe('string');
    expect(jobStatistics(job)).toEqual({
      bytesProcessed: 2 * GiB,
      bytesBilled: 2 * GiB,
      slotMs: Number(job.statistics!.query!.totalSlotMs),
    });
  });

  it('bills at least 10 MiB per table read, rounded up to whole MiB', async () => {
    const fake = new FakeBigQuery({
      project: PROJECT,
      tables: { 'raw.a': { columns: [], bytes: 1500 }, 'raw.b': { columns: [], bytes: 11 * MiB + 1 } },
    });
    expect(jobStatistics((await fake.query(`SELECT 1 FROM ${raw('a')}`)).job).bytesBilled).toBe(10 * MiB);
    expect(jobStatistics((await fake.query(`SELECT 1 FROM ${raw('a')}, ${raw('a')}`)).job).bytesBilled).toBe(10 * MiB);
    expect(jobStatistics((await fake.query(`SELECT 1 FROM ${raw('a')} JOIN ${raw('b')} ON TRUE`)).job).bytesBilled).toBe(20 * MiB);
    expect(jobStatistics((await fake.query(`SELECT 1 FROM ${raw('b')}`)).job).bytesBilled).toBe(12 * MiB);
  });

  it('dry runs: PRECISE estimate, no slot time, nothing created; invalid dry runs are refused without a job', async () => {
    const fake = fakeWarehouse([]);
    fake.datasets.add('stitched');
    const { job } = await fake.query(d.createTableAs(out('x'), `SELECT id FROM ${raw('events')}`), { dryRun: true });
    expect(job.configuration?.dryRun).toBe(true);
    expect(job.statistics?.query).toMatchObject({
      totalBytesProcessed: String(2 * GiB),
      totalBytesProcessedAccuracy: 'PRECISE',
      statementType: 'CREATE_TABLE_AS_SELECT',
    });
    expect(job.statistics?.totalSlotMs).toBeUndefined();
    expect(fake.tables.has('stitched.x')).toBe(false);
    const refused = await fake.query(`SELECT 1 FROM ${raw('nope')}`, { dryRun: true }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(BigQueryJobError);
    expect(refused).toMatchObject({
      message: `Not found: Table ${PROJECT}:raw.nope was not found in location US`,
      reason: 'notFound',
      job: undefined,
    });
  });

  it('a failed job is DONE with status.errorResult, and thrown with the job', async () => {
    const fake = fakeWarehouse([]);
    const err = (await fake.query(`SELECT 1 FROM ${out('missing')}`).catch((e: unknown) => e)) as BigQueryJobError;
    expect(err.message).toBe(`Not found: Dataset ${PROJECT}:stitched was not found in location US`);
    expect(err.job?.status).toEqual({ state: 'DONE', errorResult: err.error, errors: [err.error] });
    expect(fake.jobs).toHaveLength(1);
  });

  it('a plain CREATE TABLE of a table that exists fails with reason duplicate; OR REPLACE and IF NOT EXISTS do not', async () => {
    const fake = fakeWarehouse([]);
    fake.datasets.add('stitched');
    await fake.query(`CREATE TABLE ${out('lock')} AS SELECT 1 AS n`);
    const err = (await fake.query(`CREATE TABLE ${out('lock')} AS SELECT 2 AS n`).catch((e: unknown) => e)) as BigQueryJobError;
    expect(err).toBeInstanceOf(BigQueryJobError);
    expect(err).toMatchObject({ reason: 'duplicate', message: `Already Exists: Table ${PROJECT}:stitched.lock` });
    expect(err.job?.status.errorResult?.reason).toBe('duplicate');
    expect((await fake.query(`SELECT n FROM ${out('lock')}`)).rows).toEqual([{ n: 1 }]);
    await fake.query(`CREATE TABLE IF NOT EXISTS ${out('lock')} AS SELECT 3 AS n`);
    await fake.query(`CREATE OR REPLACE TABLE ${out('lock')} AS SELECT 4 AS n`);
    await fake.query(`DROP TABLE ${out('lock')}`);
    await fake.query(`CREATE TABLE ${out('lock')} AS SELECT 5 AS n`);
    expect((await fake.query(`SELECT n FROM ${out('lock')}`)).rows).toEqual([{ n: 5 }]);
  });

  it('keeps the row of a CREATE TABLE … AS SELECT of literals, and answers a SELECT of its columns with it', async () => {
    const fake = fakeWarehouse([]);
    fake.datasets.add('stitched');
    const text = "it's, a \\ 'x' AS y\nline";
    await fake.query(`CREATE TABLE ${out('t')} AS SELECT ${d.stringLiteral(text)} AS note, 42 AS n, -1 AS m`);
    expect((await fake.query(`SELECT n, note, missing FROM ${out('t')}`)).rows).toEqual([{ n: 42, note: text, missing: null }]);
    // Anything else is not evaluated: no rows.
    expect((await fake.query(`SELECT n FROM ${out('t')} WHERE n = 1`)).rows).toEqual([]);
    await fake.query(d.createTableAs(out('u'), `SELECT id FROM ${raw('events')}`));
    expect((await fake.query(`SELECT id FROM ${out('u')}`)).rows).toEqual([]);
  });

  it('pauseBefore holds a statement back until resumed; other statements go meanwhile', async () => {
    const fake = fakeWarehouse([]);
    const { reached, resume } = fake.pauseBefore((s) => s.includes('held'));
    const held = fake.query(`SELECT 'held' AS x FROM ${raw('events')}`);
    await reached;
    await fake.query(`SELECT 'other' AS x FROM ${raw('events')}`);
    expect(fake.sent()).toEqual([`SELECT 'other' AS x FROM ${raw('events')}`]);
    resume();
    await held;
    expect(fake.sent()).toHaveLength(2);
    expect(fake.sent()[1]).toContain('held');
  });
});

describe('toJobError: client library errors as BigQuery reports them', () => {
  it('takes a failed job from ApiError.response (jobs.insert answered with a failed job)', () => {
    const job: JobResource = {
      jobReference: { projectId: PROJECT, jobId: 'abc', location: 'US' },
      status: { state: 'DONE', errorResult: { reason: 'invalidQuery', location: 'query', message: 'Unrecognized name: idd at [1:8]' } },
    };
    const apiError = Object.assign(new Error('Unrecognized name: idd at [1:8]'), { errors: [job.status.errorResult], response: job });
    const err = toJobError(apiError);
    expect(err).toMatchObject({ message: 'Unrecognized name: idd at [1:8]', reason: 'invalidQuery', job });
  });

  it('takes the first ErrorProto of an HTTP error (invalid dry run, permissions)', () => {
    const apiError = Object.assign(new Error('Access Denied: ...'), {
      code: 403,
      errors: [
        {
          message: 'Access Denied: Project acme-analytics: User does not have bigquery.jobs.create permission',
          domain: 'global',
          reason: 'accessDenied',
        },
      ],
    });
    expect(toJobError(apiError)).toMatchObject({
      reason: 'accessDenied',
      message: expect.stringContaining('bigquery.jobs.create'),
      job: undefined,
    });
    expect(toJobError(new Error('socket hang up'))).toMatchObject({ message: 'socket hang up', reason: undefined });
    expect(
      toJobError(
        new Error(
          'Could not load the default credentials. Browse to https://cloud.google.com/docs/authentication/getting-started for more information.',
        ),
      ).message,
    ).toMatch(
      /default credentials.*: run `gcloud auth application-default login`, or name a service account key file as key_file in the config$/,
    );
  });

  it('reads the missing table or dataset out of a notFound message', () => {
    const e = (message: string) => new BigQueryJobError({ reason: 'notFound', message });
    expect(missingObject(e('Not found: Table acme-analytics:stitched.js_events was not found in location EU'))).toEqual({
      dataset: 'stitched',
      table: 'js_events',
    });
    expect(missingObject(e('Not found: Dataset acme-analytics:stitched was not found in location US'))).toEqual({ dataset: 'stitched' });
    expect(missingObject(new BigQueryJobError({ reason: 'invalidQuery', message: 'Not found: Table a:b.c' }))).toBeUndefined();
  });
});

describe('runPipelineOnBigQuery', () => {
  it('creates the output dataset, runs the jobs in order, loops until nothing changes, sets scratch tables to expire', async () => {
    const fake = fakeWarehouse([4, 1, 0]);
    const seen: string[] = [];
    const report = await runPipelineOnBigQuery(fake, pipeline(), target, { onJob: (j) => seen.push(j.model) });
    expect(report.datasetCreated).toBe(true);
    expect(fake.datasets.has('stitched')).toBe(true);
    const loop = ['delta', 'labels', 'propagate (convergence check)'];
    const models = ['labels', ...loop, ...loop, ...loop, 'people', 'expire labels', 'expire delta'];
    expect(report.jobs.map((j) => j.model)).toEqual(models);
    expect(seen).toEqual(models);
    expect(fake.sent()).toEqual(report.jobs.map((_, i) => fake.jobs[i].configuration!.query!.query));
    expect(fake.sent()[fake.sent().length - 1]).toBe(
      `ALTER TABLE ${out('delta')} SET OPTIONS (expiration_timestamp = TIMESTAMP_ADD(CURRENT_TIMESTAMP(), INTERVAL 7 DAY))`,
    );
    expect(report.iterations).toEqual({ propagate: 3 });
    expect(report.jobs[1]).toMatchObject({
      model: 'delta',
      loop: { name: 'propagate', iteration: 1 },
      table: 'delta',
      jobId: 'job_fake_2',
    });
    expect([...fake.tables.keys()].sort()).toEqual(['raw.events', 'stitched.delta', 'stitched.labels', 'stitched.people']);
  });

  it('sums bytes and slot time per model and in total, from the job statistics', async () => {
    const fake = fakeWarehouse([1, 0]);
    const report = await runPipelineOnBigQuery(fake, pipeline(), target);
    const fromJobs = fake.jobs.map((j) => jobStatistics(j));
    const sum = (k: 'bytesProcessed' | 'bytesBilled' | 'slotMs') => fromJobs.reduce((s, x) => s + x[k], 0);
    expect(report.totals).toEqual({ bytesProcessed: sum('bytesProcessed'), bytesBilled: sum('bytesBilled'), slotMs: sum('slotMs') });
    const labels = report.models.find((m) => m.model === 'labels')!;
    expect(labels.jobs).toBe(3); // once before the loop, once per iteration
    // The first labels job scans raw.events (2 GiB); each loop labels job scans the 2 GiB labels table it replaces.
    expect(labels.bytesProcessed).toBe(6 * GiB);
    expect(report.models.map((m) => m.model)).toEqual([
      'labels',
      'delta',
      'propagate (convergence check)',
      'people',
      'expire labels',
      'expire delta',
    ]);
    expect(totalsByModel(report.jobs)).toEqual(report.models);
    const text = formatRunReport(report);
    expect(text).toMatch(/^labels\s+6\.00 GiB\s+\d+\.\d slot-s \(3 jobs\)$/m);
    expect(text).toContain('loop propagate: converged after 2 iteration(s)');
    expect(text).toContain(`total: ${formatBytes(report.totals.bytesProcessed)} processed`);
  });

  it('stops at the first failed job with the model name and BigQuery message; nothing after it runs', async () => {
    const failure = { reason: 'invalidQuery', location: 'query', message: 'Query error: Division by zero: 1 / 0 at [1:8]' };
    const fake = fakeWarehouse([3, 0], (text, dryRun) =>
      !dryRun && text.includes('COUNT(*) AS changed') ? { error: failure } : undefined,
    );
    const err = (await runPipelineOnBigQuery(fake, pipeline(), target).catch((e: unknown) => e)) as BigQueryModelError;
    expect(err).toBeInstanceOf(BigQueryModelError);
    expect(err.message).toBe(
      "model 'delta' (loop 'propagate', iteration 1) failed on BigQuery: Query error: Division by zero: 1 / 0 at [1:8] [invalidQuery, job job_fake_2]",
    );
    expect(err.model).toBe('delta');
    expect(fake.jobs.map((j) => j.status.errorResult?.reason ?? 'ok')).toEqual(['ok', 'invalidQuery']);
  });

  it('refuses to run into a missing dataset unless create_dataset is set', async () => {
    const fake = fakeWarehouse([0]);
    expect((await rejectedOurs(runPipelineOnBigQuery(fake, pipeline(), { ...target, createDataset: false }))).message).toBe(
      `output dataset ${PROJECT}.stitched does not exist: create it (location US), or set output.create_dataset: true in the config`,
    );
    expect(fake.jobs).toEqual([]);
  });

  it('defers only the statements that write an in-place output until the staged ones are published, not those that read it', async () => {
    // people is staged (js_next_people, copied over people at the end); the run log is written in place.
    const staged = (t: string) => out(t === 'people' ? 'js_next_people' : t);
    const runs = (text: string) => sql('log the run', text, undefined, { reads: ['people'], writes: ['runs'] });
    const withLog: Pipeline = {
      outputs: ['people', 'runs'],
      scratch: ['last_run'],
      steps: [
        sql('people', d.createTableAs(staged('people'), `SELECT id AS person_id FROM ${raw('events')}`), 'people', { sources: ['events'] }),
        // Only reads the run log (the last run's watermark): it must run where it stands, before publishing.
        sql('last_run', d.createTableAs(out('last_run'), `SELECT MAX(watermark) AS watermark FROM ${out('runs')}`), 'last_run', {
          reads: ['runs'],
        }),
        runs(`INSERT INTO ${out('runs')} SELECT COUNT(*) AS people FROM ${staged('people')}`),
      ],
    };
    const fake = fakeWarehouse([]);
    fake.tables.set('stitched.runs', { columns: [], bytes: MiB });
    const report = await runPipelineOnBigQuery(fake, withLog, { ...target, out: staged, publish: out });
    expect(report.jobs.map((j) => j.model)).toEqual([
      'people',
      'last_run',
      'publish people',
      'log the run',
      'drop people',
      'expire last_run',
    ]);
  });

  it('fails a loop that is still changing at its cap', async () => {
    const fake = fakeWarehouse([5, 4, 3]);
    await expect(runPipelineOnBigQuery(fake, pipeline(3), target)).rejects.toThrow(LoopCapError);
    expect(fake.sent().filter((s) => s.startsWith('SELECT changed'))).toHaveLength(3);
  });
});

describe('dryRunPipeline', () => {
  const dryTarget = { outputDataset: 'stitched', out, pricePerTibUsd: 6.25 };

  it('bills whole MiB, at least 10 MiB per table a statement reads (not the one it creates)', () => {
    expect(billedEstimate(64, 1)).toBe(10 * MiB);
    expect(billedEstimate(64, 3)).toBe(30 * MiB);
    expect(billedEstimate(2 * GiB + 1, 2)).toBe(2 * GiB + MiB);
    expect(billedEstimate(0, 0)).toBe(0);
    const t = (name: string) => `\`p\`.\`d\`.\`${name}\``;
    expect(
      tablesRead(
        `CREATE OR REPLACE TABLE ${t('out')}\nAS\nSELECT * FROM ${t('a')} JOIN ${t('b')} USING (id) JOIN ${t('a')} AS again USING (id)`,
      ),
    ).toEqual([t('a'), t('b')]);
    expect(tablesRead(`DELETE FROM ${t('out')} WHERE id IN (SELECT id FROM ${t('a')})`)).toEqual([t('out'), t('a')]);
  });

  it('costs bytes at the price per TiB', () => {
    expect(costUsd(TiB, 6.25)).toBe(6.25);
    expect(costUsd(TiB / 4, 5)).toBe(1.25);
    expect(costUsd(0, 6.25)).toBe(0);
  });

  it('on a first run: estimates what reads raw tables, says which statements wait for tables the run builds', async () => {
    const fake = fakeWarehouse([]);
    fake.datasets.add('stitched');
    const report = await dryRunPipeline(fake, pipeline(), dryTarget);
    expect(report.estimates[0]).toEqual({ model: 'labels', bytes: 2 * GiB, billedBytes: 2 * GiB, accuracy: 'PRECISE' });
    expect(report.estimates.slice(1)).toEqual([
      { model: 'delta', loop: 'propagate', notEstimated: 'reads labels, which this run builds first' },
      { model: 'labels', loop: 'propagate', notEstimated: 'reads labels, which this run builds first' },
      { model: 'propagate (convergence check)', loop: 'propagate', notEstimated: 'reads delta, which this run builds first' },
      { model: 'people', notEstimated: 'reads labels, which this run builds first' },
    ]);
    expect(report).toMatchObject({
      bytes: 2 * GiB,
      maxBytes: 2 * GiB,
      notEstimated: ['delta', 'labels', 'propagate (convergence check)', 'people'],
      datasetMissing: false,
    });
    expect(report.costUsd).toBeCloseTo((2 / 1024) * 6.25, 12);
    expect(fake.jobs.every((j) => j.configuration?.dryRun)).toBe(true);
    expect(fake.tables.size).toBe(1);
    expect(formatDryRun(report)).toContain('4 statement(s) could not be estimated');
  });

  it('after a run: estimates every statement from the current sizes, loops counted once and at the cap', async () => {
    // delta holds one count: make it 64 bytes (by default the fake sizes a new table by the bytes it read).
    const fake = fakeWarehouse([0], (text, dryRun) => (!dryRun && text.includes('AS changed') ? { createdBytes: 64 } : undefined));
    await runPipelineOnBigQuery(fake, pipeline(), target);
    fake.jobs.length = 0;
    const report = await dryRunPipeline(fake, pipeline(5), dryTarget);
    expect(report.notEstimated).toEqual([]);
    // labels (scratch, kept until it expires) is 2 GiB, delta 64 bytes.
    const bytes = report.estimates.map((e) => e.bytes);
    expect(bytes).toEqual([2 * GiB, 2 * GiB, 2 * GiB, 64, 2 * GiB]);
    expect(report.bytes).toBe(8 * GiB + 64);
    expect(report.maxBytes).toBe(2 * GiB + 5 * (4 * GiB + 64) + 2 * GiB);
    // Billed: the convergence check reads the 64-byte delta table, which BigQuery bills as 10 MiB.
    expect(report.estimates.map((e) => e.billedBytes)).toEqual([2 * GiB, 2 * GiB, 2 * GiB, 10 * MiB, 2 * GiB]);
    expect(report.billedBytes).toBe(8 * GiB + 10 * MiB);
    expect(report.maxBilledBytes).toBe(2 * GiB + 5 * (4 * GiB + 10 * MiB) + 2 * GiB);
    expect(report.costUsd).toBeCloseTo(((8 * GiB + 10 * MiB) / TiB) * 6.25, 12);
    expect(report.maxCostUsd).toBeCloseTo((report.maxBilledBytes / TiB) * 6.25, 12);
    expect(report.estimates[4]).toEqual({
      model: 'people',
      bytes: 2 * GiB,
      billedBytes: 2 * GiB,
      accuracy: 'PRECISE',
      readsPreviousRun: ['labels'],
    });
    expect(formatDryRun(report)).toMatch(
      /estimate: 8\.00 GiB processed, 8\.01 GiB billed, \$0\.05 at \$6\.25\/TiB \(loops once\); up to 24\.00 GiB processed, 24\.05 GiB billed, \$0\.15 at the iteration caps/,
    );
  });

  it('when the output dataset is missing: nothing that writes there is estimated, and it says why', async () => {
    const fake = fakeWarehouse([]);
    const report = await dryRunPipeline(fake, pipeline(), dryTarget);
    expect(report.datasetMissing).toBe(true);
    expect(report.estimates[0]).toEqual({ model: 'labels', notEstimated: 'output dataset stitched does not exist yet' });
    expect(fake.datasets.has('stitched')).toBe(false);
  });

  it('a real error (a raw table missing) stops the dry run with the model name', async () => {
    const fake = new FakeBigQuery({ project: PROJECT, datasets: ['raw', 'stitched'] });
    await expect(dryRunPipeline(fake, pipeline(), dryTarget)).rejects.toThrow(
      `model 'labels' failed on BigQuery: Not found: Table ${PROJECT}:raw.events was not found in location US [notFound]`,
    );
  });
});
