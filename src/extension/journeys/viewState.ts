/**
 * The Journeys view state and its URL form. Everything the chart shows is derived from this one value, and it
 * lives in the route's query string so a link reproduces the view and a reload keeps it.
 */
import { IDENTITY_STATUSES, type IdentityStatus } from '../../contract/tables';
import { isIsoDate } from '../looker/filterExpressions';

export type Measure = 'persons' | 'sessions';
/** 'start': paths read from each journey's first step; 'conversion': the steps before the first conversion, aligned on it. */
export type Anchor = 'start' | 'conversion';
export type ConvertedFilter = 'any' | 'yes' | 'no';
/** What the breakdown table can group by: the first-touch fields of the path views. */
export const BREAKDOWNS = ['channel', 'utm_source', 'utm_medium', 'utm_campaign', 'referrer_domain', 'landing_page_path'] as const;
export type Breakdown = (typeof BREAKDOWNS)[number];
export const DATE_PRESETS = ['any', '7 days', '30 days', '90 days', '12 months', 'custom'] as const;
export type DatePreset = (typeof DATE_PRESETS)[number];

export interface JourneyViewState {
  measure: Measure;
  anchor: Anchor;
  /** Columns drawn (step_1 … step_N), or steps before the conversion (before_N … before_1, then the conversion). */
  steps: number;
  /** Labels kept per column before folding into "Other". */
  topK: number;
  statuses: IdentityStatus[];
  datePreset: DatePreset;
  /** YYYY-MM-DD, inclusive, only with datePreset 'custom'. */
  dateFrom: string;
  dateTo: string;
  sources: string[];
  /** Exact first step ('' = any): set from a focused step-1 node. */
  landingPage: string;
  /** The first touch (#24: channels): any of these values of the person's (or session's) first event ([] = any). */
  channels: string[];
  utmSources: string[];
  utmMediums: string[];
  utmCampaigns: string[];
  referrerDomains: string[];
  /** The landing page's URL path contains this, whatever the case ('' = any). */
  landingPath: string;
  /** The first-touch field the breakdown table groups by. */
  breakdown: Breakdown;
  converted: ConvertedFilter;
  /** Name-matched (inferred) events in the paths, or left out (their persons keep their other events). */
  inferredEvents: 'include' | 'exclude';
  /** Name-matched events below this match probability leave the paths (0: all stay). */
  minProbability: number;
  /** Sankey node id the chart is focused on. */
  focus: string | null;
}

/** The minimum match probabilities offered: the calibration bands of `journey-stitch evaluate` (0: any). */
export const MIN_PROBABILITIES = [0, 0.8, 0.9, 0.95, 0.99] as const;

export const MIN_STEPS = 2;
/** The generated LookML has step_1 … step_10 by default (contract DEFAULT_STEPS); a larger N would name missing fields. */
export const MAX_STEPS = 10;
export const MIN_TOP_K = 2;
export const MAX_TOP_K = 20;

/**
 * Default statuses: everyone with first-party web activity. Unmatched persons are offsite-only profiles (a LinkedIn
 * like with no matching visitor); their one-step journeys would crowd the first column without telling anything
 * about the site, so they are opt-in. Inferred stays in: it is what stitching adds, and it is flagged in the UI.
 */
export const DEFAULT_STATUSES: IdentityStatus[] = ['confirmed', 'inferred', 'anonymous'];

export const DEFAULT_VIEW_STATE: JourneyViewState = {
  measure: 'persons',
  anchor: 'start',
  steps: 5,
  topK: 6,
  statuses: DEFAULT_STATUSES,
  // The journeys explore's always_filter default: Sankeys over all history scan every event on BigQuery.
  datePreset: '90 days',
  dateFrom: '',
  dateTo: '',
  sources: [],
  landingPage: '',
  channels: [],
  utmSources: [],
  utmMediums: [],
  utmCampaigns: [],
  referrerDomains: [],
  landingPath: '',
  breakdown: 'channel',
  converted: 'any',
  inferredEvents: 'include',
  minProbability: 0,
  focus: null,
};

const clampInt = (raw: string | null, min: number, max: number, fallback: number) => {
  const n = raw === null ? NaN : Number.parseInt(raw, 10);
  return Number.isFinite(n) ? Math.min(max, Math.max(min, n)) : fallback;
};
const oneOf = <T extends string>(raw: string | null, allowed: readonly T[], fallback: T): T =>
  raw !== null && (allowed as readonly string[]).includes(raw) ? (raw as T) : fallback;
const isoDate = (raw: string | null) => (raw && isIsoDate(raw) ? raw : '');
/** Lists are repeated params (?source=web&source=linkedin) so values may contain commas. */
const list = (params: URLSearchParams, key: string) => params.getAll(key).filter((v) => v !== '');

/** Reads the state from a query string; unknown or malformed values fall back to defaults (URLs get hand-edited). */
export function parseViewState(search: string): JourneyViewState {
  const p = new URLSearchParams(search);
  const d = DEFAULT_VIEW_STATE;
  const statuses = p.has('status')
    ? list(p, 'status').filter((s): s is IdentityStatus => (IDENTITY_STATUSES as readonly string[]).includes(s))
    : d.statuses;
  return {
    measure: oneOf(p.get('measure'), ['persons', 'sessions'] as const, d.measure),
    anchor: oneOf(p.get('anchor'), ['start', 'conversion'] as const, d.anchor),
    steps: clampInt(p.get('steps'), MIN_STEPS, MAX_STEPS, d.steps),
    topK: clampInt(p.get('top'), MIN_TOP_K, MAX_TOP_K, d.topK),
    statuses,
    datePreset: oneOf(p.get('date'), DATE_PRESETS, d.datePreset),
    dateFrom: isoDate(p.get('from')),
    dateTo: isoDate(p.get('to')),
    sources: list(p, 'source'),
    landingPage: p.get('landing') ?? '',
    channels: list(p, 'channel'),
    utmSources: list(p, 'utm_source'),
    utmMediums: list(p, 'utm_medium'),
    utmCampaigns: list(p, 'utm_campaign'),
    referrerDomains: list(p, 'referrer'),
    landingPath: p.get('landing_path') ?? '',
    breakdown: oneOf(p.get('breakdown'), BREAKDOWNS, d.breakdown),
    converted: oneOf(p.get('converted'), ['any', 'yes', 'no'] as const, d.converted),
    inferredEvents: oneOf(p.get('inferred'), ['include', 'exclude'] as const, d.inferredEvents),
    minProbability: Number(oneOf(p.get('min_probability'), MIN_PROBABILITIES.map(String), String(d.minProbability))),
    focus: p.get('focus') || null,
  };
}

/**
 * Why the custom date range cannot be queried yet, or null when it can (always null for a preset). Both dates are
 * required: an empty range would fall back to all time, an unbounded scan nobody asked for, and the picker reports
 * its first date before the second, so a half range is usually a range still being chosen.
 */
export function customRangeProblem(s: Pick<JourneyViewState, 'datePreset' | 'dateFrom' | 'dateTo'>): string | null {
  if (s.datePreset !== 'custom') return null;
  if (!s.dateFrom || !s.dateTo) return 'Choose both a start and an end date.';
  // ISO dates compare as strings.
  if (s.dateFrom > s.dateTo) return 'The start date is after the end date.';
  return null;
}

/** The query string for a state; defaults are left out so shared links stay short. */
export function serializeViewState(s: JourneyViewState): string {
  const d = DEFAULT_VIEW_STATE;
  const p = new URLSearchParams();
  if (s.measure !== d.measure) p.set('measure', s.measure);
  if (s.anchor !== d.anchor) p.set('anchor', s.anchor);
  if (s.steps !== d.steps) p.set('steps', String(s.steps));
  if (s.topK !== d.topK) p.set('top', String(s.topK));
  const sameStatuses = s.statuses.length === d.statuses.length && d.statuses.every((x) => s.statuses.includes(x));
  if (!sameStatuses) {
    if (s.statuses.length === 0) p.set('status', '');
    s.statuses.forEach((x) => p.append('status', x));
  }
  if (s.datePreset !== d.datePreset) p.set('date', s.datePreset);
  if (s.datePreset === 'custom') {
    if (s.dateFrom) p.set('from', s.dateFrom);
    if (s.dateTo) p.set('to', s.dateTo);
  }
  s.sources.forEach((x) => p.append('source', x));
  if (s.landingPage) p.set('landing', s.landingPage);
  s.channels.forEach((x) => p.append('channel', x));
  s.utmSources.forEach((x) => p.append('utm_source', x));
  s.utmMediums.forEach((x) => p.append('utm_medium', x));
  s.utmCampaigns.forEach((x) => p.append('utm_campaign', x));
  s.referrerDomains.forEach((x) => p.append('referrer', x));
  if (s.landingPath) p.set('landing_path', s.landingPath);
  if (s.breakdown !== d.breakdown) p.set('breakdown', s.breakdown);
  if (s.converted !== d.converted) p.set('converted', s.converted);
  if (s.inferredEvents !== d.inferredEvents) p.set('inferred', s.inferredEvents);
  if (s.minProbability !== d.minProbability) p.set('min_probability', String(s.minProbability));
  if (s.focus) p.set('focus', s.focus);
  const q = p.toString();
  return q ? `?${q}` : '';
}

/** The days of the default range ('90 days'). */
export const DEFAULT_RANGE_DAYS = 90;

const addDays = (iso: string, days: number) => {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
};

/**
 * The default range over data that stopped before it (a historical export, the demo of another day): the same
 * number of days ending at the latest event, or null when the latest event falls inside the default range (or is
 * unknown). Dates are YYYY-MM-DD; `today` is the viewer's.
 */
export function rangeEndingAtLatest(latest: string | null, today: string): { dateFrom: string; dateTo: string } | null {
  if (!latest || !isIsoDate(latest) || latest > addDays(today, -DEFAULT_RANGE_DAYS)) return null;
  return { dateFrom: addDays(latest, -(DEFAULT_RANGE_DAYS - 1)), dateTo: latest };
}

/**
 * Selected filter values the data does not have (a typo such as "webb" for a source), given the values that exist
 * in the date range. Nothing is reported while the options are unknown or incomplete (a query at its row limit).
 */
export function unknownValues(selected: readonly string[], existing: readonly string[] | null): string[] {
  if (existing === null) return [];
  const known = new Set(existing);
  return selected.filter((v) => !known.has(v));
}
