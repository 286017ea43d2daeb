/**
 * lookml/sql/*.sql: the seed blog's exploration queries, over the stitched tables, to paste into SQL Runner.
 * SQL Runner substitutes neither LookML constants nor ${view.SQL_TABLE_NAME}, so each file names its table in full
 * (BigQuery SQL): the output dataset with `tables`; with `pdt` the stable database view Looker publishes for the
 * stitched_events PDT (publish_as_db_view), whose name survives rebuilds, unlike the PDT's own.
 * SQL Runner ignores access grants: the files select no personal data unless lookml.sql_runner_personal_data is set.
 */
import type { Config } from '../config/schema';
import { pathSql, personStatusSql } from '../models/outputs';
import { LOOKER_MODEL } from '../contract/looker';
import { indent } from '../sql/script';
import type { GeneratedFile } from './document';
import { dialects } from '../sql/dialects';

const bq = dialects.bigquery;
const obfuscatedIp = (expr: string) =>
  `CASE WHEN ${expr} LIKE '%.%.%.%' THEN CONCAT(SPLIT(${expr}, '.')[SAFE_OFFSET(0)], '.***.***.', SPLIT(${expr}, '.')[SAFE_OFFSET(3)]) END`;

/** The registration key's stand-in when lookml.connection_key is not set: fails with "not found" until replaced. */
export const CONNECTION_KEY_PLACEHOLDER = 'CONNECTION_KEY';

/**
 * The stable view Looker publishes for a PDT with publish_as_db_view: `<scratch schema>.<connection registration
 * key>_<model>_<view>`, as Looker's documentation names it (no Looker instance checked it here).
 */
export function stableViewName(config: Config, view: string): string {
  return bq.tableRef(config.lookml.scratch_schema, `${config.lookml.connection_key ?? CONNECTION_KEY_PLACEHOLDER}_${LOOKER_MODEL}_${view}`);
}

/** Where the files read stitched_events under the configured materialization, and the note saying so. */
function eventsSource(config: Config): { table: string; note: string } {
  if (config.lookml.materialization === 'tables') {
    const table = bq.tableRef(config.output.dataset, 'stitched_events');
    return { table, note: `Reads ${table}, written by \`journey-stitch stitch\` (output.dataset in the config).` };
  }
  const table = stableViewName(config, 'stitched_events');
  const lines = [`Reads ${table}: the stable view Looker publishes for the stitched_events PDT (publish_as_db_view), same name after every rebuild.`];
  if (!config.lookml.connection_key) {
    lines.push(
      `Before running: replace ${CONNECTION_KEY_PLACEHOLDER} with your connection's registration key (Admin > Persistent Derived Tables,`,
      'a PDT\'s details), or set lookml.connection_key in the config and run journey-stitch generate again.',
    );
  }
  return { table, note: lines.join('\n-- ') };
}

/** The md5 of an anonymous id: SQL Runner files tell devices apart by it when personal data stays out. */
const DEVICE = 'anonymous_id_md5';

export function sqlRunnerFiles(config: Config, header: (comment: string) => string): GeneratedFile[] {
  const { table: events, note } = eventsSource(config);
  // SQL Runner ignores access grants: personal columns only when the config asks for them.
  const personal = config.lookml.sql_runner_personal_data;
  const steps = config.journeys.steps;
  const pageColumns = Array.from({ length: steps }, (_, i) => `  MAX(CASE WHEN page_view_number = ${i + 1} THEN page_title END) AS page_${i + 1}`);
  const file = (name: string, title: string, sql: string): GeneratedFile => ({
    path: `lookml/sql/${name}.sql`,
    content: `${header('--')}\n-- ${title}\n-- ${note}\n${sql.trim()}\n`,
  });
  return [
    file(
      'events_per_anonymous_id',
      personal
        ? "Events per anonymous id, with the seed's obfuscated IP address (a.***.***.d) and the pages in order."
        : "Events per device (anonymous ids are personal data: an md5 of each tells devices apart; lookml.sql_runner_personal_data shows them), with the seed's obfuscated IP address (a.***.***.d) and the pages in order.",
      `SELECT
  ${personal ? 'anonymous_id' : `TO_HEX(MD5(anonymous_id)) AS ${DEVICE}`},
  ${obfuscatedIp('ip')} AS ip_obfuscated,
  person_id,
  identity_status,
  MIN(occurred_at) AS first_seen_at,
  MAX(occurred_at) AS last_seen_at,
  COUNT(*) AS event_count,
  STRING_AGG(COALESCE(page_title, page_path), ' > ' ORDER BY occurred_at, event_id) AS page_views
FROM ${events}
WHERE anonymous_id IS NOT NULL
GROUP BY ${personal ? 'anonymous_id' : DEVICE}, ip_obfuscated, person_id, identity_status
ORDER BY ${personal ? 'anonymous_id' : DEVICE}, first_seen_at`,
    ),
    file(
      'person_journey',
      personal
        ? "Each person's backfilled journey (name and email carried to every event), first-party and offsite, in order."
        : "Each person's journey, first-party and offsite, in order (names and emails left out: lookml.sql_runner_personal_data adds them).",
      `SELECT
  person_id,${personal ? '\n  name,\n  email,' : ''}
  LOGICAL_OR(is_inferred_identity) AS is_inferred_identity,
  STRING_AGG(CONCAT(FORMAT_TIMESTAMP('%F %T', occurred_at), ' ', source, ' ', COALESCE(step_label, event_name, event_type)), '\\n' ORDER BY occurred_at, event_id) AS journey
FROM ${events}
GROUP BY person_id${personal ? ', name, email' : ''}
ORDER BY person_id`,
    ),
    file(
      'page_view_pivot',
      "Each person's page views pivoted into page_1 ... page_N columns (the seed's Sankey input).",
      `WITH page_views AS (
  SELECT
    person_id,
    page_title,
    ROW_NUMBER() OVER (PARTITION BY person_id ORDER BY occurred_at, event_id) AS page_view_number
  FROM ${events}
  WHERE event_type = 'page'
)
SELECT
  person_id,
${pageColumns.join(',\n')}
FROM page_views
GROUP BY person_id
ORDER BY person_id`,
    ),
    file(
      'conversion_by_first_touch',
      "Persons and their conversion rate by first-touch channel (the channel, UTM source and medium of each person's first event; docs/semantics.md §10).",
      `WITH events AS (
  SELECT * FROM ${events}
),
first_touch AS (
  SELECT person_id, channel, utm_source, utm_medium,
    ROW_NUMBER() OVER (PARTITION BY person_id ORDER BY occurred_at, event_id) AS event_number
  FROM events
),
outcome AS (
  SELECT person_id, LOGICAL_OR(is_conversion) AS converted FROM events GROUP BY person_id
)
SELECT
  f.channel,
  f.utm_source,
  f.utm_medium,
  COUNT(*) AS persons,
  COUNTIF(o.converted) AS converted_persons,
  ROUND(100 * COUNTIF(o.converted) / COUNT(*), 1) AS conversion_rate_percent
FROM first_touch AS f
JOIN outcome AS o ON o.person_id = f.person_id
WHERE f.event_number = 1
GROUP BY f.channel, f.utm_source, f.utm_medium
ORDER BY persons DESC`,
    ),
    file(
      'paths_before_conversion',
      'The most common three steps before the first conversion (docs/semantics.md §8), with persons, average days and sessions to it.',
      `WITH events AS (
  SELECT * FROM ${events}
),
status AS (
${indent(personStatusSql(bq, 'events'))}
),
paths AS (
${indent(pathSql({ events: 'events', partition: 'person_id', steps, status: 'status', secondsBetween: (a, b) => bq.secondsBetween(a, b) }))}
)
SELECT
  before_3,
  before_2,
  before_1,
  conversion_step,
  COUNT(*) AS persons,
  ROUND(AVG(seconds_to_conversion) / 86400, 1) AS average_days_to_conversion,
  ROUND(AVG(sessions_to_conversion), 1) AS average_sessions_to_conversion
FROM paths
WHERE converted
GROUP BY before_3, before_2, before_1, conversion_step
ORDER BY persons DESC`,
    ),
  ];
}

