/**
 * The SQL inside the generated LookML runs on both warehouses: rendered for DuckDB (as the local preview
 * renders it) it runs on a small stitched database and gives the expected paths; rendered for BigQuery it
 * passes the ZetaSQL analyzer against the output tables. The SQL Runner files are analyzed too.
 */
import { createHash } from 'node:crypto';
import { configSchema } from '../../src/config/schema';
import { outputTables, tableDef, type OutputTable } from '../../src/contract/tables';
import { BIGQUERY_DIALECT_NAME } from '../../src/lookml/liquid';
import { generateProject } from '../../src/lookml/project';
import { CONNECTION_KEY_PLACEHOLDER } from '../../src/lookml/sqlRunner';
import { PREVIEW_DIALECT_NAME, renderLiquid } from '../../src/preview/query/liquid';
import { outputCatalogTables, runsCatalogTable } from '../support/bigquery-catalog';
import { createTable, openMemoryDb, queryRows, type TestDb } from '../support/duckdb';
import { useZetaSQL } from '../support/zetasql';
import { parseLookml as parse } from '../../src/lookml/parser';

const config = configSchema.parse({
  warehouse: 'bigquery',
  project: 'acme-data',
  dataset: 'raw',
  source: { type: 'segment' },
  offsite: [{ name: 'linkedin', label: 'LinkedIn' }],
  lookml: { materialization: 'tables', run_history: true },
});
const files = generateProject(config);
const view = (name: string) => parse(files.find((f) => f.path === `lookml/views/${name}.view.lkml`)!.content).view[name];

// ---- rendering -----------------------------------------------------------------------------------

/** A filter set in SQL both warehouses accept (Looker writes its own; these stand in for a user's choices). */
type Filters = Partial<Record<'date_filter' | 'source_filter' | 'identity_status_filter' | 'landing_page_filter', (col: string) => string>>;
const inList = (...values: string[]) => (col: string) => `(${col} IN (${values.map((v) => `'${v}'`).join(', ')}))`;
const between = (from: string, to: string) => (col: string) => `(${col} >= TIMESTAMP '${from}' AND ${col} < TIMESTAMP '${to}')`;

type Target = { dialect: string; table: (t: OutputTable) => string };
const DUCKDB: Target = { dialect: PREVIEW_DIALECT_NAME, table: (t) => t };
const BIGQUERY: Target = { dialect: BIGQUERY_DIALECT_NAME, table: (t) => `\`acme-data.journey_stitch.${t}\`` };

/** The deployment's secret, as a customer sets the HASH_KEY constant (Looker substitutes constants first). */
const HASH_KEY = 'Xq7-vR2_pL9mK4tZ';

function render(sql: string, target: Target, filters: Filters = {}, where = 'test'): string {
  const withTables = sql
    .replace(/@\{HASH_KEY\}/g, HASH_KEY)
    .replace(/@\{OUTPUT_DATASET\}\.(\w+)/g, (_, t: OutputTable) => target.table(t))
    .replace(/\$\{(\w+)\.SQL_TABLE_NAME\}/g, (_, v: OutputTable) => target.table(v));
  return renderLiquid(withTables, {
    dialectName: target.dialect,
    where,
    condition: (field, col) => (filters[field.split('.')[1] as keyof Filters] ?? (() => '1=1'))(col.trim()),
  });
}

/** A field's SQL with `${TABLE}` and `${other_field}` expanded, as Looker does; measures wrapped in their aggregate. */
function fieldSql(v: Record<string, any>, name: string, alias: string): string {
  const fields: Record<string, any> = { ...v.dimension, ...v.measure };
  for (const [group, def] of Object.entries<any>(v.dimension_group ?? {})) for (const tf of def.timeframes) fields[`${group}_${tf}`] = { sql: def.sql };
  const f = fields[name];
  const inner = String(f.sql ?? '').replace(/\$\{(\w+)\}/g, (_, ref: string) => (ref === 'TABLE' ? alias : `(${fieldSql(v, ref, alias)})`));
  const aggregate: Record<string, (x: string) => string> = {
    count: () => 'COUNT(*)',
    count_distinct: (x) => `COUNT(DISTINCT ${x})`,
    sum: (x) => `SUM(${x})`,
    average: (x) => `AVG(${x})`,
  };
  return aggregate[f.type] ? aggregate[f.type](inner) : inner;
}

// ---- a small stitched database ----------------------------------------------------------------------

const ev = (event_id: string, person_id: string, session_id: string, occurred_at: string, step_label: string | null, extra: Record<string, unknown> = {}) => ({
  event_id,
  person_id,
  session_id,
  occurred_at,
  step_label,
  event_type: 'page',
  source: 'web',
  is_conversion: false,
  ...extra,
});
const linkedin = (action: string) => ({ event_type: 'offsite', source: 'linkedin', offsite_action: action });

const EVENTS = [
  ev('e00', 'p1', 's0', '2023-12-20 09:00:00', 'LinkedIn: liked', linkedin('liked')),
  ev('e01', 'p1', 's1', '2024-01-01 10:00:00', 'Home', { email: 'ann@example.com', ip: '81.2.69.160', page_title: 'Home' }),
  ev('e02', 'p1', 's1', '2024-01-01 10:01:00', 'Home'),
  ev('e03', 'p1', 's1', '2024-01-01 10:02:00', 'Pricing'),
  ev('e04', 'p1', 's1', '2024-01-01 10:03:00', null, { event_type: 'identify' }),
  ev('e05', 'p1', 's1', '2024-01-01 10:04:00', 'Meeting Booked', { event_type: 'track', is_conversion: true }),
  ev('e06', 'p2', 's2', '2024-01-02 08:00:00', 'Blog'),
  ev('e07', 'p2', 's2', '2024-01-02 08:05:00', 'Home'),
  ev('e08', 'p3', 's3', '2024-01-03 12:00:00', 'LinkedIn: commented', linkedin('commented')),
  ev('e09', 'p3', 's4', '2024-01-04 12:00:00', 'Home'),
  ev('e10', 'p4', 's5', '2024-01-05 12:00:00', 'LinkedIn: liked', linkedin('liked')),
];
const PERSONS = [
  { person_id: 'p1', identity_status: 'confirmed', email: 'ann@example.com' },
  { person_id: 'p2', identity_status: 'anonymous' },
  { person_id: 'p3', identity_status: 'inferred' },
  { person_id: 'p4', identity_status: 'unmatched' },
];
const contractTypes = (t: OutputTable) => Object.fromEntries(tableDef(t).columns.map((c) => [c.name, c.type]));

let db: TestDb;
beforeAll(async () => {
  db = await openMemoryDb();
  await createTable(db.conn, 'stitched_events', EVENTS, contractTypes('stitched_events'));
  await createTable(db.conn, 'persons', PERSONS, contractTypes('persons'));
  await createTable(db.conn, 'identity_links', [], contractTypes('identity_links'));
  await createTable(db.conn, 'sessions', [], contractTypes('sessions'));
});
afterAll(() => db.close());

const zetasql = useZetaSQL(() => [
  ...outputCatalogTables(config),
  // rejected_rows as staging writes it (row_data: TO_JSON_STRING text) and the run log.
  { path: ['acme-data', config.output.dataset, 'rejected_rows'], columns: ['source_table', 'event_id', 'reason', 'row_data'].map((name) => ({ name, type: 'STRING' })) },
  runsCatalogTable('acme-data', config.output.dataset),
]);

// ---- the dynamic path views ---------------------------------------------------------------------------

async function paths(name: 'journey_paths' | 'session_paths', filters: Filters) {
  const sql = render(view(name).derived_table.sql, DUCKDB, filters, name);
  const rows = await queryRows(db.conn, `SELECT * FROM (${sql}) ORDER BY 1`);
  return rows.map((r) => ({
    id: r[name === 'journey_paths' ? 'person_id' : 'session_id'],
    status: r.identity_status,
    steps: Array.from({ length: config.journeys.steps }, (_, i) => r[`step_${i + 1}`]).filter((s) => s !== null),
    step_count: r.step_count,
    converted: r.converted,
    steps_to_conversion: r.steps_to_conversion,
  }));
}

const FILTERED: Filters = {
  date_filter: between('2024-01-01 00:00:00', '2024-02-01 00:00:00'),
  source_filter: inList('web'),
  identity_status_filter: inList('confirmed', 'inferred'),
  landing_page_filter: inList('Home'),
};

describe('journey_paths', () => {
  it('without filters: one row per person, consecutive duplicates collapsed, conversion position', async () => {
    expect(await paths('journey_paths', {})).toEqual([
      { id: 'p1', status: 'confirmed', steps: ['LinkedIn: liked', 'Home', 'Pricing', 'Meeting Booked'], step_count: 4, converted: true, steps_to_conversion: 4 },
      { id: 'p2', status: 'anonymous', steps: ['Blog', 'Home'], step_count: 2, converted: false, steps_to_conversion: null },
      { id: 'p3', status: 'inferred', steps: ['LinkedIn: commented', 'Home'], step_count: 2, converted: false, steps_to_conversion: null },
      { id: 'p4', status: 'unmatched', steps: ['LinkedIn: liked'], step_count: 1, converted: false, steps_to_conversion: null },
    ]);
  });

  it('filters change the paths: date range, source, identity status and landing page', async () => {
    expect(await paths('journey_paths', FILTERED)).toEqual([
      { id: 'p1', status: 'confirmed', steps: ['Home', 'Pricing', 'Meeting Booked'], step_count: 3, converted: true, steps_to_conversion: 3 },
      { id: 'p3', status: 'inferred', steps: ['Home'], step_count: 1, converted: false, steps_to_conversion: null },
    ]);
    expect((await paths('journey_paths', { landing_page_filter: inList('Blog') })).map((p) => p.id)).toEqual(['p2']);
  });

  it('session_paths: one row per session', async () => {
    const rows = await paths('session_paths', { source_filter: inList('web') });
    expect(rows.map((r) => [r.id, r.steps])).toEqual([
      ['s1', ['Home', 'Pricing', 'Meeting Booked']],
      ['s2', ['Blog', 'Home']],
      ['s4', ['Home']],
    ]);
  });

  it.each(['journey_paths', 'session_paths'])('%s rendered for BigQuery passes ZetaSQL, with and without filters', async (name) => {
    for (const filters of [{}, FILTERED]) {
      const res = await zetasql().expectValid(render(view(name).derived_table.sql, BIGQUERY, filters), `${name} derived table`);
      // The path table's columns, then the LookML's step details: inferred flags and seconds to the next column.
      const n = config.journeys.steps;
      const each = (f: (i: number) => string, count = n) => Array.from({ length: count }, (_, i) => f(i + 1));
      expect(res.columns?.map((c) => c.name)).toEqual([
        ...tableDef(name as OutputTable, n).columns.map((c) => c.name),
        ...each((i) => `step_${i}_inferred`),
        ...each((k) => `before_${k}_inferred`),
        ...each((i) => `seconds_step_${i}_to_next`, n - 1),
        ...each((k) => `seconds_before_${k}_to_next`),
      ]);
    }
  });
});

// ---- every field's SQL ----------------------------------------------------------------------------------

describe('field SQL', () => {
  const STITCHED: OutputTable[] = ['stitched_events', 'persons', 'identity_links', 'sessions'];
  const selectAll = (name: OutputTable, target: Target) => {
    const v = view(name);
    const dims = [...Object.keys(v.dimension), ...Object.entries<any>(v.dimension_group ?? {}).map(([g, d]) => `${g}_${d.timeframes[0]}`)];
    const measures = Object.keys(v.measure);
    const cols = [...dims, ...measures].map((f) => `${render(fieldSql(v, f, 't'), target)} AS ${f}`);
    return `SELECT ${cols.join(',\n  ')}\nFROM ${target.table(name)} AS t\nGROUP BY ${dims.map((_, i) => i + 1).join(', ')}`;
  };

  const ROWS: Record<string, number> = { stitched_events: EVENTS.length, persons: PERSONS.length, identity_links: 0, sessions: 0 };
  it.each(STITCHED)('%s: every dimension and measure runs on DuckDB', async (name) => {
    // Grouped by every dimension, the primary key among them: one row per table row.
    expect(await queryRows(db.conn, selectAll(name, DUCKDB))).toHaveLength(ROWS[name]);
  });

  it.each(STITCHED)('%s: every dimension and measure passes ZetaSQL for BigQuery', async (name) => {
    await zetasql().expectValid(selectAll(name, BIGQUERY), `${name} fields`);
  });

  it.each(['rejected_rows', 'journey_stitch_runs'])('%s (data quality): every dimension and measure passes ZetaSQL for BigQuery', async (name) => {
    await zetasql().expectValid(selectAll(name as OutputTable, BIGQUERY), `${name} fields`);
  });

  it('pdt: the rejected rows query (the scratch table, behind the stitched_events PDT) passes ZetaSQL for BigQuery', async () => {
    const pdt = generateProject(configSchema.parse({ ...config, lookml: { materialization: 'pdt' } }));
    const sql: string = parse(pdt.find((f) => f.path === 'lookml/views/rejected_rows.view.lkml')!.content).view.rejected_rows.derived_table.sql;
    // The scratch table stands in as the output dataset's rejected_rows (same columns).
    const rendered = render(sql.replace('@{SCRATCH}.journey_stitch_rejected_rows', BIGQUERY.table('rejected_rows' as OutputTable)), BIGQUERY);
    expect(rendered).toContain(BIGQUERY.table('stitched_events'));
    const { columns } = await zetasql().expectValid(rendered, 'rejected_rows derived table');
    expect(columns?.map((c) => c.name)).toEqual(['source_table', 'event_id', 'reason', 'row_data']);
  });

  it('the safe alternatives mask personal data the same way on both warehouses, hashes keyed with HASH_KEY', async () => {
    const v = view('stitched_events');
    const rows = await queryRows(
      db.conn,
      `SELECT ${render(fieldSql(v, 'email_hash', 't'), DUCKDB)} AS h, ${render(fieldSql(v, 'ip_obfuscated', 't'), DUCKDB)} AS ip FROM stitched_events AS t WHERE event_id = 'e01'`,
    );
    expect(rows).toEqual([{ h: createHash('md5').update(`${HASH_KEY}ann@example.com`).digest('hex'), ip: '81.***.***.160' }]);
    const bq = await zetasql().expectValid(`SELECT ${render(fieldSql(v, 'email_hash', 't'), BIGQUERY)} AS h FROM ${BIGQUERY.table('stitched_events')} AS t`);
    expect(bq.columns).toEqual([{ name: 'h', type: 'STRING' }]);
  });
});

describe('SQL Runner files', () => {
  const runnerFiles = (materialization: 'pdt' | 'tables', lookml: Record<string, unknown> = {}) =>
    generateProject(configSchema.parse({ ...config, lookml: { materialization, ...lookml } })).filter((f) => f.path.startsWith('lookml/sql/'));
  const CATALOG_EVENTS = '`acme-data`.`journey_stitch`.`stitched_events`';
  const stable = (key: string) => `\`looker_scratch\`.\`${key}_journey_stitch_stitched_events\``;
  const PERSONAL = new Set(outputTables().flatMap((t) => t.columns.filter((c) => c.pii).map((c) => c.name)));

  it.each(runnerFiles('tables').map((f) => [f.path, f.content]))('%s passes ZetaSQL', async (file, sql) => {
    await zetasql().expectValid(sql.replace(/`journey_stitch`\./g, '`acme-data`.`journey_stitch`.'), file);
  });

  it('read the stitched events where each materialization puts them, and say so', async () => {
    for (const f of runnerFiles('tables')) expect(f.content).toMatch(/^-- Reads `journey_stitch`.`stitched_events`, written by `journey-stitch stitch`/m);
    // pdt: the stable view Looker publishes for the PDT (publish_as_db_view), named by the connection's registration key.
    for (const f of runnerFiles('pdt')) {
      expect(f.content).not.toContain('`journey_stitch`');
      expect(f.content.split(stable(CONNECTION_KEY_PLACEHOLDER))).toHaveLength(3); // the note and the one FROM
      expect(f.content).toMatch(/^-- Before running: replace CONNECTION_KEY with your connection's registration key/m);
      await zetasql().expectValid(f.content.split(stable(CONNECTION_KEY_PLACEHOLDER)).join(CATALOG_EVENTS), f.path);
    }
    // With lookml.connection_key, the files run as they are: no step to do before running.
    for (const f of runnerFiles('pdt', { connection_key: 'LB' })) {
      expect(f.content.split(stable('LB'))).toHaveLength(3);
      expect(f.content).not.toMatch(/Before running|CONNECTION_KEY/);
    }
  });

  it('select no personal column unless lookml.sql_runner_personal_data is set (SQL Runner ignores access grants)', async () => {
    const outputColumns = async (files: ReturnType<typeof runnerFiles>) =>
      Object.fromEntries(
        await Promise.all(
          files.map(async (f) => [f.path, (await zetasql().expectValid(f.content.split(stable('LB')).join(CATALOG_EVENTS), f.path)).columns?.map((c) => c.name) ?? []] as const),
        ),
      );
    const sealed = await outputColumns(runnerFiles('pdt', { connection_key: 'LB' }));
    for (const [file, columns] of Object.entries(sealed)) expect([file, columns.filter((c) => PERSONAL.has(c))]).toEqual([file, []]);
    expect(sealed['lookml/sql/person_journey.sql']).toEqual(['person_id', 'is_inferred_identity', 'journey']);
    const open = await outputColumns(runnerFiles('pdt', { connection_key: 'LB', sql_runner_personal_data: true }));
    expect(open['lookml/sql/person_journey.sql']).toEqual(['person_id', 'name', 'email', 'is_inferred_identity', 'journey']);
  });

  it('the stitched views are published as stable database views; the hidden intermediate ones are not', () => {
    for (const f of generateProject(configSchema.parse({ ...config, lookml: { materialization: 'pdt' } })).filter((x) => x.path.startsWith('lookml/views/'))) {
      const views = parse(f.content).view ?? {};
      for (const [name, v] of Object.entries<any>(views)) {
        if (!v?.derived_table?.create_process) continue;
        expect([name, v.derived_table.publish_as_db_view === 'yes' || v.derived_table.publish_as_db_view === true]).toEqual([name, !name.startsWith('js_')]);
      }
    }
  });
});
