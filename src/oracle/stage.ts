/**
 * Staging (docs/semantics.md §1): raw rows → one event shape, rejected rows with their reason, and one event
 * per event_id.
 */
import type { Config } from '../config/schema';
import type { EventType } from '../contract/tables';
import {
  castString,
  cleanEmail,
  compareText,
  emailFromUrl,
  makeCleaner,
  md5,
  parseTimestamp,
  personName,
  trimmed,
  type RawRow,
} from './values';

/** Raw rows per logical table, with logical (Segment / offsite) column names. */
export interface OracleInput {
  pages?: RawRow[];
  tracks?: RawRow[];
  identifies?: RawRow[];
  /** Rows per offsite source name (as configured in `offsite`). */
  offsite?: Record<string, RawRow[]>;
}

/** Why staging rejects a row; 'duplicate': another copy of its event id won the dedupe order. */
export const REJECT_REASONS = [
  'missing event id',
  'invalid timestamp',
  'implausible timestamp',
  'missing event name',
  'no identifier',
  'duplicate',
] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

export interface RejectedRow {
  /** The raw table as configured: source.tables.<kind>, or the offsite source's table (default: its name). */
  source_table: string;
  /** The cleaned (or, for offsite sources without an id column, hashed) event id, if any. */
  event_id: string | null;
  reason: RejectReason;
  row: RawRow;
}

export interface StagedEvent {
  event_id: string;
  event_type: EventType;
  event_name: string | null;
  /** Microseconds since the epoch. */
  occurred_at: number;
  /** 'web' or the offsite source name. */
  source: string;
  /** Position of the raw table in source order (pages, tracks, identifies, offsite in config order). */
  table_order: number;
  anonymous_id: string | null;
  carried_anonymous_id: string | null;
  user_id: string | null;
  email: string | null;
  /** Identify traits name, or the offsite full_name. */
  name: string | null;
  /** CRM identifiers as `<crm name>=<value>`. */
  crm_ids: string[];
  profile_url: string | null;
  page_path: string | null;
  page_title: string | null;
  page_url: string | null;
  ip: string | null;
  referrer: string | null;
  utm_source: string | null;
  utm_medium: string | null;
  utm_campaign: string | null;
  offsite_action: string | null;
  content_url: string | null;
  /** Identify traits' company, or the offsite row's company. */
  company: string | null;
  /** The offsite row's headline (LinkedIn's; PhantomBuster's occupation). */
  headline: string | null;
}

interface Candidate {
  source_table: string;
  row: RawRow;
  /** NULL id or timestamp make the row a reject, so they stay nullable until checked. */
  event: Omit<StagedEvent, 'event_id' | 'occurred_at'> & { event_id: string | null; occurred_at: number | null };
}

const FIRST_PARTY = [
  { table: 'pages', type: 'page' },
  { table: 'tracks', type: 'track' },
  { table: 'identifies', type: 'identify' },
] as const;

/** Plausible event times, in microseconds: the config's window around the run (now). */
export function plausibleWindow(config: Config, nowMs: number = Date.now()): { earliest: number; latest: number } {
  const hour = 3_600_000_000;
  const now = nowMs * 1000;
  return { earliest: now - config.timestamps.max_age_days * 24 * hour, latest: now + config.timestamps.max_future_hours * hour };
}

/** The reason a row is rejected, or undefined when it is accepted (checks in the order of the spec). */
function rejectReason({ event }: Candidate, window: { earliest: number; latest: number }): RejectReason | undefined {
  if (event.event_id === null) return 'missing event id';
  if (event.occurred_at === null) return 'invalid timestamp';
  if (event.occurred_at < window.earliest || event.occurred_at > window.latest) return 'implausible timestamp';
  if (event.event_type === 'track' && event.event_name === null) return 'missing event name';
  const identified =
    event.event_type === 'offsite'
      ? event.name !== null || event.email !== null || event.profile_url !== null
      : event.anonymous_id !== null || event.user_id !== null || event.email !== null;
  return identified ? undefined : 'no identifier';
}

function firstPartyCandidates(input: OracleInput, config: Config): Candidate[] {
  const clean = makeCleaner(config.identity);
  const carriedColumn = config.identity.carried_anonymous_id_column;
  const tables = config.source.type === 'snowplow' ? undefined : config.source.tables;
  return FIRST_PARTY.flatMap(({ table, type }, order) =>
    (input[table] ?? []).map((row): Candidate => {
      const text = (column: string) => trimmed(row[column]);
      const pageUrl = text('context_page_url');
      const email =
        type === 'identify'
          ? cleanEmail(clean, row.email)
          : type === 'page'
            ? cleanEmail(clean, emailFromUrl(pageUrl, config.identity.email_query_params))
            : null;
      const eventName = type === 'page' ? text('context_page_title') : type === 'track' ? text('event') : 'identify';
      return {
        source_table: tables![table],
        row,
        event: {
          event_id: clean(row.id),
          event_type: type,
          event_name: eventName,
          occurred_at: parseTimestamp(row.timestamp),
          source: 'web',
          table_order: order,
          anonymous_id: clean(row.anonymous_id),
          carried_anonymous_id: carriedColumn === null ? null : clean(row[carriedColumn]),
          user_id: clean(row.user_id),
          email,
          name: type === 'identify' ? personName(row.name, row.first_name, row.last_name) : null,
          crm_ids:
            type === 'identify'
              ? config.identity.crm_ids.flatMap(({ name, column }) => {
                  const value = clean(row[column]);
                  return value === null ? [] : [`${name}=${value}`];
                })
              : [],
          profile_url: null,
          page_path: text('context_page_path'),
          page_title: text('context_page_title'),
          page_url: pageUrl,
          ip: clean(row.context_ip),
          referrer: text('context_page_referrer'),
          utm_source: text('context_campaign_source'),
          utm_medium: text('context_campaign_medium'),
          utm_campaign: text('context_campaign_name'),
          offsite_action: null,
          content_url: null,
          company: type === 'identify' ? text('company') : null,
          headline: null,
        },
      };
    }),
  );
}

/** Offsite rows; a source whose rows have no `id` column gets ids hashed from the row's content. */
function offsiteCandidates(input: OracleInput, config: Config): Candidate[] {
  const clean = makeCleaner(config.identity);
  const known = new Set(config.offsite.map((o) => o.name));
  for (const name of Object.keys(input.offsite ?? {})) {
    if (!known.has(name)) throw new Error(`oracle input has offsite rows for '${name}', which is not a configured offsite source`);
  }
  return config.offsite.flatMap((source, index) => {
    const rows = input.offsite?.[source.name] ?? [];
    const hasIdColumn = rows.some((row) => 'id' in row);
    const hasFullName = rows.some((row) => 'full_name' in row);
    return rows.map((row): Candidate => {
      const text = (column: string) => trimmed(row[column]);
      const name = personName(row.full_name, row.first_name, row.last_name);
      // An export with full_name keeps the ids it always had; one with only first and last names uses the joined name.
      const hashed = () =>
        `${source.name}:` +
        md5(
          [
            hasFullName ? castString(row.full_name) : name,
            ...['action', 'timestamp', 'profile_url', 'content_url'].map((c) => castString(row[c])),
          ]
            .map((v) => v ?? '')
            .join('|'),
        );
      return {
        source_table: source.table ?? source.name,
        row,
        event: {
          event_id: hasIdColumn ? clean(row.id) : hashed(),
          event_type: 'offsite',
          event_name: text('action'),
          occurred_at: parseTimestamp(row.timestamp),
          source: source.name,
          table_order: FIRST_PARTY.length + index,
          anonymous_id: null,
          carried_anonymous_id: null,
          user_id: null,
          email: cleanEmail(clean, row.email),
          name,
          crm_ids: [],
          profile_url: clean(row.profile_url),
          page_path: null,
          page_title: null,
          page_url: null,
          ip: null,
          referrer: null,
          utm_source: null,
          utm_medium: null,
          utm_campaign: null,
          offsite_action: text('action'),
          content_url: text('content_url'),
          company: text('company'),
          headline: text('headline'),
        },
      };
    });
  });
}

/** SQL `ORDER BY x ASC NULLS LAST` on text. */
const nullsLast = (a: string | null, b: string | null) => (a === b ? 0 : a === null ? 1 : b === null ? -1 : compareText(a, b));

/** The row a set of duplicates keeps comes first: earliest, then source table order, then content. */
const keepOrder = (a: StagedEvent, b: StagedEvent) =>
  a.occurred_at - b.occurred_at ||
  a.table_order - b.table_order ||
  nullsLast(a.anonymous_id, b.anonymous_id) ||
  nullsLast(a.user_id, b.user_id) ||
  nullsLast(a.email, b.email) ||
  nullsLast(a.event_name, b.event_name) ||
  nullsLast(a.page_url, b.page_url);

export function stage(input: OracleInput, config: Config): { events: StagedEvent[]; rejected: RejectedRow[] } {
  if (config.source.type === 'snowplow') throw new Error('the oracle implements Segment/RudderStack sources only');
  const rejected: RejectedRow[] = [];
  const byId = new Map<string, { event: StagedEvent; candidate: Candidate }>();
  const losers: Candidate[] = [];
  const window = plausibleWindow(config);
  for (const candidate of [...firstPartyCandidates(input, config), ...offsiteCandidates(input, config)]) {
    const reason = rejectReason(candidate, window);
    if (reason !== undefined) {
      rejected.push({ source_table: candidate.source_table, event_id: candidate.event.event_id, reason, row: candidate.row });
      continue;
    }
    const event = candidate.event as StagedEvent;
    const kept = byId.get(event.event_id);
    if (kept === undefined || keepOrder(event, kept.event) < 0) {
      if (kept) losers.push(kept.candidate);
      byId.set(event.event_id, { event, candidate });
    } else losers.push(candidate);
  }
  for (const loser of losers)
    rejected.push({ source_table: loser.source_table, event_id: loser.event.event_id, reason: 'duplicate', row: loser.row });
  const events = [...byId.values()].map((k) => k.event).sort((a, b) => compareText(a.event_id, b.event_id));
  return { events, rejected };
}
