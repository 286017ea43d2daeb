/**
 * Events → persons: deterministic links first (known identifiers, anonymous ids), then offsite profiles matched
 * by normalised name when exactly one identified person has that name (inferred, always flagged), then the
 * seed's backfill of email and name; and (stitchingSteps) sessions and the stitched_events table.
 */
import type { SqlStep } from '../sql/pipeline';
import type { ModelContext } from './context';
import { matchEvidenceColumns, nameMatchingSteps } from './matching';
import { crmColumns, offsiteLabel } from './staging';
import { TOUCH_COLUMNS, touchSql } from './channels';
import { indent } from '../sql/script';

export function attributionSteps(ctx: ModelContext): SqlStep[] {
  const t = (x: string) => ctx.ref(x);

  return [
    // Deterministic attribution. Offsite rows not tied to an identified person get a profile key instead.
    ctx.scratchTable(
      'js_event_base',
      () => `SELECT e.event_id, e.event_type, e.occurred_at, e.name, e.email,
  ${stepLabel(ctx, 'e')} AS step_label,
  ${isConversion(ctx, 'e')} AS is_conversion,
  CASE
    WHEN k.identified THEN k.person_id
    WHEN e.event_type <> 'offsite' THEN COALESCE(x.person_id, a.person_id)
  END AS person_id,
  CASE
    WHEN k.identified THEN 'confirmed'
    WHEN e.event_type <> 'offsite' AND COALESCE(x.attached, a.attached) THEN 'confirmed'
    WHEN e.event_type <> 'offsite' THEN 'anonymous'
  END AS identity_status,
  CASE
    WHEN k.identified AND e.event_type = 'offsite' THEN CASE WHEN c.has_email THEN 'offsite_email' ELSE 'profile' END
    WHEN k.identified THEN CASE WHEN c.has_user_id THEN 'user_id' WHEN c.has_email THEN 'email' ELSE 'crm_id' END
    WHEN e.event_type <> 'offsite' AND COALESCE(x.attached, a.attached)
    THEN CASE WHEN x.attached THEN 'shared_device' WHEN a.via_carried THEN 'carried_anonymous_id' ELSE 'anonymous_id' END
    WHEN e.event_type <> 'offsite' THEN 'none'
  END AS link_reason,
  CASE
    WHEN e.event_type = 'offsite' AND NOT COALESCE(k.identified, FALSE)
    THEN COALESCE(k.person_id, ${ctx.nameProfileKey('e')})
  END AS profile_key${matchEvidenceColumns(ctx, 'e')}
FROM ${t('js_events')} AS e
LEFT JOIN ${t('js_event_component')} AS c ON c.event_id = e.event_id
LEFT JOIN ${t('js_components')} AS k ON k.component = c.component
LEFT JOIN ${t('js_anon_person')} AS a ON a.anonymous_id = e.anonymous_id
LEFT JOIN ${t('js_anon_events')} AS x ON x.event_id = e.event_id`,
    ),
    // Offsite profiles matched to an identified person by name: scored on the evidence, or by the exact rule.
    ...nameMatchingSteps(ctx, () => webPersonsSql(t('js_event_base'))),
    ctx.scratchTable(
      'js_event_person',
      () => `SELECT b.event_id, b.occurred_at, b.name, b.email, b.step_label, b.is_conversion,
  COALESCE(b.person_id, p.matched_person_id, ${ctx.profilePersonId('p.profile_key')}) AS person_id,
  COALESCE(b.identity_status, CASE WHEN p.matched_person_id IS NOT NULL THEN 'inferred' ELSE 'unmatched' END) AS identity_status,
  COALESCE(b.link_reason, CASE WHEN p.matched_person_id IS NOT NULL THEN 'name_match' ELSE 'none' END) AS link_reason,
  CASE WHEN p.matched_person_id IS NOT NULL THEN p.match_probability END AS match_probability,
  CASE WHEN p.matched_person_id IS NOT NULL THEN p.match_evidence END AS match_evidence
FROM ${t('js_event_base')} AS b
LEFT JOIN ${t('js_profiles')} AS p ON p.profile_key = b.profile_key`,
    ),
    // The seed's names_backfilled: latest non-null email and name per person, from confirmed rows (an unmatched
    // profile's own rows for its name); never from inferred or anonymous rows.
    ctx.scratchTable(
      'js_backfill',
      () => `WITH eligible AS (
  SELECT person_id, email, name, occurred_at, event_id FROM ${t('js_event_person')} WHERE identity_status IN ('confirmed', 'unmatched')
),
latest_email AS (
  SELECT person_id, email FROM (
    SELECT person_id, email, ROW_NUMBER() OVER (PARTITION BY person_id ORDER BY occurred_at DESC, event_id DESC) AS pick
    FROM eligible WHERE email IS NOT NULL
  ) AS ranked WHERE pick = 1
),
latest_name AS (
  SELECT person_id, name FROM (
    SELECT person_id, name, ROW_NUMBER() OVER (PARTITION BY person_id ORDER BY occurred_at DESC, event_id DESC) AS pick
    FROM eligible WHERE name IS NOT NULL
  ) AS ranked WHERE pick = 1
)
SELECT p.person_id, le.email, ln.name
FROM (SELECT DISTINCT person_id FROM ${t('js_event_person')}) AS p
LEFT JOIN latest_email AS le ON le.person_id = p.person_id
LEFT JOIN latest_name AS ln ON ln.person_id = p.person_id`,
    ),
  ];
}

/**
 * The persons with a confirmed web event among `events` (person_id, identity_status, event_type): only they can be
 * a name match's target. The incremental state stores the same flag per person (js_state_person_names).
 */
export function webPersonsSql(events: string): string {
  return `SELECT DISTINCT person_id FROM ${events} WHERE identity_status = 'confirmed' AND event_type <> 'offsite'`;
}

/** Each person's events in time order (sessions, path steps), then stitched_events: the two largest steps. */
export function stitchingSteps(ctx: ModelContext): SqlStep[] {
  return [sessionSteps(ctx), stitchedEvents(ctx)];
}

/**
 * Sessions, and the journey and session path steps, from one sort of each person's events by time: a new session
 * at the person's first event and after every gap longer than the inactivity limit; a labelled event is a path
 * step unless the previous labelled event has the same label (for sessions: and lies in the same session).
 * The path tables then only aggregate. Their LookML twin (outputs.ts pathSql) sorts the filtered events instead.
 */
function sessionSteps(ctx: ModelContext): SqlStep {
  return ctx.scratchTable('js_sessionized', () => sessionizedSql(ctx, ctx.ref('js_event_person')));
}

/**
 * js_sessionized over `events` (event_id, person_id, identity_status, link_reason, match_probability, match_evidence,
 * occurred_at, step_label, is_conversion). With `tail` (js_state_person_tail: person_id, last_at, last_label, last_label_at, session_number,
 * session_started_at, journey_steps), the events continue each person's stored history instead of starting it:
 * every event must be later than its person's last_at (the incremental append). With `personTails`, each person's
 * last row also carries what a tail row needs (tail_*; NULL on the other rows: one more window in the same sort).
 */
export function sessionizedSql(ctx: ModelContext, events: string, tail?: string): string {
  const { d } = ctx;
  const gapSeconds = ctx.config.sessions.inactivity_minutes * 60;
  const byTime = 'PARTITION BY x.person_id ORDER BY x.occurred_at, x.event_id';
  const before = `${byTime} ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING`;
  const soFar = `PARTITION BY person_id ORDER BY occurred_at, event_id ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW`;
  // Continuing a history: what comes before the first new event is the tail's.
  const orTail = (expr: string, column: string) => (tail ? `COALESCE(${expr}, t.${column})` : expr);
  const plusTail = (expr: string, carriedColumn: string) => (tail ? `${carriedColumn} + ${expr}` : expr);
  const sessionStart = `MAX(CASE WHEN starts_session THEN occurred_at END) OVER (${soFar})`;
  const carried = tail
    ? `,
    t.session_number AS carried_sessions, t.session_started_at AS carried_session_start, t.journey_steps AS carried_steps`
    : '';
  return `WITH ordered AS (
  SELECT x.event_id, x.person_id, x.identity_status, x.link_reason, x.match_probability, x.match_evidence, x.occurred_at, x.step_label, x.is_conversion,
    ${orTail(`LAG(x.occurred_at) OVER (${byTime})`, 'last_at')} AS previous_at,
    ${orTail(`LAST_VALUE(x.step_label IGNORE NULLS) OVER (${before})`, 'last_label')} AS previous_label,
    ${orTail(`LAST_VALUE(CASE WHEN x.step_label IS NOT NULL THEN x.occurred_at END IGNORE NULLS) OVER (${before})`, 'last_label_at')} AS previous_label_at,
    -- The person's conversions before this event (an appended history holds none: incremental/append.ts).
    COALESCE(SUM(CASE WHEN x.is_conversion THEN 1 ELSE 0 END) OVER (${before}), 0) AS conversions_before${
      ctx.personTails
        ? `,
    LEAD(x.event_id) OVER (${byTime}) IS NULL AS last_event`
        : ''
    }${carried}
  FROM ${events} AS x${
    tail
      ? `
  JOIN ${tail} AS t ON t.person_id = x.person_id`
      : ''
  }
),
flagged AS (
  SELECT *,
    previous_at IS NULL OR ${d.secondsBetween('previous_at', 'occurred_at')} > ${gapSeconds} AS starts_session,
    step_label IS NOT NULL AND (previous_label IS NULL OR previous_label <> step_label) AS journey_step_kept
  FROM ordered
),
numbered AS (
  -- All three windows share one sort. Times only grow along it, so the latest session start so far is the
  -- session's start, and the journey steps so far count the kept steps up to this event.
  SELECT *,
    ${plusTail(`SUM(CASE WHEN starts_session THEN 1 ELSE 0 END) OVER (${soFar})`, 'carried_sessions')} AS session_number,
    ${tail ? `COALESCE(${sessionStart}, carried_session_start)` : sessionStart} AS session_started_at,
    ${plusTail(`COUNT(CASE WHEN journey_step_kept THEN 1 END) OVER (${soFar})`, 'carried_steps')} AS journey_steps_so_far,
    -- Conversions only grow along the sort too: those before the session's start are the latest start's.
    conversions_before - COALESCE(MAX(CASE WHEN starts_session THEN conversions_before END) OVER (${soFar}), 0) AS session_conversions_before
  FROM flagged
)
SELECT event_id, person_id, identity_status, link_reason, match_probability, match_evidence, occurred_at, step_label, is_conversion, session_number,
  conversions_before, session_conversions_before,
  ${ctx.md5(d.concat('person_id', `'|'`, d.castString(d.unixMicros('session_started_at'))))} AS session_id,
  CASE WHEN journey_step_kept THEN journey_steps_so_far END AS journey_step,
  -- A session's steps: its first labelled event (the previous one, if any, is before the session started), then the
  -- journey steps after it. Their journey counts run on by one from the first's, so they order the session's path.
  CASE WHEN step_label IS NOT NULL AND (previous_label_at IS NULL OR previous_label_at < session_started_at OR previous_label <> step_label)
    THEN journey_steps_so_far END AS session_step_key${
      ctx.personTails
        ? `,
  last_event,
  CASE WHEN last_event THEN COALESCE(step_label, previous_label) END AS tail_label,
  CASE WHEN last_event THEN CASE WHEN step_label IS NOT NULL THEN occurred_at ELSE previous_label_at END END AS tail_label_at,
  CASE WHEN last_event THEN session_started_at END AS tail_session_started_at,
  CASE WHEN last_event THEN journey_steps_so_far END AS tail_journey_steps`
        : ''
    }
FROM numbered`;
}

/** A stitched event's journey step: the page title (else path), a listed track event, or the offsite action. */
export function stepLabel(ctx: ModelContext, e: string): string {
  const { d, config } = ctx;
  const labelCases = config.offsite.map((o) => `WHEN ${e}.source = ${ctx.lit(o.name)} THEN ${ctx.lit(`${offsiteLabel(o)}: `)}`).join(' ');
  return `CASE
    WHEN ${e}.event_type = 'page' THEN COALESCE(${e}.page_title, ${e}.page_path)
    WHEN ${e}.event_type = 'track' AND ${ctx.inList(`${e}.event_name`, config.journeys.track_events)} THEN ${e}.event_name
    WHEN ${e}.event_type = 'offsite' THEN ${d.concat(labelCases ? `CASE ${labelCases} END` : `${e}.source`, `${e}.offsite_action`)}
  END`;
}

/** Whether the event is a conversion (a listed track event); never NULL. */
export function isConversion(ctx: ModelContext, e: string): string {
  return `COALESCE((${e}.event_type = 'track' AND ${ctx.inList(`${e}.event_name`, ctx.config.journeys.conversion_events)}), FALSE)`;
}

/**
 * stitched_events, column by column: `person` marks the columns that depend on other events (the person's), every
 * other column is a function of the event's own row. An incremental refresh compares only the person columns of an
 * event that did not change (stitchedPersonColumns).
 */
function stitchedColumns(ctx: ModelContext): { name: string; sql: string; person?: true }[] {
  const { d } = ctx;
  const event = (name: string) => ({ name, sql: `e.${name}` });
  const person = (name: string, sql: string) => ({ name, sql, person: true as const });
  return [
    ...['event_id', 'event_type', 'event_name', 'occurred_at', 'anonymous_id', 'user_id'].map(event),
    person('person_id', 's.person_id'),
    person('email', 'b.email'),
    person('name', 'b.name'),
    person('identity_status', 's.identity_status'),
    person('is_inferred_identity', `s.identity_status = 'inferred'`),
    ...['source', 'page_path', 'page_title', 'page_url'].map(event),
    person('session_id', 's.session_id'),
    // Computed again from the event's columns (as in js_event_base): cheaper than carrying them through the join.
    { name: 'step_label', sql: stepLabel(ctx, 'e') },
    { name: 'is_conversion', sql: isConversion(ctx, 'e') },
    ...['ip', 'referrer', 'utm_source', 'utm_medium', 'utm_campaign', ...TOUCH_COLUMNS, 'offsite_action', 'profile_url', 'content_url'].map(
      event,
    ),
    person('link_reason', 's.link_reason'),
    person('match_probability', 's.match_probability'),
    person('match_evidence', 's.match_evidence'),
    { name: 'event_email', sql: 'e.email' },
    event('carried_anonymous_id'),
    // CRM id columns are named in the config: quoted.
    ...crmColumns(ctx).map((name) => ({ name, sql: `e.${d.quoteIdent(name)}` })),
  ];
}

/** The stitched_events columns that can change while the event itself does not. */
export function stitchedPersonColumns(ctx: ModelContext): string[] {
  return stitchedColumns(ctx)
    .filter((c) => c.person)
    .map((c) => c.name);
}

export function stitchedEvents(ctx: ModelContext): SqlStep {
  const { d } = ctx;
  // A column read under its own name (alias.name) keeps it; the others are named (only the CRM names come from the config).
  const ownName = (c: { name: string; sql: string }) =>
    [c.name, d.quoteIdent(c.name)].some((n) => c.sql === `e.${n}` || c.sql === `s.${n}` || c.sql === `b.${n}`);
  const select = stitchedColumns(ctx).map((c) => (ownName(c) ? c.sql : `${c.sql} AS ${c.name}`));
  // Short columns share a line; a multi-line expression gets its own.
  const lines: string[] = [];
  for (const column of select) {
    const last = lines.length - 1;
    if (last >= 0 && !column.includes('\n') && !lines[last].includes('\n') && lines[last].length + column.length < 100)
      lines[last] += `, ${column}`;
    else lines.push(column);
  }
  return ctx.outputTable(
    'stitched_events',
    () => `SELECT
  ${lines.join(',\n  ')}
FROM (
${indent(touchSql(ctx, ctx.ref('js_events')))}
) AS e
JOIN ${ctx.ref('js_sessionized')} AS s ON s.event_id = e.event_id
JOIN ${ctx.ref('js_backfill')} AS b ON b.person_id = s.person_id`,
  );
}
