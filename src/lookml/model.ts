/**
 * The model file: connection, includes, the PII access grant, the refresh datagroup and the explores the
 * extension queries (names from src/contract/looker.ts).
 */
import type { Config } from '../config/schema';
import { EVENT_FIELDS, EXPLORES, PERSON_FIELDS, PII_ACCESS_GRANT, PII_USER_ATTRIBUTE } from '../contract/looker';
import { rawTableSpecs } from '../models/raw-tables';
import { named, pairs, type Named, type Node } from './document';
import { qualityExplores } from './quality';
import { dialects } from '../sql/dialects';
import { JourneyStitchError } from '../contract/errors';

const bq = dialects.bigquery;

export const DATAGROUP = 'journey_stitch_refresh';
/** An example trigger for the config's own (refresh_sql_trigger); not a default: a clock is no sign of new data. */
export const EXAMPLE_REFRESH_TRIGGER = 'SELECT MAX(last_modified_time) FROM `my-project`.`segment`.__TABLES__';
/**
 * With `tables`, the trigger is the last time journey-stitch rewrote stitched_events: BigQuery's table metadata,
 * free to query every few minutes (scanning the table for MAX(occurred_at) would not be).
 */
export const TABLES_REFRESH_TRIGGER = "SELECT last_modified_time FROM `@{OUTPUT_DATASET}`.__TABLES__ WHERE table_id = 'stitched_events'";

const manyToOne = (view: string, sqlOn: string, extra: Node = {}): Named =>
  named(view, { type: 'left_outer', relationship: 'many_to_one', sql_on: sqlOn, ...extra });
const oneToMany = (view: string, sqlOn: string): Named => named(view, { type: 'left_outer', relationship: 'one_to_many', sql_on: sqlOn });

/**
 * The persons fields the path explores offer (who is behind a node): dimensions only, so the path views' own counts
 * stay the explore's measures. Name and email keep their access grant.
 */
const PATH_PERSON_FIELDS = [
  PERSON_FIELDS.name,
  PERSON_FIELDS.email,
  PERSON_FIELDS.eventCount,
  PERSON_FIELDS.converted,
  'persons.first_seen_time',
  PERSON_FIELDS.lastSeen,
];

function explores(config: Config): Named[] {
  return [
    named(EXPLORES.events, {
      view_name: 'stitched_events',
      label: 'Events',
      description: 'Every stitched event with its person and session.',
      // A date limit unless the question is about one person, device or event, where a full history is the point.
      conditionally_filter: {
        filters: pairs([[EVENT_FIELDS.occurredDate, '30 days']]),
        unless: ['stitched_events.person_id', 'stitched_events.anonymous_id', 'stitched_events.event_id', 'persons.person_id', 'sessions.session_id'],
      },
      join: [
        manyToOne('persons', '${stitched_events.person_id} = ${persons.person_id}'),
        manyToOne('sessions', '${stitched_events.session_id} = ${sessions.session_id}'),
      ],
    }),
    named(EXPLORES.persons, {
      view_name: 'persons',
      label: 'Persons',
      description: 'Stitched persons with their sessions and identifiers.',
      join: [
        oneToMany('sessions', '${persons.person_id} = ${sessions.person_id}'),
        oneToMany('identity_links', '${persons.person_id} = ${identity_links.person_id}'),
      ],
    }),
    named(EXPLORES.journeys, {
      view_name: 'journey_paths',
      label: 'Journeys',
      description: 'One row per person: the ordered journey steps, for the Sankey visualization.',
      // The paths are rebuilt from events on every query: bound the events scanned by default.
      always_filter: { filters: pairs([['journey_paths.date_filter', '90 days']]) },
      // Who is behind a node: the person's events and (with the grant) name and email.
      join: [manyToOne('persons', '${journey_paths.person_id} = ${persons.person_id}', { fields: PATH_PERSON_FIELDS })],
    }),
    named(EXPLORES.sessionJourneys, {
      view_name: 'session_paths',
      label: 'Session Journeys',
      description: 'One row per session: the ordered steps within the session.',
      always_filter: { filters: pairs([['session_paths.date_filter', '30 days']]) },
      join: [manyToOne('persons', '${session_paths.person_id} = ${persons.person_id}', { fields: PATH_PERSON_FIELDS })],
    }),
    named(EXPLORES.identityLinks, {
      view_name: 'identity_links',
      label: 'Identity Links',
      description: 'Every identifier and the person it resolves to: audit the stitching.',
      join: [manyToOne('persons', '${identity_links.person_id} = ${persons.person_id}')],
    }),
    ...qualityExplores(config),
  ];
}

/**
 * With `pdt`, the trigger is the raw tables' freshness: the latest last-modified time of the tables the stitching
 * reads, from the raw dataset's table metadata (free, unlike MAX of a load column, which scans it). The PDTs rebuild
 * once new rows have landed, not on a clock (Segment loads every few hours, not at midnight).
 */
export function rawFreshnessTrigger(config: Config): string {
  const tables = [...new Set(rawTableSpecs(config).map((s) => s.table))].map((t) => bq.stringLiteral(t));
  return `SELECT MAX(last_modified_time) FROM \`@{RAW_PROJECT}\`.\`@{RAW_DATASET}\`.__TABLES__ WHERE table_id IN (${tables.join(', ')})`;
}

/** The datagroup's trigger query: the config's, which must be one SQL statement LookML can hold. */
function refreshTrigger(config: Config): string {
  const sql = config.lookml.refresh_sql_trigger?.trim();
  if (sql === undefined) return config.lookml.materialization === 'tables' ? TABLES_REFRESH_TRIGGER : rawFreshnessTrigger(config);
  if (!sql || sql.includes(';;')) {
    throw new JourneyStitchError(`config lookml.refresh_sql_trigger: must be one non-empty SQL query without ';;' (it ends SQL in LookML), e.g. ${EXAMPLE_REFRESH_TRIGGER}`);
  }
  return sql;
}

export function modelDocument(config: Config, includes: readonly string[]): Node {
  return {
    connection: '@{CONNECTION}',
    include: includes,
    datagroup: [
      named(DATAGROUP, {
        label: 'Journey stitch refresh',
        description: 'Rebuilds the stitched tables and the query cache when the trigger value changes.',
        sql_trigger: refreshTrigger(config),
        max_cache_age: '24 hours',
      }),
    ],
    persist_with: DATAGROUP,
    access_grant: [named(PII_ACCESS_GRANT, { user_attribute: PII_USER_ATTRIBUTE, allowed_values: ['yes'] })],
    explore: explores(config),
  };
}
