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
import { BIGQUERY_TEST_CONFIG, rawSourceTables, runsCatalogTable } from '../support/bigquery-catalog';
import { useZetaSQL, type CatalogTable } from '../support/zetasql';

const zetasql = useZetaSQL();
const d = new BigQueryDialect();

const base = BIGQUERY_TEST_CONFIG;

const configs: Record<string, ConfigInput> = {
  'minimal segment': base,
  'mapped columns, crm ids, two offsite sources': {
    ...base,
    source: { type: 'rudderstack', columns: { pages: { timestamp: 'sent_at' }, tracks: {}, identifies: { email: 'email_address' } } },
    offsite: [
      { name: 'linkedin', columns: { full_name: 'fullName', timestamp: 'ts', id: 'row_id' } },
      { name: 'twitter', table: 'twitter_export' },
    ],
    identity: { crm_ids: [{ name: 'hubspot', column: 'hubspot_contact_id' }] },
  },
  snowplow: { ...base, source: { type: 'snowplow', columns: { derived_tstamp: 'collector_tstamp' } } },
  // Segment's warehouse loads ingestion-time partitioned tables: incremental runs prune on _PARTITIONTIME.
  'segment tables partitioned by load time': base,
};
const loadTimePartitioned = (name: string) => name.includes('load time');

const statementsOf = (pipeline: Pipeline): SqlStep[] =>
  pipeline.steps.flatMap((s) => (s.kind === 'sql' ? [s] : [...s.body, { kind: 'sql' as const, name: `${s.name} (changed)`, sql: s.changedSql }]));

describe.each(Object.entries(configs))('BigQuery SQL of the incremental refresh (%s)', (name, input) => {
  it('analyzes the full build with state, then every statement of an incremental run', async () => {
    const config = configSchema.parse(input);
    const zs = zetasql();
    const loadTime = loadTimePartitioned(name);
    await zs.registerCatalog(rawSourceTables(config, { loadTime }));
    const raw = (table: string) => {
      const offsite = config.offsite.find((o) => `offsite:${o.name}` === table);
      const name = offsite ? (offsite.table ?? offsite.name) : (config.source.tables as Record<string, string>)[table];
      return d.tableRef(config.project!, config.dataset!, name);
    };
    const common = {
      config,
      dialect: d,
      raw: { ref: raw, columns: () => undefined, ...(loadTime && { loadTimeColumn: () => '_PARTITIONTIME' }) },
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

    const plan = buildIncrementalPlan({ ...common, runId: 'run-2', refreshedAt: '2024-03-03 10:00:00', cutoff: '2024-02-29 10:00:00.123456' });
    const pipeline = incrementalPipeline(plan);
    await analyzeAll(statementsOf(pipeline));
    // Load-time partitions from the day before the cutoff's on (load_margin_hours 24) are read, with the streaming
    // buffer; without that partitioning, nothing names the pseudo column.
    const sent = statementsOf(pipeline).map((s) => s.sql).join('\n');
    const loaded = "(raw_rows._PARTITIONTIME >= CAST('2024-02-28 00:00:00' AS TIMESTAMP) OR raw_rows._PARTITIONTIME IS NULL)";
    if (loadTime) expect(sent.split(loaded).length - 1).toBe(rawSourceTables(config).length);
    else expect(sent).not.toContain('_PARTITIONTIME');
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
