/**
 * The typed project index, built from real parsed files (the generated default project, plus small hand-written
 * ones), and the vocabulary the serializer, validator and preview share.
 */
import { DEFAULT_PROJECT_CONFIG, generateProject } from '../../src/lookml/project';
import { exploresOf, indexAssembledModel, indexProject, sqlIn } from '../../src/lookml/projectIndex';
import { serialize } from '../../src/lookml/serialize';
import { BLOCK_KEYS, FIELD_TYPES, KEY_FORMATS, PERSISTENCE_KEYS, SQL_KEYS, TIMEFRAMES } from '../../src/lookml/vocabulary';
import { TIME_TIMEFRAMES } from '../../src/lookml/fields';
import { DIMENSION_TYPES, FILTER_TYPES, MEASURE_TYPES, TIMEFRAMES as PREVIEW_TIMEFRAMES } from '../../src/preview/query/model';
import { parseLookml } from '../../src/lookml/parser';

const files = generateProject(DEFAULT_PROJECT_CONFIG);
const index = indexProject(files);

describe('the project index of the generated project', () => {
  it('parses every .lkml file once, with no syntax errors', () => {
    expect(index.syntaxErrors).toEqual([]);
    expect([...index.parsed.keys()].sort()).toEqual(files.filter((f) => f.path.endsWith('.lkml')).map((f) => f.path).sort());
  });

  it('indexes the manifest: constants and the one application', () => {
    expect([...index.manifest!.constants.keys()]).toEqual(expect.arrayContaining(['CONNECTION', 'OUTPUT_DATASET', 'SCRATCH']));
    expect(index.manifest!.applications.map((a) => a.name)).toHaveLength(1);
    expect(index.manifest!.dependencies).toEqual([]);
  });

  it('indexes views with their refinements, fields and expanded dimension groups', () => {
    const persons = index.views.get('persons')!;
    expect(persons.file).toBe('lookml/views/persons.view.lkml');
    expect(persons.nodes.map((n) => n.file)).toEqual(['lookml/views/persons.view.lkml', 'lookml/refinements/persons.lkml']);
    const group = persons.fields.get('first_seen_date')!;
    expect(group).toMatchObject({ kind: 'dimension_group', name: 'first_seen', type: 'time', file: 'lookml/views/persons.view.lkml' });
    expect(group.names).toEqual(TIME_TIMEFRAMES.map((tf) => `first_seen_${tf}`));
    for (const n of group.names) expect(persons.fields.get(n)).toBe(group);
    expect(persons.fields.get('person_id')).toMatchObject({ kind: 'dimension', name: 'person_id' });
    expect(persons.fields.get('person_id')!.sql.map((s) => s.trim())).toEqual(['${TABLE}.person_id']);
    expect(persons.fields.get('person_id')!.node.primary_key).toBe(true);
    expect(persons.sets.get('person_details')).toEqual(expect.arrayContaining(['person_id']));
    expect(index.refinements.map((r) => r.name)).toContain('persons');
    expect(index.viewDefinitions.filter((v) => v.name === 'persons')).toHaveLength(1);
  });

  it('indexes the model: includes, explores with their joins, access grants, datagroups', () => {
    expect(index.models.map((m) => [m.name, m.file])).toEqual([['journey_stitch', 'lookml/journey_stitch.model.lkml']]);
    const [model] = index.models;
    expect(model.includes).toContain('/lookml/views/*.view.lkml');
    expect(model.accessGrants.map((g) => [g.name, g.userAttribute])).toEqual([['can_see_pii', 'can_see_pii']]);
    expect(model.datagroups).toEqual(['journey_stitch_refresh']);
    const journeys = exploresOf(index).get('journeys')!;
    expect(journeys).toMatchObject({ name: 'journeys', view: 'journey_paths', alias: 'journey_paths', file: model.file });
    expect(journeys.joins.map((j) => [j.name, j.view])).toEqual([['persons', 'persons']]);
    expect([...journeys.inExplore]).toEqual(['journey_paths', 'persons']);
  });

  it('parses the dashboards YAML', () => {
    expect(index.dashboards.map((d) => d.file.path)).toContain('lookml/dashboards/journey_stitch_journeys.dashboard.lookml');
    for (const d of index.dashboards) expect(d.yaml).toHaveProperty('docs');
  });
});

describe('the project index of hand-written files', () => {
  it('records a syntax error and a bad dashboard instead of throwing', () => {
    const bad = indexProject([
      { path: 'lookml/a.view.lkml', content: 'view: a {{' },
      { path: 'lookml/d.dashboard.lookml', content: '- dashboard: [' },
    ]);
    expect(bad.syntaxErrors).toEqual([{ file: 'lookml/a.view.lkml', message: expect.stringMatching(/^does not parse: /) }]);
    expect(bad.dashboards[0].yaml).toHaveProperty('error');
    expect(bad.manifest).toBeUndefined();
  });

  it('keeps every view definition, the first one wins; refinements merge fields, the last declaration wins', () => {
    const ix = indexProject([
      { path: 'a.view.lkml', content: 'view: v {\n  dimension: x {\n    type: number\n    sql: 1 ;;\n  }\n}\n' },
      { path: 'b.view.lkml', content: 'view: v {\n  dimension: y {}\n}\n' },
      { path: 'c.lkml', content: 'view: +v {\n  dimension: x {\n    type: string\n  }\n  dimension_group: d {\n    type: duration\n    intervals: [day, hour]\n  }\n}\n' },
      { path: 'imported.lkml', content: 'view: w {\n  derived_table: {\n    sql: SELECT 1 ;;\n    create_process: {\n      sql_step: CREATE TABLE ${SQL_TABLE_NAME} ;;\n    }\n  }\n}\n' },
    ]);
    expect(ix.viewDefinitions.map((d) => [d.name, d.file])).toEqual([['v', 'a.view.lkml'], ['v', 'b.view.lkml'], ['w', 'imported.lkml']]);
    const v = ix.views.get('v')!;
    expect(v.nodes.map((n) => n.file)).toEqual(['a.view.lkml', 'c.lkml']);
    expect(v.declarations.map((f) => [f.name, f.type, f.file])).toEqual([['x', 'number', 'a.view.lkml'], ['x', 'string', 'c.lkml'], ['d', 'duration', 'c.lkml']]);
    expect(v.fields.get('x')!.type).toBe('string');
    expect([...v.fields.keys()]).toEqual(['x', 'days_d', 'hours_d']);
    expect(sqlIn(ix.views.get('w')!.nodes[0].node.derived_table).map((s) => s.trim())).toEqual(['SELECT 1', 'CREATE TABLE ${SQL_TABLE_NAME}']);
  });

  it('reads an imported project manifest and an explore aliased by from:', () => {
    const ix = indexProject([
      { path: 'manifest.lkml', content: 'project_name: "p"\nremote_dependency: block {\n  url: "https://x"\n  ref: "abc"\n}\n' },
      { path: '//block/manifest.lkml', content: 'constant: A {\n  value: "a"\n  export: override_optional\n}\n' },
      { path: 'm.model.lkml', content: 'connection: "c"\nexplore: e {\n  from: v\n  join: j {\n    from: w\n    sql_on: 1=1 ;;\n  }\n}\n' },
      { path: '//block/lookml/x.model.lkml', content: 'connection: "c"\n' },
    ]);
    expect(ix.manifest!.dependencies.map((d) => d.name)).toEqual(['block']);
    expect([...ix.imported.get('block')!.constants.keys()]).toEqual(['A']);
    expect(ix.models.map((m) => m.file)).toEqual(['m.model.lkml']);
    expect(ix.models[0].explores[0]).toMatchObject({ view: 'v', alias: 'e', joins: [{ name: 'j', view: 'w' }] });
  });

  it('reads an assembled model (refinement entries left out) through the same readers', () => {
    const { model, views } = indexAssembledModel('m', {
      view: { v: { $name: 'v', dimension: { x: { $name: 'x', type: 'number' } } }, '+v': { $name: '+v' } },
      explore: { e: { $name: 'e', view_name: 'v' }, '+e': { $name: '+e' } },
    });
    expect([...views.keys()]).toEqual(['v']);
    expect(views.get('v')!.fields.get('x')).toMatchObject({ kind: 'dimension', type: 'number' });
    expect(model.explores.map((e) => [e.name, e.view, e.alias])).toEqual([['e', 'v', 'v']]);
  });
});

describe('the vocabulary', () => {
  it('gives every key a block may hold a format', () => {
    for (const keys of Object.values(BLOCK_KEYS)) for (const k of keys) expect([k, KEY_FORMATS[k]]).toEqual([k, expect.any(String)]);
    for (const k of PERSISTENCE_KEYS) expect(BLOCK_KEYS.derived_table).toContain(k);
  });

  it('counts every SQL-ish key as SQL that may reference fields', () => {
    expect(SQL_KEYS).toEqual(expect.arrayContaining(['sql', 'sql_on', 'sql_table_name', 'html', 'expression', 'sql_step', 'sql_trigger']));
    expect(SQL_KEYS).not.toContain('label');
  });

  it('writes each key in its format (the serializer reads the table)', () => {
    const text = serialize({ view: [{ $name: 'v', sql_always_where: 'x > 1', persist_for: '24 hours', indexes: ['a', 'b'], can_filter: false }] });
    expect(text).toContain('sql_always_where: x > 1 ;;');
    expect(text).toContain('persist_for: "24 hours"');
    expect(text).toContain('indexes: [a, b]');
    expect(parseLookml(text).view.v.persist_for).toBe('24 hours');
  });

  it('holds what the generator writes and the preview compiles', () => {
    expect(Object.keys(TIMEFRAMES)).toEqual(expect.arrayContaining([...TIME_TIMEFRAMES, ...PREVIEW_TIMEFRAMES]));
    expect(PREVIEW_TIMEFRAMES).toEqual(expect.arrayContaining(TIME_TIMEFRAMES));
    expect(FIELD_TYPES.dimension).toEqual(expect.arrayContaining(DIMENSION_TYPES));
    expect(FIELD_TYPES.measure).toEqual(expect.arrayContaining(MEASURE_TYPES));
    expect(FIELD_TYPES.filter).toEqual(expect.arrayContaining(FILTER_TYPES));
    // Points in time are filtered on the raw timestamp; counts of them are numbers, names are strings.
    expect([TIMEFRAMES.date, TIMEFRAMES.week, TIMEFRAMES.year, TIMEFRAMES.hour_of_day, TIMEFRAMES.month_name]).toEqual(['time', 'time', 'number', 'number', 'string']);
  });
});
