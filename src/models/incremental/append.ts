/**
 * The incremental append: persons whose new events only extend their history are continued, not recomputed.
 *
 * A "plain" event is a web event that carries an anonymous id and nothing else that identifies (no user id, email,
 * CRM id, carried or linked anonymous id, name): the page views and clicks that make up most of any increment. A
 * conversion is never appended (its person is recomputed): the path columns anchored at a first conversion
 * (before_1 …) need the steps before it, which the stored row keeps only up to step_N.
 * In a full rebuild such an event adds no node, edge, attachment or name to the identity graph, so it changes no
 * one's identity; it lands on the person its anonymous id resolves to, with that id's status and link reason, all
 * three a function of the anonymous id alone (js_state_anon_persons keeps them, from the stored rows without
 * identifiers). Its only effects are on that person's sessions, paths and counts, and on the anonymous id's
 * identity_links usage. Not so on a shared device, nor (with identity.backstitch_days) on an id left anonymous:
 * there the person depends on the event's time, so anonPersonsSql leaves those ids out and their events go to
 * the recomputed closure.
 *
 * So a person gets appended to when every new event of it is plain, later than its last stored event, and the
 * person is outside the recomputed closure (no other new event reaches it through a shared identifier or name).
 * Sessionizing then continues from the person's stored tail (js_state_person_tail: last event time, last
 * labelled step, session number and start, journey steps), exactly as the full run's window would have reached
 * those events, and each touched row (the person, its last session and new ones, both path rows, the anonymous
 * ids' links) is its stored row merged with the new events' aggregates. Every merge is exact because the new events
 * all come after the stored ones: minima and first values stay, maxima and counts add up, and path steps continue
 * at the stored step count (a unit's step keys run on by one). The anonymous ids were already the person's, so its
 * distinct counts of anonymous ids, user ids and emails stay.
 */
import { TOUCH_FIELDS, tableDef, type OutputTable } from '../../contract/tables';
import type { SqlStep } from '../../sql/pipeline';
import { isConversion, sessionizedSql, stepLabel, stitchedEvents } from '../attribution';
import { ModelContext } from '../context';
import { pathTableSql, sessionAggregatesSql } from '../outputs';
import { nameMatching } from '../../config/schema';
import { linkedinVisitSql } from '../matching';
import { crmColumns, stagedColumnList } from '../staging';
import type { BuildOptions } from '../types';

/** Prefix of the append's scratch tables. */
export const APPEND = 'inc_append_';

/** The tables whose touched rows the append replaces by key (stitched_events only gains rows). */
export const APPENDED_TABLES = [
  'persons',
  'sessions',
  'journey_paths',
  'session_paths',
  'identity_links',
] as const satisfies readonly OutputTable[];

/**
 * A web event with an anonymous id and no other identifier, name or company (columns of the staged events `e`).
 * Under scored name matching a LinkedIn-referred visit is not plain either: it is evidence for name matches.
 */
export function plainEventSql(ctx: ModelContext, e: string): string {
  const absent = ['user_id', 'email', 'name', 'company', 'carried_anonymous_id', 'linked_anonymous_id', ...crmColumns(ctx)].map(
    (c) => `${e}.${ctx.d.quoteIdent(c)} IS NULL`,
  );
  const evidence = nameMatching(ctx.config)?.method === 'scored' ? [`NOT ${linkedinVisitSql(ctx, e)}`] : [];
  return [`${e}.event_type <> 'offsite'`, `${e}.anonymous_id IS NOT NULL`, ...absent, ...evidence].join(' AND ');
}

/**
 * Each anonymous id's person, status and link reason, from stitched rows without identifiers (web rows with no
 * user id, email or CRM id), for the ids where that is every later plain event's attribution too. Not so, and left
 * out (their new events are recomputed): an id of a shared device (`shared_device` rows: a new event goes to the
 * identification nearest in time, and can change its neighbours' device session), an id whose rows went to
 * several persons, and, with identity.backstitch_days, an id left anonymous (a later event may be within the
 * window of an identification that the older ones were not).
 */
export function anonPersonsSql(ctx: ModelContext, stitched: string): string {
  const absent = ['user_id', 'event_email', ...crmColumns(ctx)].map((c) => `${ctx.d.quoteIdent(c)} IS NULL`).join(' AND ');
  const windowed = ctx.config.identity.backstitch_days === null ? '' : ` AND identity_status <> 'anonymous'`;
  // (Filtered outside the aggregate: BigQuery would read a HAVING's link_reason as the SELECT's MIN(link_reason).)
  return `SELECT anonymous_id, person_id, identity_status, link_reason FROM (
  SELECT anonymous_id, COUNT(*) AS attributions, MIN(person_id) AS person_id, MIN(identity_status) AS identity_status, MIN(link_reason) AS link_reason
  FROM (
    SELECT DISTINCT anonymous_id, person_id, identity_status, link_reason FROM ${stitched}
    WHERE event_type <> 'offsite' AND anonymous_id IS NOT NULL AND ${absent}
  ) AS rows_of_id
  GROUP BY anonymous_id
) AS per_id
WHERE attributions = 1 AND link_reason <> 'shared_device'${windowed}`;
}

/** Every person's tail: its last js_sessionized row. */
export function personTailSql(sessionized: string): string {
  return `SELECT person_id, occurred_at AS last_at, tail_label AS last_label, tail_label_at AS last_label_at, session_number,
  tail_session_started_at AS session_started_at, tail_journey_steps AS journey_steps
FROM ${sessionized} WHERE last_event`;
}

export interface AppendTables {
  /** The new and changed events (staged columns, plus known_event: a copy of a stored event). */
  changed: string;
  /** Stored state: anonymous ids' persons and persons' tails. */
  anonPersons: string;
  personTail: string;
}

/**
 * The new events that can be appended, with their person: plain, not a copy of a stored event, on an anonymous id
 * with a stored person, and (person by person) all later than the person's last stored event.
 */
export function appendCandidatesSql(ctx: ModelContext, x: AppendTables): string {
  return `WITH plain AS (
  SELECT c.event_id, c.occurred_at, a.person_id
  FROM ${ctx.external(x.changed)} AS c
  JOIN ${ctx.external(x.anonPersons)} AS a ON a.anonymous_id = c.anonymous_id
  -- A conversion is recomputed with its person: the steps before a first conversion may lie beyond the stored step_N.
  WHERE NOT c.known_event AND ${plainEventSql(ctx, 'c')} AND NOT ${isConversion(ctx, 'c')}
)
SELECT p.event_id, p.person_id
FROM plain AS p
JOIN (SELECT person_id, MIN(occurred_at) AS first_at FROM plain GROUP BY person_id) AS f ON f.person_id = p.person_id
JOIN ${ctx.external(x.personTail)} AS t ON t.person_id = p.person_id
WHERE f.first_at > t.last_at`;
}

/**
 * Given `appended` (event_id, person_id: the candidates outside the recomputed closure), the stitched rows of
 * their events and the replacement rows of every touched row (APPENDED_TABLES), as scratch tables `inc_append_*`.
 */
export function appendSteps(
  opts: BuildOptions,
  x: AppendTables & {
    appended: string;
    /** The stored rows of each table the append touches (at least those: the plan reads them once for its check too). */
    stored: (table: (typeof APPENDED_TABLES)[number]) => string;
  },
): { steps: SqlStep[]; scratch: string[] } {
  // The models' own SQL, reading the append's tables under the models' names.
  const ctx = new ModelContext({ ...opts, namespace: APPEND, outputsAreScratch: true, personTails: true });
  const { d } = ctx;
  const ref = (name: string) => ctx.ref(name);
  const stored = (table: (typeof APPENDED_TABLES)[number]) => ctx.external(x.stored(table));
  const appendedPersons = () => `SELECT person_id FROM ${ctx.external(x.appended)}`;
  const steps: SqlStep[] = [
    ctx.scratchTable(
      'js_events',
      () =>
        `SELECT ${stagedColumnList(ctx)} FROM ${ctx.external(x.changed)} WHERE event_id IN (SELECT event_id FROM ${ctx.external(x.appended)})`,
    ),
    ctx.scratchTable(
      'js_event_person',
      () => `SELECT e.event_id, a.person_id, a.identity_status, a.link_reason, ${d.nullOf('float')} AS match_probability,
  ${d.nullOf('string')} AS match_evidence, e.occurred_at, ${stepLabel(ctx, 'e')} AS step_label, ${isConversion(ctx, 'e')} AS is_conversion
FROM ${ref('js_events')} AS e
JOIN ${ctx.external(x.anonPersons)} AS a ON a.anonymous_id = e.anonymous_id`,
    ),
    ctx.scratchTable('js_sessionized', () => sessionizedSql(ctx, ref('js_event_person'), ctx.external(x.personTail))),
    // New events carry no email or name: the person's backfill stays (its persons row holds it).
    ctx.scratchTable(
      'js_backfill',
      () => `SELECT person_id, email, name FROM ${stored('persons')} WHERE person_id IN (${appendedPersons()})`,
    ),
    ctx.scratchTable(
      'js_person_status',
      () => `SELECT person_id, identity_status FROM ${stored('persons')} WHERE person_id IN (${appendedPersons()})`,
    ),
    stitchedEvents(ctx),
    ctx.scratchTable('persons', () => personsSql(ctx, stored('persons'))),
    ctx.scratchTable('sessions', () => sessionsSql(ctx, stored('sessions'))),
    ctx.scratchTable('journey_paths', () => mergedPathsSql(ctx, stored('journey_paths'), 'person_id', 'journey_step')),
    ctx.scratchTable('session_paths', () => mergedPathsSql(ctx, stored('session_paths'), 'session_id', 'session_step_key')),
    ctx.scratchTable(
      'identity_links',
      () => `WITH added AS (
  SELECT ${ctx.linkId(d.concat(`'anonymous_id:'`, 'anonymous_id'))} AS link_id, MAX(occurred_at) AS last_seen_at, COUNT(*) AS event_count
  FROM ${ref('js_events')} GROUP BY anonymous_id
)
SELECT o.link_id, o.identifier_type, o.identifier, o.person_id, o.link_type, o.match_probability, o.match_evidence, o.first_seen_at,
  ${d.greatest('o.last_seen_at', 'a.last_seen_at')} AS last_seen_at, o.event_count + a.event_count AS event_count
FROM added AS a
JOIN ${stored('identity_links')} AS o ON o.link_id = a.link_id`,
    ),
  ];
  // Named by the tables they write, apart from the recomputation's steps of the same models.
  return { steps: steps.map((s) => ({ ...s, name: `${APPEND}${s.name}` })), scratch: [...ctx.scratch, ctx.tableName('stitched_events')] };
}

/** The persons rows: new events only raise the last time, the counts and the conversion. */
function personsSql(ctx: ModelContext, stored: string): string {
  const { d } = ctx;
  return `WITH added AS (
  SELECT person_id, MAX(occurred_at) AS last_seen_at, COUNT(*) AS event_count, ${d.boolOr('is_conversion')} AS converted,
    MIN(CASE WHEN is_conversion THEN occurred_at END) AS first_converted_at, ${d.boolOr('is_inferred_identity')} AS inferred
  FROM ${ctx.ref('stitched_events')} GROUP BY person_id
),
sessions_now AS (SELECT person_id, MAX(session_number) AS session_count FROM ${ctx.ref('js_sessionized')} GROUP BY person_id)
SELECT o.person_id, o.email, o.name, o.identity_status, o.is_inferred_identity OR a.inferred AS is_inferred_identity,
  o.match_probability, o.match_evidence, o.first_seen_at, a.last_seen_at, o.anonymous_id_count, o.event_count + a.event_count AS event_count,
  s.session_count, o.converted OR a.converted AS converted,
  COALESCE(o.first_converted_at, a.first_converted_at) AS first_converted_at, o.user_id_count, o.email_count
FROM added AS a
JOIN sessions_now AS s ON s.person_id = a.person_id
JOIN ${stored} AS o ON o.person_id = a.person_id`;
}

/** The sessions rows: the person's last session continued (if the first new event is within the gap), new ones added. */
function sessionsSql(ctx: ModelContext, stored: string): string {
  return `WITH added AS (
  ${sessionAggregatesSql(ctx, ctx.ref('stitched_events'))}
),
numbers AS (SELECT session_id, MAX(session_number) AS session_number FROM ${ctx.ref('js_sessionized')} GROUP BY session_id)
SELECT a.session_id, a.person_id, COALESCE(o.session_number, n.session_number) AS session_number,
  COALESCE(o.started_at, a.started_at) AS started_at, a.ended_at,
  COALESCE(o.event_count, 0) + a.event_count AS event_count,
  COALESCE(o.page_view_count, 0) + a.page_view_count AS page_view_count,
  -- The landing page and source come from the session's first page and event: stored ones come first.
  CASE WHEN o.page_view_count > 0 THEN o.landing_page ELSE a.landing_page END AS landing_page,
  CASE WHEN o.session_id IS NOT NULL THEN o.source ELSE a.source END AS source,
  -- The first touch is the first event's; the landing page path the first page view's that has one.
  ${TOUCH_FIELDS.map((c) => `CASE WHEN o.session_id IS NOT NULL THEN o.${c} ELSE a.${c} END AS ${c}`).join(',\n  ')},
  COALESCE(o.landing_page_path, a.landing_page_path) AS landing_page_path,
  COALESCE(o.converted, FALSE) OR a.converted AS converted,
  s.identity_status
FROM added AS a
JOIN numbers AS n ON n.session_id = a.session_id
JOIN ${ctx.ref('js_person_status')} AS s ON s.person_id = a.person_id
LEFT JOIN ${stored} AS o ON o.session_id = a.session_id`;
}

/**
 * A path row continued: the new events' own path (the models' path SQL over them) placed after the stored row's
 * steps. Step keys of one unit run on by one, so the new steps are steps step_count + 1, … of the unit.
 */
function mergedPathsSql(
  ctx: ModelContext,
  stored: string,
  key: 'person_id' | 'session_id',
  stepKey: 'journey_step' | 'session_step_key',
): string {
  const n = ctx.config.journeys.steps;
  const before = 'COALESCE(o.step_count, 0)';
  const step = (i: number) => {
    const shifted = Array.from({ length: i }, (_, k) => `WHEN ${k} THEN a.step_${i - k}`).join(' ');
    return `CASE ${before} ${shifted} ELSE o.step_${i} END AS step_${i}`;
  };
  const columns = tableDef(key === 'person_id' ? 'journey_paths' : 'session_paths', n).columns.map((c) => c.name);
  const merged: Record<string, string> = {
    session_id: 'a.session_id',
    person_id: 'a.person_id',
    identity_status: 'a.identity_status',
    step_count: `${before} + a.step_count AS step_count`,
    converted: 'COALESCE(o.converted, FALSE) OR a.converted AS converted',
    steps_to_conversion: `COALESCE(o.steps_to_conversion, ${before} + a.steps_to_conversion) AS steps_to_conversion`,
    first_step_at: 'COALESCE(o.first_step_at, a.first_step_at) AS first_step_at',
    // The first page view with a path may be a new one (the first touch stays the stored row's, by default below).
    landing_page_path: 'COALESCE(o.landing_page_path, a.landing_page_path) AS landing_page_path',
    ...Object.fromEntries(Array.from({ length: n }, (_, i) => [`step_${i + 1}`, step(i + 1)])),
  };
  // The appended events hold no conversion: the first conversion and the steps before it stay the stored row's.
  const storedFirst = (c: string) => `CASE WHEN o.${key} IS NOT NULL THEN o.${c} ELSE a.${c} END AS ${c}`;
  return `WITH added AS (
${pathTableSql(ctx, key, stepKey)}
)
SELECT ${columns.map((c) => merged[c] ?? storedFirst(c)).join(',\n  ')}
FROM added AS a
LEFT JOIN ${stored} AS o ON o.${key} = a.${key}`;
}

/** The keys of the identity_links rows the append touches: its events' anonymous ids. */
export function appendedLinksSql(ctx: ModelContext, x: AppendTables & { appended: string }): string {
  return `SELECT DISTINCT ${ctx.linkId(ctx.d.concat(`'anonymous_id:'`, 'anonymous_id'))} AS link_id FROM ${ctx.external(x.changed)}
WHERE event_id IN (SELECT event_id FROM ${ctx.external(x.appended)})`;
}

/**
 * The apply: new stitched rows in, and each touched row's new version (the stored one is deleted together with the
 * recomputed persons' changed rows, by the incremental plan's DELETE of each table).
 */
export function appendApplySteps(opts: BuildOptions): SqlStep[] {
  const ctx = new ModelContext(opts);
  const t = (x: string) => ctx.ref(x);
  const ref = (name: string) => ctx.external(`${APPEND}${name}`);
  const n = ctx.config.journeys.steps;
  return [
    ctx.statement(
      'stitched_events (insert appended)',
      () => `INSERT INTO ${t('stitched_events')} SELECT * FROM ${ref('stitched_events')}`,
      { writes: ['stitched_events'] },
    ),
    ...APPENDED_TABLES.map((table): SqlStep => {
      const columns = tableDef(table, n)
        .columns.map((c) => ctx.d.quoteIdent(c.name))
        .join(', ');
      return ctx.statement(
        `${table} (insert appended)`,
        () => `INSERT INTO ${t(table)} (${columns}) SELECT ${columns} FROM ${ref(table)}`,
        { writes: [table] },
      );
    }),
  ];
}
