/**
 * Every statement the models emit for BigQuery, analyzed by ZetaSQL in pipeline order: each CREATE TABLE adds
 * its table to the catalog, so later statements are checked against the columns and types really produced.
 */
import { configSchema, type ConfigInput } from '../../src/config/schema';
import { outputTables } from '../../src/contract/tables';
import { buildPipeline } from '../../src/models';
import { rawTableName } from '../../src/models/raw-tables';
import type { SqlStep } from '../../src/sql/pipeline';
import { BigQueryDialect } from '../../src/sql/dialects';
import { BIGQUERY_TEST_CONFIG, rawSourceTables } from '../support/bigquery-catalog';
import { useZetaSQL, type CatalogTable } from '../support/zetasql';

const zetasql = useZetaSQL();
const d = new BigQueryDialect();

const base = BIGQUERY_TEST_CONFIG;

const configs: Record<string, ConfigInput> = {
  'minimal segment': base,
  'custom columns, crm ids, two offsite sources, junk pattern': {
    ...base,
    source: {
      type: 'rudderstack',
      tables: { pages: 'web_pages', tracks: 'web_tracks', identifies: 'web_identifies' },
      columns: {
        pages: { timestamp: 'sent_at', context_page_url: 'url' },
        tracks: { event: 'event_text' },
        identifies: { email: 'email_address' },
      },
    },
    offsite: [
      { name: 'linkedin', columns: { full_name: 'fullName', profile_url: 'profileUrl', id: 'row_id' } },
      { name: 'twitter', table: 'twitter_export' },
    ],
    identity: {
      crm_ids: [{ name: 'hubspot', column: 'hubspot_contact_id' }],
      junk_pattern: '^test',
      email_query_params: ['email', 'e'],
      backstitch_days: 30,
    },
  },
  snowplow: { ...base, source: { type: 'snowplow', columns: { derived_tstamp: 'collector_tstamp' } } },
  'snowplow with user traits (a JSON path into a context column, a name column)': {
    ...base,
    source: { type: 'snowplow', user_traits: { email: { column: 'contexts_com_acme_user_1', path: '$[0].email' }, name: 'user name' } },
  },
  // LinkedIn's Connections.csv loaded as a table, its headers kept: spaces, and names with quotes and a backtick.
  'linkedin connections, awkward column names': {
    ...base,
    offsite: [
      {
        name: 'connections',
        format: 'linkedin_connections',
        columns: {
          first_name: 'First Name',
          last_name: "Last 'Name'",
          profile_url: 'URL',
          timestamp: 'Connected On',
          company: 'Com`pany',
          headline: 'Po"sition',
        },
      },
    ],
  },
};

const TYPES = { string: 'STRING', int: 'INT64', float: 'FLOAT64', bool: 'BOOL', timestamp: 'TIMESTAMP' } as const;

describe.each(Object.entries(configs))('BigQuery SQL of the models (%s)', (_name, input) => {
  it('analyzes statement by statement and produces the output contract', async () => {
    const config = configSchema.parse(input);
    const zs = zetasql();
    await zs.registerCatalog(rawSourceTables(config));
    const raw = (table: string) => d.tableRef(config.project!, config.dataset!, rawTableName(config, table));
    const pipeline = buildPipeline({
      config,
      dialect: d,
      raw: { ref: raw, columns: () => undefined },
      out: (t) => d.tableRef(config.project!, 'journey_stitch', t),
    });
    const statements: SqlStep[] = pipeline.steps.flatMap((s) =>
      s.kind === 'sql' ? [s] : [...s.body, { kind: 'sql' as const, name: `${s.name} (changed)`, sql: s.changedSql }],
    );
    const created = new Map<string, CatalogTable>();
    for (const step of statements) {
      const res = await zs.expectValid(step.sql, `model '${step.name}'`);
      if (res.creates) {
        await zs.addTables(res.creates);
        created.set(res.creates.path[res.creates.path.length - 1], res.creates);
      }
    }
    for (const table of outputTables(config.journeys.steps)) {
      const got = created.get(table.name);
      expect(got).toBeDefined();
      const types = Object.fromEntries(got!.columns.map((c) => [c.name, c.type]));
      for (const column of table.columns)
        expect([table.name, column.name, types[column.name]]).toEqual([table.name, column.name, TYPES[column.type]]);
    }
  });
});
