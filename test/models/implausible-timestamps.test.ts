/**
 * Implausible event times (a device clock at 1970, one in 2099) are rejected by staging with their reason, on
 * DuckDB and in the BigQuery SQL (evaluated by ZetaSQL's reference implementation), so the day-partitioned tables
 * never receive them: every accepted day lies within the timestamps window, at most MAX_TIMESTAMP_AGE_DAYS long.
 */
import { MAX_TIMESTAMP_AGE_DAYS } from '../../src/config/schema';
import { buildPipeline } from '../../src/models';
import { BigQueryDialect, DuckDBDialect } from '../../src/sql/dialects';
import type { Dialect } from '../../src/sql/dialect';
import type { SqlStep } from '../../src/sql/pipeline';
import { openMemoryDb, queryRows } from '../support/duckdb';
import { testConfig } from '../support/scenarios';
import { useZetaSQL } from '../support/zetasql';

const zetasql = useZetaSQL();
const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '+00');

/** Page rows as a literal subquery (raw tables as SQL), with the times to stage. */
const PAGES: [string, string][] = [
  ['epoch', '1970-01-01 00:00:00+00'],
  ['y2099', '2099-12-31 23:59:59+00'],
  ['now', iso(Date.now())],
  ['old-but-plausible', iso(Date.now() - 3000 * DAY)],
  ['too-old', iso(Date.now() - 3651 * DAY)],
  ['tomorrow-morning', iso(Date.now() + 2 * 3_600_000)],
  ['next-week', iso(Date.now() + 7 * DAY)],
];

function stagedSql(d: Dialect): string {
  const empty = (cols: string[]) =>
    `(SELECT ${cols.map((c) => `${d.nullOf('string')} AS ${d.quoteIdent(c)}`).join(', ')} FROM (SELECT 1 AS x) AS none WHERE FALSE)`;
  const pages = `(${PAGES.map(([id, ts]) => `SELECT ${d.stringLiteral(id)} AS id, 'a1' AS anonymous_id, ${d.stringLiteral(ts)} AS ${d.quoteIdent('timestamp')}`).join(' UNION ALL ')})`;
  const tables: Record<string, [string, string[]]> = {
    pages: [pages, ['id', 'anonymous_id', 'timestamp']],
    tracks: [empty(['id', 'anonymous_id', 'timestamp', 'event']), ['id', 'anonymous_id', 'timestamp', 'event']],
    identifies: [empty(['id', 'anonymous_id', 'timestamp']), ['id', 'anonymous_id', 'timestamp']],
  };
  const config = { ...testConfig(), offsite: [] };
  const pipeline = buildPipeline({
    config,
    dialect: d,
    raw: { ref: (t) => tables[t][0], columns: (t) => new Set(tables[t][1]) },
    out: (t) => d.quoteIdent(t),
  });
  const staged = pipeline.steps.find((s): s is SqlStep => s.kind === 'sql' && s.name === 'js_events')!;
  // The statement creates the scratch table from one SELECT: the SELECT is what runs here.
  const select = staged.sql.replace(/^CREATE OR REPLACE (TEMP )?TABLE [\s\S]*?\bAS\n/, '');
  return `SELECT event_id, reject_reason FROM (${select}) AS s ORDER BY event_id`;
}

const EXPECTED = [
  { event_id: 'epoch', reject_reason: 'implausible timestamp' },
  { event_id: 'next-week', reject_reason: 'implausible timestamp' },
  { event_id: 'now', reject_reason: null },
  { event_id: 'old-but-plausible', reject_reason: null },
  { event_id: 'tomorrow-morning', reject_reason: null },
  { event_id: 'too-old', reject_reason: 'implausible timestamp' },
  { event_id: 'y2099', reject_reason: 'implausible timestamp' },
];

test('DuckDB: 1970, 2099 and times outside the default window (3,650 days back, 24 hours ahead) are rejected', async () => {
  const db = await openMemoryDb();
  try {
    await db.conn.run(`SET TimeZone = 'UTC'`);
    expect(await queryRows(db.conn, stagedSql(new DuckDBDialect()))).toEqual(EXPECTED);
  } finally {
    db.close();
  }
});

test('BigQuery (ZetaSQL): the same rows are rejected by the same SQL', async () => {
  const rows = await zetasql().evaluateQuery(stagedSql(new BigQueryDialect()));
  expect(rows).toEqual(EXPECTED);
});

test('the window cannot be configured past what BigQuery partitions in one job', () => {
  expect(() => testConfig({ timestamps: { max_age_days: MAX_TIMESTAMP_AGE_DAYS + 1 } })).toThrow(
    /at most 3990: BigQuery writes at most 4,000 day partitions/,
  );
  expect(MAX_TIMESTAMP_AGE_DAYS + 1 + 7).toBeLessThan(4000);
});
