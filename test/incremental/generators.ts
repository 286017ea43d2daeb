/**
 * Random event streams for the incremental property tests: small pools of ids, emails and names so identities
 * merge, split (shared emails) and names collide; every row gets an event time and an arrival time (late rows
 * arrive up to the lookback after their event time), and the stream is cut into batches by arrival.
 */
import fc from 'fast-check';
import type { OracleInput, RawRow } from '../../src/oracle';

export const LOOKBACK_HOURS = 24;
const BASE_MS = Date.UTC(2024, 2, 1, 9);
const SPAN_MINUTES = 3 * 24 * 60;

const JUNK = ['null', '', 'undefined', '0'];
const often = <T>(values: T[], nullWeight = 2) =>
  fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom(...values) },
    { weight: 1, arbitrary: fc.constantFrom(...JUNK) },
    { weight: nullWeight, arbitrary: fc.constant(null) },
  );
const rarely = <T>(values: T[]) =>
  fc.oneof({ weight: 5, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.constantFrom(...values) });

const EMAILS = ['jo@example.com', 'Sam@Example.org', 'info@acme.example', 'not-an-email'];
/** Names and spellings that normalise to them (case, spaces, accents). */
const NAMES = [
  'Jo Smith',
  'jo  SMITH, MBA',
  'Zoë Brontë',
  'zoe bronte (she/her)',
  'Sam Lee',
  'Ann Example',
  'Bo Chen',
  'Cy Diaz',
  'Di Evans',
];

type Table = 'pages' | 'tracks' | 'identifies' | 'linkedin' | 'twitter';
const tagged = (table: Table, row: fc.Arbitrary<RawRow>) => row.map((r) => ({ table, row: r }));

interface Delivered {
  table: Table;
  row: RawRow;
  /** Minute of arrival; rows are cut into batches by it. */
  arrival: number;
}

const iso = (minute: number) => new Date(BASE_MS + minute * 60_000).toISOString().replace('.000', '');

function toInput(rows: Delivered[]): OracleInput {
  const pick = (table: Table) => rows.filter((r) => r.table === table).map((r) => r.row);
  return {
    pages: pick('pages'),
    tracks: pick('tracks'),
    identifies: pick('identifies'),
    offsite: { linkedin: pick('linkedin'), twitter: pick('twitter') },
  };
}

/**
 * A stream of raw rows cut into 2–4 batches by arrival time, over id pools of the given size: small pools make
 * one big tangle of merges; larger ones keep several separate persons, so the closure must leave some out (and
 * still get the name matches across them right).
 */
export function batchedStream(pool: {
  anonymous: number;
  users: number;
  names: number;
  identifyWeight?: number;
  offsiteWeight?: number;
  /** Page views of known visitors after everything else, arriving last (a returning visitor's next visit). */
  returning?: boolean;
}) {
  const ids = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i + 1}`);
  const anonymousIds = ids('a', pool.anonymous);
  const userIds = ids('u', pool.users);
  const anonymousId = often(anonymousIds, 1);
  const carried = rarely([...anonymousIds.slice(0, 2), 'a99']);
  const names = NAMES.slice(0, pool.names);

  const pageRow = fc.record({
    anonymous_id: anonymousId,
    user_id: rarely(userIds.slice(0, 2)),
    context_page_title: often(['Home', 'Pricing', 'Blog'], 1),
    context_page_path: often(['/', '/pricing'], 1),
    context_page_url: rarely([
      'https://example.com/?email=jo%40example.com',
      'https://example.com/pricing',
      'https://example.com/?gclid=x1',
    ]),
    context_page_referrer: rarely(['https://www.google.com/', 'https://example.com/', 'https://news.ycombinator.com/']),
    context_campaign_medium: rarely(['email', 'cpc']),
    context_campaign_term: carried,
  });
  const trackRow = fc.record({
    anonymous_id: anonymousId,
    user_id: rarely(userIds.slice(0, 3)),
    event: often(['Meeting Booked', 'Signed Up', 'Clicked'], 1),
    context_campaign_term: carried,
  });
  const identifyRow = fc.record({
    anonymous_id: anonymousId,
    user_id: often(userIds),
    email: often(EMAILS, 3),
    name: often(names, 3),
    hubspot_id: rarely(['42', '43']),
    context_campaign_term: carried,
  });
  const offsiteRowArb = fc.record({
    full_name: often(names, 1),
    email: rarely(EMAILS),
    action: fc.constantFrom('liked', 'commented'),
    profile_url: rarely(['https://social.example/in/a', 'https://social.example/in/b']),
  });

  /** Minutes after the base (or an unreadable timestamp), and how long after it the row arrives. */
  const timing = fc.record({
    minute: fc.oneof({ weight: 12, arbitrary: fc.integer({ min: 0, max: SPAN_MINUTES }) }, { weight: 1, arbitrary: fc.constant(null) }),
    delay: fc.oneof({ weight: 4, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: LOOKBACK_HOURS * 60 }) }),
  });

  const anyRow = fc.record({
    body: fc.oneof(
      { weight: 5, arbitrary: tagged('pages', pageRow) },
      { weight: 2, arbitrary: tagged('tracks', trackRow) },
      { weight: pool.identifyWeight ?? 3, arbitrary: tagged('identifies', identifyRow) },
      { weight: 2 * (pool.offsiteWeight ?? 1), arbitrary: tagged('linkedin', offsiteRowArb) },
      { weight: pool.offsiteWeight ?? 1, arbitrary: tagged('twitter', offsiteRowArb) },
    ),
    timing,
  });

  /** A re-delivery: the same row later, an earlier copy arriving late, or the id reused by another table's row. */
  const duplicate = fc.record({
    of: fc.nat(),
    kind: fc.constantFrom('same', 'earlier', 'other table'),
    minutes: fc.integer({ min: 1, max: 120 }),
    delay: fc.integer({ min: 0, max: LOOKBACK_HOURS * 60 - 120 }),
    other: identifyRow,
  });

  return fc
    .record({
      rows: fc.array(anyRow, { minLength: 4, maxLength: 30 }),
      duplicates: fc.array(duplicate, { maxLength: 4 }),
      // Cut points in percent of the stream: fc.double leans to 0 and 1, which left most streams in one batch.
      cuts: fc.array(fc.integer({ min: 1, max: 99 }), { minLength: 1, maxLength: 3 }),
      invalidArrival: fc.nat({ max: SPAN_MINUTES }),
      // Minutes after the span (a new session or, within the inactivity limit, the same one), and the visitor.
      returning: pool.returning
        ? fc.array(
            fc.record({
              after: fc.integer({ min: 1, max: 300 }),
              visitor: fc.constantFrom(...anonymousIds),
              title: fc.constantFrom('Home', 'Pricing', null),
              converts: fc.constantFrom(false, false, true),
              touch: fc.constantFrom<Record<string, string>>(
                {},
                { context_page_path: '/pricing' },
                { context_page_path: '/', context_page_referrer: 'https://www.google.com/' },
                { context_campaign_source: 'newsletter', context_campaign_medium: 'email', context_campaign_name: 'april' },
              ),
            }),
            {
              // Two or more: conversions, backstitch windows and shared devices send a visitor to the recomputation,
              // and the property must still reach the append path often (equality.test.ts counts it).
              minLength: 2,
              maxLength: 5,
            },
          )
        : fc.constant([]),
    })
    .map(({ rows, duplicates, cuts, invalidArrival, returning }) => {
      const delivered: Delivered[] = rows.map(({ body, timing: t }, i) => ({
        table: body.table,
        row: {
          ...(body.table === 'twitter' ? {} : { id: `e${i}` }),
          timestamp: t.minute === null ? 'not a date' : iso(t.minute),
          ...body.row,
        },
        arrival: t.minute === null ? invalidArrival : t.minute + t.delay,
      }));
      for (const d of duplicates) {
        const source = delivered[d.of % delivered.length];
        const ts = source.row.timestamp as string;
        const minute = ts === 'not a date' ? null : (Date.parse(ts) - BASE_MS) / 60_000;
        if (minute === null) continue;
        if (d.kind === 'same') delivered.push({ ...source, row: { ...source.row }, arrival: minute + d.delay });
        else if (d.kind === 'earlier') {
          const earlier = Math.max(0, minute - d.minutes);
          // Arrives at most the lookback after its own (earlier) time: minutes + delay stays within it.
          delivered.push({ ...source, row: { ...source.row, timestamp: iso(earlier) }, arrival: minute + d.delay });
        } else if (source.table !== 'identifies' && source.table !== 'twitter') {
          const at = minute + d.minutes;
          delivered.push({ table: 'identifies', row: { id: source.row.id, timestamp: iso(at), ...d.other }, arrival: at + d.delay });
        }
      }
      for (const [i, r] of returning.entries()) {
        const minute = SPAN_MINUTES + r.after;
        const arrival = SPAN_MINUTES + LOOKBACK_HOURS * 60 + 1;
        // Sometimes with a path, a referrer or a campaign: an appended page can be a session's first touch or first path.
        const row = { id: `r${i}`, timestamp: iso(minute), anonymous_id: r.visitor, context_page_title: r.title, ...r.touch };
        delivered.push({ table: 'pages', row, arrival });
        // A returning visitor's conversion: a plain event, but the paths before it reach back into the stored ones.
        if (r.converts)
          delivered.push({
            table: 'tracks',
            row: { id: `rc${i}`, timestamp: iso(minute + 1), anonymous_id: r.visitor, event: 'Meeting Booked' },
            arrival,
          });
      }
      // Cut by arrival into batches (ties keep generation order).
      const ordered = delivered
        .map((r, i) => ({ r, i }))
        .sort((a, b) => a.r.arrival - b.r.arrival || a.i - b.i)
        .map(({ r }) => r);
      const positions = [...new Set(cuts.map((c) => Math.floor((c / 100) * ordered.length)))]
        .filter((p) => p > 0 && p < ordered.length)
        .sort((a, b) => a - b);
      const bounds = [0, ...positions, ordered.length];
      const batches = bounds.slice(1).map((end, i) => toInput(ordered.slice(bounds[i], end)));
      return { batches, all: toInput(delivered) };
    });
}
