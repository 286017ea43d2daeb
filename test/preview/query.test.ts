/** The query compiler against the fixture project and a real DuckDB database (results checked against the fixture rows). */
import { CoreApi, type PreviewUser } from '../../src/preview/api/core';
import { PreviewDatabase } from '../../src/preview/api/database';
import { PREVIEW_USERS } from '../../src/preview/api/users';
import { loadPreviewProject, type PreviewProject } from '../../src/preview/project';
import { compileQuery, type WriteQuery } from '../../src/preview/query/compile';
import { buildSemanticModel } from '../../src/preview/query/model';
import { renderLiquid } from '../../src/preview/query/liquid';
import { createFixtureDatabase, FIXTURE_EVENTS, type FixtureDatabase } from './support/fixture';
import { thrownOurs } from '../support/errors';

let project: PreviewProject;
let fixture: FixtureDatabase;
let db: PreviewDatabase;
let api: CoreApi;

beforeAll(async () => {
  fixture = await createFixtureDatabase();
  project = await loadPreviewProject(fixture.project);
  db = await PreviewDatabase.open(fixture.path, 'journey_stitch');
  api = new CoreApi(project.manifest, project.model, db);
});
afterAll(() => {
  db?.close();
  fixture?.cleanup();
});

async function run(query: Partial<WriteQuery>, format = 'json', user: PreviewUser = PREVIEW_USERS.pii): Promise<any> {
  const res = await api.invoke({ httpMethod: 'POST', path: `/queries/run/${format}`, body: { model: 'journey_stitch', ...query } }, user);
  if (!res.ok) throw new Error(res.error.message);
  return res.value;
}
async function runError(query: Partial<WriteQuery>): Promise<string> {
  const res = await api.invoke(
    { httpMethod: 'POST', path: '/queries/run/json', body: { model: 'journey_stitch', ...query } },
    PREVIEW_USERS.pii,
  );
  if (res.ok) throw new Error(`expected an error, got ${JSON.stringify(res.value)}`);
  return res.error.message;
}

const persons = [...new Set(FIXTURE_EVENTS.map((e) => e[0]))];
const statusOf = (p: string) => FIXTURE_EVENTS.find((e) => e[0] === p)![1];
const eventsOf = (p: string) => FIXTURE_EVENTS.filter((e) => e[0] === p);
const countBy = <T>(items: T[], key: (t: T) => string) =>
  items.reduce<Record<string, number>>((acc, t) => ({ ...acc, [key(t)]: (acc[key(t)] ?? 0) + 1 }), {});

describe('project loading', () => {
  test('explores, joins and dimension groups come from the parsed LookML', () => {
    expect([...project.model.explores.keys()].sort()).toEqual(['events', 'journeys', 'persons', 'web_events']);
    expect(project.model.explores.get('web_events')).toMatchObject({ alias: 'web_events', view: 'stitched_events' });
    expect(project.model.explores.get('journeys')!.alias).toBe('journey_paths');
    expect(project.model.explores.get('persons')!.joins[0]).toMatchObject({ name: 'stitched_events', relationship: 'one_to_many' });
    expect([...project.model.views.get('persons')!.fields.keys()]).toEqual(
      expect.arrayContaining(['first_seen_date', 'first_seen_week', 'first_seen_raw']),
    );
    expect(project.manifest).toMatchObject({
      extensionId: 'journey_stitch::journey_stitch',
      constants: { OUTPUT_DATASET: 'journey_stitch' },
    });
    expect(project.manifest.entitlements.coreApiMethods).toEqual(['me', 'run_inline_query']);
  });
});

describe('dimensions, measures, always_filter', () => {
  test('count by status; always_filter removes unmatched persons unless the query overrides it', async () => {
    const rows = await run({ view: 'persons', fields: ['persons.identity_status', 'persons.count'], sorts: ['persons.identity_status'] });
    const expected = countBy(
      persons.filter((p) => statusOf(p) !== 'unmatched'),
      statusOf,
    );
    expect(rows).toEqual(
      Object.keys(expected)
        .sort()
        .map((s) => ({ 'persons.identity_status': s, 'persons.count': expected[s] })),
    );
    const all = await run({ view: 'persons', fields: ['persons.count'], filters: { 'persons.identity_status': '' } });
    expect(all).toEqual([{ 'persons.count': persons.length }]);
  });

  test('measure filters, number measures, sum/average/min/max', async () => {
    const [row] = await run({
      view: 'persons',
      fields: [
        'persons.count',
        'persons.inferred_count',
        'persons.inferred_share',
        'persons.total_events',
        'persons.average_events',
        'persons.min_events',
        'persons.max_events',
      ],
      filters: { 'persons.identity_status': '' },
    });
    const sizes = persons.map((p) => eventsOf(p).length);
    const inferred = persons.filter((p) => eventsOf(p).some((e) => e[2])).length;
    expect(row).toEqual({
      'persons.count': persons.length,
      'persons.inferred_count': inferred,
      'persons.inferred_share': inferred / persons.length,
      'persons.total_events': FIXTURE_EVENTS.length,
      'persons.average_events': FIXTURE_EVENTS.length / persons.length,
      'persons.min_events': Math.min(...sizes),
      'persons.max_events': Math.max(...sizes),
    });
  });

  test('yesno dimensions answer Yes/No and filter with yes/no', async () => {
    const rows = await run({
      view: 'persons',
      fields: ['persons.is_inferred_identity', 'persons.count'],
      filters: { 'persons.identity_status': '' },
      sorts: ['persons.is_inferred_identity'],
    });
    expect(rows).toEqual([
      { 'persons.is_inferred_identity': 'No', 'persons.count': persons.length - 1 },
      { 'persons.is_inferred_identity': 'Yes', 'persons.count': 1 },
    ]);
    const yes = await run({ view: 'persons', fields: ['persons.person_id'], filters: { 'persons.is_inferred_identity': 'yes' } });
    expect(yes).toEqual([{ 'persons.person_id': 'bob' }]);
  });

  test('dimension_group timeframes', async () => {
    const [row] = await run({
      view: 'persons',
      fields: [
        'persons.first_seen_time',
        'persons.first_seen_date',
        'persons.first_seen_week',
        'persons.first_seen_month',
        'persons.first_seen_quarter',
        'persons.first_seen_year',
        'persons.first_seen_day_of_week',
      ],
      filters: { 'persons.person_id': 'eve' },
    });
    // 2024-03-05 is a Tuesday; its (Monday) week starts 2024-03-04.
    expect(row).toEqual({
      'persons.first_seen_time': '2024-03-05 16:30:00',
      'persons.first_seen_date': '2024-03-05',
      'persons.first_seen_week': '2024-03-04',
      'persons.first_seen_month': '2024-03',
      'persons.first_seen_quarter': '2024-Q1',
      'persons.first_seen_year': 2024,
      'persons.first_seen_day_of_week': 'Tuesday',
    });
  });

  test('sorts and limit', async () => {
    const rows = await run({
      view: 'persons',
      fields: ['persons.person_id', 'persons.event_count'],
      filters: { 'persons.identity_status': '' },
      sorts: ['persons.person_id desc'],
      limit: '2',
    });
    expect(rows.map((r: any) => r['persons.person_id'])).toEqual([...persons].sort().reverse().slice(0, 2));
  });
});

describe('filter expressions', () => {
  const ids = async (filters: Record<string, string>) =>
    (
      await run({
        view: 'persons',
        fields: ['persons.person_id'],
        filters: { 'persons.identity_status': '', ...filters },
        sorts: ['persons.person_id'],
      })
    ).map((r: any) => r['persons.person_id']);
  test.each(
    (
      [
        [{ 'persons.identity_status': 'confirmed,inferred' }, ['ann', 'bob', 'eve']],
        [{ 'persons.identity_status': '-confirmed' }, ['bob', 'cid', 'dan']],
        [{ 'persons.identity_status': '%onf%' }, ['ann', 'eve']],
        [{ 'persons.identity_status': 'un%' }, ['dan']],
        [{ 'persons.identity_status': '%ous' }, ['cid']],
        // Looker's wildcard patterns: _ one character, % any run, a backslash makes either literal.
        [{ 'persons.identity_status': 'c_nfirmed' }, ['ann', 'eve']],
        [{ 'persons.identity_status': 'in%r_ed' }, ['bob']],
        [{ 'persons.identity_status': '-c_nfirmed' }, ['bob', 'cid', 'dan']],
        [{ 'persons.identity_status': 'c_%' }, ['ann', 'eve']],
        [{ 'persons.identity_status': 'c\\_%' }, []],
        [{ 'persons.name': 'a_n' }, ['ann']],
        // Names are upper case (ANN, DAN); name is case_sensitive: no, identity_status is case sensitive (Looker's default).
        [{ 'persons.name': '%an%' }, ['ann', 'dan']],
        [{ 'persons.name': 'eve,Bob' }, ['bob', 'eve']],
        [{ 'persons.identity_status': 'CONFIRMED' }, []],
        [{ 'persons.event_count': '>=2' }, ['ann', 'bob', 'cid', 'eve']],
        [{ 'persons.event_count': '[1,1]' }, ['dan']],
        [{ 'persons.first_seen_date': '2024-02-01 to 2024-03-01' }, ['cid', 'dan']],
        [{ 'persons.first_seen_date': 'before 2024-01-02' }, ['ann']],
        [{ 'persons.first_seen_date': '2024/01/02 to 2024/02/02' }, ['bob', 'cid']],
        [{ 'persons.first_seen_date': 'after 2024/02/10' }, ['dan', 'eve']],
        [{ 'persons.first_seen_date': '2024/03/05' }, ['eve']],
        [{ 'persons.first_seen_date': '2024' }, ['ann', 'bob', 'cid', 'dan', 'eve']],
        [{ 'persons.first_seen_month': '2024-03' }, ['eve']],
        [{ 'persons.first_seen_date': 'NOT NULL' }, ['ann', 'bob', 'cid', 'dan', 'eve']],
      ] as [Record<string, string>, string[]][]
    ).map(([f, e]) => [JSON.stringify(f), f, e] as const),
  )('%s', async (_, filters, expected) => {
    expect(await ids(filters)).toEqual(expected);
  });

  test('a relative date filter ("7 days") compiles and runs', async () => {
    expect(await ids({ 'persons.first_seen_date': '7 days' })).toEqual([]);
  });

  test('a value with a quote is escaped, never pasted', async () => {
    const rows = await run({
      view: 'events',
      fields: ['stitched_events.email'],
      filters: { 'stitched_events.email': "eve.o'neil@example.com" },
    });
    expect(rows).toEqual([{ 'stitched_events.email': "eve.o'neil@example.com" }]);
  });

  test('a malformed expression is refused naming the field', async () => {
    expect(await runError({ view: 'persons', fields: ['persons.count'], filters: { 'persons.event_count': '>=abc' } })).toMatch(
      /persons\.event_count/,
    );
  });
});

describe('templated filters and dialect switches in derived tables', () => {
  const paths = (filters: Record<string, string> = {}) =>
    run({
      view: 'journeys',
      fields: ['journey_paths.step_1', 'journey_paths.step_2', 'journey_paths.count', 'journey_paths.inferred_count'],
      filters,
      sorts: ['journey_paths.step_1', 'journey_paths.step_2'],
    });
  const expectedPaths = (keep: (e: (typeof FIXTURE_EVENTS)[number]) => boolean) => {
    const byPerson = new Map<string, string[]>();
    for (const e of FIXTURE_EVENTS) if (e[4] !== null && keep(e)) byPerson.set(e[0], [...(byPerson.get(e[0]) ?? []), e[4]]);
    const groups = countBy([...byPerson.entries()], ([, s]) => JSON.stringify([s[0], s[1] ?? null]));
    const inferred = countBy(
      [...byPerson.entries()].filter(([p]) => statusOf(p) === 'inferred'),
      ([, s]) => JSON.stringify([s[0], s[1] ?? null]),
    );
    return Object.keys(groups)
      .sort()
      .map((k) => {
        const [s1, s2] = JSON.parse(k);
        return {
          'journey_paths.step_1': s1,
          'journey_paths.step_2': s2,
          'journey_paths.count': groups[k],
          'journey_paths.inferred_count': inferred[k] ?? 0,
        };
      });
  };
  const sortRows = (rows: any[]) => [...rows].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));

  test('no filter: every person with steps', async () => {
    expect(sortRows(await paths())).toEqual(sortRows(expectedPaths(() => true)));
  });
  test('identity status and source filters reach the derived table', async () => {
    expect(sortRows(await paths({ 'journey_paths.identity_status_filter': '-inferred' }))).toEqual(
      sortRows(expectedPaths((e) => e[1] !== 'inferred')),
    );
    expect(sortRows(await paths({ 'journey_paths.source_filter': 'web' }))).toEqual(sortRows(expectedPaths((e) => e[3] === 'web')));
  });
  test('date filter', async () => {
    expect(sortRows(await paths({ 'journey_paths.date_filter': '2024-01-01 to 2024-02-01' }))).toEqual(
      sortRows(expectedPaths((e) => e[5] < '2024-02-01')),
    );
  });
  test('the DuckDB branch of the dialect switch is used', () => {
    const { sql } = compileQuery(
      project.model,
      { model: 'journey_stitch', view: 'journeys', fields: ['journey_paths.step_1'] },
      { attributes: {} },
      project.manifest.constants,
    );
    expect(sql).toContain('list(step_label ORDER BY occurred_at)[1]');
    expect(sql).not.toContain('SAFE_OFFSET');
    expect(sql).toContain('FROM journey_stitch.stitched_events'); // ${stitched_events.SQL_TABLE_NAME}
  });
  test('Liquid: elsif, != and {{ _dialect._name }}', () => {
    const ctx = { dialectName: 'duckdb', where: 'test', condition: () => '1=1' };
    expect(
      renderLiquid(
        "{% if _dialect._name == 'x' %}a{% elsif _dialect._name != 'bigquery_standard_sql' %}b{% else %}c{% endif %}/{{ _dialect._name }}",
        ctx,
      ),
    ).toBe('b/duckdb');
    const unsupported = thrownOurs(() => renderLiquid('{% assign x = 1 %}', ctx));
    expect([unsupported.name, unsupported.message]).toEqual([
      'PreviewProjectError',
      'test: Liquid tag {% assign x = 1 %} is not supported by the preview (it supports if/elsif/else on _dialect._name and condition)',
    ]);
    expect(() => renderLiquid("{% if _user_attributes['a'] == 'b' %}x{% endif %}", ctx)).toThrow(/only _dialect._name/);
    expect(() => renderLiquid("{% if _dialect._name == 'x' %}a", ctx)).toThrow(/not closed/);
  });
});

describe('explore defaults and aliases', () => {
  const steps = (keep: (e: (typeof FIXTURE_EVENTS)[number]) => boolean) => FIXTURE_EVENTS.filter((e) => e[4] !== null && keep(e)).length;
  test('conditionally_filter applies unless an `unless` field is filtered; sql_always_where always does; from: aliases the view', async () => {
    expect(await run({ view: 'web_events', fields: ['web_events.count'] })).toEqual([{ 'web_events.count': steps((e) => e[3] === 'web') }]);
    expect(await run({ view: 'web_events', fields: ['web_events.count'], filters: { 'web_events.person_id': 'bob' } })).toEqual([
      { 'web_events.count': steps((e) => e[0] === 'bob') },
    ]);
    expect(await run({ view: 'web_events', fields: ['web_events.count'], filters: { 'web_events.source': 'linkedin' } })).toEqual([
      { 'web_events.count': steps((e) => e[3] === 'linkedin') },
    ]);
  });
  test('a refinement adds a field to its view', async () => {
    expect(await run({ view: 'persons', fields: ['persons.name_length'], filters: { 'persons.person_id': 'ann' } })).toEqual([
      { 'persons.name_length': 3 },
    ]);
  });
});

describe('joins', () => {
  test('a join is added only when its fields are used', () => {
    const compile = (fields: string[]) =>
      compileQuery(project.model, { model: 'journey_stitch', view: 'events', fields }, PREVIEW_USERS.pii, project.manifest.constants).sql;
    expect(compile(['stitched_events.source', 'stitched_events.count'])).not.toContain('JOIN');
    expect(compile(['persons.identity_status', 'stitched_events.count'])).toContain('LEFT JOIN');
  });
  test('many_to_one join: event counts by person status', async () => {
    const rows = await run({
      view: 'events',
      fields: ['persons.identity_status', 'stitched_events.count', 'stitched_events.person_count'],
      sorts: ['persons.identity_status'],
    });
    const counts = countBy(FIXTURE_EVENTS, (e) => e[1]);
    expect(rows).toEqual(
      Object.keys(counts)
        .sort()
        .map((s) => ({
          'persons.identity_status': s,
          'stitched_events.count': counts[s],
          'stitched_events.person_count': persons.filter((p) => statusOf(p) === s).length,
        })),
    );
  });
  test('many_to_one join: the joined view is counted once per row, not once per event', async () => {
    const [row] = await run({ view: 'events', fields: ['persons.count', 'stitched_events.count'] });
    expect(row).toEqual({ 'persons.count': persons.length, 'stitched_events.count': FIXTURE_EVENTS.length });
  });
  test('one_to_many join: the base view count is not fanned out', async () => {
    const [row] = await run({
      view: 'persons',
      fields: ['persons.count', 'stitched_events.count'],
      filters: { 'persons.identity_status': '' },
    });
    expect(row).toEqual({ 'persons.count': persons.length, 'stitched_events.count': FIXTURE_EVENTS.length });
  });
  test('sum and average over a fanned-out join count each row of their view once (symmetric aggregates)', async () => {
    const [row] = await run({ view: 'events', fields: ['persons.total_events', 'persons.average_events', 'stitched_events.count'] });
    expect(row).toEqual({
      'persons.total_events': FIXTURE_EVENTS.length,
      'persons.average_events': FIXTURE_EVENTS.length / persons.length,
      'stitched_events.count': FIXTURE_EVENTS.length,
    });
    const bySource = await run({
      view: 'events',
      fields: ['stitched_events.source', 'persons.total_events'],
      sorts: ['stitched_events.source'],
    });
    const personsWith = (source: string) => persons.filter((p) => eventsOf(p).some((e) => e[3] === source));
    expect(bySource).toEqual(
      ['linkedin', 'web'].map((src) => ({
        'stitched_events.source': src,
        'persons.total_events': personsWith(src).reduce((n, p) => n + eventsOf(p).length, 0),
      })),
    );
  });
});

describe('access grants (PII)', () => {
  test("a user with can_see_pii gets the field; one without gets it dropped with Looker's warning", async () => {
    const query = { view: 'persons', fields: ['persons.person_id', 'persons.name'], filters: { 'persons.person_id': 'ann' } };
    expect(await run(query, 'json', PREVIEW_USERS.pii)).toEqual([{ 'persons.person_id': 'ann', 'persons.name': 'ANN' }]);
    expect(await run(query, 'json', PREVIEW_USERS.no_pii)).toEqual([{ 'persons.person_id': 'ann' }]);
    const detail = await run(query, 'json_detail', PREVIEW_USERS.no_pii);
    expect(detail.errors).toEqual([
      { level: 'warn', message: 'persons.name no longer exists on persons, or you do not have access to it, and it will be ignored' },
    ]);
  });
  test('a filter on a PII field is ignored for a user without the grant', async () => {
    const rows = await run(
      { view: 'events', fields: ['stitched_events.count'], filters: { 'stitched_events.email': 'ann@example.com' } },
      'json',
      PREVIEW_USERS.no_pii,
    );
    expect(rows).toEqual([{ 'stitched_events.count': FIXTURE_EVENTS.length }]);
  });
});

describe('json_detail', () => {
  test('fields split into dimensions and measures, data as { value }', async () => {
    const detail = await run(
      { view: 'persons', fields: ['persons.identity_status', 'persons.count'], filters: { 'persons.identity_status': 'confirmed' } },
      'json_detail',
    );
    expect(detail.fields.dimensions.map((f: any) => f.name)).toEqual(['persons.identity_status']);
    expect(detail.fields.measures).toEqual([
      expect.objectContaining({ name: 'persons.count', category: 'measure', is_numeric: true, type: 'count', view: 'persons' }),
    ]);
    expect(detail.data).toEqual([{ 'persons.identity_status': { value: 'confirmed' }, 'persons.count': { value: 2 } }]);
    expect(detail.sql).toMatch(/^SELECT/);
  });
});

describe('rejections', () => {
  test.each([
    [
      { view: 'nope', fields: ['x.y'] },
      /explore "nope" not found in model journey_stitch \(explores: persons, events, journeys, web_events\)/,
    ],
    [{ view: 'persons', fields: ['persons.nope'] }, /field persons\.nope does not exist in view persons/],
    [{ view: 'persons', fields: ['journey_paths.count'] }, /journey_paths is not a view of explore persons/],
    [{ view: 'persons', fields: ['persons.count'], pivots: ['persons.identity_status'] }, /query pivots is not supported by the preview/],
    [{ view: 'journeys', fields: ['journey_paths.date_filter'] }, /filter-only field/],
    [{ view: 'persons', fields: [] }, /selects no fields/],
    [{ view: 'persons', fields: ['persons.count'], sorts: ['persons.name'] }, /not one of the query's fields/],
    [{ view: 'persons', fields: ['persons.count'], limit: 'lots' }, /limit "lots"/],
  ])('%j', async (query, message) => {
    expect(await runError(query as Partial<WriteQuery>)).toMatch(message);
  });
  test('an unknown model and an unsupported format', async () => {
    expect(await runError({ model: 'other', view: 'persons', fields: ['persons.count'] })).toMatch(/model "other" not found/);
    const res = await api.invoke(
      { httpMethod: 'POST', path: '/queries/run/csv', body: { model: 'journey_stitch', view: 'persons', fields: ['persons.count'] } },
      PREVIEW_USERS.pii,
    );
    expect(res).toEqual({ ok: false, error: { message: expect.stringMatching(/format csv is not supported/), documentation_url: null } });
  });
  test('LookML outside the generated subset is refused at load, naming view, field and parameter', () => {
    const view = (extra: object) => ({
      view: { v: { $name: 'v', sql_table_name: 't', dimension: { d: { $type: 'dimension', $name: 'd', ...extra } } } },
    });
    const refused = thrownOurs(() => buildSemanticModel('m', view({ order_by_field: 'x' })));
    expect([refused.name, refused.message]).toEqual([
      'PreviewProjectError',
      "view v, dimension d: LookML parameter 'order_by_field' is not supported by the preview (it supports what journey-stitch generate emits)",
    ]);
    expect(() => buildSemanticModel('m', view({ type: 'tier' }))).toThrow(/view v, dimension d: type tier is not supported/);
    expect(() =>
      buildSemanticModel('m', {
        view: { v: { $name: 'v', sql_table_name: 't', dimension_group: { g: { $name: 'g', type: 'time', timeframes: ['fiscal_year'] } } } },
      }),
    ).toThrow(/timeframe fiscal_year is not supported/);
    expect(() => buildSemanticModel('m', { view: { v: { $name: 'v', derived_table: { explore_source: {} } } } })).toThrow(/explore_source/);
  });
  test('LookML the preview refuses at query time answers the query with its message alone, not as a DuckDB failure', async () => {
    const persons = project.model.views.get('persons')!;
    const views = new Map(project.model.views).set('persons', { ...persons, persisted: false, derivedSql: 'SELECT 1 {% assign x = 1 %}' });
    const edited = new CoreApi(project.manifest, { ...project.model, views }, db);
    const res = await edited.invoke(
      { httpMethod: 'POST', path: '/queries/run/json', body: { model: 'journey_stitch', view: 'persons', fields: ['persons.count'] } },
      PREVIEW_USERS.pii,
    );
    expect(res).toEqual({
      ok: false,
      error: {
        message:
          'view persons, derived_table sql: Liquid tag {% assign x = 1 %} is not supported by the preview (it supports if/elsif/else on _dialect._name and condition)',
        documentation_url: null,
      },
    });
  });
});
