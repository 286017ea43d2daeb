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
  const key = view === 'journey_paths' ? 'person_id' : 'session_id';
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
),
${stepDetailsSql(key, steps)}
SELECT paths.*,
${indent(stepDetailColumns(steps).join(',\n'))}
FROM (
${indent(paths)}
) AS paths
LEFT JOIN step_details AS d ON d.${key} = paths.${key}
WHERE ${condition(view, 'landing_page_filter', 'paths.step_1')}`;
}

/**
 * Per unit, when each step happened and whether a name-matched (inferred) event made it: the same steps as the
 * models' path SQL (events with a step label by (occurred_at, event_id), a step equal to the previous one collapsed,
 * the run's first event making the step; before_k counted back from the first conversion), computed here in the
 * LookML so the path tables' contract stays as it is. test/lookml/sample-paths.test.ts checks the steps agree.
 */
function stepDetailsSql(key: string, steps: number): string {
  const byTime = `PARTITION BY e.${key} ORDER BY e.occurred_at, e.event_id`;
  const pivot = (column: string, number: string) =>
    Array.from({ length: steps }, (_, i) => [
      `    MAX(CASE WHEN ${number} = ${i + 1} THEN occurred_at END) AS ${column}_${i + 1}_at`,
      `    MAX(CASE WHEN ${number} = ${i + 1} THEN inferred END) AS ${column}_${i + 1}_inferred`,
    ]).flat();
  return `-- When each step happened and whether a name-matched event made it (the steps of the paths below).
step_details AS (
  SELECT ${key},
${[...pivot('step', 'step_number'), ...pivot('before', 'steps_before')].join(',\n')}
  FROM (
    SELECT *, CASE WHEN before_conversion THEN COUNT(CASE WHEN before_conversion THEN 1 END) OVER (PARTITION BY ${key}) - step_number + 1 END AS steps_before
    FROM (
      SELECT ${key}, occurred_at, CASE WHEN identity_status = 'inferred' THEN 1 ELSE 0 END AS inferred,
        conversions_before = 0 AND NOT is_conversion AS before_conversion,
        ROW_NUMBER() OVER (PARTITION BY ${key} ORDER BY occurred_at, event_id) AS step_number
      FROM (
        SELECT e.${key}, e.step_label, e.is_conversion, e.occurred_at, e.event_id, e.identity_status,
          LAST_VALUE(e.step_label IGNORE NULLS) OVER (${byTime} ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS previous_label,
          COALESCE(SUM(CASE WHEN e.is_conversion THEN 1 ELSE 0 END) OVER (${byTime} ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS conversions_before
        FROM filtered_events AS e
      ) AS ordered_steps
      WHERE step_label IS NOT NULL AND (previous_label IS NULL OR previous_label <> step_label)
    ) AS kept_steps
  ) AS numbered_steps
  GROUP BY ${key}
)`;
}

/**
 * The columns step_details adds to each path: step_i_inferred and before_k_inferred (1 when a name-matched event
 * made the step), and the seconds from each column to the next (step_i to step_i+1; before_k to before_k-1, and
 * before_1 to the first conversion). Before-conversion columns are null for units that did not convert, as the
 * steps are.
 */
function stepDetailColumns(steps: number): string[] {
  const converted = (expr: string) => `CASE WHEN paths.converted THEN ${expr} END`;
  const cols: string[] = [];
  for (let i = 1; i <= steps; i++) cols.push(`d.step_${i}_inferred`);
  for (let k = 1; k <= steps; k++) cols.push(`${converted(`d.before_${k}_inferred`)} AS before_${k}_inferred`);
  for (let i = 1; i < steps; i++) cols.push(`${secondsBetween(`d.step_${i}_at`, `d.step_${i + 1}_at`)} AS ${gapColumn('step', i)}`);
  for (let k = 1; k <= steps; k++) {
    const next = k === 1 ? 'paths.converted_at' : `d.before_${k - 1}_at`;
    cols.push(`${converted(secondsBetween(`d.before_${k}_at`, next))} AS ${gapColumn('before', k)}`);
  }
  return cols;
}

/** The seconds from a column's step to the next column's (step_3 → step_4; before_2 → before_1; before_1 → the conversion). */
export const gapColumn = (column: 'step' | 'before', i: number) => `seconds_${column}_${i}_to_next`;

/** The LookML of step_details' columns: inferred flags, the hidden seconds between columns and their medians. */
function stepDetailFields(steps: number): { dimension: Named[]; measure: Named[] } {
  const dimension: Named[] = [];
  const measure: Named[] = [];
  const inferred = (column: 'step' | 'before', i: number, what: string) =>
    named(`${column}_${i}_inferred`, {
      type: 'yesno',
      label: column === 'step' ? `Step ${i} Inferred` : `${i} ${i === 1 ? 'Step' : 'Steps'} Before Inferred`,
      description: `Yes when ${what} came from a name-matched (inferred) event: the first event of the step, tied to its person only by a name match.`,
      group_label: 'Inferred Steps',
      sql: `\${TABLE}.${column}_${i}_inferred = 1`,
    });
  for (let i = 1; i <= steps; i++) dimension.push(inferred('step', i, `step ${i}`));
  for (let k = 1; k <= steps; k++) dimension.push(inferred('before', k, `the step ${k} ${k === 1 ? 'step' : 'steps'} before the conversion`));
  const gap = (column: 'step' | 'before', i: number, from: string, to: string) => {
    const name = gapColumn(column, i);
    dimension.push(
      named(name, {
        type: 'number',
        hidden: true,
        description: `Seconds from ${from} to ${to} (each step's first event); null when the path has no such step.`,
        sql: `\${TABLE}.${name}`,
      }),
    );
    measure.push(
      named(`median_${name}`, {
        type: 'median',
        label: `Median Seconds ${from[0].toUpperCase()}${from.slice(1)} to ${to[0].toUpperCase()}${to.slice(1)}`,
        description: `Median time from ${from} to ${to}, in seconds, over the paths having both.`,
        group_label: 'Time Between Steps',
        sql: `\${${name}}`,
      }),
    );
  };
  for (let i = 1; i < steps; i++) gap('step', i, `step ${i}`, `step ${i + 1}`);
  for (let k = steps; k >= 1; k--) gap('before', k, `${k} ${k === 1 ? 'step' : 'steps'} before`, k === 1 ? 'the conversion' : `${k - 1} ${k === 2 ? 'step' : 'steps'} before`);
  return { dimension, measure };
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
  const details = stepDetailFields(steps);
  const set = 'path_details';
  return named(view, {
    ...derived,
    filter: FILTERS(sources),
    dimension: [...fields.dimension, ...details.dimension],
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
      ...details.measure,
    ],
    set: [named(set, { fields: [view === 'journey_paths' ? 'person_id' : 'session_id', 'identity_status', 'channel', 'step_count', 'converted', 'step_1', 'step_2'] })],
  });
}

