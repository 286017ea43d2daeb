/** Event rows → timeline entries. Pure. */
import { EVENT_FIELDS } from '../../contract/looker';
import type { LinkReason } from '../../oracle/identity';
import type { Row } from '../looker/runQuery';
import { isYes, toText } from '../looker/values';

export interface TimelineEntry {
  eventId: string;
  time: string | null;
  source: string;
  eventType: string | null;
  /** What happened: page title (else path), track event name, or offsite action. */
  action: string;
  /** The raw id: personal data, absent without the can_see_pii grant (the device number still shows). */
  anonymousId: string | null;
  /** "Device 1", "Device 2"… in order of first appearance (told apart by the id's hash), so devices are easy to tell apart. */
  device: string | null;
  identityStatus: string | null;
  inferred: boolean;
  linkReason: string | null;
  /** A name match's probability (null under the exact rule and on other events) and its evidence in words. */
  matchProbability: number | null;
  matchEvidence: string | null;
  /** The session the event belongs to, the event's own channel (its touch), its page path, and whether it converts. */
  sessionId: string | null;
  channel: string | null;
  pagePath: string | null;
  isConversion: boolean;
}

function actionOf(row: Row): string {
  const type = toText(row[EVENT_FIELDS.eventType]);
  const title = toText(row[EVENT_FIELDS.pageTitle]);
  const path = toText(row[EVENT_FIELDS.pagePath]);
  const name = toText(row[EVENT_FIELDS.eventName]);
  const offsite = toText(row[EVENT_FIELDS.offsiteAction]);
  if (type === 'page') return title ?? path ?? name ?? 'Page view';
  if (type === 'offsite') return offsite ?? name ?? 'Offsite interaction';
  return name ?? title ?? path ?? type ?? 'Event';
}

function probabilityOf(value: unknown): number | null {
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  return Number.isFinite(n) ? n : null;
}

export function toTimeline(rows: readonly Row[]): TimelineEntry[] {
  const devices = new Map<string, string>();
  return rows.map((row) => {
    const anonymousId = toText(row[EVENT_FIELDS.anonymousId]);
    const deviceKey = toText(row[EVENT_FIELDS.anonymousIdHash]) ?? anonymousId;
    if (deviceKey && !devices.has(deviceKey)) devices.set(deviceKey, `Device ${devices.size + 1}`);
    return {
      eventId: String(row[EVENT_FIELDS.eventId] ?? ''),
      time: toText(row[EVENT_FIELDS.occurredTime]),
      source: toText(row[EVENT_FIELDS.source]) ?? 'unknown',
      eventType: toText(row[EVENT_FIELDS.eventType]),
      action: actionOf(row),
      anonymousId,
      device: deviceKey ? devices.get(deviceKey)! : null,
      identityStatus: toText(row[EVENT_FIELDS.identityStatus]),
      inferred: isYes(row[EVENT_FIELDS.isInferred]) || toText(row[EVENT_FIELDS.linkReason]) === 'name_match',
      linkReason: toText(row[EVENT_FIELDS.linkReason]),
      matchProbability: probabilityOf(row[EVENT_FIELDS.matchProbability]),
      matchEvidence: toText(row[EVENT_FIELDS.matchEvidence]),
      sessionId: toText(row[EVENT_FIELDS.sessionId]),
      channel: toText(row[EVENT_FIELDS.channel]),
      pagePath: toText(row[EVENT_FIELDS.pagePath]),
      isConversion: isYes(row[EVENT_FIELDS.isConversion]),
    };
  });
}

/** Why an event is tied to the person, in words (every link reason the models write: the type checks it). */
export const LINK_REASON_TEXT: Record<string, string> = {
  user_id: 'same user id',
  email: 'same email',
  crm_id: 'same CRM id',
  anonymous_id: 'same device (anonymous id)',
  carried_anonymous_id: 'device later identified',
  shared_device: 'shared device: the person identified on it nearest in time',
  offsite_email: 'offsite profile with the same email',
  profile: 'same offsite profile',
  name_match: 'name match only (inferred)',
  none: 'not linked',
} satisfies Record<LinkReason, string>;
