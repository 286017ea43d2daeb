/**
 * Source shapes: a simulated event as the rows the engine reads (Segment warehouse tables, Snowplow atomic
 * events, a LinkedIn export). Column lists come from the config schema, so the generator cannot drift from
 * what the engine expects.
 */
import { OFFSITE_COLUMNS, SEGMENT_COLUMNS, SNOWPLOW_COLUMNS } from '../config/schema';
import type { SimEvent } from './simulate';

export type SourceFormat = 'segment' | 'snowplow';

/** A row ready to serialise: values are strings or null, in `columns` order. */
export type Row = Record<string, string | null>;

export const OFFSITE_SOURCE = 'linkedin';

export const TABLE_COLUMNS: Record<string, readonly string[]> = {
  pages: SEGMENT_COLUMNS.common,
  tracks: [...SEGMENT_COLUMNS.common, ...SEGMENT_COLUMNS.tracks],
  identifies: [...SEGMENT_COLUMNS.common, ...SEGMENT_COLUMNS.identifies],
  events: SNOWPLOW_COLUMNS,
  [OFFSITE_SOURCE]: OFFSITE_COLUMNS,
};

/** Columns holding timestamps (typed TIMESTAMP in Parquet output). */
export const TIMESTAMP_COLUMNS = new Set(['timestamp', 'derived_tstamp']);

export const tablesOf = (format: SourceFormat): string[] =>
  format === 'segment' ? ['pages', 'tracks', 'identifies', OFFSITE_SOURCE] : ['events', OFFSITE_SOURCE];

/** The table a simulated event lands in. */
export function tableOf(e: SimEvent, format: SourceFormat): string {
  if (e.kind === 'offsite') return OFFSITE_SOURCE;
  if (format === 'snowplow') return 'events';
  return e.kind === 'page' ? 'pages' : e.kind === 'track' ? 'tracks' : 'identifies';
}

/** Per-delivery overrides: broken ids and timestamps are properties of a delivery, not of the event. */
export interface Delivery {
  id: string | null;
  timestamp: string;
  anonymousId: string | null;
  userId: string | null;
  trackName: string | null;
}

function segmentRow(e: SimEvent, d: Delivery): Row {
  const row: Row = {
    id: d.id,
    anonymous_id: d.anonymousId,
    user_id: d.userId,
    timestamp: d.timestamp,
    context_ip: e.ip,
    context_page_path: e.page?.path ?? null,
    context_page_title: e.page?.title ?? null,
    context_page_url: e.url,
    context_page_referrer: e.referrer,
    context_campaign_source: e.campaign?.source ?? null,
    context_campaign_medium: e.campaign?.medium ?? null,
    context_campaign_name: e.campaign?.name ?? null,
    context_campaign_term: e.campaign?.term ?? null,
    context_campaign_content: e.campaign?.content ?? null,
  };
  if (e.kind === 'track') row.event = d.trackName;
  if (e.kind === 'identify') {
    row.email = e.traits?.email ?? null;
    row.name = e.traits?.name ?? null;
    row.first_name = e.traits?.firstName ?? null;
    row.last_name = e.traits?.lastName ?? null;
    row.company = e.traits?.company ?? null;
  }
  return row;
}

/** Snowplow has no identify call: the tracker sets user_id (the email) and sends a self-describing event. */
function snowplowRow(e: SimEvent, d: Delivery): Row {
  const isPage = e.kind === 'page';
  return {
    event_id: d.id,
    event: isPage ? 'page_view' : e.kind === 'track' ? 'struct' : 'unstruct',
    domain_userid: d.anonymousId,
    network_userid: d.anonymousId,
    user_id: d.userId ?? e.traits?.email ?? null,
    derived_tstamp: d.timestamp,
    page_urlpath: e.page?.path ?? null,
    page_title: e.page?.title ?? null,
    page_url: e.url,
    page_referrer: e.referrer,
    se_action: e.kind === 'track' ? d.trackName : null,
    event_name: isPage ? 'page_view' : e.kind === 'track' ? 'event' : 'identify',
    user_ipaddress: e.ip,
    mkt_source: e.campaign?.source ?? null,
    mkt_medium: e.campaign?.medium ?? null,
    mkt_campaign: e.campaign?.name ?? null,
    mkt_term: e.campaign?.term ?? null,
    mkt_content: e.campaign?.content ?? null,
  };
}

function offsiteRow(e: SimEvent, d: Delivery): Row {
  const o = e.offsite!;
  return {
    id: d.id,
    full_name: o.fullName,
    first_name: o.firstName,
    last_name: o.lastName,
    email: o.email,
    action: o.action,
    timestamp: d.timestamp,
    profile_url: o.profileUrl,
    content_url: o.contentUrl,
    headline: o.headline,
    company: o.company,
    location: o.location,
  };
}

export function toRow(e: SimEvent, d: Delivery, format: SourceFormat): Row {
  if (e.kind === 'offsite') return offsiteRow(e, d);
  return format === 'segment' ? segmentRow(e, d) : snowplowRow(e, d);
}

/** One NDJSON line with the table's columns in a fixed order (same seed → same bytes). */
export function toLine(table: string, row: Row): string {
  const columns = TABLE_COLUMNS[table];
  let line = '{';
  for (let i = 0; i < columns.length; i++) {
    const v = row[columns[i]];
    line += (i ? ',' : '') + JSON.stringify(columns[i]) + ':' + (v === null || v === undefined ? 'null' : JSON.stringify(v));
  }
  return line + '}\n';
}
