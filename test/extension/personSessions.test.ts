import fc from 'fast-check';
import {
  durationText,
  groupBySession,
  nameVariants,
  pageSessions,
  parseTime,
  type SessionGroup,
} from '../../src/extension/person/sessions';
import type { TimelineEntry } from '../../src/extension/person/timelineEntries';

const entry = (eventId: string, time: string | null, sessionId: string | null, extra: Partial<TimelineEntry> = {}): TimelineEntry => ({
  eventId,
  time,
  source: 'web',
  eventType: 'page',
  action: eventId,
  anonymousId: null,
  device: null,
  identityStatus: 'confirmed',
  inferred: false,
  linkReason: null,
  matchProbability: null,
  matchEvidence: null,
  sessionId,
  channel: null,
  pagePath: null,
  isConversion: false,
  ...extra,
});

describe('groupBySession', () => {
  it("groups consecutive events of a session; a session takes its first event's channel and its first page view's landing", () => {
    const groups = groupBySession([
      entry('like', '2024-03-01 08:59:00', 's1', { source: 'linkedin', eventType: 'offsite', action: 'liked', channel: 'Offsite' }),
      entry('p1', '2024-03-01 09:00:00', 's1', { action: 'Pricing', pagePath: '/pricing', channel: 'Organic Social' }),
      entry('t1', '2024-03-01 09:12:30', 's1', { eventType: 'track', action: 'Meeting Booked', isConversion: true }),
      entry('p2', '2024-03-02 10:00:00', 's2', { action: 'Blog', pagePath: '/blog', channel: 'Email' }),
    ]);
    expect(
      groups.map((g) => [
        g.sessionId,
        g.number,
        g.entries.length,
        g.start,
        g.durationSeconds,
        g.channel,
        g.landing,
        g.landingPath,
        g.converted,
      ]),
    ).toEqual([
      ['s1', 1, 3, '2024-03-01 08:59:00', 810, 'Offsite', 'Pricing', '/pricing', true],
      ['s2', 2, 1, '2024-03-02 10:00:00', 0, 'Email', 'Blog', '/blog', false],
    ]);
  });

  it('events without a session id stay together; an unreadable time gives no duration', () => {
    const groups = groupBySession([entry('a', null, null), entry('b', '2024-03-01 09:00:00', null)]);
    expect(groups.map((g) => [g.entries.length, g.durationSeconds])).toEqual([[2, null]]);
  });
});

describe('pageSessions', () => {
  const groups = (sizes: number[]): SessionGroup[] =>
    groupBySession(sizes.flatMap((n, s) => Array.from({ length: n }, (_, i) => entry(`s${s}e${i}`, '2024-03-01 09:00:00', `s${s}`))));

  it('at most 10 sessions and 50 events a page; a longer session is cut into parts', () => {
    expect(pageSessions(groups(Array(23).fill(1))).map((p) => p.length)).toEqual([10, 10, 3]);
    expect(pageSessions(groups([30, 30, 5])).map((p) => p.map((g) => g.entries.length))).toEqual([[30], [30, 5]]);
    const long = pageSessions(groups([120, 2]));
    expect(long.map((p) => p.map((g) => [g.number, g.part, g.parts, g.entries.length]))).toEqual([
      [[1, 1, 3, 50]],
      [[1, 2, 3, 50]],
      [
        [1, 3, 3, 20],
        [2, 1, 1, 2],
      ],
    ]);
  });

  it('every event is on exactly one page, in order, and no page breaks the limits (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 130 }), { maxLength: 40 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 60 }),
        (sizes, maxSessions, maxEvents) => {
          const g = groups(sizes);
          const pages = pageSessions(g, maxSessions, maxEvents);
          expect(pages.flat().flatMap((x) => x.entries.map((e) => e.eventId))).toEqual(g.flatMap((x) => x.entries.map((e) => e.eventId)));
          for (const p of pages) {
            expect(p.length).toBeGreaterThan(0);
            expect(p.length).toBeLessThanOrEqual(maxSessions);
            expect(p.reduce((n, x) => n + x.entries.length, 0)).toBeLessThanOrEqual(maxEvents);
          }
        },
      ),
    );
  });
});

describe('search terms and times', () => {
  it('reads "Last, First" as "First Last" too', () => {
    expect(nameVariants('Bennett, Wei')).toEqual(['Bennett, Wei', 'Wei Bennett']);
    expect(nameVariants('  García,  José Luis ')).toEqual(['García, José Luis', 'José Luis García']);
    expect(nameVariants('Wei Bennett')).toEqual(['Wei Bennett']);
    expect(nameVariants('a, b, c')).toEqual(['a, b, c']);
    expect(nameVariants('Bennett,')).toEqual(['Bennett,']);
  });

  it('reads Looker times as UTC; durations in words', () => {
    expect(parseTime('2024-03-01 09:00:00')).toBe(Date.UTC(2024, 2, 1, 9));
    expect(parseTime('2024-03-01T09:00:00Z')).toBe(Date.UTC(2024, 2, 1, 9));
    expect(parseTime('yesterday')).toBeNull();
    expect([0, 45, 720, 3900, 7200].map(durationText)).toEqual(['0 s', '45 s', '12 min', '1 h 5 min', '2 h']);
  });
});
