/**
 * The incremental plan rendered for BigQuery, analyzed by ZetaSQL statement by statement in run order: first the
 * full build with its state tables, then an incremental run (staging the new rows, the closure loops, the
 * recomputation, and the DELETE/INSERT replacement inside a transaction). Each CREATE TABLE adds its table to
 * the catalog, so every later statement is checked against the columns really produced.
 */
import { configSchema, type ConfigInput } from '../../src/config/schema';
import { buildFullPipeline, buildIncrementalPlan, incrementalPipeline, lastRunSql, STATE_TABLES } from '../../src/models/incremental';
import type { Pipeline, SqlStep } from '../../src/sql/pipeline';
import { BigQueryDialect } from '../../src/sql/dialects';
import { toScript } from '../../src/sql/script';
import type { PartitionColumn } from '../../src/models/types';
import { BIGQUERY_TEST_CONFIG, rawSourceTables, runsCatalogTable } from '../support/bigquery-catalog';
import { useZetaSQL, type CatalogTable } from '../support/zetasql';

const zetasql = useZetaSQL();
const d = new BigQueryDialect();

const base = BIGQUERY_TEST_CONFIG;

/** A raw table partitioned on a time other than the event's: the column, and whether the catalog must add it. */
interface Partitioning {
  column: PartitionColumn;
  /** A real column the raw tables get (pseudo columns come from rawSourceTables' loadTime). */
  add?: boolean;
}

const configs: Record<string, { input: ConfigInput; partitioning?: Partitioning }> = {
  'minimal segment': { input: base },
  'mapped columns, crm ids, two offsite sources': {
    input: {
      ...base,
      source: { type: 'rudderstack', columns: { pages: { timestamp: 'sent_at' }, tracks: {}, identifies: { email: 'email_address' } } },
      offsite: [
        { name: 'linkedin', columns: { full_name: 'fullName', timestamp: 'ts', id: 'row_id' } },
        { name: 'twitter', table: 'twitter_export' },
      ],
      identity: { crm_ids: [{ name: 'hubspot', column: 'hubspot_contact_id' }], backstitch_days: 30 },
    },
  },
  snowplow: { input: { ...base, source: { type: 'snowplow', columns: { derived_tstamp: 'collector_tstamp' } } } },
  // Segment's warehouse loads ingestion-time partitioned tables: incremental runs prune on _PARTITIONTIME.
  'segment tables partitioned by load time': {
    input: base,
    partitioning: { column: { name: '_PARTITIONTIME', type: 'TIMESTAMP', pseudo: true } },
  },
  // Snowplow's BigQuery loader partitions events by the collector's time, not derived_tstamp.
  'snowplow partitioned on collector_tstamp': {
    input: { ...base, source: { type: 'snowplow' } },
    partitioning: { column: { name: 'collector_tstamp', type: 'TIMESTAMP' }, add: true },
  },
  'tables partitioned on a DATE column': { input: base, partitioning: { column: { name: 'load_date', type: 'DATE' }, add: true } },
};

/** How the partition filter's bound is written for each column type (cutoff 2024-02-29 10:00, margin 24 h). */
const BOUNDS: Record<PartitionColumn['type'], string> = {
  TIMESTAMP: "CAST('2024-02-28 00:00:00' AS TIMESTAMP)",
  DATE: "CAST('2024-02-28' AS DATE)",
  DATETIME: "CAST('2024-02-28 00:00:00' AS DATETIME)",
};

const statementsOf = (pipeline: Pipeline): SqlStep[] =>
  pipeline.steps.flatMap((s) =>
    s.kind === 'sql' ? [s] : [...s.body, { kind: 'sql' as const, name: `${s.name} (changed)`, sql: s.changedSql }],
  );

describe.each(Object.entries(configs))('BigQuery SQL of the incremental refresh (%s)', (_name, { input, partitioning }) => {
  it('analyzes the full build with state, then every statement of an incremental run', async () => {
    const config = configSchema.parse(input);
    const zs = zetasql();
    const tables = rawSourceTables(config, { loadTime: partitioning?.column.pseudo ?? false });
    const extra = partitioning?.add ? [{ name: partitioning.column.name, type: partitioning.column.type }] : [];
    await zs.registerCatalog(tables.map((t) => ({ ...t, columns: [...t.columns, ...extra] })));
    const raw = (table: string) => {
      const offsite = config.offsite.find((o) => `offsite:${o.name}` === table);
      const name = offsite ? (offsite.table ?? offsite.name) : (config.source.tables as Record<string, string>)[table];
      return d.tableRef(config.project!, config.dataset!, name);
    };
    const common = {
      config,
      dialect: d,
      raw: { ref: raw, columns: () => undefined, ...(partitioning && { partitionColumn: () => partitioning.column }) },
      out: (t: string) => d.tableRef(config.project!, 'journey_stitch', t),
      runId: "run-1 'quoted'",
      refreshedAt: '2024-03-02 10:00:00',
      configHash: 'abc',
      lookbackHours: 72,
    };
    const created = new Map<string, CatalogTable>();
    const analyzeAll = async (statements: SqlStep[]) => {
      for (const step of statements) {
        const res = await zs.expectValid(step.sql, `step '${step.name}'`);
        if (res.creates) {
          await zs.addTables(res.creates);
          created.set(res.creates.path[res.creates.path.length - 1], res.creates);
        } else if (step.name === `${STATE_TABLES.runs} (create)`) {
          await zs.addTables(runsCatalogTable(config.project!, 'journey_stitch'));
        }
      }
    };

    await analyzeAll(statementsOf(buildFullPipeline(common)));
    const last = await zs.expectValid(lastRunSql(common), 'last run query');
    expect(last.columns?.map((c) => c.type)).toEqual(['TIMESTAMP', 'STRING']);

    const plan = buildIncrementalPlan({
      ...common,
      runId: 'run-2',
      refreshedAt: '2024-03-03 10:00:00',
      cutoff: '2024-02-29 10:00:00.123456',
    });
    const pipeline = incrementalPipeline(plan);
    await analyzeAll(statementsOf(pipeline));
    // Partitions from the day before the cutoff's on (load_margin_hours 24) are read, with the rows that have none;
    // without such partitioning nothing else narrows the raw tables.
    const sent = statementsOf(pipeline)
      .map((s) => s.sql)
      .join('\n');
    if (partitioning) {
      const { name, type, pseudo } = partitioning.column;
      const ref = `raw_rows.${pseudo ? name : d.quoteIdent(name)}`;
      expect(sent.split(`(${ref} >= ${BOUNDS[type]} OR ${ref} IS NULL)`).length - 1).toBe(tables.length);
    } else expect(sent).not.toMatch(/_PARTITIONTIME|collector_tstamp` >=|load_date/);
    expect(pipeline.steps.map((s) => s.name)).toEqual(expect.arrayContaining(['begin', 'commit']));

    // The recomputed tables have the same columns as the outputs they replace (INSERT … SELECT * relies on it).
    for (const table of ['stitched_events', 'persons', 'identity_links', 'sessions', 'journey_paths', 'session_paths']) {
      expect(created.get(`inc_delta_${table}`)?.columns).toEqual(created.get(table)?.columns);
    }
    // The whole run as one BigQuery script (WHILE loops, the transaction) parses.
    const script = toScript(pipeline, d);
    expect(script).toContain('BEGIN TRANSACTION;');
    const parsed = await zs.parseScript(script);
    expect(parsed).toEqual({ ok: true });
  });
});
