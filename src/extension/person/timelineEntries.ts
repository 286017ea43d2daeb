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
  anonymousId: string | null;
  /** "Device 1", "Device 2"… in order of first appearance, so devices are easy to tell apart. */
  device: string | null;
  identityStatus: string | null;
  inferred: boolean;
  linkReason: string | null;
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

export function toTimeline(rows: readonly Row[]): TimelineEntry[] {
  const devices = new Map<string, string>();
  return rows.map((row) => {
    const anonymousId = toText(row[EVENT_FIELDS.anonymousId]);
    if (anonymousId && !devices.has(anonymousId)) devices.set(anonymousId, `Device ${devices.size + 1}`);
    return {
      eventId: String(row[EVENT_FIELDS.eventId] ?? ''),
      time: toText(row[EVENT_FIELDS.occurredTime]),
      source: toText(row[EVENT_FIELDS.source]) ?? 'unknown',
      eventType: toText(row[EVENT_FIELDS.eventType]),
      action: actionOf(row),
      anonymousId,
      device: anonymousId ? devices.get(anonymousId)! : null,
      identityStatus: toText(row[EVENT_FIELDS.identityStatus]),
      inferred: isYes(row[EVENT_FIELDS.isInferred]) || toText(row[EVENT_FIELDS.linkReason]) === 'name_match',
      linkReason: toText(row[EVENT_FIELDS.linkReason]),
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
