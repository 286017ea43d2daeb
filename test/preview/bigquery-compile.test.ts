/**
 * The preview's query compiler writes BigQuery SQL too (the Dialect's time and aggregate methods): queries over the
 * repository's generated LookML, compiled for BigQuery, pass the ZetaSQL analyzer against the output tables — every
 * field of every explore (so every timeframe and measure type), the symmetric sum and average of a fanned-out
 * view, and each form of filter. The DuckDB results are test/preview's and test/e2e's.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { configSchema } from '../../src/config/schema';
import { LOOKER_MODEL } from '../../src/contract/looker';
import { outputTables, REJECTS_TABLE, type ColumnType } from '../../src/contract/tables';
import { PREVIEW_USERS } from '../../src/preview/api/users';
import { loadPreviewProject, type PreviewProject } from '../../src/preview/project';
import { compileQuery, type WriteQuery } from '../../src/preview/query/compile';
import { dialects } from '../../src/sql/dialects';
import { useZetaSQL, type BigQueryType, type CatalogTable } from '../support/zetasql';

const ROOT = path.resolve(__dirname, '../..');
const config = configSchema.parse(parseYaml(readFileSync(path.join(ROOT, 'test/lookml/default-config.yaml'), 'utf8')));
const TYPES: Record<ColumnType, BigQueryType> = { string: 'STRING', int: 'INT64', float: 'FLOAT64', bool: 'BOOL', timestamp: 'TIMESTAMP' };

/**
 * The output tables as the preview names them: by view name (stitch builds them), in @{OUTPUT_DATASET}, and the
 * rejected rows where a pdt build writes them (@{SCRATCH}.journey_stitch_rejected_rows).
 */
const catalog = (): CatalogTable[] => {
  const rejects = {
    name: REJECTS_TABLE,
    columns: ['source_table', 'event_id', 'reason', 'row_data'].map((name) => ({ name, type: 'string' as const })),
  };
  return [...outputTables(config.journeys.steps), rejects].flatMap((t) => {
    const columns = t.columns.map((c) => ({ name: c.name, type: TYPES[c.type] }));
    const scratch = t.name === REJECTS_TABLE ? [{ path: [config.lookml.scratch_schema, `journey_stitch_${REJECTS_TABLE}`], columns }] : [];
    return [{ path: [t.name], columns }, { path: [config.output.dataset, t.name], columns }, ...scratch];
  });
};

const zetasql = useZetaSQL(catalog);
let project: PreviewProject;
beforeAll(async () => {
  project = await loadPreviewProject(ROOT);
});

const bigquery = (query: Omit<WriteQuery, 'model'>) =>
  compileQuery(
    project.model,
    { model: LOOKER_MODEL, ...query } as WriteQuery,
    PREVIEW_USERS.pii,
    project.manifest.constants,
    dialects.bigquery,
  ).sql;
const duckdb = (query: Omit<WriteQuery, 'model'>) =>
  compileQuery(project.model, { model: LOOKER_MODEL, ...query } as WriteQuery, PREVIEW_USERS.pii, project.manifest.constants).sql;

/** Every selectable field of every explore, as explore → fields. */
function exploreFields(): [string, string[]][] {
  return [...project.model.explores.values()].map((explore) => {
    const aliases = [[explore.alias, explore.view], ...explore.joins.map((j) => [j.name, j.view])];
    const fields = aliases.flatMap(([alias, view]) => {
      const listed = explore.joins.find((j) => j.name === alias)?.fields;
      return [...project.model.views.get(view)!.fields.values()]
        .filter((f) => f.kind !== 'filter')
        .map((f) => `${alias}.${f.shortName}`)
        .filter((name) => !listed || listed.includes(name));
    });
    return [explore.name, fields];
  });
}

function fieldDef(explore: string, field: string) {
  const e = project.model.explores.get(explore)!;
  const [alias, name] = field.split('.');
  return project.model.views.get(e.joins.find((j) => j.name === alias)?.view ?? e.view)!.fields.get(name)!;
}

describe('BigQuery SQL from the preview compiler', () => {
  it('every field of every explore: every timeframe and every measure type', async () => {
    const failures: string[] = [];
    const timeframes = new Set<string>();
    const measureTypes = new Set<string>();
    let analyzed = 0;
    for (const [explore, fields] of exploreFields()) {
      for (const field of fields) {
        const def = fieldDef(explore, field);
        if (def.timeframe) timeframes.add(def.timeframe);
        if (def.kind === 'measure') measureTypes.add(def.type);
      }
      // One query per field would take a minute; one per view of the explore points at the field as well.
      for (const alias of new Set(fields.map((f) => f.split('.')[0]))) {
        const sql = bigquery({ view: explore, fields: fields.filter((f) => f.startsWith(`${alias}.`)) });
        const res = await zetasql().analyze(sql);
        analyzed += 1;
        if (!res.ok) failures.push(`${explore} ${alias}: ${res.message}\n${sql}`);
      }
    }
    expect(failures).toEqual([]);
    expect(analyzed).toBeGreaterThan(10);
    expect([...timeframes].sort()).toEqual(['date', 'day_of_week', 'hour_of_day', 'month', 'quarter', 'raw', 'time', 'week', 'year']);
    expect([...measureTypes].sort()).toEqual(['average', 'count', 'count_distinct', 'median', 'number', 'sum']);
  });

  it('time dimensions have the types Looker gives them: text, integers for year and hour of day, a timestamp raw', async () => {
    const fields = ['raw', 'time', 'date', 'week', 'month', 'quarter', 'year', 'day_of_week', 'hour_of_day'].map(
      (tf) => `persons.first_seen_${tf}`,
    );
    const res = await zetasql().expectValid(bigquery({ view: 'persons', fields: [...fields, 'persons.count'] }));
    expect(res.columns!.map((c) => c.type)).toEqual([
      'TIMESTAMP',
      'STRING',
      'STRING',
      'STRING',
      'STRING',
      'STRING',
      'INT64',
      'STRING',
      'INT64',
      'INT64',
    ]);
    // The same timeframes in DuckDB stay DuckDB's functions.
    expect(duckdb({ view: 'persons', fields })).toMatch(/strftime\(date_trunc\('week', CAST\(/);
  });

  it('sum and average of a view the joins repeat: a symmetric aggregate, analyzed and typed', async () => {
    const query = {
      view: 'persons',
      fields: ['sessions.count', 'persons.total_events', 'persons.average_events', 'persons.identity_status'],
    };
    const sql = bigquery(query);
    expect(sql).toMatch(/SUM\(DISTINCT IF\(.*MD5\(CAST\(/);
    const res = await zetasql().expectValid(sql);
    expect(res.columns!.map((c) => c.type)).toEqual(['INT64', 'FLOAT64', 'FLOAT64', 'STRING']);
    expect(duckdb(query)).toMatch(/list_sum\(list_transform\(list\(DISTINCT struct_pack/);
    // Without the fan-out, plain aggregates.
    expect(bigquery({ view: 'persons', fields: ['persons.total_events', 'persons.average_events'] })).toMatch(/SUM\(.*\n.*AVG\(/);
  });

  const filters: [string, Record<string, string>][] = [
    ['string: match, negation, null', { 'persons.identity_status': 'confirmed,-unmatched', 'persons.email': '-NULL' }],
    ['string: contains, starts and ends with, blank', { 'persons.email': '%acme%,acme%,%.com,-EMPTY' }],
    ['string: wildcard patterns, escaped and negated', { 'persons.email': 'a_b%,-x\\_%c' }],
    ['number: =, >=, between, null', { 'persons.total_events': '[1, 10]', 'persons.event_count': '>=2' }],
    ['yesno', { 'persons.converted': 'yes', 'persons.is_identified': 'no' }],
    ...['second', 'minute', 'hour', 'day', 'week', 'month', 'quarter', 'year'].map((unit): [string, Record<string, string>] => [
      `date: the past 3 ${unit}s`,
      { 'persons.first_seen_date': `3 ${unit}s` },
    ]),
    [
      'date: a range, before, after',
      {
        'persons.first_seen_date': '2024-01-01 to 2024-02-01',
        'persons.last_seen_date': 'before 2024-03-01',
        'persons.first_seen_time': 'after 2023-01-01',
      },
    ],
    [
      'date: on a day, a month, a year',
      { 'persons.first_seen_date': '2024-01-05', 'persons.last_seen_date': '2024-02', 'persons.first_seen_week': '2024' },
    ],
    [
      'date: a value timeframe',
      { 'persons.first_seen_year': '2024', 'persons.first_seen_day_of_week': 'Monday', 'persons.first_seen_hour_of_day': '>8' },
    ],
    ['a measure (HAVING)', { 'persons.count': '>5' }],
  ];

  it.each(filters)('filters: %s', async (_, filter) => {
    for (const name of Object.keys(filter))
      expect([name, project.model.views.get('persons')!.fields.has(name.split('.')[1])]).toEqual([name, true]);
    await zetasql().expectValid(bigquery({ view: 'persons', fields: ['persons.identity_status', 'persons.count'], filters: filter }));
  });

  it('renders the derived tables’ Liquid for BigQuery (Looker’s bigquery_standard_sql)', async () => {
    const sql = bigquery({
      view: 'journeys',
      fields: ['journey_paths.step_1', 'journey_paths.count'],
      filters: { 'journey_paths.date_filter': '30 days' },
    });
    expect(sql).not.toMatch(/\{%|strftime|list_/);
    await zetasql().expectValid(sql);
  });
});
