/**
 * Random stitching inputs for the property tests: small pools of ids so they collide, junk values, mixed-case
 * emails, accented and duplicate names, carried anonymous ids, duplicate event ids, offsite rows with and without
 * email / profile URL / id column, and the config knobs that change the semantics.
 */
import fc from 'fast-check';
import type { Config, ConfigInput } from '../../src/config/schema';
import type { OracleInput, RawRow } from '../../src/oracle';
import { testConfig } from '../support/scenarios';

// ---- value pools ----

const JUNK = ['null', '', '  ', 'undefined', 'None', '0', '-1'];
const often = (values: string[], junk: string[] = JUNK, nullWeight = 2): fc.Arbitrary<string | null> =>
  fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom(...values) },
    { weight: 1, arbitrary: fc.constantFrom(...junk) },
    { weight: nullWeight, arbitrary: fc.constant(null) },
  );
const rarely = (values: string[]): fc.Arbitrary<string | null> =>
  fc.oneof(
    { weight: 6, arbitrary: fc.constant(null) },
    { weight: 1, arbitrary: fc.constantFrom(...values) },
    { weight: 1, arbitrary: fc.constantFrom(...JUNK) },
  );

const sometimes = (values: string[]): fc.Arbitrary<string | null> =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constant(null) },
    { weight: 2, arbitrary: fc.constantFrom(...values) },
    { weight: 1, arbitrary: fc.constantFrom(...JUNK) },
  );

const anonymousId = often(['a1', 'a2', 'a3', 'a4', 'a5', ' a1', 'a2 '], JUNK, 1);
const userId = rarely(['u1', 'u2', 'u3', ' u1 ']);
const EMAILS = [
  'jo@example.com',
  'Jo@Example.COM',
  ' jo@example.com',
  'sam@example.org',
  'info@acme.example',
  'INFO@acme.example',
  'not-an-email',
  'a@b',
  'sam@acme.com',
  'jo@gmail.com',
];
const email = often(EMAILS, JUNK, 3);
// Spellings of one name, LinkedIn's display additions among them (', MBA', a bracketed aside), normalise alike.
const NAMES = [
  'José García',
  'jose  garcia, MBA',
  'Sam Lee',
  'SAM LEE (he/him)',
  'Zoë Brontë',
  'zoe bronte',
  'Ann Example',
  '  Ann-Example ',
  '---',
];
const pageTitle = often(['Home', 'Pricing', 'Blog', ' Home ', 'Meeting Booked'], ['', '  '], 1);
const pagePath = often(['/', '/pricing', '/blog'], [''], 1);

/** Page URLs, some carrying an email (percent-encoded or not) in a query parameter. */
const pageUrl = fc.oneof(
  { weight: 3, arbitrary: fc.constant(null) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      'https://example.com/',
      'https://example.com/pricing?utm_source=x',
      'https://www.example.com/demo?gclid=Cj0K',
      'https://example.com/?li_fat_id=1a',
    ),
  },
  {
    weight: 3,
    arbitrary: fc
      .record({
        email: fc.constantFrom(...EMAILS, 'jo+news@example.com', 'none'),
        at: fc.constantFrom('%40', '@'),
        plus: fc.constantFrom('%2B', '%2b', '+'),
        param: fc.constantFrom('email', 'e'),
        first: fc.boolean(),
      })
      .map(
        (u) =>
          `https://example.com/webinar?${u.first ? '' : 'utm_term=x&'}${u.param}=${u.email.trim().replace('@', u.at).replace('+', u.plus)}&ref=1`,
      ),
  },
);

const BASE_MS = Date.UTC(2024, 2, 1, 9);
/** Minutes from the base time, written in one of the timestamp forms sources deliver; sometimes invalid. */
const timestamp = fc.oneof(
  {
    weight: 15,
    arbitrary: fc
      .tuple(fc.integer({ min: 0, max: 24 * 60 }), fc.constantFrom('Z', 'space', 'offset', 'fraction'))
      .map(([minutes, style]) => {
        const ms = BASE_MS + minutes * 60_000;
        const iso = (t: number) => new Date(t).toISOString();
        if (style === 'space') return iso(ms).slice(0, 19).replace('T', ' ');
        if (style === 'offset') return `${iso(ms + 3_600_000).slice(0, 19)}+01:00`;
        if (style === 'fraction') return `${iso(ms + 250).slice(0, 23)}Z`;
        return `${iso(ms).slice(0, 19)}Z`;
      }),
  },
  { weight: 1, arbitrary: fc.constantFrom(null, 'not a date', '2024-02-30T10:00:00Z') },
);

// ---- rows (without ids; ids are assigned when the input is assembled) ----

const carried = sometimes(['a1', 'a2', 'a3', 'a6']);

const pageRow = fc.record({
  anonymous_id: anonymousId,
  user_id: userId,
  timestamp,
  context_page_title: pageTitle,
  context_page_path: pagePath,
  context_page_url: pageUrl,
  context_campaign_term: carried,
  // LinkedIn-referred visits: evidence for scored name matches.
  context_campaign_source: rarely(['linkedin', 'LinkedIn', 'newsletter']),
  context_page_referrer: rarely([
    'https://www.linkedin.com/feed/',
    'https://lnkd.in/x',
    'https://www.google.com/',
    'https://example.com/blog',
    'https://www.example.com/',
    'https://mail.google.com/',
    'https://News.YCombinator.com/item?id=1',
  ]),
  // Channels (docs/semantics.md §10): media, campaigns, internal and webmail referrers.
  context_campaign_medium: rarely(['cpc', 'Social', 'email', 'display', 'referral']),
  context_campaign_name: rarely(['spring', 'Brand']),
});
const trackRow = fc.record({
  anonymous_id: anonymousId,
  user_id: userId,
  timestamp,
  event: often(['Meeting Booked', 'Signed Up', 'Clicked'], ['', ' '], 1),
  context_campaign_term: carried,
});
const identifyRow = fc.record({
  anonymous_id: anonymousId,
  user_id: often(['u1', 'u2', 'u3', 'u4']),
  timestamp,
  email,
  name: often(NAMES, ['', ' '], 3),
  first_name: rarely(['Sam', 'Jo']),
  last_name: rarely(['Lee']),
  hubspot_id: sometimes(['42', '43']),
  context_campaign_term: carried,
  company: rarely(['Acme Inc.', 'acme', 'Globex', 'Zoë GmbH']),
});
const offsiteRow = fc.record({
  full_name: often(NAMES, ['', ' '], 1),
  email: sometimes(EMAILS),
  action: often(['liked', 'commented', 'Followed', ' Liked '], ['', ' '], 1),
  timestamp,
  profile_url: sometimes(['https://social.example/in/a', 'https://social.example/in/b', 'https://social.example/in/c']),
  content_url: rarely(['https://social.example/post/1']),
  first_name: rarely(['Sam', 'José']),
  last_name: rarely(['Lee', 'García']),
  headline: sometimes(['Head of Data at Acme', 'Founder @ Globex | Speaker', 'Engineer', 'CTO at Zoë GmbH']),
  company: rarely(['ACME Corp', 'Initech']),
});

type Table = 'pages' | 'tracks' | 'identifies' | 'linkedin' | 'twitter';
const tagged = (table: Table, row: fc.Arbitrary<RawRow>) => row.map((r) => ({ table, row: r }));
const anyRow = fc.oneof(
  { weight: 5, arbitrary: tagged('pages', pageRow) },
  { weight: 2, arbitrary: tagged('tracks', trackRow) },
  { weight: 3, arbitrary: tagged('identifies', identifyRow) },
  { weight: 2, arbitrary: tagged('linkedin', offsiteRow) },
  { weight: 1, arbitrary: tagged('twitter', offsiteRow) },
);

/**
 * A re-delivery of an earlier row: the exact copy, the copy at another time, or its id reused by a row of another
 * table. (Two different rows of one table with one id and one timestamp have no defined winner, so they are not
 * generated.)
 */
const duplicate = fc.record({
  of: fc.nat(),
  kind: fc.constantFrom('exact', 'later', 'other table'),
  minutes: fc.integer({ min: 1, max: 90 }),
  other: tagged('identifies', identifyRow),
});

/** A raw input with ids: e<n> (some junk), LinkedIn with an id column, Twitter without (hashed). */
export const stitchInput = fc
  .record({
    rows: fc.array(anyRow, { minLength: 1, maxLength: 40, size: 'max' }),
    duplicates: fc.array(duplicate, { maxLength: 4 }),
    junkIds: fc.array(fc.nat(), { maxLength: 1 }),
  })
  .map(({ rows, duplicates, junkIds }) => {
    const withIds = rows.map(({ table, row }, i) => ({ table, row: table === 'twitter' ? row : { id: `e${i}`, ...row } }));
    for (const i of junkIds) if (withIds.length > 0) withIds[i % withIds.length].row.id = i % 2 ? null : ' none ';
    for (const d of duplicates) {
      const source = withIds[d.of % withIds.length];
      if (d.kind === 'exact') withIds.push({ table: source.table, row: { ...source.row } });
      else if (d.kind === 'later') {
        const ts = source.row.timestamp;
        const shifted =
          typeof ts === 'string' && !Number.isNaN(Date.parse(ts)) ? new Date(Date.parse(ts) + d.minutes * 60_000).toISOString() : ts;
        withIds.push({ table: source.table, row: { ...source.row, timestamp: shifted } });
      } else if (source.table !== 'identifies' && source.table !== 'twitter') {
        withIds.push({ table: 'identifies', row: { ...d.other.row, id: source.row.id } });
      }
    }
    const pick = (table: Table) => withIds.filter((r) => r.table === table).map((r) => r.row);
    const raw: OracleInput = {
      pages: pick('pages'),
      tracks: pick('tracks'),
      identifies: pick('identifies'),
      offsite: { linkedin: pick('linkedin'), twitter: pick('twitter') },
    };
    return raw;
  });

const knobs = fc.record({
  max_user_ids_per_email: fc.constantFrom(1, 5),
  name_matching: fc.constantFrom<NonNullable<ConfigInput['identity']>['name_matching']>(
    true,
    false,
    { method: 'exact' },
    { min_probability: 0.5 },
    { min_probability: 0.6, referral_window_hours: 1 },
  ),
  inactivity_minutes: fc.constantFrom(30, 5),
  email_query_params: fc.constantFrom<string[]>(['email'], ['e', 'email']),
  carried_anonymous_id_column: fc.constantFrom('context_campaign_term', 'context_campaign_term', null),
  steps: fc.constantFrom(10, 3),
  track_events: fc.constantFrom<string[]>(['Meeting Booked', 'Signed Up'], ['Signed Up']),
  hash_key: fc.constantFrom('', 'k3y-Secret_0123456789'),
  // Rows span one day: windows of 15 minutes and 6 hours cut some anonymous history, null none.
  backstitch_days: fc.constantFrom(null, null, 15 / 1440, 0.25),
});

/** The test config with random guard, name matching, session gap, query parameters, carried id column, backstitch window and hash key. */
export const stitchConfig: fc.Arbitrary<Config> = knobs.map((k) =>
  testConfig({
    identity: {
      max_user_ids_per_email: k.max_user_ids_per_email,
      name_matching: k.name_matching,
      email_query_params: k.email_query_params,
      carried_anonymous_id_column: k.carried_anonymous_id_column,
      hash_key: k.hash_key,
      backstitch_days: k.backstitch_days,
    },
    sessions: { inactivity_minutes: k.inactivity_minutes },
    journeys: { steps: k.steps, track_events: k.track_events },
  }),
);
