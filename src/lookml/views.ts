/**
 * The four stitched-table views: contract columns as fields, plus the measures a journey analyst needs,
 * drill sets, and the safe alternatives to personal data (hashed email, obfuscated IP).
 * Where the table comes from (sql_table_name or a persistent derived table) is decided by the caller.
 */
import { tableDef, type OutputTable } from '../contract/tables';
import { SESSION_TOUCH } from '../models/outputs';
import { named, pairs, type Named, type Node } from './document';
import { columnFields, type Presentation } from './fields';
import { md5Hex, obfuscatedIp } from './liquid';
import { HASH_KEY_SQL } from './manifest';

/** md5 of the deployment's secret and a personal value, as the stitching hashes it (ModelContext.keyedMd5). */
const keyedMd5 = (expr: string) => md5Hex(`${HASH_KEY_SQL} || ${expr}`);

const IDENTIFIED = 'confirmed,inferred';

/** Labels of the touch columns (sessions and the path views). */
export const TOUCH_LABELS: Readonly<Record<string, string>> = { utm_source: 'UTM Source', utm_medium: 'UTM Medium', utm_campaign: 'UTM Campaign', landing_page_path: 'Landing Page Path' };

export const count = (label: string, description: string, drill: string, filters?: [string, string][]): Node => ({
  type: 'count',
  label,
  description,
  filters: filters && pairs(filters),
  drill_fields: [`${drill}*`],
});

/** A share of two measures of the same view, as a percentage (float division on both warehouses). */
export const ratio = (label: string, description: string, numerator: string, denominator: string): Node => ({
  type: 'number',
  label,
  description,
  value_format_name: 'percent_1',
  sql: `1.0 * \${${numerator}} / NULLIF(\${${denominator}}, 0)`,
});

/** Bands of a scored name match's probability, as the calibration table of `journey-stitch evaluate` reports them. */
export const MATCH_TIERS = [0.5, 0.8, 0.9, 0.95, 0.99];

/** '0.90–0.95' for a probability in [0.90, 0.95): bands that sort in order as text. */
const tierCases = () => {
  const bounds = [...MATCH_TIERS].reverse();
  const fmt = (x: number) => x.toFixed(2);
  const cases = bounds.map((b, i) => `WHEN \${TABLE}.match_probability >= ${b} THEN '${i === 0 ? `${fmt(b)}+` : `${fmt(b)}–${fmt(bounds[i - 1])}`}'`);
  return `CASE ${cases.join(' ')} WHEN \${TABLE}.match_probability IS NOT NULL THEN 'below ${fmt(MATCH_TIERS[0])}' END`;
};

const matchTier = (group: string): Named =>
  named('match_probability_tier', {
    type: 'string',
    label: 'Match Probability Tier',
    description: 'The name match probability in bands (inferred rows only; empty on the others).',
    group_label: group,
    sql: tierCases(),
  });

interface ViewSpec {
  presentation: Presentation;
  /** Extra dimensions (safe alternatives, derived flags) after the column dimensions. */
  dimensions?: Named[];
  measures: Named[];
  sets: Named[];
}

const SPECS: Record<'stitched_events' | 'persons' | 'identity_links' | 'sessions', ViewSpec> = {
  stitched_events: {
    presentation: {
      hidden: ['event_id', 'person_id', 'session_id', 'step_label', 'ip', 'user_id'],
      groups: {
        event_type: 'Event',
        event_name: 'Event',
        source: 'Event',
        is_conversion: 'Event',
        anonymous_id: 'Identity',
        user_id: 'Identity',
        email: 'Identity',
        name: 'Identity',
        identity_status: 'Identity',
        is_inferred_identity: 'Identity',
        link_reason: 'Identity',
        match_probability: 'Identity',
        match_evidence: 'Identity',
        ip: 'Identity',
        page_path: 'Page',
        page_title: 'Page',
        page_url: 'Page',
        referrer: 'Page',
        utm_source: 'Campaign',
        utm_medium: 'Campaign',
        utm_campaign: 'Campaign',
        referrer_domain: 'Campaign',
        channel: 'Campaign',
        offsite_action: 'Offsite',
        profile_url: 'Offsite',
        content_url: 'Offsite',
      },
      labels: { utm_source: 'UTM Source', utm_medium: 'UTM Medium', utm_campaign: 'UTM Campaign', ip: 'IP Address' },
    },
    dimensions: [
      matchTier('Identity'),
      named('email_hash', {
        type: 'string',
        label: 'Email (hashed)',
        description: "MD5 of the HASH_KEY secret and the person's email: joins and counts without revealing the address.",
        group_label: 'Identity',
        sql: keyedMd5('${TABLE}.email'),
      }),
      named('user_id_hash', {
        type: 'string',
        label: 'User ID (hashed)',
        description: "MD5 of the HASH_KEY secret and the event's user id: joins and counts without revealing it (sites often send the email as the user id).",
        group_label: 'Identity',
        suggestable: false,
        sql: keyedMd5('${TABLE}.user_id'),
      }),
      named('anonymous_id_hash', {
        type: 'string',
        label: 'Device (hashed)',
        description: "MD5 of the event's anonymous (cookie / device) id: tells devices apart without revealing the id.",
        group_label: 'Identity',
        suggestable: false,
        sql: md5Hex('${TABLE}.anonymous_id'),
      }),
      named('ip_obfuscated', {
        type: 'string',
        label: 'IP Address (obfuscated)',
        description: "The event's IPv4 address with the middle octets masked (a.***.***.d), as in the seed analysis.",
        group_label: 'Identity',
        sql: obfuscatedIp('${TABLE}.ip'),
      }),
    ],
    measures: [
      named('count', count('Events', 'Number of events.', 'event_details')),
      named('person_count', {
        type: 'count_distinct',
        label: 'Persons with Events',
        description: 'Distinct persons with events.',
        sql: '${person_id}',
        drill_fields: ['event_details*'],
      }),
      named('anonymous_id_count', {
        type: 'count_distinct',
        label: 'Anonymous IDs',
        description: 'Distinct anonymous ids (cookies / devices), counted by their hash: no access to the ids themselves is needed.',
        sql: '${anonymous_id_hash}',
      }),
      named('user_id_count', {
        type: 'count_distinct',
        label: 'User IDs',
        description: 'Distinct user ids, counted by their hash: no access to the ids themselves is needed.',
        sql: '${user_id_hash}',
      }),
      named('conversion_count', count('Conversion Events', 'Events that are configured conversions.', 'event_details', [['is_conversion', 'yes']])),
      named('inferred_event_count', count('Inferred Events', 'Events tied to their person only by a name match.', 'event_details', [['is_inferred_identity', 'yes']])),
    ],
    sets: [named('event_details', { fields: ['occurred_time', 'event_type', 'event_name', 'source', 'page_title', 'person_id', 'identity_status', 'link_reason'] })],
  },
  persons: {
    presentation: {
      // The extension's person search filters these with `%term%`: "ann" must find "Ann". Not person_id: ids filter
      // exactly (LOWER(person_id) would defeat clustering), and hashed ids are lower case anyway.
      caseInsensitive: ['name', 'email'],
      groups: {
        email: 'Identity',
        name: 'Identity',
        identity_status: 'Identity',
        is_inferred_identity: 'Identity',
        match_probability: 'Identity',
        match_evidence: 'Identity',
        anonymous_id_count: 'Identity',
        user_id_count: 'Identity',
        email_count: 'Identity',
        event_count: 'Activity',
        session_count: 'Activity',
        converted: 'Activity',
      },
    },
    dimensions: [
      matchTier('Identity'),
      named('email_hash', {
        type: 'string',
        label: 'Email (hashed)',
        description: 'MD5 of the HASH_KEY secret and the latest known email: joins and counts without revealing the address.',
        group_label: 'Identity',
        sql: keyedMd5('${TABLE}.email'),
      }),
      named('is_identified', {
        type: 'yesno',
        label: 'Is Identified',
        description: 'Yes for persons known by a user id, email or CRM id (confirmed or inferred).',
        group_label: 'Identity',
        sql: "${TABLE}.identity_status IN ('confirmed', 'inferred')",
      }),
    ],
    measures: [
      named('count', count('Persons', 'Number of stitched persons.', 'person_details')),
      named('identified_count', count('Identified Persons', 'Persons known by a user id, email or CRM id.', 'person_details', [['identity_status', IDENTIFIED]])),
      named('inferred_count', count('Inferred Persons', 'Persons with activity tied to them only by a name match.', 'person_details', [['identity_status', 'inferred']])),
      named('anonymous_count', count('Anonymous Persons', 'Persons known only by cookies / devices.', 'person_details', [['identity_status', 'anonymous']])),
      named('unmatched_count', count('Unmatched Profiles', 'Offsite profiles matched to nobody.', 'person_details', [['identity_status', 'unmatched']])),
      named('converted_count', count('Converted Persons', 'Persons with a conversion event.', 'person_details', [['converted', 'yes']])),
      named('conversion_rate', ratio('Conversion Rate', 'Converted persons / persons.', 'converted_count', 'count')),
      named('identified_share', ratio('Identified Share', 'Identified persons / persons.', 'identified_count', 'count')),
      named('total_events', { type: 'sum', label: 'Total Events', description: 'Sum of the persons\' events.', sql: '${event_count}' }),
      named('average_events', {
        type: 'average',
        label: 'Average Events per Person',
        description: 'Mean number of events per person.',
        value_format_name: 'decimal_1',
        sql: '${event_count}',
      }),
    ],
    sets: [named('person_details', { fields: ['person_id', 'identity_status', 'first_seen_time', 'last_seen_time', 'event_count', 'session_count', 'converted'] })],
  },
  identity_links: {
    presentation: {
      hidden: ['link_id', 'person_id'],
      groups: { identifier_type: 'Identifier', identifier: 'Identifier', link_type: 'Identifier', match_probability: 'Identifier', match_evidence: 'Identifier' },
    },
    dimensions: [matchTier('Identifier')],
    measures: [
      named('count', count('Identifiers', 'Number of identifiers linked to persons.', 'link_details')),
      named('person_count', {
        type: 'count_distinct',
        label: 'Linked Persons',
        description: 'Distinct persons the identifiers resolve to.',
        sql: '${person_id}',
        drill_fields: ['link_details*'],
      }),
      named('inferred_count', count('Inferred Links', 'Identifiers linked by a name match.', 'link_details', [['link_type', 'inferred']])),
    ],
    sets: [named('link_details', { fields: ['identifier_type', 'link_type', 'person_id', 'first_seen_time', 'event_count'] })],
  },
  sessions: {
    presentation: {
      hidden: ['person_id'],
      caseInsensitive: ['landing_page_path'],
      groups: {
        landing_page: 'Session',
        source: 'Session',
        converted: 'Session',
        session_number: 'Session',
        identity_status: 'Identity',
        ...Object.fromEntries(SESSION_TOUCH.map((c) => [c, 'First Touch'])),
      },
      labels: TOUCH_LABELS,
    },
    measures: [
      named('count', count('Sessions', 'Number of sessions.', 'session_details')),
      named('conversions', count('Converted Sessions', 'Sessions with a conversion event.', 'session_details', [['converted', 'yes']])),
      named('conversion_rate', ratio('Session Conversion Rate', 'Converted sessions / sessions.', 'conversions', 'count')),
      named('person_count', {
        type: 'count_distinct',
        label: 'Persons with Sessions',
        description: 'Distinct persons with sessions.',
        sql: '${person_id}',
        drill_fields: ['session_details*'],
      }),
      named('average_page_views', {
        type: 'average',
        label: 'Average Page Views per Session',
        description: 'Mean page views per session.',
        value_format_name: 'decimal_1',
        sql: '${page_view_count}',
      }),
    ],
    sets: [named('session_details', { fields: ['session_id', 'started_time', 'landing_page', 'channel', 'source', 'event_count', 'converted', 'identity_status'] })],
  },
};

export type StitchedView = keyof typeof SPECS;
export const STITCHED_VIEWS = Object.keys(SPECS) as StitchedView[];

/** A stitched-table view reading from `source` (`sql_table_name` or `derived_table`). */
export function stitchedView(name: StitchedView & OutputTable, source: Node): Named {
  const table = tableDef(name);
  const spec = SPECS[name];
  const fields = columnFields(table, spec.presentation);
  return named(name, {
    ...source,
    dimension: [...fields.dimension, ...(spec.dimensions ?? [])],
    dimension_group: fields.dimension_group,
    measure: spec.measures,
    set: spec.sets,
  });
}
