/**
 * The generated project is valid for several configs, and the validator catches each class of error
 * (each negative case breaks one thing in an otherwise valid generated project).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { configSchema, type ConfigInput } from '../../src/config/schema';
import type { GeneratedFile } from '../../src/lookml/document';
import { DEFAULT_PROJECT_CONFIG, generateProject, INTERMEDIATE_VIEWS_FILE } from '../../src/lookml/project';
import { validateProject, type SourceFile } from '../../src/lookml/validate';
import { parseLookml as parse } from '../../src/lookml/parser';

const ROOT = path.resolve(__dirname, '../..');

function sourceFiles(dir: string): SourceFile[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return /\.tsx?$/.test(e.name) ? [{ path: path.relative(ROOT, p), content: readFileSync(p, 'utf8') }] : [];
  });
}
const extensionSources = sourceFiles(path.join(ROOT, 'src/extension'));

const bigquery = { warehouse: 'bigquery', project: 'acme-analytics', dataset: 'segment_raw' } as const;
const CONFIGS: Record<string, ConfigInput> = {
  'custom column names, CRM ids and 6 steps': {
    ...bigquery,
    source: {
      type: 'rudderstack',
      tables: { pages: 'web_pages', tracks: 'web_tracks', identifies: 'web_identifies' },
      columns: {
        pages: { anonymous_id: 'anon_id', timestamp: 'sent_at', context_ip: 'ip_address' },
        tracks: { anonymous_id: 'anon_id', timestamp: 'sent_at', event: 'event_text' },
        identifies: { anonymous_id: 'anon_id', timestamp: 'sent_at', email: 'email_address' },
      },
    },
    identity: { crm_ids: [{ name: 'hubspot_contact_id', column: 'hs_id' }] },
    journeys: { steps: 6, track_events: ['Signed Up', 'Meeting Booked'], conversion_events: ['Signed Up'] },
  },
  'several offsite sources': {
    ...bigquery,
    source: { type: 'segment' },
    offsite: [
      { name: 'linkedin', label: 'LinkedIn', table: 'phantombuster_linkedin', columns: { full_name: 'fullName', profile_url: 'profileUrl' } },
      { name: 'twitter', label: 'X (Twitter)' },
      { name: 'medium' },
    ],
  },
  snowplow: { ...bigquery, source: { type: 'snowplow', columns: { domain_userid: 'duid' } }, offsite: [{ name: 'linkedin' }] },
  'tables materialization': {
    ...bigquery,
    source: { type: 'segment' },
    offsite: [{ name: 'linkedin' }],
    lookml: { materialization: 'tables', connection: 'bq_prod', scratch_schema: 'tmp' },
  },
  'tables materialization with run history': {
    ...bigquery,
    source: { type: 'segment' },
    offsite: [{ name: 'linkedin' }],
    lookml: { materialization: 'tables', run_history: true },
  },
};

describe('generated projects are valid', () => {
  const cases: [string, ReturnType<typeof configSchema.parse>][] = [
    ['default config', DEFAULT_PROJECT_CONFIG],
    ...Object.entries(CONFIGS).map(([name, c]) => [name, configSchema.parse(c)] as [string, ReturnType<typeof configSchema.parse>]),
  ];

  it.each(cases)('%s: every file parses and the validator finds nothing', (_name, config) => {
    const files = generateProject(config);
    for (const f of files.filter((x) => x.path.endsWith('.lkml'))) expect(() => parse(f.content)).not.toThrow();
    expect(validateProject(files, { extensionSources, steps: config.journeys.steps })).toEqual([]);
  });

  it('tables materialization reads the stitched tables through the OUTPUT_DATASET constant', () => {
    const files = generateProject(configSchema.parse(CONFIGS['tables materialization']));
    const events = files.find((f) => f.path === 'lookml/views/stitched_events.view.lkml')!.content;
    expect(events).toContain('sql_table_name: @{OUTPUT_DATASET}.stitched_events ;;');
    expect(events).not.toContain('derived_table');
    expect(files.find((f) => f.path === 'manifest.lkml')!.content).toMatch(/constant: CONNECTION \{\n\s+value: "bq_prod"/);
  });

  it('run history (journey_stitch_runs) only with tables: pdt builds keep no run log', () => {
    const has = (c: ConfigInput) => generateProject(configSchema.parse(c)).some((f) => f.path === 'lookml/views/journey_stitch_runs.view.lkml');
    expect([has(CONFIGS['tables materialization']), has(CONFIGS['tables materialization with run history'])]).toEqual([false, true]);
    expect(() => configSchema.parse({ ...CONFIGS.snowplow, lookml: { run_history: true } })).toThrow(/run_history[\s\S]*needs lookml.materialization: tables/);
  });

  it('rejected rows: from the output dataset with tables, from the scratch table with pdt, built with the stitched_events PDT', () => {
    const view = (c: ReturnType<typeof configSchema.parse>) => parse(generateProject(c).find((f) => f.path === 'lookml/views/rejected_rows.view.lkml')!.content).view.rejected_rows;
    expect(view(configSchema.parse(CONFIGS['tables materialization'])).sql_table_name.trim()).toBe('@{OUTPUT_DATASET}.rejected_rows');
    const pdt = view(DEFAULT_PROJECT_CONFIG).derived_table.sql;
    expect(pdt).toContain('FROM @{SCRATCH}.journey_stitch_rejected_rows AS r');
    expect(pdt).toContain('${stitched_events.SQL_TABLE_NAME}');
  });

  it('uses the configured refresh trigger, and refuses one LookML cannot hold', () => {
    const withTrigger = (refresh_sql_trigger: string) =>
      generateProject(configSchema.parse({ ...CONFIGS['tables materialization'], lookml: { refresh_sql_trigger } }));
    const model = withTrigger('SELECT MAX(loaded_at) FROM raw.pages').find((f) => f.path.endsWith('.model.lkml'))!.content;
    expect(model).toContain('sql_trigger: SELECT MAX(loaded_at) FROM raw.pages ;;');
    expect(() => withTrigger('SELECT 1 ;; DROP TABLE x')).toThrow(/lookml.refresh_sql_trigger: must be one non-empty SQL query without ';;'/);
  });

  it('custom columns reach the PDT SQL through the models; step columns follow journeys.steps', () => {
    const files = generateProject(configSchema.parse(CONFIGS['custom column names, CRM ids and 6 steps']));
    // Staging (the raw tables' first reader) is the intermediate js_events view's.
    const staging = files.find((f) => f.path === INTERMEDIATE_VIEWS_FILE)!.content;
    expect(staging).toContain('`@{RAW_PROJECT}`.`@{RAW_DATASET}`.`web_pages`');
    expect(staging).toContain('`anon_id`');
    const paths = files.find((f) => f.path === 'lookml/views/journey_paths.view.lkml')!.content;
    expect(paths).toContain('dimension: step_6 {');
    expect(paths).not.toContain('dimension: step_7 {');
  });
});

describe('the validator catches', () => {
  const base = generateProject(DEFAULT_PROJECT_CONFIG);

  /** The default project with `from` replaced by `to` in one file (`from` must be there). */
  function mutate(file: string, from: string, to: string): GeneratedFile[] {
    const f = base.find((x) => x.path === file);
    if (!f) throw new Error(`no generated file ${file}`);
    if (!f.content.includes(from)) throw new Error(`${file} does not contain ${JSON.stringify(from)}`);
    return base.map((x) => (x === f ? { ...x, content: x.content.replace(from, to) } : x));
  }
  const messages = (files: GeneratedFile[], sources = extensionSources) =>
    validateProject(files, { extensionSources: sources }).map((i) => `${i.file}: ${i.message}`);

  const MODEL = 'lookml/journey_stitch.model.lkml';
  const PERSONS = 'lookml/views/persons.view.lkml';
  const SESSIONS = 'lookml/views/sessions.view.lkml';
  const EVENTS = 'lookml/views/stitched_events.view.lkml';
  const PATHS = 'lookml/views/journey_paths.view.lkml';
  const JOURNEYS_DASHBOARD = 'lookml/dashboards/journey_stitch_journeys.dashboard.lookml';
  const COVERAGE_DASHBOARD = 'lookml/dashboards/journey_stitch_identity_coverage.dashboard.lookml';
  const QUALITY_DASHBOARD = 'lookml/dashboards/journey_stitch_data_quality.dashboard.lookml';
  const REJECTS = 'lookml/views/rejected_rows.view.lkml';

  it('nothing in the unmodified project', () => {
    expect(messages(base)).toEqual([]);
  });

  it.each([
    ['a syntax error', PERSONS, 'dimension: email {', 'dimension: email {{', /persons.view.lkml: does not parse/],
    ['an unresolved ${field}', PERSONS, "sql: ${event_count} ;;", "sql: ${event_counts} ;;", /measure total_events: \$\{event_counts\}: field persons.event_counts does not exist/],
    ['an unresolved ${view.field} in a join', MODEL, '${persons.person_id} ;;', '${persons.personid} ;;', /join persons: \$\{persons.personid\}: field persons.personid does not exist/],
    ['a join to a missing view', MODEL, 'join: sessions {', 'join: sessionz {', /join sessionz: view sessionz does not exist/],
    ['a join to an intermediate table (no fields)', MODEL, 'join: sessions {', 'join: js_events {', /join js_events: view js_events has no fields to join on/],
    ['an intermediate table without its derived table', INTERMEDIATE_VIEWS_FILE, 'view: js_events {\n  derived_table: {', 'view: js_events {\n  derived_tablex: {', /view js_events has 0 primary keys/],
    ['an invalid relationship', MODEL, 'relationship: many_to_one', 'relationship: many_to_few', /relationship many_to_few is not one of/],
    ['a second primary key', PERSONS, 'dimension: email {', 'dimension: email {\n    primary_key: yes', /view persons has 2 primary keys \(person_id, email\)/],
    ['a missing primary key', SESSIONS, 'primary_key: yes', '', /view sessions has 0 primary keys/],
    ['a duplicate field name', PERSONS, 'dimension: email_hash {', 'dimension: first_seen_date {', /duplicate field name first_seen_date/],
    ['an invalid type', PERSONS, 'type: yesno', 'type: boolean', /type boolean is not a valid dimension type/],
    ['an invalid timeframe', PERSONS, 'hour_of_day', 'hour_of_the_day', /timeframe hour_of_the_day is not valid/],
    ['an include matching no file', MODEL, 'include: "/lookml/views/*.view.lkml"', 'include: "/views/*.view.lkml"', /include "\/views\/\*.view.lkml" matches no file/],
    ['personal data without the grant', PERSONS, 'required_access_grants: [can_see_pii]\n', '', /dimension email shows personal data \(email\) without required_access_grants/],
    ['a raw user id without the grant (sites send emails as user ids)', EVENTS, 'required_access_grants: [can_see_pii]\n    sql: ${TABLE}.user_id ;;', 'sql: ${TABLE}.user_id ;;', /dimension user_id shows personal data \(user_id\) without required_access_grants/],
    ['an undefined access grant', MODEL, 'access_grant: can_see_pii {', 'access_grant: can_see_all {', /journey_stitch.model.lkml: no model defines access_grant can_see_pii/],
    ['an undefined constant', MODEL, '@{CONNECTION}', '@{CONECTION}', /uses constant @\{CONECTION\}/],
    ['a refinement of a missing view', 'lookml/refinements/persons.lkml', 'view: +persons', 'view: +personz', /refines view personz, which does not exist/],
    ['a bad templated filter', PATHS, '{% condition journey_paths.date_filter %}', '{% condition journey_paths.date_filtr %}', /table: \{% condition journey_paths.date_filtr %\}: field journey_paths.date_filtr does not exist/],
    ['a bad measure filter', PERSONS, 'filters: [identity_status: "inferred"]', 'filters: [status: "inferred"]', /filter on status: field persons.status does not exist/],
    ['a bad drill set', PERSONS, 'drill_fields: [person_details*]', 'drill_fields: [people*]', /set people does not exist in view persons/],
    ['a bad always_filter field', MODEL, 'filters: [journey_paths.date_filter: "90 days"]', 'filters: [journey_paths.day_filter: "90 days"]', /always_filter journey_paths.day_filter: field journey_paths.day_filter does not exist/],
    ['an unreachable view in a field', SESSIONS, 'sql: ${TABLE}.landing_page ;;', 'sql: ${stitched_events.page_title} ;;', /explore persons: sessions.landing_page uses \$\{stitched_events.page_title\}, but view stitched_events is not joined/],
    ['a contract field missing', PATHS, 'filter: identity_status_filter {', 'filter: status_filter {', /the extension queries journey_paths.identity_status_filter, which does not exist/],
    ['a contract explore missing', MODEL, 'explore: session_journeys {', 'explore: session_paths {', /the extension queries explore session_journeys/],
    ['entitlements missing a contract method', 'manifest.lkml', '["run_inline_query"]', '["me"]', /core_api_methods must be exactly run_inline_query; missing run_inline_query; not used: me/],
    ['an entitlement the extension does not use', 'manifest.lkml', 'local_storage: no', 'local_storage: yes', /entitlement local_storage: yes is not used by the extension/],
    ['a missing navigation entitlement', 'manifest.lkml', 'navigation: yes', 'navigation: no', /calls extensionSDK.updateLocation, which needs entitlement navigation: yes/],
    ['an unknown datagroup', MODEL, 'datagroup: journey_stitch_refresh {', 'datagroup: nightly {', /view stitched_events: datagroup_trigger journey_stitch_refresh is not a datagroup of any model/],
    ['an unknown persist_with', MODEL, 'persist_with: journey_stitch_refresh', 'persist_with: hourly', /persist_with: hourly is not a datagroup of this model/],
    ['suggestions from a templated derived table', PATHS, 'suggest_explore: events\n    suggest_dimension: stitched_events.step_label\n  }', 'suggest_dimension: step_1\n  }', /view journey_paths, filter landing_page_filter: takes filter suggestions from its templated derived table/],
    ['a string dimension of a path view with default suggestions', PATHS, 'suggestable: no\n', '', /view journey_paths, dimension person_id: takes filter suggestions from its templated derived table/],
    ['a suggest_explore that is not an explore', PATHS, 'suggest_explore: events', 'suggest_explore: event', /filter landing_page_filter: suggest_explore event is not an explore/],
    ['a suggest_dimension outside its suggest_explore', PATHS, 'suggest_explore: events', 'suggest_explore: journeys', /suggest_explore journeys has no view for suggest_dimension stitched_events.step_label/],
    ['an id filtered without case (LOWER(person_id) defeats clustering)', PERSONS, 'primary_key: yes\n', 'primary_key: yes\n    case_sensitive: no\n', /view persons, dimension person_id: is an id: ids filter exactly, remove case_sensitive: no/],
    ['two measures of one explore with one label', SESSIONS, 'label: "Persons with Sessions"', 'label: "Persons"', /explore events: measures .* and sessions.person_count are both labelled "Persons"/],
    ['a dashboard tile with a field its explore lacks', JOURNEYS_DASHBOARD, '- session_paths.step_1\n', '- journey_paths.step_1\n', /dashboard journey_stitch_journeys: tile top_entry_pages: journey_paths.step_1: view journey_paths is not in explore session_journeys/],
    ['a dashboard tile pivoting on a field it does not select', COVERAGE_DASHBOARD, 'pivots:\n        - stitched_events.identity_status', 'pivots:\n        - stitched_events.source', /tile events_by_status: pivot stitched_events.source is not one of its fields/],
    ['a dashboard tile sorting on a field it does not select', JOURNEYS_DASHBOARD, '- session_paths.count desc', '- session_paths.conversions desc', /tile top_entry_pages: sort session_paths.conversions desc is not one of its fields/],
    ['a dashboard tile listening to a filter the dashboard lacks', JOURNEYS_DASHBOARD, 'date: session_paths.date_filter', 'day: session_paths.date_filter', /tile top_entry_pages: listens to day, which is not a filter of the dashboard/],
    ['a dashboard tile filtering a missing field', COVERAGE_DASHBOARD, "stitched_events.identity_status: confirmed,inferred", "stitched_events.status: confirmed,inferred", /tile inferred_vs_confirmed: filter stitched_events.status: field status does not exist/],
    ['a dashboard outside the newspaper layout', JOURNEYS_DASHBOARD, 'layout: newspaper', 'layout: tile', /dashboard journey_stitch_journeys: layout tile is not newspaper/],
    ['a dashboard tile past the 24 columns', JOURNEYS_DASHBOARD, 'col: 12', 'col: 16', /leaves the 24 newspaper columns/],
    ['rejected row data without the grant', REJECTS, 'required_access_grants: [can_see_pii]\n', '', /view rejected_rows, dimension row_data shows personal data \(row_data\) without required_access_grants/],
    ['a dashboard filter no tile listens to', QUALITY_DASHBOARD, '- name: source_table\n', '- name: table\n', /dashboard journey_stitch_data_quality: filter table: no tile listens to it/],
    ['a data quality tile on a field its explore lacks', QUALITY_DASHBOARD, '- rejected_rows.duplicate_count\n', '- stitched_events.count\n', /dashboard journey_stitch_data_quality: tile duplicate_copies: stitched_events.count: view stitched_events is not in explore rejected_rows/],
    ['a field without a description', EVENTS, 'description: "Page referrer (may carry query parameters)."\n', '', /dimension referrer: has no description/],
  ])('%s', (_what, file, from, to, expected) => {
    const found = messages(mutate(file, from, to));
    expect(found.some((m) => expected.test(m))).toBe(true);
  });

  it('a file no model includes', () => {
    const extra = { path: 'lookml/extra/orphan.view.lkml', content: 'view: orphan {\n  dimension: id {\n    primary_key: yes\n    description: "x"\n    sql: 1 ;;\n  }\n}\n' };
    expect(messages([...base, extra])).toContain('lookml/extra/orphan.view.lkml: view orphan is not included by any model');
  });

  it('an extension call the entitlements do not list', () => {
    const source = { path: 'src/extension/fake.ts', content: 'await sdk.all_users({})' };
    expect(messages(base, [source])).toContain('manifest.lkml: src/extension/fake.ts calls core API method all_users, which the entitlements do not list');
  });
});
