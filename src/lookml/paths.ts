/**
 * journey_paths (one row per person) and session_paths (one row per session): dynamic derived tables over
 * stitched_events, so the templated filters (date range, source, identity status, landing page) change the
 * paths themselves, not just which rows are counted. The SQL follows docs/semantics.md §8: steps are events
 * with a step_label, ordered by (occurred_at, event_id); a step equal to the previous one is collapsed.
 * The path SQL is the models' own, written in SQL that BigQuery and DuckDB both run (the local preview
 * queries these views on DuckDB).
 */
import { CHANNELS } from '../contract/channels';
import { EVENT_FIELDS, EXPLORES } from '../contract/looker';
import { tableDef, type ColumnDef } from '../contract/tables';
import { pathSql as modelPathSql, SESSION_TOUCH } from '../models/outputs';
import { named, type Named, type Node } from './document';
import { secondsBetween } from './liquid';
import { indent } from '../sql/script';
import { columnFields } from './fields';
import { count, ratio, TOUCH_LABELS } from './views';

export type PathView = 'journey_paths' | 'session_paths';
export const PATH_VIEWS: readonly PathView[] = ['journey_paths', 'session_paths'];

const condition = (view: PathView, filter: string, expr: string) => `{% condition ${view}.${filter} %} ${expr} {% endcondition %}`;

/**
 * The derived-table SQL of a path view: the models' path SQL (src/models/outputs.ts) over the events that pass
 * the date, source and identity-status filters, then the landing-page filter on the first step.
 */
export function pathSql(view: PathView, steps: number): string {
  const paths = modelPathSql({
    events: 'filtered_events',
    partition: view === 'journey_paths' ? 'person_id' : 'session_id',
    steps,
    status: '${persons.SQL_TABLE_NAME}',
    secondsBetween,
  });
  return `-- The filters select the events before the paths are built, so filtering changes the paths.
WITH filtered_events AS (
  SELECT e.*
  FROM \${stitched_events.SQL_TABLE_NAME} AS e
  JOIN \${persons.SQL_TABLE_NAME} AS p ON p.person_id = e.person_id
  WHERE ${condition(view, 'date_filter', 'e.occurred_at')}
    AND ${condition(view, 'source_filter', 'e.source')}
    AND ${condition(view, 'identity_status_filter', 'p.identity_status')}
    AND ${condition(view, 'event_status_filter', 'e.identity_status')}
    -- Name matches below the probability leave the paths; every other event (no probability) stays.
    AND ${condition(view, 'match_probability_filter', 'COALESCE(e.match_probability, 1)')}
)
SELECT *
FROM (
${indent(paths)}
) AS paths
WHERE ${condition(view, 'landing_page_filter', 'paths.step_1')}`;
}

/**
 * Filter suggestions never query a path view: Looker renders its templated filters as 1=1 in a suggestion query, so
 * each typeahead would rebuild every path over all events. A step is an event's step_label, so steps take the events'
 * distinct step labels (one column; the events explore has no sql_always_where, access_filter or always_join, so
 * Looker queries that view alone); ids get no suggestions.
 */
const STEP_SUGGESTIONS: Node = { suggest_explore: EXPLORES.events, suggest_dimension: EVENT_FIELDS.stepLabel };
const isStep = (column: string) => /^(step_\d+|before_\d+|conversion_step)$/.test(column);
/**
 * The first touch: the channel from its fixed list; referrer domains and UTM values from the events' own column (one
 * column of the events explore, as steps); the landing page path from the events' page paths.
 */
const TOUCH_SUGGESTIONS: Record<string, Node> = {
  channel: { suggestions: [...CHANNELS] },
  ...Object.fromEntries(
    (['referrer_domain', 'utm_source', 'utm_medium', 'utm_campaign'] as const).map((c) => [c, { suggest_explore: EXPLORES.events, suggest_dimension: `stitched_events.${c}` }]),
  ),
  landing_page_path: { suggest_explore: EXPLORES.events, suggest_dimension: EVENT_FIELDS.pagePath },
};
const suggest = (col: ColumnDef): Node | undefined =>
  isStep(col.name) ? STEP_SUGGESTIONS : (TOUCH_SUGGESTIONS[col.name] ?? (/_id$/.test(col.name) ? { suggestable: false } : undefined));

/** before_3 reads "3 Steps Before" (the conversion), in its own group beside the steps from the start. */
const beforeNumber = (column: string) => /^before_(\d+)$/.exec(column)?.[1];

const FILTERS = (sources: readonly string[]): Named[] => [
  named('date_filter', {
    type: 'date',
    label: 'Date Range',
    description: 'Only events in this range make up the paths.',
  }),
  named('source_filter', {
    type: 'string',
    label: 'Source',
    description: "Only events from these sources ('web' or an offsite source) make up the paths.",
    suggestions: sources,
  }),
  named('identity_status_filter', {
    type: 'string',
    label: 'Person Identity Status',
    description: 'Only persons with this identity status (confirmed, inferred, anonymous, unmatched).',
    suggestions: ['confirmed', 'inferred', 'anonymous', 'unmatched'],
  }),
  named('event_status_filter', {
    type: 'string',
    label: 'Event Identity Status',
    description:
      "Only events tied to their person this way make up the paths: '-inferred' leaves name-matched events out and keeps the person with their other events.",
    suggestions: ['confirmed', 'inferred', 'anonymous', 'unmatched'],
  }),
  named('match_probability_filter', {
    type: 'number',
    label: 'Match Probability',
    description:
      "Name-matched events whose match probability passes this (e.g. '>=0.9') make up the paths; events that are not name matches always do.",
  }),
  named('landing_page_filter', {
    type: 'string',
    label: 'Landing Page (First Step)',
    description: 'Only paths whose first step matches.',
    ...STEP_SUGGESTIONS,
  }),
];

/** A dynamic path view: derived table, step dimensions, templated filters and measures. */
export function pathView(view: PathView, steps: number, sources: readonly string[]): Named {
  const table = tableDef(view, steps);
  const unit = view === 'journey_paths' ? 'Persons' : 'Sessions';
  const fields = columnFields(table, {
    hidden: view === 'session_paths' ? ['person_id'] : [],
    // The Journeys' landing page filter: contains, whatever the case.
    caseInsensitive: ['landing_page_path'],
    groups: {
      ...Object.fromEntries(
        table.columns.filter((c) => isStep(c.name)).map((c) => [c.name, beforeNumber(c.name) || c.name === 'conversion_step' ? 'Steps Before Conversion' : 'Steps']),
      ),
      // journey_paths: the person's first touch; session_paths: the session's.
      ...Object.fromEntries(SESSION_TOUCH.map((c) => [c, 'First Touch'])),
    },
    labels: {
      ...Object.fromEntries(
        table.columns.flatMap((c) => {
          const n = beforeNumber(c.name);
          return n ? [[c.name, `${n} ${n === '1' ? 'Step' : 'Steps'} Before`]] : [];
        }),
      ),
      ...TOUCH_LABELS,
    },
    suggest,
  });
  const derived: Node = { derived_table: { sql: pathSql(view, steps) } };
  const set = 'path_details';
  return named(view, {
    ...derived,
    filter: FILTERS(sources),
    dimension: fields.dimension,
    dimension_group: fields.dimension_group,
    measure: [
      named('count', count(unit, `${unit} having the path.`, set)),
      named('conversions', count(`Converted ${unit}`, `${unit} whose events include a conversion.`, set, [['converted', 'yes']])),
      named('identified_count', count(`Identified ${unit}`, `${unit} of persons known by a user id, email or CRM id.`, set, [['identity_status', 'confirmed,inferred']])),
      named('inferred_count', count(`Inferred ${unit}`, `${unit} of persons with name-matched activity.`, set, [['identity_status', 'inferred']])),
      named('conversion_rate', ratio('Conversion Rate', `Converted ${unit.toLowerCase()} / ${unit.toLowerCase()}.`, 'conversions', 'count')),
      named('average_step_count', {
        type: 'average',
        label: 'Average Steps',
        description: 'Mean number of steps per path.',
        value_format_name: 'decimal_1',
        sql: '${step_count}',
      }),
      named('average_steps_to_conversion', {
        type: 'average',
        label: 'Average Steps to Conversion',
        description: 'Mean position of the first conversion step, over converted paths.',
        value_format_name: 'decimal_1',
        sql: '${steps_to_conversion}',
      }),
      named('average_days_to_conversion', {
        type: 'average',
        label: 'Average Days to Conversion',
        description: 'Mean time from the first step to the first conversion, in days, over converted paths.',
        value_format_name: 'decimal_1',
        sql: '${seconds_to_conversion} / 86400.0',
      }),
      ...(view === 'journey_paths'
        ? [
            named('average_sessions_to_conversion', {
              type: 'average',
              label: 'Average Sessions to Conversion',
              description: 'Mean number of sessions up to and including the first conversion, over converted persons.',
              value_format_name: 'decimal_1',
              sql: '${sessions_to_conversion}',
            }),
          ]
        : []),
    ],
    set: [named(set, { fields: [view === 'journey_paths' ? 'person_id' : 'session_id', 'identity_status', 'channel', 'step_count', 'converted', 'step_1', 'step_2'] })],
  });
}

