/**
 * The output contract: the tables journey-stitch builds and their columns.
 * The SQL models, the oracle, the LookML generator, the preview host and the tests all read this one list,
 * so a column cannot be renamed in one place and forgotten in another.
 */

export type ColumnType = 'string' | 'int' | 'float' | 'bool' | 'timestamp';

export interface ColumnDef {
  name: string;
  type: ColumnType;
  description: string;
  /** Personal data (email, name, user id, IP, URLs, identifiers): the LookML guards it with an access grant. */
  pii?: boolean;
}

export interface TableDef {
  name: OutputTable;
  description: string;
  primaryKey: string;
  columns: ColumnDef[];
}

export const IDENTITY_STATUSES = ['confirmed', 'inferred', 'anonymous', 'unmatched'] as const;
export type IdentityStatus = (typeof IDENTITY_STATUSES)[number];

export const LINK_TYPES = ['confirmed', 'inferred'] as const;
export type LinkType = (typeof LINK_TYPES)[number];

/** Kinds of identifier that appear in identity_links. */
export const IDENTIFIER_TYPES = ['user_id', 'email', 'crm_id', 'anonymous_id', 'profile'] as const;
export type IdentifierType = (typeof IDENTIFIER_TYPES)[number];

export const EVENT_TYPES = ['page', 'track', 'identify', 'offsite'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** Default number of step columns in journey_paths / session_paths (config: journeys.steps). */
export const DEFAULT_STEPS = 10;

export const OUTPUT_TABLES = ['stitched_events', 'persons', 'identity_links', 'sessions', 'journey_paths', 'session_paths'] as const;
export type OutputTable = (typeof OUTPUT_TABLES)[number];

/** Rows that failed validation land here with the reason; they are counted in the run summary. */
export const REJECTS_TABLE = 'rejected_rows';

const c = (name: string, type: ColumnType, description: string, pii = false): ColumnDef =>
  pii ? { name, type, description, pii } : { name, type, description };

/** The scored name match's probability and the evidence behind it. */
const matchColumns = (what: string): ColumnDef[] => [
  c('match_probability', 'float', `Probability ${what}.`),
  c('match_evidence', 'string', 'The evidence behind the name match, in short words: "rare name + company acme + LinkedIn visit".'),
];

const stepColumns = (steps: number): ColumnDef[] =>
  Array.from({ length: steps }, (_, i) =>
    c(`step_${i + 1}`, 'string', `Step ${i + 1} of the journey (page title or path, chosen track event, or offsite action).`),
  );

/** The steps before the first conversion, latest first: before_1 is the step right before it. */
const beforeColumns = (steps: number): ColumnDef[] =>
  Array.from({ length: steps }, (_, i) =>
    c(
      `before_${i + 1}`,
      'string',
      `The step ${i === 0 ? 'right' : `${i + 1} steps`} before the first conversion (consecutive duplicates collapsed); null when not converted or fewer steps came before.`,
    ),
  );

/** What a path row says about its first conversion (sessions_to_conversion: journey_paths only). */
const conversionColumns = (unit: 'person' | 'session'): ColumnDef[] => [
  c('converted_at', 'timestamp', 'Time of the first conversion event; null when not converted.'),
  c('seconds_to_conversion', 'float', 'Seconds from the first step to the first conversion; null when not converted or without steps.'),
  ...(unit === 'person'
    ? [c('sessions_to_conversion', 'int', 'Sessions up to and including the one with the first conversion; null when not converted.')]
    : []),
  c('conversion_step', 'string', 'Label of the first conversion event (null when it is not a step label).'),
];

/** The first touch of a session or a person (journey_paths: the person's first event; the others: the session's). */
export const TOUCH_FIELDS = ['channel', 'referrer_domain', 'utm_source', 'utm_medium', 'utm_campaign'] as const;

const touchColumns = (unit: 'person' | 'session'): ColumnDef[] => {
  const first = unit === 'person' ? "the person's first event" : "the session's first event";
  return [
    c('channel', 'string', `Channel of ${first} (its first touch; docs/semantics.md §10).`),
    c('referrer_domain', 'string', `Referrer domain of ${first} (null when direct or internal).`),
    c('utm_source', 'string', `Campaign source of ${first}.`),
    c('utm_medium', 'string', `Campaign medium of ${first}.`),
    c('utm_campaign', 'string', `Campaign name of ${first}.`),
    c('landing_page_path', 'string', `URL path of the ${unit === 'person' ? "person's" : "session's"} first page view that has one.`),
  ];
};

export function outputTables(steps: number = DEFAULT_STEPS): TableDef[] {
  return [
    {
      name: 'stitched_events',
      description: 'Every deduplicated event from every source, attributed to a person.',
      primaryKey: 'event_id',
      columns: [
        c('event_id', 'string', 'Unique event id (Segment message id, Snowplow event_id, or a hash for offsite rows).'),
        c('event_type', 'string', 'page, track, identify or offsite.'),
        c('event_name', 'string', 'Track event name, page title for pages, offsite action for offsite rows.'),
        c('occurred_at', 'timestamp', 'When the event happened (UTC).'),
        // A cookie id follows one browser around: personal data like the IP (anonymous_id_hash tells devices apart).
        c('anonymous_id', 'string', 'Cookie / device id of the event, if any.', true),
        // Many sites send the email as the user id: a raw user id is personal data (person_id shows it only hashed: u: + keyed md5).
        c('user_id', 'string', 'User id sent with the event, if any (junk values removed).', true),
        c('person_id', 'string', 'The stitched person this event belongs to.'),
        c('email', 'string', "The person's email (latest known, backfilled).", true),
        c('name', 'string', "The person's name (latest known, backfilled).", true),
        c('identity_status', 'string', 'How this event is tied to its person: confirmed, inferred, anonymous or unmatched.'),
        c('is_inferred_identity', 'bool', 'True when the event is tied to its person only by a name match.'),
        c('source', 'string', "Where the event came from: 'web' or the offsite source name (e.g. linkedin)."),
        c('page_path', 'string', 'Page path of page views.'),
        c('page_title', 'string', 'Page title of page views.'),
        c('page_url', 'string', 'Full page URL of page views (may carry query parameters).', true),
        c('session_id', 'string', 'Session of the event (inactivity gap per person).'),
        c('step_label', 'string', 'Label of this event as a journey step; null when the event is not a step.'),
        c('is_conversion', 'bool', 'True for configured conversion events.'),
        c('ip', 'string', 'IP address of the event.', true),
        // The previous page's URL, query string included: it carries what page_url carries (an ?email= link).
        c('referrer', 'string', 'Page referrer (may carry query parameters).', true),
        c('utm_source', 'string', 'Campaign source.'),
        c('utm_medium', 'string', 'Campaign medium.'),
        c('utm_campaign', 'string', 'Campaign name.'),
        c(
          'referrer_domain',
          'string',
          "The referrer's host without www.; null without a referrer or when it is the page's own host (internal navigation).",
        ),
        c(
          'channel',
          'string',
          "The channel of the event's own touch (docs/semantics.md §10: utm_medium/utm_source, referrer domain, ad click ids; Offsite for offsite rows). A session's channel is its first event's.",
        ),
        c('offsite_action', 'string', 'Offsite interaction (liked, commented, followed...).'),
        c('profile_url', 'string', 'Offsite profile URL.', true),
        c('content_url', 'string', 'Offsite content that was interacted with.'),
        c(
          'link_reason',
          'string',
          'Why the event is tied to its person: user_id, email, anonymous_id, carried_anonymous_id, shared_device, offsite_email, profile, name_match, none.',
        ),
        ...matchColumns("that this inferred event's offsite profile is this person (scored name matching); null for other events"),
      ],
    },
    {
      name: 'persons',
      description: 'One row per stitched person.',
      primaryKey: 'person_id',
      columns: [
        c(
          'person_id',
          'string',
          'Stable person id: u: and a keyed hash of the user id when there is one, else e: and a keyed hash of the email (c: of a CRM id), else (an anonymous person) a: and a keyed hash of its smallest anonymous id; an offsite-only profile: p: and a keyed hash of its key.',
        ),
        c('email', 'string', 'Latest known email.', true),
        c('name', 'string', 'Latest known name.', true),
        c(
          'identity_status',
          'string',
          'confirmed (identified deterministically), inferred (has name-matched offsite activity), anonymous (cookie only) or unmatched (offsite only).',
        ),
        c('is_inferred_identity', 'bool', "True when any of the person's events is tied to them only by a name match."),
        ...matchColumns("of the person's weakest name match (the lowest among its inferred events); null without one"),
        c('first_seen_at', 'timestamp', 'First event.'),
        c('last_seen_at', 'timestamp', 'Last event.'),
        c('anonymous_id_count', 'int', 'Distinct anonymous ids (devices / cookies).'),
        c('event_count', 'int', 'Events.'),
        c('session_count', 'int', 'Sessions.'),
        c('converted', 'bool', 'True when the person has a conversion event.'),
        c('first_converted_at', 'timestamp', 'First conversion event.'),
        c('user_id_count', 'int', 'Distinct user ids merged into this person.'),
        c('email_count', 'int', 'Distinct emails merged into this person.'),
      ],
    },
    {
      name: 'identity_links',
      description: 'Every identifier and the person it resolves to, with the kind of link.',
      primaryKey: 'link_id',
      columns: [
        c(
          'link_id',
          'string',
          'Keyed hash (md5 with the deployment secret) of identifier_type:identifier: a key that does not show the identifier.',
        ),
        c('identifier_type', 'string', 'user_id, email, crm_id, anonymous_id or profile.'),
        c('identifier', 'string', 'The identifier value.', true),
        c('person_id', 'string', 'The person it resolves to.'),
        c('link_type', 'string', 'confirmed (deterministic) or inferred (name match).'),
        ...matchColumns('that the inferred profile is this person; null for confirmed links'),
        c('first_seen_at', 'timestamp', 'First event carrying the identifier.'),
        c('last_seen_at', 'timestamp', 'Last event carrying the identifier.'),
        c('event_count', 'int', 'Events carrying the identifier.'),
      ],
    },
    {
      name: 'sessions',
      description: "Sessions: runs of a person's events without an inactivity gap.",
      primaryKey: 'session_id',
      columns: [
        c('session_id', 'string', 'Stable session id (hash of person and start time).'),
        c('person_id', 'string', 'The person.'),
        c('session_number', 'int', "1 for the person's first session, 2 for the next..."),
        c('started_at', 'timestamp', 'First event of the session.'),
        c('ended_at', 'timestamp', 'Last event of the session.'),
        c('event_count', 'int', 'Events in the session.'),
        c('page_view_count', 'int', 'Page views in the session.'),
        c('landing_page', 'string', 'First page (title, else path) of the session.'),
        c('source', 'string', 'Source of the first event.'),
        ...touchColumns('session'),
        c('converted', 'bool', 'True when the session has a conversion event.'),
        c('identity_status', 'string', "Identity status of the session's person."),
      ],
    },
    {
      name: 'journey_paths',
      description: 'One row per person: the ordered journey steps, consecutive duplicates collapsed.',
      primaryKey: 'person_id',
      columns: [
        c('person_id', 'string', 'The person.'),
        c('identity_status', 'string', 'Identity status of the person.'),
        c('step_count', 'int', 'Number of steps (after collapsing consecutive duplicates).'),
        c('converted', 'bool', 'True when the journey contains a conversion.'),
        c('steps_to_conversion', 'int', 'Position of the first conversion step; null when not converted.'),
        c('first_step_at', 'timestamp', 'Time of the first step.'),
        ...conversionColumns('person'),
        ...touchColumns('person'),
        ...stepColumns(steps),
        ...beforeColumns(steps),
      ],
    },
    {
      name: 'session_paths',
      description: 'One row per session: the ordered steps of the session.',
      primaryKey: 'session_id',
      columns: [
        c('session_id', 'string', 'The session.'),
        c('person_id', 'string', 'The person.'),
        c('identity_status', 'string', 'Identity status of the person.'),
        c('step_count', 'int', 'Number of steps (after collapsing consecutive duplicates).'),
        c('converted', 'bool', 'True when the session contains a conversion.'),
        c('steps_to_conversion', 'int', 'Position of the first conversion step; null when not converted.'),
        c('first_step_at', 'timestamp', 'Time of the first step.'),
        ...conversionColumns('session'),
        ...touchColumns('session'),
        ...stepColumns(steps),
        ...beforeColumns(steps),
      ],
    },
  ];
}

export function tableDef(name: OutputTable, steps?: number): TableDef {
  const t = outputTables(steps).find((x) => x.name === name);
  if (!t) throw new Error(`unknown output table ${name}`);
  return t;
}
