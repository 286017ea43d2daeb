/**
 * Named stitching scenarios: small readable inputs with the persons, statuses and link reasons that
 * docs/semantics.md says they must produce, written out by hand. Run against DuckDB and the oracle by
 * test/models/scenarios.test.ts.
 */
import { createHash } from 'node:crypto';
import { configSchema, MAX_TIMESTAMP_AGE_DAYS, type Config, type ConfigInput } from '../../src/config/schema';
import type { IdentityStatus, OutputTable } from '../../src/contract/tables';
import type { OracleInput, RawRow, RejectReason, Row } from '../../src/oracle';
import type { LinkReason } from '../../src/oracle/identity';

type Overrides = Pick<ConfigInput, 'identity' | 'sessions' | 'journeys' | 'timestamps'> & {
  /** Physical column names of the pages table (the logical input columns are renamed to them). */
  pageColumns?: Record<string, string>;
};

/** The test config: a Segment source, LinkedIn (labelled) and Twitter (default label) offsite, one CRM id. */
export function testConfig(overrides: Overrides = {}): Config {
  return configSchema.parse({
    warehouse: 'duckdb',
    source: { type: 'segment', path: 'raw', columns: { pages: overrides.pageColumns ?? {} } },
    offsite: [
      { name: 'linkedin', label: 'LinkedIn', path: 'linkedin.csv' },
      { name: 'twitter', path: 'twitter.csv' },
    ],
    identity: { crm_ids: [{ name: 'hubspot_id', column: 'hubspot_id' }], ...overrides.identity },
    sessions: overrides.sessions,
    timestamps: overrides.timestamps,
    journeys: { track_events: ['Meeting Booked', 'Signed Up'], conversion_events: ['Meeting Booked'], ...overrides.journeys },
  });
}

// ---- identifiers the semantics derive, written out from docs/semantics.md §2, §7 ----

const md5 = (text: string) => createHash('md5').update(text).digest('hex');
/** person_id of a component whose smallest identifier is an email. */
export const emailPerson = (email: string) => `e:${md5(email)}`;
/** person_id of an offsite profile nobody identified (its key: `<source>:<profile_url>` or `<source>:name:<name>`). */
export const profilePerson = (key: string) => `p:${md5(key)}`;
/** person_id of an anonymous person: its smallest anonymous id, hashed (a cookie id is personal data). */
export const anonPerson = (anonymousId: string) => `a:${md5(anonymousId)}`;
/** person_id of a component named by its smallest user id: hashed, whatever its shape. */
export const userPerson = (userId: string) => `u:${md5(userId)}`;
/** person_id of a component identified by a CRM id only. */
export const crmPerson = (name: string, value: string) => `c:${md5(`${name}=${value}`)}`;
/** session_id of a session of `personId` starting at `start` (ISO). */
export const sessionOf = (personId: string, start: string) => md5(`${personId}|${Date.parse(start) * 1000}`);

// ---- row builders: logical Segment / offsite columns ----

/** '03-01 09:00' → '2024-03-01T09:00:00Z'. */
export const at = (when: string) => `2024-${when.replace(' ', 'T')}:00Z`;

export const page = (id: string, when: string, anonymousId: string | null, title: string | null, extra: RawRow = {}): RawRow => ({
  id,
  timestamp: at(when),
  anonymous_id: anonymousId,
  context_page_title: title,
  ...extra,
});

export const track = (id: string, when: string, anonymousId: string | null, event: string | null, extra: RawRow = {}): RawRow => ({
  id,
  timestamp: at(when),
  anonymous_id: anonymousId,
  event,
  ...extra,
});

export const identify = (id: string, when: string, anonymousId: string | null, traits: RawRow): RawRow => ({
  id,
  timestamp: at(when),
  anonymous_id: anonymousId,
  ...traits,
});

export const offsiteRow = (id: string, when: string, fullName: string | null, extra: RawRow = {}): RawRow => ({
  id,
  timestamp: at(when),
  full_name: fullName,
  action: 'liked',
  ...extra,
});

/**
 * Scored name matching: two web persons named Sam Lee at Acme and Globex (their work emails), two labelled examples
 * (LinkedIn rows carrying the email of a web person, headline naming the same company), and a Sam Lee profile.
 * With "Head of Data at Acme" the company singles out the Acme Sam (p 0.68 ≥ 0.6); without a headline neither
 * clears 0.6 (0.375 each): the profile stays unmatched.
 */
export function namesakes() {
  const people = [
    identify('i1', '03-01 09:00', 'a1', { user_id: 'u1', name: 'Sam Lee', email: 'sam@acme.com' }),
    identify('i2', '03-01 10:00', 'a2', { user_id: 'u2', name: 'Sam Lee', email: 'sam.lee@globex.com' }),
    identify('i3', '03-01 11:00', 'a3', { user_id: 'u3', name: 'Ann Bo', email: 'ann@initech.com' }),
    identify('i4', '03-01 12:00', 'a4', { user_id: 'u4', name: 'Raj Oz', email: 'raj@hooli.io' }),
  ];
  const examples = [
    offsiteRow('li-3', '02-20 10:00', 'Ann Bo', { email: 'ann@initech.com', headline: 'CTO at Initech' }),
    offsiteRow('li-4', '02-20 11:00', 'Raj Oz', { email: 'raj@hooli.io', company: 'Hooli Inc.' }),
  ];
  return { people, examples, config: testConfig({ identity: { name_matching: { min_probability: 0.6 } } }) };
}

/**
 * Two Sam Lees with personal mail (no company either way) both came from LinkedIn within the window after the profile's
 * like. One comes from LinkedIn once; the other eight times over the data's 1,443 hours (a visitor on New Year's Day
 * opens it), so a visit near any like is far likelier by chance (1 − e^(−8 × 144 / 1443) = 0.550 against 0.095). The
 * labelled Ann Bo came from LinkedIn an hour after her like, so visits are evidence at all (the rate likes drive,
 * beyond chance: 1 − (1 + 2 × 0.9525) / (1.905 + 2 × 0.9525) = 0.2375). Bayes factors 1 + 0.2375 × 0.905 / 0.095 =
 * 3.263 and 1.194; each Sam's prior 0.75 / 4; someone else bears the name 0.25 × 2/4: p = 0.1875 × 3.263 /
 * (0.1875 × 4.457 + 0.125) = 0.637, the rare visitor. With one chance for all, both visits would weigh the same and
 * neither Sam could reach 0.5.
 */
function frequentVisitor(): Scenario {
  const sams = [
    identify('i1', '03-01 09:00', 'a1', { user_id: 'u1', name: 'Sam Lee', email: 'sam.lee@gmail.com' }),
    identify('i2', '03-01 10:00', 'a2', { user_id: 'u2', name: 'Sam Lee', email: 'samlee@yahoo.com' }),
    identify('i3', '03-01 11:00', 'a3', { user_id: 'u3', name: 'Ann Bo', email: 'ann@initech.com' }),
    identify('i4', '03-01 12:00', 'a4', { user_id: 'u4', name: 'Raj Oz', email: 'raj@hooli.io' }),
  ];
  const fromLinkedin = (id: string, when: string, anonymousId: string) =>
    sitePage(id, when, anonymousId, '/blog', '?utm_source=linkedin&utm_medium=social', null, utm('linkedin', 'social'));
  const frequent = ['02-10 09:00', '02-12 09:00', '02-14 09:00', '02-16 09:00', '02-25 09:00', '02-27 09:00', '02-29 09:00'];
  return {
    name: 'scored: a namesake who comes from LinkedIn all the time gains little from a visit near the like; a rare visitor is the match',
    config: { identity: { name_matching: { min_probability: 0.5 } } },
    input: {
      identifies: sams,
      pages: [
        page('v0', '01-01 09:00', 'a0', 'Home'),
        fromLinkedin('v3', '02-20 11:00', 'a3'),
        fromLinkedin('v1', '02-21 12:00', 'a1'),
        fromLinkedin('v2', '02-21 13:00', 'a2'),
        ...frequent.map((when, i) => fromLinkedin(`v2-${i}`, when, 'a2')),
      ],
      offsite: {
        linkedin: [
          offsiteRow('li-3', '02-20 10:00', 'Ann Bo', { email: 'ann@initech.com' }),
          offsiteRow('li-4', '02-20 11:00', 'Raj Oz', { email: 'raj@hooli.io' }),
          offsiteRow('li-1', '02-21 10:00', 'Sam Lee'),
        ],
      },
    },
    events: {
      i1: [USER_U1, 'confirmed', 'user_id'],
      i2: [USER_U2, 'confirmed', 'user_id'],
      i3: [USER_U3, 'confirmed', 'user_id'],
      i4: [USER_U4, 'confirmed', 'user_id'],
      v0: [anonPerson('a0'), 'anonymous', 'none'],
      v1: [USER_U1, 'confirmed', 'anonymous_id'],
      v2: [USER_U2, 'confirmed', 'anonymous_id'],
      ...Object.fromEntries(frequent.map((_, i) => [`v2-${i}`, [USER_U2, 'confirmed', 'anonymous_id']])),
      v3: [USER_U3, 'confirmed', 'anonymous_id'],
      'li-3': [USER_U3, 'confirmed', 'offsite_email'],
      'li-4': [USER_U4, 'confirmed', 'offsite_email'],
      'li-1': [USER_U1, 'inferred', 'name_match'],
    },
    persons: {
      [USER_U1]: 'inferred',
      [USER_U2]: 'confirmed',
      [USER_U3]: 'confirmed',
      [USER_U4]: 'confirmed',
      [anonPerson('a0')]: 'anonymous',
    },
    rows: { stitched_events: { 'li-1': { match_probability: 0.636835, match_evidence: 'name shared by 3 + best of 2 + LinkedIn visit' } } },
  };
}

function scoredNamesakes(): Scenario[] {
  const { people, examples } = namesakes();
  const config = { identity: { name_matching: { min_probability: 0.6 } } };
  const known: Scenario['events'] = {
    i1: [USER_U1, 'confirmed', 'user_id'],
    i2: [USER_U2, 'confirmed', 'user_id'],
    i3: [USER_U3, 'confirmed', 'user_id'],
    i4: [USER_U4, 'confirmed', 'user_id'],
    'li-3': [USER_U3, 'confirmed', 'offsite_email'],
    'li-4': [USER_U4, 'confirmed', 'offsite_email'],
  };
  const persons: Scenario['persons'] = { [USER_U1]: 'confirmed', [USER_U2]: 'confirmed', [USER_U3]: 'confirmed', [USER_U4]: 'confirmed' };
  return [
    {
      name: 'scored: namesakes at two companies, the headline names one: that one is inferred, with its probability and evidence',
      config,
      input: {
        identifies: people,
        offsite: {
          linkedin: [...examples, offsiteRow('li-1', '02-21 10:00', 'Sam Lee', { headline: 'Head of Data at ACME Corp | Speaker' })],
        },
      },
      events: { ...known, 'li-1': [USER_U1, 'inferred', 'name_match'] },
      persons: { ...persons, [USER_U1]: 'inferred' },
      rows: {
        stitched_events: { 'li-1': { match_probability: 0.681818, match_evidence: 'name shared by 3 + best of 2 + company acme' } },
        persons: {
          [USER_U1]: { match_probability: 0.681818, match_evidence: 'name shared by 3 + best of 2 + company acme' },
          [USER_U2]: { match_probability: null },
        },
      },
    },
    {
      // One person, one LinkedIn profile: the Acme Sam's own profile (its email ties it) has another URL than li-1's,
      // so li-1 is more likely the Globex Sam's (with nothing to tell them apart, neither clears the threshold: the case
      // below). Holding a
      // profile is common here (3 of 4 web persons) and holding two unseen, so the evidence weighs: BF 0.4 against
      // the Acme Sam, 2.8 for the Globex Sam.
      name: 'scored: a namesake who already holds another profile URL is unlikely to own this one',
      config,
      input: {
        identifies: people,
        offsite: {
          linkedin: [
            // Everyone's labelled profile carries its URL: holding one is common, holding two unseen.
            ...examples.map((row) => ({ ...row, profile_url: `https://www.linkedin.com/in/${String(row.id)}` })),
            offsiteRow('li-5', '02-19 10:00', 'Sam Lee', {
              email: 'sam@acme.com',
              profile_url: 'https://www.linkedin.com/in/sam-lee-acme',
            }),
            offsiteRow('li-1', '02-21 10:00', 'Sam Lee', { profile_url: 'https://www.linkedin.com/in/sam-lee-7' }),
          ],
        },
      },
      events: { ...known, 'li-5': [USER_U1, 'confirmed', 'offsite_email'], 'li-1': [USER_U2, 'inferred', 'name_match'] },
      persons: { ...persons, [USER_U2]: 'inferred' },
      rows: { stitched_events: { 'li-1': { match_probability: 0.732026, match_evidence: 'name shared by 3 + best of 2' } } },
    },
    frequentVisitor(),
    {
      // A name nobody else bears: its own count says 1 in 5 other named records bear it (the candidate), its words say
      // 1/5 × 1/5. Each of 5 web persons' prior 0.75 / 5, the company unknown (BF 0.5: the labelled pairs all agreed):
      // p = 0.075 / (0.075 + 0.25 × 0.04) = 0.882 ≥ 0.8; by the name's count alone 0.075 / (0.075 + 0.25 × 0.2) = 0.6.
      name: 'scored: a name nobody else bears weighs by its words, rarer than 1 in the named records',
      config: { identity: { name_matching: { min_probability: 0.8 } } },
      input: {
        identifies: [
          ...people,
          identify('i5', '03-01 13:00', 'a5', { user_id: 'u5', name: 'Zelda Okonkwo', email: 'zelda.okonkwo@gmail.com' }),
        ],
        offsite: { linkedin: [...examples, offsiteRow('li-1', '02-21 10:00', 'Zelda Okonkwo')] },
      },
      events: { ...known, i5: [userPerson('u5'), 'confirmed', 'user_id'], 'li-1': [userPerson('u5'), 'inferred', 'name_match'] },
      persons: { ...persons, [userPerson('u5')]: 'inferred' },
      rows: { stitched_events: { 'li-1': { match_probability: 0.882353, match_evidence: 'rare name' } } },
    },
    {
      name: 'scored: namesakes and no evidence to tell them apart: unmatched',
      config,
      input: { identifies: people, offsite: { linkedin: [...examples, offsiteRow('li-1', '02-21 10:00', 'Sam Lee')] } },
      events: { ...known, 'li-1': [profilePerson('linkedin:name:sam lee'), 'unmatched', 'none'] },
      persons: { ...persons, [profilePerson('linkedin:name:sam lee')]: 'unmatched' },
      rows: { stitched_events: { 'li-1': { match_probability: null, match_evidence: null } } },
    },
  ];
}

// ---- scenarios ----

export interface Scenario {
  name: string;
  config?: Overrides;
  input: OracleInput;
  /** Every accepted event: [person_id, identity_status, link_reason]. */
  events: Record<string, [string, IdentityStatus, LinkReason]>;
  /** Every person and its status. */
  persons: Record<string, IdentityStatus>;
  /** Some columns of some rows, by primary key. */
  rows?: Partial<Record<OutputTable, Record<string, Row>>>;
  /** Rejected rows: [source table, event id, reason]. */
  rejected?: [string, string | null, RejectReason][];
  /** link_ids that must not exist. */
  absentLinks?: string[];
}

const JO = 'jo@example.com';
/** Jo's person when the booking tool sends the email as user id: hashed, an email must not be a person id. */
const JO_USER = userPerson(JO);
const USER_ALICE = userPerson('alice');
const USER_BOB = userPerson('bob');
const USER_JU = userPerson('ju');
const USER_KIM = userPerson('kim');
const USER_U_A = userPerson('u-a');
const USER_U1 = userPerson('u1');
const USER_U2 = userPerson('u2');
const USER_U3 = userPerson('u3');
const USER_U4 = userPerson('u4');
const USER_V1 = userPerson('v1');

/** A Segment page as the warehouse holds it: its URL (with the query string the utm_* columns come from), path and referrer. */
const sitePage = (
  id: string,
  when: string,
  anonymousId: string,
  path: string,
  query: string,
  referrer: string | null,
  campaign: RawRow = {},
): RawRow =>
  page(id, when, anonymousId, `${path} page`, {
    context_page_url: `https://www.example.com${path}${query}`,
    context_page_path: path,
    context_page_referrer: referrer,
    ...campaign,
  });
const utm = (source: string | null, medium: string | null, name: string | null = null): RawRow => ({
  context_campaign_source: source,
  context_campaign_medium: medium,
  context_campaign_name: name,
});

/** docs/semantics.md §10, row by row: [event id, the page, the referrer domain, the channel]. */
const CHANNEL_CASES: [RawRow, string | null, string][] = [
  [sitePage('ch-direct', '03-02 09:00', 'v-direct', '/', '', null), null, 'Direct'],
  [sitePage('ch-internal', '03-02 09:00', 'v-internal', '/pricing', '', 'https://example.com/blog'), null, 'Direct'],
  [sitePage('ch-google', '03-02 09:00', 'v-google', '/blog/stitching', '', 'https://www.google.co.uk/'), 'google.co.uk', 'Organic Search'],
  [sitePage('ch-gclid', '03-02 09:00', 'v-gclid', '/demo', '?gclid=Cj0KCQ', 'https://www.google.com/'), 'google.com', 'Paid Search'],
  [
    sitePage(
      'ch-cpc',
      '03-02 09:00',
      'v-cpc',
      '/demo',
      '?utm_source=Google&utm_medium=CPC&utm_campaign=brand',
      null,
      utm('Google', 'CPC', 'brand'),
    ),
    null,
    'Paid Search',
  ],
  [
    sitePage(
      'ch-li-ads',
      '03-02 09:00',
      'v-li-ads',
      '/demo',
      '?utm_source=linkedin&utm_medium=paid_social',
      'https://www.linkedin.com/',
      utm('linkedin', 'paid_social'),
    ),
    'linkedin.com',
    'Paid Social',
  ],
  [sitePage('ch-li-fat', '03-02 09:00', 'v-li-fat', '/demo', '?li_fat_id=0a1b', null), null, 'Paid Social'],
  // Every other click id, after another parameter: the SQL's cheap test before the pattern must let each through.
  ...(['gbraid', 'wbraid', 'msclkid'] as const).map((id): [RawRow, string | null, string] => [
    sitePage(`ch-${id}`, '03-02 09:00', `v-${id}`, '/demo', `?ref=x&${id}=a1`, null),
    null,
    'Paid Search',
  ]),
  ...(['ttclid', 'twclid'] as const).map((id): [RawRow, string | null, string] => [
    sitePage(`ch-${id}`, '03-02 09:00', `v-${id}`, '/demo', `?ref=x&${id}=a1`, null),
    null,
    'Paid Social',
  ]),
  // Facebook's click id is on organic links too: not a paid signal.
  [
    sitePage('ch-fbclid', '03-02 09:00', 'v-fbclid', '/blog', '?fbclid=IwAR0', 'https://m.facebook.com/'),
    'm.facebook.com',
    'Organic Social',
  ],
  [sitePage('ch-lnkd', '03-02 09:00', 'v-lnkd', '/blog/stitching', '', 'https://lnkd.in/eXyZ'), 'lnkd.in', 'Organic Social'],
  [
    sitePage(
      'ch-social',
      '03-02 09:00',
      'v-social',
      '/blog/stitching',
      '?utm_source=linkedin&utm_medium=social&utm_campaign=blog-promotion',
      null,
      utm('linkedin', 'social', 'blog-promotion'),
    ),
    null,
    'Organic Social',
  ],
  [
    sitePage(
      'ch-email',
      '03-02 09:00',
      'v-email',
      '/blog',
      '?utm_source=newsletter&utm_medium=email&utm_campaign=march',
      null,
      utm('newsletter', 'email', 'march'),
    ),
    null,
    'Email',
  ],
  [sitePage('ch-webmail', '03-02 09:00', 'v-webmail', '/blog', '', 'https://mail.google.com/'), 'mail.google.com', 'Email'],
  [sitePage('ch-hn', '03-02 09:00', 'v-hn', '/blog', '', 'https://news.ycombinator.com/item?id=1'), 'news.ycombinator.com', 'Referral'],
  [
    sitePage('ch-display', '03-02 09:00', 'v-display', '/', '?utm_source=dv360&utm_medium=display', null, utm('dv360', 'display')),
    null,
    'Display',
  ],
  [
    sitePage('ch-capterra', '03-02 09:00', 'v-capterra', '/', '?utm_source=capterra&utm_medium=cpc', null, utm('capterra', 'cpc')),
    null,
    'Paid Other',
  ],
  [sitePage('ch-partner', '03-02 09:00', 'v-partner', '/', '?utm_source=partner', null, utm('partner', null)), null, 'Other'],
];

export const SCENARIOS: Scenario[] = [
  {
    name: 'cookie expiry: two anonymous ids, one email',
    input: {
      pages: [page('p1', '03-01 09:00', 'a1', 'Home'), page('p2', '03-12 10:00', 'a2', 'Pricing')],
      identifies: [
        identify('i1', '03-01 09:05', 'a1', { email: JO, name: 'Jo Smith' }),
        identify('i2', '03-12 10:05', 'a2', { email: JO }),
      ],
    },
    events: {
      p1: [emailPerson(JO), 'confirmed', 'anonymous_id'],
      i1: [emailPerson(JO), 'confirmed', 'email'],
      p2: [emailPerson(JO), 'confirmed', 'anonymous_id'],
      i2: [emailPerson(JO), 'confirmed', 'email'],
    },
    persons: { [emailPerson(JO)]: 'confirmed' },
    rows: {
      persons: { [emailPerson(JO)]: { email: JO, name: 'Jo Smith', anonymous_id_count: 2, event_count: 4, session_count: 2 } },
      stitched_events: { p2: { email: JO, name: 'Jo Smith' } },
    },
  },
  {
    name: "email in a link's query string",
    input: {
      pages: [
        page('p1', '03-01 09:00', 'a1', 'Webinar', {
          context_page_url: 'https://example.com/webinar?utm_source=mail&email=Jo%40Example.com&x=1',
        }),
        page('p2', '03-01 09:03', 'a1', 'Pricing'),
        page('p3', '03-01 09:04', 'a3', 'Webinar', { context_page_url: 'https://example.com/webinar?email=not-an-email' }),
      ],
    },
    events: {
      p1: [emailPerson(JO), 'confirmed', 'email'],
      p2: [emailPerson(JO), 'confirmed', 'anonymous_id'],
      p3: [anonPerson('a3'), 'anonymous', 'none'],
    },
    persons: { [emailPerson(JO)]: 'confirmed', [anonPerson('a3')]: 'anonymous' },
    rows: { persons: { [emailPerson(JO)]: { email: JO, name: null }, [anonPerson('a3')]: { email: null } } },
  },
  {
    name: 'carried anonymous id in utm_term (Calendly via Zapier)',
    input: {
      pages: [
        page('p1', '03-01 09:00', 'visitor', 'Home'),
        page('p2', '03-01 09:02', 'visitor', 'Contact'),
        page('p3', '03-01 09:03', 'stranger', 'Home'),
      ],
      tracks: [track('t1', '03-01 09:10', 'zap', 'Meeting Booked', { user_id: JO, context_campaign_term: 'visitor' })],
      identifies: [identify('i1', '03-01 09:10', 'zap', { user_id: JO, email: JO, name: 'Jo Smith', context_campaign_term: 'visitor' })],
    },
    events: {
      p1: [JO_USER, 'confirmed', 'carried_anonymous_id'],
      p2: [JO_USER, 'confirmed', 'carried_anonymous_id'],
      p3: [anonPerson('stranger'), 'anonymous', 'none'],
      t1: [JO_USER, 'confirmed', 'user_id'],
      i1: [JO_USER, 'confirmed', 'user_id'],
    },
    persons: { [JO_USER]: 'confirmed', [anonPerson('stranger')]: 'anonymous' },
    rows: {
      identity_links: {
        'anonymous_id:visitor': { person_id: JO_USER, link_type: 'confirmed' },
        'anonymous_id:zap': { person_id: JO_USER },
      },
      persons: { [JO_USER]: { converted: true, first_converted_at: '2024-03-01T09:10:00.000000Z', anonymous_id_count: 2 } },
    },
  },
  {
    name: 'carried anonymous id on a booking sent with a user id only (no anonymous id of its own)',
    input: {
      pages: [page('p1', '03-01 09:00', 'visitor', 'Home'), page('p2', '03-01 09:02', 'visitor', 'Contact')],
      tracks: [track('t1', '03-01 09:10', null, 'Meeting Booked', { user_id: JO, context_campaign_term: 'visitor' })],
    },
    events: {
      p1: [JO_USER, 'confirmed', 'carried_anonymous_id'],
      p2: [JO_USER, 'confirmed', 'carried_anonymous_id'],
      t1: [JO_USER, 'confirmed', 'user_id'],
    },
    persons: { [JO_USER]: 'confirmed' },
    rows: { identity_links: { 'anonymous_id:visitor': { person_id: JO_USER, link_type: 'confirmed', event_count: 3 } } },
  },
  {
    name: 'a late identify stitches earlier anonymous events',
    input: {
      pages: [page('p1', '03-01 09:00', 'a1', 'Home'), page('p2', '03-01 09:05', 'a1', 'Blog'), page('p3', '03-02 12:00', 'a1', 'Pricing')],
      identifies: [identify('i1', '03-03 12:00', 'a1', { user_id: 'u1' })],
    },
    events: {
      p1: [USER_U1, 'confirmed', 'anonymous_id'],
      p2: [USER_U1, 'confirmed', 'anonymous_id'],
      p3: [USER_U1, 'confirmed', 'anonymous_id'],
      i1: [USER_U1, 'confirmed', 'user_id'],
    },
    persons: { [USER_U1]: 'confirmed' },
    rows: { persons: { [USER_U1]: { event_count: 4, session_count: 3, first_seen_at: '2024-03-01T09:00:00.000000Z', user_id_count: 1 } } },
  },
  {
    name: 'a chain user_id – email – CRM id – email – user_id across rows',
    input: {
      identifies: [
        identify('c1', '03-01 09:00', 'a1', { user_id: 'u-b', email: JO }),
        identify('c2', '03-02 09:00', 'a2', { email: JO, hubspot_id: '42' }),
        identify('c3', '03-03 09:00', 'a3', { hubspot_id: '42', email: 'jo@work.example' }),
        identify('c4', '03-04 09:00', 'a4', { email: 'jo@work.example', user_id: 'u-a' }),
        identify('c5', '03-05 09:00', 'a5', { hubspot_id: '42' }),
      ],
    },
    events: {
      c1: [USER_U_A, 'confirmed', 'user_id'],
      c2: [USER_U_A, 'confirmed', 'email'],
      c3: [USER_U_A, 'confirmed', 'email'],
      c4: [USER_U_A, 'confirmed', 'user_id'],
      c5: [USER_U_A, 'confirmed', 'crm_id'],
    },
    persons: { [USER_U_A]: 'confirmed' },
    rows: {
      persons: { [USER_U_A]: { user_id_count: 2, email_count: 2, email: 'jo@work.example', anonymous_id_count: 5 } },
      identity_links: { 'crm_id:hubspot_id=42': { person_id: USER_U_A, event_count: 3 }, 'user_id:u-b': { person_id: USER_U_A } },
    },
  },
  {
    name: 'a diamond of identifiers, and a person known by a CRM id only',
    input: {
      identifies: [
        identify('d1', '03-01 09:00', 'b1', { user_id: 'v1', email: 'x@d.example' }),
        identify('d2', '03-01 10:00', 'b2', { user_id: 'v1', email: 'y@d.example' }),
        identify('d3', '03-01 11:00', 'b3', { email: 'x@d.example', hubspot_id: '7' }),
        identify('d4', '03-01 12:00', 'b4', { email: 'y@d.example', hubspot_id: '7' }),
        identify('d5', '03-01 13:00', 'b5', { hubspot_id: '99', name: 'Crm Only' }),
      ],
    },
    events: {
      d1: [USER_V1, 'confirmed', 'user_id'],
      d2: [USER_V1, 'confirmed', 'user_id'],
      d3: [USER_V1, 'confirmed', 'email'],
      d4: [USER_V1, 'confirmed', 'email'],
      d5: [crmPerson('hubspot_id', '99'), 'confirmed', 'crm_id'],
    },
    persons: { [USER_V1]: 'confirmed', [crmPerson('hubspot_id', '99')]: 'confirmed' },
    rows: {
      persons: {
        [USER_V1]: { email_count: 2, user_id_count: 1, email: 'y@d.example' },
        [crmPerson('hubspot_id', '99')]: { name: 'Crm Only' },
      },
    },
  },
  {
    name: 'a device shared by two persons with interleaved visits: each anonymous visit goes to the nearest identification',
    input: {
      pages: [
        page('p1', '03-01 09:01', 'shared', 'Home'),
        page('p2', '03-01 15:01', 'shared', 'Pricing'),
        // Neither in a session with an identification: the nearer one (bob 1 h before, not alice 17 h after).
        page('p3', '03-01 16:00', 'shared', 'Blog'),
        // Alice 1 h after, bob 17 h before.
        page('p4', '03-02 08:00', 'shared', 'Blog'),
      ],
      identifies: [
        identify('i1', '03-01 09:00', 'shared', { user_id: 'alice', name: 'Alice' }),
        identify('i2', '03-01 15:00', 'shared', { user_id: 'bob', name: 'Bob' }),
        identify('i3', '03-02 09:00', 'shared', { user_id: 'alice' }),
      ],
    },
    // Identified events stay put; the device never merges its users; its anonymous events are shared out (§3).
    events: {
      i1: [USER_ALICE, 'confirmed', 'user_id'],
      p1: [USER_ALICE, 'confirmed', 'shared_device'],
      i2: [USER_BOB, 'confirmed', 'user_id'],
      p2: [USER_BOB, 'confirmed', 'shared_device'],
      p3: [USER_BOB, 'confirmed', 'shared_device'],
      p4: [USER_ALICE, 'confirmed', 'shared_device'],
      i3: [USER_ALICE, 'confirmed', 'user_id'],
    },
    persons: { [USER_ALICE]: 'confirmed', [USER_BOB]: 'confirmed' },
    rows: {
      persons: { [USER_ALICE]: { event_count: 4, name: 'Alice' }, [USER_BOB]: { event_count: 3, name: 'Bob' } },
      // The device's link names the person of its latest identification.
      identity_links: { 'anonymous_id:shared': { person_id: USER_ALICE, event_count: 7 } },
    },
  },
  {
    name: 'a shared device: an identification in the same device session wins over a nearer one in another',
    input: {
      pages: [
        page('p1', '03-01 10:20', 'shared', 'Home'),
        page('p2', '03-01 10:45', 'shared', 'Pricing'),
        // 25 min after p2 (same session as alice's 10:00), 35 min before bob's identify (a new session).
        page('p3', '03-01 11:10', 'shared', 'Blog'),
      ],
      identifies: [
        identify('i1', '03-01 10:00', 'shared', { user_id: 'alice' }),
        identify('i2', '03-01 11:45', 'shared', { user_id: 'bob' }),
      ],
    },
    events: {
      i1: [USER_ALICE, 'confirmed', 'user_id'],
      p1: [USER_ALICE, 'confirmed', 'shared_device'],
      p2: [USER_ALICE, 'confirmed', 'shared_device'],
      p3: [USER_ALICE, 'confirmed', 'shared_device'],
      i2: [USER_BOB, 'confirmed', 'user_id'],
    },
    persons: { [USER_ALICE]: 'confirmed', [USER_BOB]: 'confirmed' },
  },
  {
    name: 'a device with one person keeps the seed rule: all its anonymous history, however old, goes to that person',
    input: {
      pages: [
        page('p1', '01-02 09:00', 'solo', 'Home'),
        page('p2', '03-01 09:30', 'solo', 'Pricing'),
        page('p3', '06-01 09:00', 'solo', 'Blog'),
      ],
      identifies: [identify('i1', '03-01 09:00', 'solo', { user_id: 'kim' }), identify('i2', '03-05 09:00', 'solo', { user_id: 'kim' })],
    },
    events: {
      p1: [USER_KIM, 'confirmed', 'anonymous_id'],
      i1: [USER_KIM, 'confirmed', 'user_id'],
      p2: [USER_KIM, 'confirmed', 'anonymous_id'],
      i2: [USER_KIM, 'confirmed', 'user_id'],
      p3: [USER_KIM, 'confirmed', 'anonymous_id'],
    },
    persons: { [USER_KIM]: 'confirmed' },
  },
  {
    name: 'identity.backstitch_days cuts anonymous history older than the window before the first identification',
    config: { identity: { backstitch_days: 7 } },
    input: {
      pages: [
        page('p1', '02-01 09:00', 'solo', 'Home'),
        page('p2', '02-25 09:00', 'solo', 'Pricing'),
        // Forward of an identification: not history, attached whatever its age.
        page('p3', '06-01 09:00', 'solo', 'Blog'),
        // A shared device. q1: 10 days before alice's identification, after none: cut. q2: 6 days after alice's,
        // 2 before bob's: bob, the nearer. q3: 15 days after bob's, 9 before alice's: alice would be nearer, but
        // she identified beyond the window after it: bob.
        page('q1', '02-20 09:00', 'shared', 'Home'),
        page('q2', '03-08 09:00', 'shared', 'Pricing'),
        page('q3', '03-25 09:00', 'shared', 'Blog'),
      ],
      identifies: [
        identify('i1', '03-01 09:00', 'solo', { user_id: 'kim' }),
        identify('j1', '03-02 09:00', 'shared', { user_id: 'alice' }),
        identify('j2', '03-10 09:00', 'shared', { user_id: 'bob' }),
        identify('j3', '04-03 09:00', 'shared', { user_id: 'alice' }),
      ],
    },
    events: {
      p1: [anonPerson('solo'), 'anonymous', 'none'],
      p2: [USER_KIM, 'confirmed', 'anonymous_id'],
      i1: [USER_KIM, 'confirmed', 'user_id'],
      p3: [USER_KIM, 'confirmed', 'anonymous_id'],
      q1: [anonPerson('shared'), 'anonymous', 'none'],
      j1: [USER_ALICE, 'confirmed', 'user_id'],
      q2: [USER_BOB, 'confirmed', 'shared_device'],
      j2: [USER_BOB, 'confirmed', 'user_id'],
      q3: [USER_BOB, 'confirmed', 'shared_device'],
      j3: [USER_ALICE, 'confirmed', 'user_id'],
    },
    persons: {
      [anonPerson('solo')]: 'anonymous',
      [USER_KIM]: 'confirmed',
      [anonPerson('shared')]: 'anonymous',
      [USER_ALICE]: 'confirmed',
      [USER_BOB]: 'confirmed',
    },
    // An anonymous id still links to the person of its latest identification, even with some events cut.
    rows: { identity_links: { 'anonymous_id:solo': { person_id: USER_KIM }, 'anonymous_id:shared': { person_id: USER_ALICE } } },
  },
  {
    name: 'a unique name match is inferred, and flagged (the exact rule)',
    config: { identity: { name_matching: { method: 'exact' } } },
    input: {
      identifies: [identify('i1', '03-01 09:00', 'a1', { user_id: 'u1', name: 'José García' })],
      offsite: {
        linkedin: [offsiteRow('li-1', '02-20 10:00', 'jose  GARCIA', { profile_url: 'https://linkedin.com/in/jg' })],
      },
    },
    events: {
      i1: [USER_U1, 'confirmed', 'user_id'],
      'li-1': [USER_U1, 'inferred', 'name_match'],
    },
    persons: { [USER_U1]: 'inferred' },
    rows: {
      persons: { [USER_U1]: { is_inferred_identity: true, name: 'José García', first_seen_at: '2024-02-20T10:00:00.000000Z' } },
      stitched_events: { 'li-1': { is_inferred_identity: true, name: 'José García', step_label: 'LinkedIn: liked' } },
      identity_links: {
        'profile:linkedin:https://linkedin.com/in/jg': { person_id: USER_U1, link_type: 'inferred', match_evidence: 'exact name' },
      },
    },
  },
  {
    // LinkedIn display names carry credentials and pronouns; a headline keeps what follows its comma.
    name: "a LinkedIn name's additions (', MBA', '(he/him)') are dropped before matching; a headline keeps its comma's tail",
    config: { identity: { name_matching: { method: 'exact' } } },
    input: {
      identifies: [identify('i1', '03-01 09:00', 'a1', { user_id: 'u1', name: 'José García' })],
      offsite: {
        linkedin: [
          offsiteRow('li-1', '02-20 10:00', 'José García (he/him), MBA, CFA', { profile_url: 'https://linkedin.com/in/jg' }),
          offsiteRow('li-2', '02-21 10:00', 'Jo Kay, PhD', { headline: 'Head of Data, Acme' }),
        ],
      },
    },
    events: {
      i1: [USER_U1, 'confirmed', 'user_id'],
      'li-1': [USER_U1, 'inferred', 'name_match'],
      'li-2': [profilePerson('linkedin:name:jo kay:head of data acme'), 'unmatched', 'none'],
    },
    persons: { [USER_U1]: 'inferred', [profilePerson('linkedin:name:jo kay:head of data acme')]: 'unmatched' },
  },
  ...scoredNamesakes(),
  {
    name: 'a person known only offsite (a profile with an email) is no match target, but makes a name ambiguous',
    input: {
      identifies: [identify('i1', '03-01 09:00', 'a1', { user_id: 'u1', name: 'Ana Silva' })],
      offsite: {
        linkedin: [
          offsiteRow('li-1', '02-20 10:00', 'Ben Cho', { email: 'ben@x.example', profile_url: 'https://linkedin.com/in/ben' }),
          offsiteRow('li-2', '02-21 10:00', 'Ben Cho', { profile_url: 'https://linkedin.com/in/ben-2' }),
          offsiteRow('li-3', '02-22 10:00', 'Ana Silva', { email: 'ana.other@y.example', profile_url: 'https://linkedin.com/in/ana-2' }),
          offsiteRow('li-4', '02-23 10:00', 'Ana Silva', { profile_url: 'https://linkedin.com/in/ana-3' }),
        ],
      },
    },
    events: {
      i1: [USER_U1, 'confirmed', 'user_id'],
      'li-1': [emailPerson('ben@x.example'), 'confirmed', 'offsite_email'],
      'li-2': [profilePerson('linkedin:https://linkedin.com/in/ben-2'), 'unmatched', 'none'],
      'li-3': [emailPerson('ana.other@y.example'), 'confirmed', 'offsite_email'],
      'li-4': [profilePerson('linkedin:https://linkedin.com/in/ana-3'), 'unmatched', 'none'],
    },
    persons: {
      [USER_U1]: 'confirmed',
      [emailPerson('ben@x.example')]: 'confirmed',
      [profilePerson('linkedin:https://linkedin.com/in/ben-2')]: 'unmatched',
      [emailPerson('ana.other@y.example')]: 'confirmed',
      [profilePerson('linkedin:https://linkedin.com/in/ana-3')]: 'unmatched',
    },
  },
  {
    // Exports without profile links (comments scraped from a post) key a profile by name; the headline keeps two
    // namesakes apart, and the same person's rows (same headline, any case or spacing) together.
    name: 'rows without a profile URL: one profile per name and headline',
    input: {
      offsite: {
        linkedin: [
          offsiteRow('li-1', '02-20 10:00', 'Jo Kay', { headline: 'Head of Data at Acme' }),
          offsiteRow('li-2', '02-21 10:00', 'JO  KAY', { headline: 'head of data at  ACME' }),
          offsiteRow('li-3', '02-22 10:00', 'Jo Kay', { headline: 'Founder | Bakery' }),
          offsiteRow('li-4', '02-23 10:00', 'Jo Kay'),
        ],
      },
    },
    events: {
      'li-1': [profilePerson('linkedin:name:jo kay:head of data at acme'), 'unmatched', 'none'],
      'li-2': [profilePerson('linkedin:name:jo kay:head of data at acme'), 'unmatched', 'none'],
      'li-3': [profilePerson('linkedin:name:jo kay:founder bakery'), 'unmatched', 'none'],
      'li-4': [profilePerson('linkedin:name:jo kay'), 'unmatched', 'none'],
    },
    persons: {
      [profilePerson('linkedin:name:jo kay:head of data at acme')]: 'unmatched',
      [profilePerson('linkedin:name:jo kay:founder bakery')]: 'unmatched',
      [profilePerson('linkedin:name:jo kay')]: 'unmatched',
    },
  },
  {
    name: 'an ambiguous name (two known persons) stays unmatched',
    input: {
      identifies: [
        identify('i1', '03-01 09:00', 'a1', { user_id: 'u1', name: 'Sam Lee' }),
        identify('i2', '03-01 10:00', 'a2', { user_id: 'u2', first_name: 'Sam', last_name: 'Lee' }),
      ],
      offsite: {
        linkedin: [offsiteRow('li-2', '02-20 10:00', 'Sam Lee')],
        twitter: [offsiteRow('tw-1', '02-21 10:00', 'Nobody Known', { action: 'followed', profile_url: 'https://twitter.com/nk' })],
      },
    },
    events: {
      i1: [USER_U1, 'confirmed', 'user_id'],
      i2: [USER_U2, 'confirmed', 'user_id'],
      'li-2': [profilePerson('linkedin:name:sam lee'), 'unmatched', 'none'],
      'tw-1': [profilePerson('twitter:https://twitter.com/nk'), 'unmatched', 'none'],
    },
    persons: {
      [USER_U1]: 'confirmed',
      [USER_U2]: 'confirmed',
      [profilePerson('linkedin:name:sam lee')]: 'unmatched',
      [profilePerson('twitter:https://twitter.com/nk')]: 'unmatched',
    },
    rows: {
      persons: { [profilePerson('linkedin:name:sam lee')]: { name: 'Sam Lee', email: null }, [USER_U2]: { name: 'Sam Lee' } },
      identity_links: {
        'profile:linkedin:name:sam lee': { person_id: profilePerson('linkedin:name:sam lee'), link_type: 'confirmed', event_count: 1 },
        'profile:twitter:https://twitter.com/nk': { person_id: profilePerson('twitter:https://twitter.com/nk'), link_type: 'confirmed' },
      },
      stitched_events: { 'tw-1': { step_label: 'Twitter: followed' } },
    },
  },
  {
    name: 'an offsite email is confirmed, and so are later rows of that profile',
    input: {
      identifies: [identify('i1', '03-01 09:00', 'a1', { user_id: 'u1', email: JO })],
      offsite: {
        linkedin: [
          offsiteRow('li-3', '02-20 10:00', 'J. S.', { email: 'Jo@Example.com', profile_url: 'https://linkedin.com/in/jo' }),
          offsiteRow('li-4', '02-22 10:00', 'Jo S', { profile_url: 'https://linkedin.com/in/jo', action: 'commented' }),
          offsiteRow('li-5', '02-23 10:00', 'New Lead', { email: 'new@lead.example' }),
        ],
      },
    },
    events: {
      i1: [USER_U1, 'confirmed', 'user_id'],
      'li-3': [USER_U1, 'confirmed', 'offsite_email'],
      'li-4': [USER_U1, 'confirmed', 'profile'],
      'li-5': [emailPerson('new@lead.example'), 'confirmed', 'offsite_email'],
    },
    persons: { [USER_U1]: 'confirmed', [emailPerson('new@lead.example')]: 'confirmed' },
    rows: {
      persons: {
        [USER_U1]: { name: 'Jo S', email: JO },
        [emailPerson('new@lead.example')]: { name: 'New Lead', email: 'new@lead.example' },
      },
      identity_links: { 'profile:linkedin:https://linkedin.com/in/jo': { person_id: USER_U1, link_type: 'confirmed', event_count: 2 } },
    },
  },
  {
    name: 'junk identifiers are ignored',
    config: { identity: { junk_pattern: '^test-' } },
    input: {
      pages: [
        page('p1', '03-01 09:00', 'a1', 'Home', { user_id: 'undefined' }),
        page('j1', '03-01 09:01', 'null', 'Home', { user_id: '  ' }),
        page('p2', '03-01 09:02', 'a1', 'Docs', { user_id: 'test-123', context_page_url: 'https://x.example/?email=none' }),
      ],
      identifies: [identify('i1', '03-01 09:03', ' a1 ', { user_id: 'NULL', email: 'None', hubspot_id: '0' })],
    },
    events: {
      p1: [anonPerson('a1'), 'anonymous', 'none'],
      p2: [anonPerson('a1'), 'anonymous', 'none'],
      i1: [anonPerson('a1'), 'anonymous', 'none'],
    },
    persons: { [anonPerson('a1')]: 'anonymous' },
    rows: { stitched_events: { p1: { user_id: null, anonymous_id: 'a1' }, p2: { user_id: null }, i1: { anonymous_id: 'a1' } } },
    rejected: [['pages', 'j1', 'no identifier']],
    absentLinks: ['user_id:undefined', 'anonymous_id:null', 'user_id:test-123'],
  },
  {
    name: 'duplicate event ids keep the earliest copy',
    input: {
      pages: [
        page('dup-1', '03-01 09:05', 'a1', 'Home'),
        page('dup-1', '03-01 09:00', 'a1', 'Landing'),
        page('dup-2', '03-01 09:10', 'a1', 'Pricing'),
        page('dup-2', '03-01 09:10', 'a1', 'Pricing'),
      ],
      tracks: [track('dup-3', '03-01 09:20', 'a1', 'Signed Up')],
      identifies: [identify('dup-3', '03-01 09:20', 'a1', { user_id: 'u1' }), identify('i1', '03-01 09:30', 'a1', { user_id: 'u1' })],
    },
    events: {
      'dup-1': [USER_U1, 'confirmed', 'anonymous_id'],
      'dup-2': [USER_U1, 'confirmed', 'anonymous_id'],
      'dup-3': [USER_U1, 'confirmed', 'anonymous_id'],
      i1: [USER_U1, 'confirmed', 'user_id'],
    },
    persons: { [USER_U1]: 'confirmed' },
    // The copies that lost stay inspectable: the later dup-1, one of the identical dup-2s, and the identify that
    // reused the track's id (the track is earlier in source order).
    rejected: [
      ['pages', 'dup-1', 'duplicate'],
      ['pages', 'dup-2', 'duplicate'],
      ['identifies', 'dup-3', 'duplicate'],
    ],
    rows: {
      stitched_events: {
        'dup-1': { event_name: 'Landing', occurred_at: '2024-03-01T09:00:00.000000Z' },
        'dup-3': { event_type: 'track', event_name: 'Signed Up' },
      },
      persons: { [USER_U1]: { event_count: 4 } },
    },
  },
  {
    name: 'mixed-case emails are one identifier',
    input: {
      identifies: [
        identify('i1', '03-01 09:00', 'a1', { email: 'Jo@Example.COM' }),
        identify('i2', '03-02 09:00', 'a2', { email: '  jo@example.com ' }),
      ],
    },
    events: { i1: [emailPerson(JO), 'confirmed', 'email'], i2: [emailPerson(JO), 'confirmed', 'email'] },
    persons: { [emailPerson(JO)]: 'confirmed' },
    rows: { identity_links: { [`email:${JO}`]: { event_count: 2 } }, persons: { [emailPerson(JO)]: { email_count: 1 } } },
    absentLinks: ['email:Jo@Example.COM'],
  },
  {
    name: 'over-merge guard: an email seen with too many user ids links nothing',
    config: { identity: { max_user_ids_per_email: 2 } },
    input: {
      identifies: [
        identify('k1', '03-01 09:00', 'k1', { user_id: 'u1', email: 'info@acme.example' }),
        identify('k2', '03-01 09:01', 'k2', { user_id: 'u2', email: 'info@acme.example' }),
        identify('k3', '03-01 09:02', 'k3', { user_id: 'u3', email: 'INFO@acme.example' }),
        identify('k4', '03-01 09:03', 'k4', { email: 'info@acme.example' }),
        identify('k5', '03-01 09:04', 'k5', { user_id: 'u4', email: 'duo@acme.example' }),
        identify('k6', '03-01 09:05', 'k6', { user_id: 'u5', email: 'duo@acme.example' }),
      ],
    },
    events: {
      k1: [USER_U1, 'confirmed', 'user_id'],
      k2: [USER_U2, 'confirmed', 'user_id'],
      k3: [USER_U3, 'confirmed', 'user_id'],
      // The shared address still identifies a row that carries nothing else.
      k4: [emailPerson('info@acme.example'), 'confirmed', 'email'],
      k5: [USER_U4, 'confirmed', 'user_id'],
      k6: [USER_U4, 'confirmed', 'user_id'],
    },
    persons: {
      [USER_U1]: 'confirmed',
      [USER_U2]: 'confirmed',
      [USER_U3]: 'confirmed',
      [emailPerson('info@acme.example')]: 'confirmed',
      [USER_U4]: 'confirmed',
    },
    rows: {
      identity_links: {
        'email:info@acme.example': { person_id: emailPerson('info@acme.example'), event_count: 4 },
        'email:duo@acme.example': { person_id: USER_U4 },
        'user_id:u5': { person_id: USER_U4 },
      },
      persons: { [USER_U4]: { user_id_count: 2, email_count: 1 } },
    },
  },
  {
    name: 'sessions split after a gap of more than 30 minutes',
    input: {
      pages: [
        page('p1', '03-01 09:00', 's1', 'Home'),
        page('p2', '03-01 09:20', 's1', 'Blog'),
        page('p3', '03-01 09:50', 's1', 'Pricing'), // exactly 30 minutes: same session
        page('p4', '03-01 10:21', 's1', 'Home'), // 31 minutes: a new session
      ],
      tracks: [track('t1', '03-01 10:22', 's1', 'Clicked')],
    },
    events: {
      p1: [anonPerson('s1'), 'anonymous', 'none'],
      p2: [anonPerson('s1'), 'anonymous', 'none'],
      p3: [anonPerson('s1'), 'anonymous', 'none'],
      p4: [anonPerson('s1'), 'anonymous', 'none'],
      t1: [anonPerson('s1'), 'anonymous', 'none'],
    },
    persons: { [anonPerson('s1')]: 'anonymous' },
    rows: {
      sessions: {
        [sessionOf(anonPerson('s1'), at('03-01 09:00'))]: {
          session_number: 1,
          event_count: 3,
          page_view_count: 3,
          ended_at: '2024-03-01T09:50:00.000000Z',
          landing_page: 'Home',
          source: 'web',
          identity_status: 'anonymous',
        },
        [sessionOf(anonPerson('s1'), at('03-01 10:21'))]: {
          session_number: 2,
          event_count: 2,
          page_view_count: 1,
          started_at: '2024-03-01T10:21:00.000000Z',
        },
      },
      stitched_events: {
        p3: { session_id: sessionOf(anonPerson('s1'), at('03-01 09:00')) },
        p4: { session_id: sessionOf(anonPerson('s1'), at('03-01 10:21')) },
        t1: { step_label: null },
      },
      persons: { [anonPerson('s1')]: { session_count: 2 } },
    },
  },
  {
    name: "channels: each event's touch from real-shaped Segment columns; a session's and a person's first touch and landing page path",
    input: {
      pages: [
        ...CHANNEL_CASES.map(([row]) => row),
        // A visit from Google, then internal pages; an hour later a newsletter click.
        sitePage('ch-s1', '03-03 09:00', 'v-two', '/blog/stitching', '', 'https://www.google.com/'),
        sitePage('ch-s2', '03-03 09:02', 'v-two', '/pricing', '', 'https://www.example.com/blog/stitching'),
        sitePage(
          'ch-s3',
          '03-03 10:30',
          'v-two',
          '/webinar',
          '?utm_source=newsletter&utm_medium=email&utm_campaign=april',
          null,
          utm('newsletter', 'email', 'april'),
        ),
        // A page view without a path, then one with: the landing page path is the first that has one.
        page('ch-nopath', '03-04 09:01', 'v-track', 'Untitled'),
        sitePage('ch-path', '03-04 09:02', 'v-track', '/pricing', '', 'https://www.example.com/'),
      ],
      // The session starts with a track (Segment sends the page's campaign with it): its touch is the session's.
      tracks: [
        track('ch-t1', '03-04 09:00', 'v-track', 'CTA Clicked', { context_page_referrer: 'https://duckduckgo.com/', ...utm(null, null) }),
      ],
      offsite: { linkedin: [offsiteRow('ch-like', '03-02 09:00', 'Noor Haddad', { profile_url: 'https://www.linkedin.com/in/noor' })] },
    },
    events: {
      ...Object.fromEntries(
        CHANNEL_CASES.map(([row]) => [row.id as string, [anonPerson(row.anonymous_id as string), 'anonymous', 'none']]),
      ),
      'ch-s1': [anonPerson('v-two'), 'anonymous', 'none'],
      'ch-s2': [anonPerson('v-two'), 'anonymous', 'none'],
      'ch-s3': [anonPerson('v-two'), 'anonymous', 'none'],
      'ch-nopath': [anonPerson('v-track'), 'anonymous', 'none'],
      'ch-path': [anonPerson('v-track'), 'anonymous', 'none'],
      'ch-t1': [anonPerson('v-track'), 'anonymous', 'none'],
      'ch-like': [profilePerson('linkedin:https://www.linkedin.com/in/noor'), 'unmatched', 'none'],
    },
    persons: {
      ...Object.fromEntries(CHANNEL_CASES.map(([row]) => [anonPerson(row.anonymous_id as string), 'anonymous'])),
      [anonPerson('v-two')]: 'anonymous',
      [anonPerson('v-track')]: 'anonymous',
      [profilePerson('linkedin:https://www.linkedin.com/in/noor')]: 'unmatched',
    },
    rows: {
      stitched_events: {
        ...Object.fromEntries(
          CHANNEL_CASES.map(([row, referrerDomain, channel]) => [row.id as string, { referrer_domain: referrerDomain, channel }]),
        ),
        'ch-cpc': { utm_source: 'Google', utm_medium: 'CPC', utm_campaign: 'brand' },
        'ch-s1': { channel: 'Organic Search', referrer_domain: 'google.com' },
        'ch-s2': { channel: 'Direct', referrer_domain: null },
        'ch-s3': { channel: 'Email', utm_campaign: 'april' },
        'ch-t1': { channel: 'Organic Search', referrer_domain: 'duckduckgo.com' },
        // The page's own site as referrer, with no path to compare: still internal (same host).
        'ch-path': { channel: 'Direct', referrer_domain: null },
        'ch-like': { channel: 'Offsite', referrer_domain: null },
      },
      sessions: {
        [sessionOf(anonPerson('v-two'), at('03-03 09:00'))]: {
          channel: 'Organic Search',
          referrer_domain: 'google.com',
          landing_page_path: '/blog/stitching',
          utm_source: null,
        },
        [sessionOf(anonPerson('v-two'), at('03-03 10:30'))]: {
          channel: 'Email',
          utm_source: 'newsletter',
          utm_medium: 'email',
          utm_campaign: 'april',
          landing_page_path: '/webinar',
        },
        [sessionOf(anonPerson('v-track'), at('03-04 09:00'))]: {
          channel: 'Organic Search',
          referrer_domain: 'duckduckgo.com',
          landing_page: 'Untitled',
          landing_page_path: '/pricing',
        },
        [sessionOf(anonPerson('v-cpc'), at('03-02 09:00'))]: {
          channel: 'Paid Search',
          utm_source: 'Google',
          utm_medium: 'CPC',
          utm_campaign: 'brand',
          landing_page_path: '/demo',
        },
        [sessionOf(profilePerson('linkedin:https://www.linkedin.com/in/noor'), at('03-02 09:00'))]: {
          channel: 'Offsite',
          landing_page_path: null,
        },
      },
      journey_paths: {
        [anonPerson('v-two')]: {
          channel: 'Organic Search',
          referrer_domain: 'google.com',
          utm_campaign: null,
          landing_page_path: '/blog/stitching',
        },
        [anonPerson('v-track')]: { channel: 'Organic Search', landing_page_path: '/pricing' },
        [anonPerson('v-email')]: {
          channel: 'Email',
          utm_source: 'newsletter',
          utm_medium: 'email',
          utm_campaign: 'march',
          landing_page_path: '/blog',
        },
      },
      session_paths: {
        [sessionOf(anonPerson('v-two'), at('03-03 10:30'))]: {
          channel: 'Email',
          utm_campaign: 'april',
          landing_page_path: '/webinar',
          step_1: '/webinar page',
        },
      },
    },
  },
  {
    name: 'journey steps collapse consecutive duplicates and flag the conversion',
    input: {
      pages: [
        page('p1', '03-01 09:00', 'j1', 'Home'),
        page('p2', '03-01 09:01', 'j1', 'Home'),
        page('p3', '03-01 09:02', 'j1', 'Pricing'),
        page('p4', '03-01 09:03', 'j1', 'Home'),
        page('p5', '03-01 09:06', 'j1', 'Thanks'),
        page('p6', '03-01 09:08', 'j1', null, { context_page_path: '/blog' }),
      ],
      tracks: [track('t1', '03-01 09:04', 'j1', 'Pricing Viewed'), track('t2', '03-01 09:05', 'j1', 'Meeting Booked')],
      identifies: [identify('i1', '03-01 09:05', 'j1', { user_id: 'ju', email: 'ju@example.com' })],
      offsite: { linkedin: [offsiteRow('li-6', '03-01 08:00', 'Ju', { email: 'ju@example.com' })] },
    },
    events: {
      'li-6': [USER_JU, 'confirmed', 'offsite_email'],
      p1: [USER_JU, 'confirmed', 'anonymous_id'],
      p2: [USER_JU, 'confirmed', 'anonymous_id'],
      p3: [USER_JU, 'confirmed', 'anonymous_id'],
      p4: [USER_JU, 'confirmed', 'anonymous_id'],
      t1: [USER_JU, 'confirmed', 'anonymous_id'],
      t2: [USER_JU, 'confirmed', 'anonymous_id'],
      i1: [USER_JU, 'confirmed', 'user_id'],
      p5: [USER_JU, 'confirmed', 'anonymous_id'],
      p6: [USER_JU, 'confirmed', 'anonymous_id'],
    },
    persons: { [USER_JU]: 'confirmed' },
    rows: {
      journey_paths: {
        [USER_JU]: {
          step_count: 7,
          converted: true,
          steps_to_conversion: 5,
          first_step_at: '2024-03-01T08:00:00.000000Z',
          step_1: 'LinkedIn: liked',
          step_2: 'Home',
          step_3: 'Pricing',
          step_4: 'Home',
          step_5: 'Meeting Booked',
          step_6: 'Thanks',
          step_7: '/blog',
          step_8: null,
          // Anchored at the conversion: the steps before it, latest first; 65 minutes from the LinkedIn like.
          converted_at: '2024-03-01T09:05:00.000000Z',
          seconds_to_conversion: 3900,
          sessions_to_conversion: 2,
          conversion_step: 'Meeting Booked',
          before_1: 'Home',
          before_2: 'Pricing',
          before_3: 'Home',
          before_4: 'LinkedIn: liked',
          before_5: null,
        },
      },
      session_paths: {
        [sessionOf(USER_JU, at('03-01 08:00'))]: {
          step_count: 1,
          converted: false,
          steps_to_conversion: null,
          step_1: 'LinkedIn: liked',
          step_2: null,
          converted_at: null,
          seconds_to_conversion: null,
          conversion_step: null,
          before_1: null,
        },
        [sessionOf(USER_JU, at('03-01 09:00'))]: {
          step_count: 6,
          converted: true,
          steps_to_conversion: 4,
          step_1: 'Home',
          step_4: 'Meeting Booked',
          step_6: '/blog',
          seconds_to_conversion: 300,
          conversion_step: 'Meeting Booked',
          before_1: 'Home',
          before_2: 'Pricing',
          before_3: 'Home',
          before_4: null,
        },
      },
      sessions: { [sessionOf(USER_JU, at('03-01 08:00'))]: { source: 'linkedin', landing_page: null, page_view_count: 0 } },
      persons: { [USER_JU]: { converted: true, first_converted_at: '2024-03-01T09:05:00.000000Z', session_count: 2 } },
      stitched_events: { t1: { step_label: null, is_conversion: false }, t2: { step_label: 'Meeting Booked', is_conversion: true } },
    },
  },
  {
    name: 'paths anchored at the first conversion: a conversion that is no step, a second conversion, three sessions',
    config: { journeys: { track_events: ['Pricing Viewed'], conversion_events: ['Demo Requested'] } },
    input: {
      pages: [
        page('p1', '03-01 09:00', 'k1', 'Home'),
        page('p2', '03-02 09:00', 'k1', 'Pricing'),
        page('p3', '03-02 09:01', 'k1', 'Pricing'),
        page('p4', '03-03 09:00', 'k1', 'Blog'),
        page('p5', '03-03 09:10', 'k1', 'Home'),
      ],
      tracks: [
        track('t1', '03-02 09:02', 'k1', 'Pricing Viewed'),
        // The conversion is not a track step: the step before it is the Pricing Viewed, the conversion step NULL.
        track('t2', '03-02 09:03', 'k1', 'Demo Requested'),
        track('t3', '03-03 09:05', 'k1', 'Demo Requested'),
      ],
    },
    events: {
      p1: [anonPerson('k1'), 'anonymous', 'none'],
      p2: [anonPerson('k1'), 'anonymous', 'none'],
      p3: [anonPerson('k1'), 'anonymous', 'none'],
      p4: [anonPerson('k1'), 'anonymous', 'none'],
      p5: [anonPerson('k1'), 'anonymous', 'none'],
      t1: [anonPerson('k1'), 'anonymous', 'none'],
      t2: [anonPerson('k1'), 'anonymous', 'none'],
      t3: [anonPerson('k1'), 'anonymous', 'none'],
    },
    persons: { [anonPerson('k1')]: 'anonymous' },
    rows: {
      journey_paths: {
        [anonPerson('k1')]: {
          step_count: 5,
          converted: true,
          steps_to_conversion: null,
          step_1: 'Home',
          step_2: 'Pricing',
          step_3: 'Pricing Viewed',
          step_4: 'Blog',
          converted_at: '2024-03-02T09:03:00.000000Z',
          seconds_to_conversion: 86580,
          sessions_to_conversion: 2,
          conversion_step: null,
          before_1: 'Pricing Viewed',
          before_2: 'Pricing',
          before_3: 'Home',
          before_4: null,
        },
      },
      session_paths: {
        [sessionOf(anonPerson('k1'), at('03-01 09:00'))]: { converted: false, before_1: null, conversion_step: null },
        [sessionOf(anonPerson('k1'), at('03-02 09:00'))]: {
          converted: true,
          seconds_to_conversion: 180,
          before_1: 'Pricing Viewed',
          before_2: 'Pricing',
          before_3: null,
        },
        // The third session's own first conversion comes after its Blog step.
        [sessionOf(anonPerson('k1'), at('03-03 09:00'))]: {
          converted: true,
          converted_at: '2024-03-03T09:05:00.000000Z',
          seconds_to_conversion: 300,
          before_1: 'Blog',
          before_2: null,
        },
      },
    },
  },
  {
    name: 'rows that cannot be used are rejected with their reason',
    input: {
      pages: [
        page('ok', '03-01 09:00', 'a1', 'Home'),
        page('', '03-01 09:00', 'a1', 'Home'),
        { ...page('r2', '03-01 09:00', 'a1', 'Home'), timestamp: 'yesterday' },
      ],
      tracks: [
        track('r3', '03-01 09:00', 'a1', null),
        { ...track('r4', '03-01 09:00', 'a1', 'Signed Up'), timestamp: '2024-13-45T25:00:00Z' },
      ],
      offsite: { linkedin: [offsiteRow('li-r', '03-01 09:00', '   ')] },
    },
    events: { ok: [anonPerson('a1'), 'anonymous', 'none'] },
    persons: { [anonPerson('a1')]: 'anonymous' },
    rejected: [
      ['linkedin', 'li-r', 'no identifier'],
      ['pages', null, 'missing event id'],
      ['pages', 'r2', 'invalid timestamp'],
      ['tracks', 'r3', 'missing event name'],
      ['tracks', 'r4', 'invalid timestamp'],
    ],
  },
  {
    name: 'events dated 1970 or 2099 (device clocks) are rejected as implausible, with their reason',
    input: {
      pages: [
        page('ok', '03-01 09:00', 'a1', 'Home'),
        { ...page('epoch', '03-01 09:00', 'a1', 'Home'), timestamp: '1970-01-01T00:00:00Z' },
      ],
      tracks: [{ ...track('future', '03-01 09:00', 'a1', 'Signed Up'), timestamp: '2099-12-31T23:59:59Z' }],
      offsite: { linkedin: [offsiteRow('li-70', '03-01 09:00', 'Ann Old', { timestamp: '1970-01-01T00:00:01Z' })] },
    },
    events: { ok: [anonPerson('a1'), 'anonymous', 'none'] },
    persons: { [anonPerson('a1')]: 'anonymous' },
    rejected: [
      ['linkedin', 'li-70', 'implausible timestamp'],
      ['pages', 'epoch', 'implausible timestamp'],
      ['tracks', 'future', 'implausible timestamp'],
    ],
  },
  {
    name: 'a wider timestamps window keeps an old event; a narrower one rejects a recent one',
    config: { timestamps: { max_age_days: MAX_TIMESTAMP_AGE_DAYS, max_future_hours: 0 } },
    input: {
      pages: [
        page('ok', '03-01 09:00', 'a1', 'Home'),
        { ...page('soon', '03-01 09:00', 'a1', 'Home'), timestamp: new Date(Date.now() + 6 * 3_600_000).toISOString() },
      ],
      tracks: [{ ...track('old', '03-01 09:00', 'a1', 'Signed Up'), timestamp: new Date(Date.now() - 3900 * 86_400_000).toISOString() }],
    },
    events: { ok: [anonPerson('a1'), 'anonymous', 'none'], old: [anonPerson('a1'), 'anonymous', 'none'] },
    persons: { [anonPerson('a1')]: 'anonymous' },
    rejected: [['pages', 'soon', 'implausible timestamp']],
  },
  {
    name: 'offsite rows without an id column get a content hash id',
    input: {
      offsite: {
        twitter: [
          { full_name: 'Ann Example', action: 'followed', timestamp: '2024-03-01T09:00:00Z', profile_url: 'https://twitter.com/ann' },
          { full_name: 'Ann Example', action: 'followed', timestamp: '2024-03-01T09:00:00Z', profile_url: 'https://twitter.com/ann' },
        ],
      },
    },
    events: {
      [`twitter:${md5('Ann Example|followed|2024-03-01T09:00:00Z|https://twitter.com/ann|')}`]: [
        profilePerson('twitter:https://twitter.com/ann'),
        'unmatched',
        'none',
      ],
    },
    persons: { [profilePerson('twitter:https://twitter.com/ann')]: 'unmatched' },
    rejected: [['twitter', `twitter:${md5('Ann Example|followed|2024-03-01T09:00:00Z|https://twitter.com/ann|')}`, 'duplicate']],
    rows: {
      persons: { [profilePerson('twitter:https://twitter.com/ann')]: { name: 'Ann Example', event_count: 1, anonymous_id_count: 0 } },
    },
  },
  {
    name: 'source columns with other physical names (config column mapping)',
    config: { pageColumns: { anonymous_id: 'anon', context_page_title: 'title', timestamp: 'sent_at' } },
    input: {
      pages: [page('p1', '03-01 09:00', 'a1', 'Home')],
      identifies: [identify('i1', '03-01 09:01', 'a1', { user_id: 'u1' })],
    },
    events: { p1: [USER_U1, 'confirmed', 'anonymous_id'], i1: [USER_U1, 'confirmed', 'user_id'] },
    persons: { [USER_U1]: 'confirmed' },
    rows: {
      stitched_events: { p1: { event_name: 'Home', step_label: 'Home', anonymous_id: 'a1', occurred_at: '2024-03-01T09:00:00.000000Z' } },
    },
  },
  {
    name: "an anonymous person's name stays empty: backfill reads confirmed events only",
    input: {
      pages: [page('p1', '03-01 09:00', 'a9', 'Home')],
      identifies: [identify('i1', '03-01 09:01', 'a9', { name: 'Pat Doe' })],
    },
    events: { p1: [anonPerson('a9'), 'anonymous', 'none'], i1: [anonPerson('a9'), 'anonymous', 'none'] },
    persons: { [anonPerson('a9')]: 'anonymous' },
    rows: { persons: { [anonPerson('a9')]: { name: null, email: null } }, stitched_events: { p1: { name: null } } },
  },
  {
    name: 'offsite actions are kept as delivered, and a row without an action is still an event',
    input: {
      offsite: {
        linkedin: [
          offsiteRow('li-7', '03-01 09:00', 'Kim Park', { action: 'Liked', profile_url: 'https://linkedin.com/in/kim' }),
          offsiteRow('li-8', '03-01 09:01', 'Kim Park', { action: null, profile_url: 'https://linkedin.com/in/kim' }),
        ],
      },
    },
    events: {
      'li-7': [profilePerson('linkedin:https://linkedin.com/in/kim'), 'unmatched', 'none'],
      'li-8': [profilePerson('linkedin:https://linkedin.com/in/kim'), 'unmatched', 'none'],
    },
    persons: { [profilePerson('linkedin:https://linkedin.com/in/kim')]: 'unmatched' },
    rows: {
      stitched_events: {
        'li-7': { event_name: 'Liked', offsite_action: 'Liked', step_label: 'LinkedIn: Liked' },
        'li-8': { event_name: null, offsite_action: null, step_label: null },
      },
    },
  },
];
