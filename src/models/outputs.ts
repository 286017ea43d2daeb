/**
 * The tables built on stitched_events: persons, identity_links, sessions and the journey paths.
 * The path SQL is exported on its own so the LookML generator can reuse it with templated filters.
 */
import { TOUCH_FIELDS } from '../contract/tables';
import type { Dialect } from '../sql/dialect';
import type { SqlStep } from '../sql/pipeline';
import type { ModelContext } from './context';

/** A session's (or a person's) first touch and landing page path, as the sessions and path tables carry them. */
export const SESSION_TOUCH = [...TOUCH_FIELDS, 'landing_page_path'] as const;

export function outputSteps(ctx: ModelContext): SqlStep[] {
  const { d } = ctx;
  const se = () => ctx.ref('stitched_events');
  return [
    ctx.outputTable(
      'identity_links',
      () => `WITH identifier_person AS (
  SELECT c.node_type AS identifier_type, c.node_value AS identifier,
    COALESCE(CASE WHEN k.identified THEN k.person_id END, p.matched_person_id, ${ctx.profilePersonId('k.person_id')}) AS person_id,
    CASE WHEN NOT k.identified AND p.matched_person_id IS NOT NULL THEN 'inferred' ELSE 'confirmed' END AS link_type,
    CASE WHEN NOT k.identified THEN p.match_probability END AS match_probability,
    CASE WHEN NOT k.identified THEN p.match_evidence END AS match_evidence
  FROM ${ctx.ref('js_node_component')} AS c
  JOIN ${ctx.ref('js_components')} AS k ON k.component = c.component
  -- The condition is folded into the join key: a key plus a one-sided test makes DuckDB loop over every pair.
  LEFT JOIN ${ctx.ref('js_profiles')} AS p ON p.profile_key = CASE WHEN NOT k.identified THEN k.person_id END
  UNION ALL
  SELECT 'anonymous_id', anonymous_id, person_id, 'confirmed', ${d.nullOf('float')}, ${d.nullOf('string')} FROM ${ctx.ref('js_anon_person')}
  UNION ALL
  SELECT 'profile', profile_key, COALESCE(matched_person_id, ${ctx.profilePersonId('profile_key')}),
    CASE WHEN matched_person_id IS NOT NULL THEN 'inferred' ELSE 'confirmed' END, match_probability, match_evidence
  FROM ${ctx.ref('js_profiles')}
  WHERE profile_key NOT IN (SELECT node_value FROM ${ctx.ref('js_node_component')} WHERE node_type = 'profile')
)
SELECT ${ctx.linkId(d.concat('i.identifier_type', `':'`, 'i.identifier'))} AS link_id, i.identifier_type, i.identifier, i.person_id, i.link_type,
  CASE WHEN i.link_type = 'inferred' THEN i.match_probability END AS match_probability,
  CASE WHEN i.link_type = 'inferred' THEN i.match_evidence END AS match_evidence,
  u.first_seen_at, u.last_seen_at, COALESCE(u.event_count, 0) AS event_count
FROM identifier_person AS i
-- Only identifiers whose person has events: a shared inbox seen only beside user ids resolves to nobody.
JOIN ${ctx.ref('js_person_status')} AS p ON p.person_id = i.person_id
LEFT JOIN ${ctx.ref('js_identifier_usage')} AS u ON u.identifier_type = i.identifier_type AND u.identifier = i.identifier`,
    ),
    ctx.outputTable(
      'sessions',
      () => `SELECT session_id, person_id, session_number, started_at, ended_at, event_count, page_view_count, landing_page, source,
  ${SESSION_TOUCH.join(', ')}, converted, identity_status
FROM (
  SELECT s.session_id, s.person_id,
    DENSE_RANK() OVER (PARTITION BY s.person_id ORDER BY s.started_at, s.session_id) AS session_number,
    s.started_at, s.ended_at, s.event_count, s.page_view_count, s.converted, s.landing_page, s.source,
    ${SESSION_TOUCH.map((c) => `s.${c}`).join(', ')},
    ps.identity_status
  FROM (
    ${sessionAggregatesSql(ctx, se())}
  ) AS s
  JOIN ${ctx.ref('js_person_status')} AS ps ON ps.person_id = s.person_id
) AS numbered`,
    ),
    ctx.outputTable(
      'persons',
      // Aggregated before the join to the person status: the join sees one row per person.
      () => `SELECT e.person_id, e.email, e.name, ps.identity_status, e.is_inferred_identity, e.match_probability, e.match_evidence,
  e.first_seen_at, e.last_seen_at,
  e.anonymous_id_count, e.event_count, e.session_count, e.converted, e.first_converted_at, e.user_id_count, e.email_count
FROM (
  SELECT person_id, MAX(email) AS email, MAX(name) AS name,
    ${d.boolOr('is_inferred_identity')} AS is_inferred_identity,
    -- The weakest name match: a person is only as certain as its least certain inferred link.
    MIN(match_probability) AS match_probability,
    ${d.firstBy('match_evidence', ['COALESCE(match_probability, 0)', 'event_id'], `identity_status = 'inferred'`)} AS match_evidence,
    MIN(occurred_at) AS first_seen_at, MAX(occurred_at) AS last_seen_at,
    COUNT(DISTINCT anonymous_id) AS anonymous_id_count, COUNT(*) AS event_count,
    COUNT(DISTINCT session_id) AS session_count,
    ${d.boolOr('is_conversion')} AS converted,
    MIN(CASE WHEN is_conversion THEN occurred_at END) AS first_converted_at,
    COUNT(DISTINCT user_id) AS user_id_count,
    COUNT(DISTINCT event_email) AS email_count
  FROM ${se()}
  GROUP BY person_id
) AS e
JOIN ${ctx.ref('js_person_status')} AS ps ON ps.person_id = e.person_id`,
    ),
    ctx.outputTable('journey_paths', () => pathTableSql(ctx, 'person_id', 'journey_step')),
    ctx.outputTable('session_paths', () => pathTableSql(ctx, 'session_id', 'session_step_key')),
  ];
}

/**
 * When each identifier was first and last seen, and on how many events: identity_links' figures. Built before the
 * sessionizing sort, so the per-event tables it reads (js_event_base, js_event_nodes) are dropped before the two
 * largest steps run instead of staying in memory until identity_links.
 */
export function identifierUsageStep(ctx: ModelContext): SqlStep {
  return ctx.scratchTable(
    'js_identifier_usage',
    () => `WITH occurrences AS (
  -- One row per (event, identifier): an id carried over or linked is not counted again when the row has it already.
  SELECT node_type AS identifier_type, node_value AS identifier, occurred_at FROM ${ctx.ref('js_event_nodes')}
  UNION ALL
  SELECT 'anonymous_id', anonymous_id, occurred_at FROM ${ctx.ref('js_events')} WHERE anonymous_id IS NOT NULL
  UNION ALL
  SELECT 'anonymous_id', carried_anonymous_id, occurred_at FROM ${ctx.ref('js_events')}
  WHERE carried_anonymous_id IS NOT NULL AND carried_anonymous_id <> COALESCE(anonymous_id, '')
  UNION ALL
  SELECT 'anonymous_id', linked_anonymous_id, occurred_at FROM ${ctx.ref('js_events')}
  WHERE linked_anonymous_id IS NOT NULL AND linked_anonymous_id <> COALESCE(anonymous_id, '') AND linked_anonymous_id <> COALESCE(carried_anonymous_id, '')
  UNION ALL
  SELECT 'profile', b.profile_key, b.occurred_at FROM ${ctx.ref('js_event_base')} AS b
  WHERE b.profile_key IS NOT NULL AND b.profile_key NOT IN (SELECT node_value FROM ${ctx.ref('js_node_component')} WHERE node_type = 'profile')
)
SELECT identifier_type, identifier, MIN(occurred_at) AS first_seen_at, MAX(occurred_at) AS last_seen_at, COUNT(*) AS event_count
FROM occurrences GROUP BY identifier_type, identifier`,
  );
}

/**
 * One row per session of the stitched events `se`, before numbering. One aggregation, no window over the events:
 * the landing page is the first page's label, the source the first event's.
 */
export function sessionAggregatesSql(ctx: ModelContext, se: string): string {
  const { d } = ctx;
  const first = firstRow(d, ['source', ...TOUCH_FIELDS], ['occurred_at', 'event_id']);
  return `SELECT session_id, person_id, started_at, ended_at, event_count, page_view_count, converted, landing_page,
      ${first.columns('a')}, landing_page_path
    FROM (
      SELECT session_id, person_id, MIN(occurred_at) AS started_at, MAX(occurred_at) AS ended_at, COUNT(*) AS event_count,
        ${d.countIf(`event_type = 'page'`)} AS page_view_count, ${d.boolOr('is_conversion')} AS converted,
        ${d.firstBy('step_label', ['occurred_at', 'event_id'], `event_type = 'page'`)} AS landing_page,
        ${first.aggregate},
        ${d.firstBy('page_path', ['occurred_at', 'event_id'], `event_type = 'page' AND page_path IS NOT NULL`)} AS landing_page_path
      FROM ${se}
      GROUP BY session_id, person_id
    ) AS a`;
}

/**
 * Several columns of a group's first row by `orderBy`: one aggregate of a struct of them (`aggregate`, a column named
 * first_row), read back field by field (`columns`, from the aggregate's alias). One struct aggregate instead of one
 * per column: at 1M events sessions took 0.59 s instead of 0.86 s on DuckDB, and BigQuery sorts each group once.
 */
export function firstRow(
  d: Dialect,
  fields: readonly string[],
  orderBy: string[],
): { aggregate: string; columns: (alias: string) => string } {
  return {
    aggregate: `${d.firstBy(d.structOf(fields.map((f) => [f, f])), orderBy)} AS first_row`,
    columns: (alias) => fields.map((f) => `${alias}.first_row.${d.quoteIdent(f)} AS ${f}`).join(', '),
  };
}

/** Person-level status: inferred if any event is, else confirmed, else anonymous (web), else unmatched. */
export function personStatusStep(ctx: ModelContext): SqlStep {
  return ctx.scratchTable('js_person_status', () => personStatusSql(ctx.d, ctx.ref('stitched_events')));
}

/** Each person's status from its stitched events `events` (also the SQL Runner's stand-in for persons). */
export function personStatusSql(d: Dialect, events: string): string {
  return `SELECT person_id,
  CASE
    WHEN ${d.boolOr(`identity_status = 'inferred'`)} THEN 'inferred'
    WHEN ${d.boolOr(`identity_status = 'confirmed'`)} THEN 'confirmed'
    WHEN ${d.boolOr(`identity_status = 'anonymous'`)} THEN 'anonymous'
    ELSE 'unmatched'
  END AS identity_status
FROM ${events}
GROUP BY person_id`;
}

/**
 * The path tables from the steps js_sessionized marked: per person (or session), its kept steps in key order.
 * The keys of one unit's steps run on by one, so a step's number is its key less the first key, plus one.
 * The steps before the first conversion are the kept steps of the events before it (no conversion before them:
 * js_sessionized counts them), latest first.
 */
export function pathTableSql(ctx: ModelContext, key: 'person_id' | 'session_id', stepKey: 'journey_step' | 'session_step_key'): string {
  const { d } = ctx;
  const n = ctx.config.journeys.steps;
  const conversionsBefore = key === 'person_id' ? 'conversions_before' : 'session_conversions_before';
  const firstConversion = `is_conversion AND ${conversionsBefore} = 0`;
  const steps = d.firstValues('step_label', stepKey, n, `${stepKey} IS NOT NULL`);
  const before = d.firstValues('step_label', `-${stepKey}`, n, `${stepKey} IS NOT NULL AND ${conversionsBefore} = 0 AND NOT is_conversion`);
  const stepColumns = Array.from({ length: n }, (_, i) => `${d.arrayItem('p.steps', i + 1)} AS step_${i + 1}`).join(', ');
  // Only a converted unit has steps before its conversion (an appended history's events hold no conversion).
  const beforeColumns = Array.from(
    { length: n },
    (_, i) => `CASE WHEN p.converted_at IS NOT NULL THEN ${d.arrayItem('p.before_steps', i + 1)} END AS before_${i + 1}`,
  ).join(',\n  ');
  const keys = key === 'session_id' ? 'session_id, person_id' : 'person_id';
  const sessions = key === 'person_id';
  // The first touch: the session's own (sessions), or the person's first session's and first landing page path.
  const first = firstRow(d, TOUCH_FIELDS, ['session_number']);
  const touch = sessions
    ? `SELECT person_id, ${first.columns('f')}, landing_page_path FROM (
    SELECT person_id, ${first.aggregate},
      ${d.firstBy('landing_page_path', ['session_number'], 'landing_page_path IS NOT NULL')} AS landing_page_path
    FROM ${ctx.ref('sessions')} GROUP BY person_id
  ) AS f`
    : `SELECT session_id, ${SESSION_TOUCH.join(', ')} FROM ${ctx.ref('sessions')}`;
  return `SELECT ${key === 'session_id' ? 'p.session_id, ' : ''}p.person_id, s.identity_status, p.step_count, p.converted, p.steps_to_conversion, p.first_step_at,
  p.converted_at, ${d.secondsBetween('p.first_step_at', 'p.converted_at')} AS seconds_to_conversion,${sessions ? ' p.sessions_to_conversion,' : ''} p.conversion_step,
  ${SESSION_TOUCH.map((c) => `t.${c}`).join(', ')},
  ${stepColumns},
  ${beforeColumns}
FROM (
  SELECT ${keys}, COUNT(${stepKey}) AS step_count, ${d.boolOr('is_conversion')} AS converted,
    MIN(CASE WHEN is_conversion THEN ${stepKey} END) - MIN(${stepKey}) + 1 AS steps_to_conversion,
    MIN(CASE WHEN ${stepKey} IS NOT NULL THEN occurred_at END) AS first_step_at,
    MIN(CASE WHEN is_conversion THEN occurred_at END) AS converted_at,${
      sessions
        ? `
    MAX(CASE WHEN ${firstConversion} THEN session_number END) AS sessions_to_conversion,`
        : ''
    }
    MAX(CASE WHEN ${firstConversion} THEN step_label END) AS conversion_step,
    ${steps} AS steps,
    ${before} AS before_steps
  FROM ${ctx.ref('js_sessionized')}
  GROUP BY ${keys}
) AS p
JOIN ${ctx.ref('js_person_status')} AS s ON s.person_id = p.person_id
JOIN (
  ${touch}
) AS t ON t.${key} = p.${key}`;
}

export interface PathSqlOptions {
  /** The stitched events (a table reference or a parenthesised subquery). */
  events: string;
  partition: 'person_id' | 'session_id';
  steps: number;
  /** Table with (person_id, identity_status) per person. */
  status: string;
  /** Extra predicate on the events before the paths are built (the LookML templated filters). */
  eventFilter?: string;
  /** Seconds from timestamp a to b: the one expression the warehouses spell differently (Dialect.secondsBetween). */
  secondsBetween: (a: string, b: string) => string;
}

/**
 * One row per person (or session): steps ordered by time, a step equal to the previous one dropped, pivoted into
 * step_1 … step_N, and the steps before the first conversion, latest first, into before_1 … before_N. Plain SQL
 * that BigQuery and DuckDB share (but for secondsBetween), so LookML embeds it with its templated filters; over all
 * events it gives the engine's path tables (test/lookml/sample-paths).
 */
export function pathSql(o: PathSqlOptions): string {
  const key = o.partition;
  const filter = o.eventFilter ? ` AND (${o.eventFilter})` : '';
  const pivot = (column: string, number: string) =>
    Array.from({ length: o.steps }, (_, i) => `    MAX(CASE WHEN ${number} = ${i + 1} THEN step_label END) AS ${column}_${i + 1}`);
  const columns = (column: string) => Array.from({ length: o.steps }, (_, i) => `p.${column}_${i + 1}`).join(', ');
  const extraKey = key === 'session_id' ? 'e.person_id, ' : '';
  const byTime = `PARTITION BY e.${key} ORDER BY e.occurred_at, e.event_id`;
  const firstConversion = 'is_conversion AND conversions_before = 0';
  const sessions = key === 'person_id';
  return `WITH ordered AS (
  SELECT ${extraKey}e.${key}, e.session_id AS event_session_id, e.step_label, e.is_conversion, e.occurred_at, e.event_id,
    ${TOUCH_FIELDS.map((c) => `e.${c}`).join(', ')},
    ROW_NUMBER() OVER (${byTime}) AS event_number,
    FIRST_VALUE(CASE WHEN e.event_type = 'page' THEN e.page_path END IGNORE NULLS) OVER (${byTime} ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS unit_landing_page_path,
    LAST_VALUE(e.step_label IGNORE NULLS) OVER (${byTime} ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS previous_label,
    COALESCE(SUM(CASE WHEN e.is_conversion THEN 1 ELSE 0 END) OVER (${byTime} ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS conversions_before
  FROM ${o.events} AS e
  WHERE TRUE${filter}
),
units AS (
  SELECT ${key === 'session_id' ? 'person_id, ' : ''}${key}, MAX(CASE WHEN is_conversion THEN 1 ELSE 0 END) = 1 AS converted,
    MIN(CASE WHEN is_conversion THEN occurred_at END) AS converted_at,${
      sessions
        ? `
    -- The sessions up to the first conversion: those of the events without a conversion before them.
    CASE WHEN MAX(CASE WHEN is_conversion THEN 1 ELSE 0 END) = 1 THEN COUNT(DISTINCT CASE WHEN conversions_before = 0 THEN event_session_id END) END AS sessions_to_conversion,`
        : ''
    }
    MAX(CASE WHEN ${firstConversion} THEN step_label END) AS conversion_step,
    -- The first touch: the unit's first event's; the landing page path: its first page view's that has one.
    ${TOUCH_FIELDS.map((c) => `MAX(CASE WHEN event_number = 1 THEN ${c} END) AS ${c}`).join(',\n    ')},
    MAX(unit_landing_page_path) AS landing_page_path
  FROM ordered
  GROUP BY ${key === 'session_id' ? 'person_id, ' : ''}${key}
),
kept AS (
  SELECT ${key}, step_label, is_conversion, occurred_at, conversions_before = 0 AND NOT is_conversion AS before_conversion,
    ROW_NUMBER() OVER (PARTITION BY ${key} ORDER BY occurred_at, event_id) AS step_number
  FROM ordered
  WHERE step_label IS NOT NULL AND (previous_label IS NULL OR previous_label <> step_label)
),
numbered AS (
  SELECT *, CASE WHEN before_conversion THEN COUNT(CASE WHEN before_conversion THEN 1 END) OVER (PARTITION BY ${key}) - step_number + 1 END AS steps_before
  FROM kept
),
-- Pivoted per unit before the join, so the join and the grouping see one row per unit.
unit_paths AS (
  SELECT ${key}, COUNT(*) AS step_count,
    MIN(CASE WHEN is_conversion THEN step_number END) AS steps_to_conversion,
    MIN(occurred_at) AS first_step_at,
${pivot('step', 'step_number').join(',\n')},
${pivot('before', 'steps_before').join(',\n')}
  FROM numbered
  GROUP BY ${key}
)
SELECT ${key === 'session_id' ? 'u.session_id, ' : ''}u.person_id, s.identity_status,
  COALESCE(p.step_count, 0) AS step_count,
  u.converted, p.steps_to_conversion, p.first_step_at, u.converted_at,
  ${o.secondsBetween('p.first_step_at', 'u.converted_at')} AS seconds_to_conversion,${sessions ? ' u.sessions_to_conversion,' : ''} u.conversion_step,
  ${SESSION_TOUCH.map((c) => `u.${c}`).join(', ')},
  ${columns('step')},
  ${Array.from({ length: o.steps }, (_, i) => `CASE WHEN u.converted THEN p.before_${i + 1} END AS before_${i + 1}`).join(', ')}
FROM units AS u
JOIN ${o.status} AS s ON s.person_id = u.person_id
LEFT JOIN unit_paths AS p ON p.${key} = u.${key}`;
}
