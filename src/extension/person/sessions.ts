/**
 * The Person view's timeline grouped by session and paged, and how a search term is read. Pure.
 *
 * A session's facts come from its events (the timeline holds them all, oldest first): its start and end, its events,
 * whether one is a conversion, its landing page (the first page view's title, else path) and its channel, which is
 * its first event's (docs/semantics.md §10: the session's touch is its first event's).
 */
import type { TimelineEntry } from './timelineEntries';

export interface SessionGroup {
  /** The session id; events without one (none in stitched data) each form a group of their own. */
  sessionId: string;
  /** 1 for the person's first session shown, 2 for the next... */
  number: number;
  start: string | null;
  end: string | null;
  /** Seconds from the first to the last event; null when a time is unknown. */
  durationSeconds: number | null;
  entries: TimelineEntry[];
  converted: boolean;
  landing: string | null;
  landingPath: string | null;
  channel: string | null;
  /** A session longer than a page is shown in parts: this one's number and how many there are (1 of 1 otherwise). */
  part: number;
  parts: number;
}

/** Looker's time text ("2024-03-01 09:00:00", ISO too) as epoch milliseconds, read as UTC; null when unreadable. */
export function parseTime(text: string | null): number | null {
  if (!text) return null;
  const iso = /^\d{4}-\d{2}-\d{2} \d/.test(text) ? `${text.replace(' ', 'T')}Z` : text;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? null : ms;
}

/** What groups events without a session id (none in stitched data, but a query may lack the field). */
export const NO_SESSION = '(no session)';

/** Consecutive events of one session id form a group; the timeline is in time order, so a session's events are together. */
export function groupBySession(entries: readonly TimelineEntry[]): SessionGroup[] {
  const groups: SessionGroup[] = [];
  for (const e of entries) {
    const last = groups[groups.length - 1];
    const id = e.sessionId ?? NO_SESSION;
    if (last && last.sessionId === id) last.entries.push(e);
    else
      groups.push({
        sessionId: id,
        number: groups.length + 1,
        start: null,
        end: null,
        durationSeconds: null,
        entries: [e],
        converted: false,
        landing: null,
        landingPath: null,
        channel: null,
        part: 1,
        parts: 1,
      });
  }
  for (const g of groups) {
    const first = g.entries[0];
    const last = g.entries[g.entries.length - 1];
    const page = g.entries.find((e) => e.eventType === 'page');
    const [a, b] = [parseTime(first.time), parseTime(last.time)];
    Object.assign(g, {
      start: first.time,
      end: last.time,
      durationSeconds: a === null || b === null ? null : Math.round((b - a) / 1000),
      converted: g.entries.some((e) => e.isConversion),
      landing: page ? page.action : null,
      landingPath: page?.pagePath ?? null,
      channel: first.channel,
    });
  }
  return groups;
}

/** "0 s", "45 s", "12 min", "1 h 5 min": a session's length. */
export function durationText(seconds: number | null): string {
  if (seconds === null) return 'duration unknown';
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  return `${Math.floor(minutes / 60)} h${minutes % 60 ? ` ${minutes % 60} min` : ''}`;
}

export const SESSIONS_PER_PAGE = 10;
export const EVENTS_PER_PAGE = 50;

/**
 * Sessions cut into pages of at most SESSIONS_PER_PAGE sessions and EVENTS_PER_PAGE events: a session that does not
 * fit on the page starts the next one, and a session longer than a page is cut into parts of EVENTS_PER_PAGE events
 * (each headed by the session's facts and its part). Every event is on exactly one page, in order.
 */
export function pageSessions(
  groups: readonly SessionGroup[],
  maxSessions = SESSIONS_PER_PAGE,
  maxEvents = EVENTS_PER_PAGE,
): SessionGroup[][] {
  const pieces = groups.flatMap((g) => {
    if (g.entries.length <= maxEvents) return [g];
    const parts = Math.ceil(g.entries.length / maxEvents);
    return Array.from({ length: parts }, (_, i) => ({
      ...g,
      entries: g.entries.slice(i * maxEvents, (i + 1) * maxEvents),
      part: i + 1,
      parts,
    }));
  });
  const pages: SessionGroup[][] = [];
  let page: SessionGroup[] = [];
  let events = 0;
  for (const g of pieces) {
    if (page.length > 0 && (page.length >= maxSessions || events + g.entries.length > maxEvents)) {
      pages.push(page);
      page = [];
      events = 0;
    }
    page.push(g);
    events += g.entries.length;
  }
  if (page.length > 0) pages.push(page);
  return pages;
}

/**
 * The names a search term can mean: itself, and "Last, First" read as "First Last" (a CRM's or a list's order).
 * "Bennett, Wei" → ["Bennett, Wei", "Wei Bennett"]; one comma only, both sides non-empty.
 */
export function nameVariants(term: string): string[] {
  const t = term.trim().replace(/\s+/g, ' ');
  const m = /^([^,]+),\s*([^,]+)$/.exec(t);
  if (!m) return [t];
  const swapped = `${m[2].trim()} ${m[1].trim()}`;
  return swapped === t ? [t] : [t, swapped];
}
