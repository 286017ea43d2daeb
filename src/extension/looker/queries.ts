/**
 * Every query the extension sends, as pure builders over the shared contract names (src/contract/looker.ts), so
 * the fields cannot drift from the generated LookML and the tests can assert exactly what goes over the wire.
 */
import {
  EVENT_FIELDS,
  EXPLORES,
  IDENTITY_LINK_FIELDS,
  LOOKER_MODEL,
  PERSON_FIELDS,
  SESSION_FIELDS,
  SESSION_PATH_SESSION_ID,
  pathFields,
} from '../../contract/looker';
import { nameVariants } from '../person/sessions';
import type { Breakdown, JourneyViewState } from '../journeys/viewState';
import { anyOf, contains, dateRange, escapeStringLiteral, yesNo } from './filterExpressions';

/** The body of run_inline_query (a subset of the SDK's IWriteQuery). */
export interface InlineQuery {
  model: string;
  view: string;
  fields: string[];
  filters?: Record<string, string>;
  sorts?: string[];
  limit?: string;
}

/** Server-side row limits: the UI says when one is reached instead of drawing a silently partial picture. */
export const PATHS_ROW_LIMIT = 5000;
export const EVENTS_ROW_LIMIT = 2000;
export const SEARCH_ROW_LIMIT = 20;

function pathsSource(measure: JourneyViewState['measure']) {
  return measure === 'persons'
    ? { explore: EXPLORES.journeys, fields: pathFields('journey_paths') }
    : { explore: EXPLORES.sessionJourneys, fields: pathFields('session_paths') };
}

/** Looker's date filter expression for "is any time" that still counts as setting the filter. */
export const ANY_TIME = 'NOT NULL';

/**
 * The Journeys view's date range as a date filter expression; "any time" is Looker's "is not null", which every
 * event's timestamp passes. The view runs no query while a custom range is incomplete (customRangeProblem), so the
 * fallback here is never sent as an unasked-for "all time".
 */
export function journeyDateFilter(s: JourneyViewState): string {
  if (s.datePreset === 'custom') return dateRange(s.dateFrom, s.dateTo) ?? ANY_TIME;
  return s.datePreset === 'any' ? ANY_TIME : s.datePreset;
}

/** The filters of the Journeys view, applied by the LookML's templated filters before the paths are built. */
export function journeyFilters(s: JourneyViewState): Record<string, string> {
  const f = pathsSource(s.measure).fields;
  const filters: Record<string, string> = {};
  if (s.statuses.length > 0) filters[f.filterIdentityStatus] = anyOf(s.statuses);
  // Always sent: the explores' always_filter would otherwise apply its own default range.
  filters[f.filterDate] = journeyDateFilter(s);
  if (s.sources.length > 0) filters[f.filterSource] = anyOf(s.sources);
  if (s.landingPage) filters[f.filterLandingPage] = escapeStringLiteral(s.landingPage);
  // The first touch: plain dimensions of the path row (the person's first event, or the session's).
  if (s.channels.length > 0) filters[f.channel] = anyOf(s.channels);
  if (s.utmSources.length > 0) filters[f.utmSource] = anyOf(s.utmSources);
  if (s.utmMediums.length > 0) filters[f.utmMedium] = anyOf(s.utmMediums);
  if (s.utmCampaigns.length > 0) filters[f.utmCampaign] = anyOf(s.utmCampaigns);
  if (s.referrerDomains.length > 0) filters[f.referrerDomain] = anyOf(s.referrerDomains);
  // Contains, whatever the case (the dimension is case_sensitive: no): "pricing" finds /Pricing and /pricing/plans.
  if (s.landingPath) filters[f.landingPagePath] = contains(s.landingPath);
  if (s.inferredEvents === 'exclude') filters[f.filterEventStatus] = '-inferred';
  if (s.minProbability > 0) filters[f.filterMatchProbability] = `>=${s.minProbability}`;
  // Paths anchored at the conversion exist only for converted journeys.
  if (s.anchor === 'conversion') filters[f.converted] = yesNo(true);
  else if (s.converted !== 'any') filters[f.converted] = yesNo(s.converted === 'yes');
  return filters;
}

/**
 * The field drawn in each column (1-based): step_1 … step_N from the first step; before the conversion, the N steps
 * before it from the furthest (before_N) to the nearest (before_1), then the conversion step itself.
 */
export function pathColumnFields(s: Pick<JourneyViewState, 'measure' | 'anchor' | 'steps'>): string[] {
  const f = pathsSource(s.measure).fields;
  return s.anchor === 'conversion'
    ? [...Array.from({ length: s.steps }, (_, i) => f.before(s.steps - i)), f.conversionStep]
    : Array.from({ length: s.steps }, (_, i) => f.step(i + 1));
}

/** A column's title: "Step 3", or "3 steps before" and "Conversion". */
export function pathColumnName(s: Pick<JourneyViewState, 'anchor' | 'steps'>, column: number): string {
  if (s.anchor === 'start') return `Step ${column}`;
  const before = s.steps + 1 - column;
  return before === 0 ? 'Conversion' : `${before} ${before === 1 ? 'step' : 'steps'} before`;
}

/**
 * Per drawn column, the yes/no field saying a name-matched (inferred) event made its step; null for the conversion
 * column (the conversion is the event itself).
 */
export function inferredColumnFields(s: Pick<JourneyViewState, 'measure' | 'anchor' | 'steps'>): (string | null)[] {
  const f = pathsSource(s.measure).fields;
  return s.anchor === 'conversion'
    ? [...Array.from({ length: s.steps }, (_, i) => f.beforeInferred(s.steps - i)), null]
    : Array.from({ length: s.steps }, (_, i) => f.stepInferred(i + 1));
}

/**
 * The median measure of the time from column c's step to column c+1's (1-based), or null past the last column:
 * step_c → step_c+1; before_k → before_k-1, and before_1 → the conversion.
 */
export function gapMedianField(s: Pick<JourneyViewState, 'measure' | 'anchor' | 'steps'>, column: number): string | null {
  const f = pathsSource(s.measure).fields;
  if (column < 1 || column >= pathColumnFields(s).length) return null;
  return s.anchor === 'conversion' ? f.medianBeforeToNext(s.steps + 1 - column) : f.medianStepToNext(column);
}

/** One row per distinct path prefix of N steps (and which steps were inferred) with its weight: the Sankey's input. */
export function journeyPathsQuery(s: JourneyViewState): InlineQuery {
  const { explore, fields } = pathsSource(s.measure);
  return {
    model: LOOKER_MODEL,
    view: explore,
    // From the first step, each path's conversions too: every node's conversion rate (before the conversion, all convert).
    fields: [
      ...pathColumnFields(s),
      ...inferredColumnFields(s).filter((f): f is string => f !== null),
      fields.count,
      ...(s.anchor === 'start' ? [fields.conversions] : []),
    ],
    filters: journeyFilters(s),
    sorts: [`${fields.count} desc`],
    limit: String(PATHS_ROW_LIMIT),
  };
}

/** One totals row for the summary numbers (exact even when the paths query hits its limit). */
export function journeySummaryQuery(s: JourneyViewState): InlineQuery {
  const { explore, fields } = pathsSource(s.measure);
  return {
    model: LOOKER_MODEL,
    view: explore,
    fields: [fields.count, fields.identifiedCount, fields.inferredCount, fields.conversions],
    filters: journeyFilters(s),
    limit: '1',
  };
}

export function summaryFields(measure: JourneyViewState['measure']) {
  return pathsSource(measure).fields;
}

/**
 * The totals of a subset of the journeys (a node or link of the chart: `extra` filters on its columns), with the
 * median times into and out of the column(s) it sits in (`gaps`: median fields).
 */
export function subsetSummaryQuery(s: JourneyViewState, extra: Record<string, string>, gaps: readonly string[]): InlineQuery {
  const base = journeySummaryQuery(s);
  return { ...base, fields: [...base.fields, ...gaps], filters: { ...base.filters, ...extra } };
}

/**
 * The time from each column's step to the next (column c → c+1) per pair of labels: the medians in the link
 * tooltips. One query per pair of columns (a median cannot be added up across groupings).
 */
export function gapQuery(s: JourneyViewState, column: number): InlineQuery | null {
  const median = gapMedianField(s, column);
  if (!median) return null;
  const columns = pathColumnFields(s);
  return {
    model: LOOKER_MODEL,
    view: pathsSource(s.measure).explore,
    fields: [columns[column - 1], columns[column], median],
    filters: journeyFilters(s),
    limit: String(PATHS_ROW_LIMIT),
  };
}

/** Rows of a node's or link's persons list (the UI says when it shows the first ones only). */
export const SUBSET_PERSONS_LIMIT = 50;

/**
 * Who is behind a node or link: one row per person (per session with the sessions count), with their status, the
 * journey's steps, whether it converted and the person's events; name and email only when asked for (the grant).
 */
export function subsetPersonsQuery(
  s: JourneyViewState,
  extra: Record<string, string>,
  withPii: boolean,
  limit = SUBSET_PERSONS_LIMIT,
): InlineQuery {
  const { explore, fields } = pathsSource(s.measure);
  return {
    model: LOOKER_MODEL,
    view: explore,
    fields: [
      ...(s.measure === 'sessions' ? [SESSION_PATH_SESSION_ID] : []),
      fields.personId,
      fields.identityStatus,
      fields.stepCount,
      fields.converted,
      PERSON_FIELDS.eventCount,
      ...(withPii ? PII_PERSON_FIELDS : []),
    ],
    filters: { ...journeyFilters(s), ...extra },
    sorts: [`${fields.converted} desc`, `${PERSON_FIELDS.eventCount} desc`, fields.personId],
    limit: String(limit),
  };
}

/**
 * Distinct event sources for the source filter's options, over the Journeys' date range. The date filter is always
 * sent: without it the events explore's conditionally_filter (30 days) would hide a source with no recent events.
 */
export function sourcesQuery(s: JourneyViewState): InlineQuery {
  return {
    model: LOOKER_MODEL,
    view: EXPLORES.events,
    fields: [EVENT_FIELDS.source],
    filters: { [EVENT_FIELDS.occurredDate]: journeyDateFilter(s) },
    sorts: [EVENT_FIELDS.source],
    limit: '100',
  };
}

/** The first-touch field of a path view the breakdown groups by. */
export function breakdownField(s: Pick<JourneyViewState, 'measure' | 'breakdown'>): string {
  const f = pathsSource(s.measure).fields;
  const byName: Record<Breakdown, string> = {
    channel: f.channel,
    utm_source: f.utmSource,
    utm_medium: f.utmMedium,
    utm_campaign: f.utmCampaign,
    referrer_domain: f.referrerDomain,
    landing_page_path: f.landingPagePath,
  };
  return byName[s.breakdown];
}

export const BREAKDOWN_ROW_LIMIT = 50;

/**
 * Persons (or sessions), conversions and conversion rate by first touch, under the Journeys' filters. Paths before
 * the conversion hold converted journeys only (a rate of 100% everywhere), so the breakdown keeps every journey there.
 */
export function breakdownQuery(s: JourneyViewState): InlineQuery {
  const { explore, fields } = pathsSource(s.measure);
  return {
    model: LOOKER_MODEL,
    view: explore,
    fields: [breakdownField(s), fields.count, fields.conversions, fields.conversionRate],
    filters: journeyFilters({ ...s, anchor: 'start' }),
    sorts: [`${fields.count} desc`],
    limit: String(BREAKDOWN_ROW_LIMIT),
  };
}

/** The UTM and referrer values of the events in the Journeys' date range: the touch filters' options. */
export const TOUCH_OPTION_FIELDS = [
  EVENT_FIELDS.utmSource,
  EVENT_FIELDS.utmMedium,
  EVENT_FIELDS.utmCampaign,
  EVENT_FIELDS.referrerDomain,
] as const;
export const TOUCH_OPTIONS_LIMIT = 1000;
export function touchOptionsQuery(s: JourneyViewState): InlineQuery {
  return {
    model: LOOKER_MODEL,
    view: EXPLORES.events,
    fields: [...TOUCH_OPTION_FIELDS],
    filters: { [EVENT_FIELDS.occurredDate]: journeyDateFilter(s) },
    sorts: [EVENT_FIELDS.utmSource],
    limit: String(TOUCH_OPTIONS_LIMIT),
  };
}

/** The sessions' landing page paths in the date range, the most frequent first: the landing filter's suggestions. */
export const LANDING_SUGGESTIONS_LIMIT = 100;
export function landingPathsQuery(s: JourneyViewState): InlineQuery {
  return {
    model: LOOKER_MODEL,
    view: EXPLORES.persons,
    fields: [SESSION_FIELDS.landingPagePath, SESSION_FIELDS.count],
    filters: { [SESSION_FIELDS.startedDate]: journeyDateFilter(s), [SESSION_FIELDS.landingPagePath]: '-NULL' },
    sorts: [`${SESSION_FIELDS.count} desc`],
    limit: String(LANDING_SUGGESTIONS_LIMIT),
  };
}

/** The day of the latest event (every person's last one; the persons table is small): where the data stops. */
export function latestEventQuery(): InlineQuery {
  return {
    model: LOOKER_MODEL,
    view: EXPLORES.persons,
    fields: [PERSON_FIELDS.lastSeenDate],
    sorts: [`${PERSON_FIELDS.lastSeenDate} desc`],
    limit: '1',
  };
}

/** Personal fields: hidden from users without the PII grant, so every person query must work without them. */
export const PII_PERSON_FIELDS = [PERSON_FIELDS.name, PERSON_FIELDS.email] as const;

const PERSON_RESULT_FIELDS = [PERSON_FIELDS.personId, PERSON_FIELDS.identityStatus, PERSON_FIELDS.eventCount, PERSON_FIELDS.lastSeen];

/**
 * Typeahead: persons whose `matchField` contains the term. Looker ANDs filters on different fields, so "name or
 * email" is two queries (run together) rather than a custom filter expression.
 */
export function personSearchQuery(matchField: string, term: string, withPii: boolean): InlineQuery {
  // A name is also looked up the other way round: "Bennett, Wei" finds Wei Bennett (Looker ORs a list's values).
  const filter = matchField === PERSON_FIELDS.name ? nameVariants(term).map(contains).join(',') : contains(term);
  return {
    model: LOOKER_MODEL,
    view: EXPLORES.persons,
    fields: [...PERSON_RESULT_FIELDS, ...(withPii ? PII_PERSON_FIELDS : [])],
    filters: { [matchField]: filter },
    sorts: [`${PERSON_FIELDS.lastSeen} desc`],
    limit: String(SEARCH_ROW_LIMIT),
  };
}

/**
 * Persons holding a device (anonymous) id that contains the term: the ids the timeline shows with the personal-data
 * grant. The identifier is personal data: without the grant Looker drops its filter, and the rows are discarded.
 */
export function personByDeviceQuery(term: string, withPii: boolean): InlineQuery {
  return {
    model: LOOKER_MODEL,
    view: EXPLORES.persons,
    fields: [...PERSON_RESULT_FIELDS, ...(withPii ? PII_PERSON_FIELDS : [])],
    filters: {
      [IDENTITY_LINK_FIELDS.identifierType]: escapeStringLiteral('anonymous_id'),
      [IDENTITY_LINK_FIELDS.identifier]: contains(term),
    },
    sorts: [`${PERSON_FIELDS.lastSeen} desc`],
    limit: String(SEARCH_ROW_LIMIT),
  };
}

/** The person's header row. */
export function personQuery(personId: string, withPii: boolean): InlineQuery {
  return {
    model: LOOKER_MODEL,
    view: EXPLORES.persons,
    fields: [
      ...PERSON_RESULT_FIELDS,
      PERSON_FIELDS.firstSeen,
      PERSON_FIELDS.converted,
      PERSON_FIELDS.firstConverted,
      ...(withPii ? PII_PERSON_FIELDS : []),
    ],
    filters: { [PERSON_FIELDS.personId]: escapeStringLiteral(personId) },
    limit: '1',
  };
}

/** Every event of one person, oldest first: the timeline. */
export function personEventsQuery(personId: string): InlineQuery {
  return {
    model: LOOKER_MODEL,
    view: EXPLORES.events,
    fields: [
      EVENT_FIELDS.eventId,
      EVENT_FIELDS.occurredTime,
      EVENT_FIELDS.source,
      EVENT_FIELDS.eventType,
      EVENT_FIELDS.eventName,
      EVENT_FIELDS.pageTitle,
      EVENT_FIELDS.pagePath,
      EVENT_FIELDS.offsiteAction,
      // The raw id needs the PII grant (Looker drops it otherwise); the hash numbers the devices for everyone.
      EVENT_FIELDS.anonymousId,
      EVENT_FIELDS.anonymousIdHash,
      EVENT_FIELDS.identityStatus,
      EVENT_FIELDS.isInferred,
      EVENT_FIELDS.linkReason,
      EVENT_FIELDS.matchProbability,
      EVENT_FIELDS.matchEvidence,
      // The Person view groups the timeline by session: its start, landing page, channel and conversion.
      EVENT_FIELDS.sessionId,
      EVENT_FIELDS.channel,
      EVENT_FIELDS.isConversion,
    ],
    filters: { [EVENT_FIELDS.personId]: escapeStringLiteral(personId) },
    sorts: [EVENT_FIELDS.occurredTime, EVENT_FIELDS.eventId],
    limit: String(EVENTS_ROW_LIMIT),
  };
}

/** The Looker explore URL of a query, to continue the analysis in Looker. */
export function exploreUrl(q: InlineQuery): string {
  const params = [`fields=${q.fields.map(encodeURIComponent).join(',')}`];
  for (const [field, expr] of Object.entries(q.filters ?? {})) {
    params.push(`f[${encodeURIComponent(field)}]=${encodeURIComponent(expr)}`);
  }
  if (q.sorts?.length) params.push(`sorts=${q.sorts.map(encodeURIComponent).join(',')}`);
  if (q.limit) params.push(`limit=${encodeURIComponent(q.limit)}`);
  return `/explore/${encodeURIComponent(q.model)}/${encodeURIComponent(q.view)}?${params.join('&')}`;
}
