/**
 * The names the Looker extension queries and the LookML generator must emit.
 * One definition shared by both sides, so an explore or a field cannot drift between them;
 * the LookML validator checks that every field named here exists in the generated project.
 */

export const LOOKER_MODEL = 'journey_stitch';
export const PROJECT_NAME = 'journey_stitch';
export const EXTENSION_ID_SUFFIX = 'journey_stitch';
/** Looker extension id is "<project>::<application>". */
export const EXTENSION_ID = `${PROJECT_NAME}::${EXTENSION_ID_SUFFIX}`;

export const EXPLORES = {
  journeys: 'journeys',
  sessionJourneys: 'session_journeys',
  events: 'events',
  persons: 'persons',
  identityLinks: 'identity_links',
} as const;

/** Fields of a journey-path view (journey_paths for persons, session_paths for sessions). */
export function pathFields(view: 'journey_paths' | 'session_paths') {
  return {
    step: (i: number) => `${view}.step_${i}`,
    /** The step i steps before the first conversion (before_1: right before it). */
    before: (i: number) => `${view}.before_${i}`,
    conversionStep: `${view}.conversion_step`,
    /** Persons (journey_paths) or sessions (session_paths) having the path. */
    count: `${view}.count`,
    conversions: `${view}.conversions`,
    identifiedCount: `${view}.identified_count`,
    inferredCount: `${view}.inferred_count`,
    converted: `${view}.converted`,
    identityStatus: `${view}.identity_status`,
    stepCount: `${view}.step_count`,
    /** Templated filters ({% condition %}) applied to the events before the paths are built. */
    filterIdentityStatus: `${view}.identity_status_filter`,
    /** Per event, not per person: '-inferred' leaves name-matched events out of the paths, keeping their persons. */
    filterEventStatus: `${view}.event_status_filter`,
    /** Per event: name-matched events below the probability leave the paths (others always stay). */
    filterMatchProbability: `${view}.match_probability_filter`,
    filterDate: `${view}.date_filter`,
    filterSource: `${view}.source_filter`,
    filterLandingPage: `${view}.landing_page_filter`,
    conversionRate: `${view}.conversion_rate`,
    /** The first touch (journey_paths: the person's first event; session_paths: the session's), plain dimensions. */
    channel: `${view}.channel`,
    referrerDomain: `${view}.referrer_domain`,
    utmSource: `${view}.utm_source`,
    utmMedium: `${view}.utm_medium`,
    utmCampaign: `${view}.utm_campaign`,
    /** Case-insensitive (case_sensitive: no): the Journeys' contains-filter. */
    landingPagePath: `${view}.landing_page_path`,
  };
}

export const PERSON_FIELDS = {
  personId: 'persons.person_id',
  name: 'persons.name',
  email: 'persons.email',
  identityStatus: 'persons.identity_status',
  isInferred: 'persons.is_inferred_identity',
  firstSeen: 'persons.first_seen_time',
  lastSeen: 'persons.last_seen_time',
  lastSeenDate: 'persons.last_seen_date',
  eventCount: 'persons.event_count',
  converted: 'persons.converted',
  firstConverted: 'persons.first_converted_time',
  count: 'persons.count',
} as const;

export const EVENT_FIELDS = {
  eventId: 'stitched_events.event_id',
  occurredTime: 'stitched_events.occurred_time',
  occurredDate: 'stitched_events.occurred_date',
  eventType: 'stitched_events.event_type',
  eventName: 'stitched_events.event_name',
  source: 'stitched_events.source',
  pageTitle: 'stitched_events.page_title',
  pagePath: 'stitched_events.page_path',
  /** Personal data (the can_see_pii grant); the hash tells devices apart for everyone. */
  anonymousId: 'stitched_events.anonymous_id',
  anonymousIdHash: 'stitched_events.anonymous_id_hash',
  personId: 'stitched_events.person_id',
  identityStatus: 'stitched_events.identity_status',
  isInferred: 'stitched_events.is_inferred_identity',
  linkReason: 'stitched_events.link_reason',
  /** A name match's probability and the evidence behind it (null on other events). */
  matchProbability: 'stitched_events.match_probability',
  matchEvidence: 'stitched_events.match_evidence',
  offsiteAction: 'stitched_events.offsite_action',
  stepLabel: 'stitched_events.step_label',
  channel: 'stitched_events.channel',
  referrerDomain: 'stitched_events.referrer_domain',
  utmSource: 'stitched_events.utm_source',
  utmMedium: 'stitched_events.utm_medium',
  utmCampaign: 'stitched_events.utm_campaign',
  sessionId: 'stitched_events.session_id',
  isConversion: 'stitched_events.is_conversion',
} as const;

/** identity_links in the persons explore: a device (anonymous) id finds its person. The identifier is personal data. */
export const IDENTITY_LINK_FIELDS = {
  identifier: 'identity_links.identifier',
  identifierType: 'identity_links.identifier_type',
} as const;

export const SESSION_FIELDS = {
  sessionId: 'sessions.session_id',
  sessionNumber: 'sessions.session_number',
  startedTime: 'sessions.started_time',
  startedDate: 'sessions.started_date',
  endedTime: 'sessions.ended_time',
  eventCount: 'sessions.event_count',
  landingPage: 'sessions.landing_page',
  landingPagePath: 'sessions.landing_page_path',
  channel: 'sessions.channel',
  converted: 'sessions.converted',
  count: 'sessions.count',
} as const;

/** Looker user attribute and access grant that guard personal data. */
export const PII_USER_ATTRIBUTE = 'can_see_pii';
export const PII_ACCESS_GRANT = 'can_see_pii';

/**
 * Core API methods the extension calls. manifest.lkml's entitlements list exactly these; the preview host
 * refuses anything else, as Looker does.
 */
export const EXTENSION_CORE_API_METHODS = ['run_inline_query'] as const;
