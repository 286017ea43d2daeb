import fc from 'fast-check';
import { EVENT_FIELDS, EXPLORES, LOOKER_MODEL, PERSON_FIELDS, pathFields } from '../../src/contract/looker';
import { anyOf, contains, dateRange, escapeStringLiteral } from '../../src/extension/looker/filterExpressions';
import {
  PATHS_ROW_LIMIT,
  exploreUrl,
  journeyPathsQuery,
  journeySummaryQuery,
  personEventsQuery,
  personSearchQuery,
  sourcesQuery,
} from '../../src/extension/looker/queries';
import {
  DEFAULT_VIEW_STATE,
  customRangeProblem,
  parseViewState,
  serializeViewState,
  type JourneyViewState,
} from '../../src/extension/journeys/viewState';

const jp = pathFields('journey_paths');
const sp = pathFields('session_paths');
const state = (patch: Partial<JourneyViewState> = {}): JourneyViewState => ({ ...DEFAULT_VIEW_STATE, ...patch });

describe('filter expressions', () => {
  it('escapes the characters Looker reads as syntax', () => {
    expect(escapeStringLiteral('Pricing')).toBe('Pricing');
    expect(escapeStringLiteral('50% off, today')).toBe('50^% off^, today');
    expect(escapeStringLiteral('snake_case^"x"')).toBe('snake^_case^^^"x^"');
    expect(escapeStringLiteral('-excluded')).toBe('^-excluded');
    expect(escapeStringLiteral('NULL')).toBe('^NULL');
    expect(anyOf(['web', 'linked,in'])).toBe('web,linked^,in');
    expect(contains('ada_l')).toBe('%ada^_l%');
  });

  it("turns an inclusive UI date range into Looker's end-exclusive form", () => {
    expect(dateRange('2024-01-01', '2024-01-31')).toBe('2024/01/01 to 2024/02/01');
    expect(dateRange('2024-02-28', '2024-02-29')).toBe('2024/02/28 to 2024/03/01');
    expect(dateRange('2024-03-01', '')).toBe('after 2024/03/01');
    expect(dateRange('', '2024-12-31')).toBe('before 2025/01/01');
    expect(dateRange('', '')).toBeNull();
    expect(dateRange('yesterday', 'x')).toBeNull();
    // The right shape but no such day: no bound, rather than a RangeError from the date arithmetic.
    expect(dateRange('2024-01-01', '2024-13-45')).toBe('after 2024/01/01');
    expect(dateRange('2023-02-29', '')).toBeNull();
  });
});

describe('journey queries', () => {
  it('default: persons explore, steps 1..5 and count, default statuses, server-side limit', () => {
    expect(journeyPathsQuery(state())).toEqual({
      model: LOOKER_MODEL,
      view: EXPLORES.journeys,
      fields: [
        jp.step(1),
        jp.step(2),
        jp.step(3),
        jp.step(4),
        jp.step(5),
        ...[1, 2, 3, 4, 5].map(jp.stepInferred),
        jp.count,
        jp.conversions,
      ],
      filters: { [jp.filterIdentityStatus]: 'confirmed,inferred,anonymous', [jp.filterDate]: '90 days' },
      sorts: [`${jp.count} desc`],
      limit: String(PATHS_ROW_LIMIT),
    });
  });

  it('sessions use the session explore and view; every filter lands on its templated field', () => {
    const q = journeyPathsQuery(
      state({
        measure: 'sessions',
        steps: 3,
        statuses: ['confirmed', 'unmatched'],
        datePreset: 'custom',
        dateFrom: '2024-01-01',
        dateTo: '2024-01-31',
        sources: ['web', 'linkedin'],
        landingPage: 'Home, sweet home',
        converted: 'no',
      }),
    );
    expect(q.view).toBe(EXPLORES.sessionJourneys);
    expect(q.fields).toEqual([
      sp.step(1),
      sp.step(2),
      sp.step(3),
      sp.stepInferred(1),
      sp.stepInferred(2),
      sp.stepInferred(3),
      sp.count,
      sp.conversions,
    ]);
    expect(q.filters).toEqual({
      [sp.filterIdentityStatus]: 'confirmed,unmatched',
      [sp.filterDate]: '2024/01/01 to 2024/02/01',
      [sp.filterSource]: 'web,linkedin',
      [sp.filterLandingPage]: 'Home^, sweet home',
      [sp.converted]: 'No',
    });
  });

  it('a date preset is a relative Looker expression; "any" is sent as NOT NULL', () => {
    expect(journeyPathsQuery(state({ datePreset: '30 days' })).filters?.[jp.filterDate]).toBe('30 days');
    // Sent explicitly, so the explore's always_filter default (90 days) does not apply behind the user's back.
    expect(journeyPathsQuery(state({ datePreset: 'any' })).filters?.[jp.filterDate]).toBe('NOT NULL');
    expect(journeyPathsQuery(state({ converted: 'yes' })).filters?.[jp.converted]).toBe('Yes');
  });

  it('the summary asks for the totals with the same filters', () => {
    const s = state({ sources: ['web'] });
    const q = journeySummaryQuery(s);
    expect(q.fields).toEqual([jp.count, jp.identifiedCount, jp.inferredCount, jp.conversions]);
    expect(q.filters).toEqual(journeyPathsQuery(s).filters);
  });

  it('person queries filter on the contract fields with escaped values', () => {
    const search = personSearchQuery(PERSON_FIELDS.email, '50%', true);
    expect(search.view).toBe(EXPLORES.persons);
    expect(search.filters).toEqual({ [PERSON_FIELDS.email]: '%50^%%' });
    expect(search.fields).toEqual(expect.arrayContaining([PERSON_FIELDS.name, PERSON_FIELDS.email]));
    expect(personSearchQuery(PERSON_FIELDS.personId, 'x', false).fields).not.toContain(PERSON_FIELDS.name);
    const events = personEventsQuery('user_1,2');
    expect(events.view).toBe(EXPLORES.events);
    expect(events.filters).toEqual({ [EVENT_FIELDS.personId]: 'user^_1^,2' });
    expect(events.sorts).toEqual([EVENT_FIELDS.occurredTime, EVENT_FIELDS.eventId]);
  });

  it("the source options cover the Journeys' date range, never the events explore's 30-day default", () => {
    // An unfiltered events query gets conditionally_filter's 30 days: a source quiet lately would vanish.
    const dates = (patch: Partial<JourneyViewState>) => sourcesQuery(state(patch)).filters;
    expect(dates({})).toEqual({ [EVENT_FIELDS.occurredDate]: '90 days' });
    expect(dates({ datePreset: 'any' })).toEqual({ [EVENT_FIELDS.occurredDate]: 'NOT NULL' });
    expect(dates({ datePreset: 'custom', dateFrom: '2024-01-01', dateTo: '2024-01-31' })).toEqual({
      [EVENT_FIELDS.occurredDate]: '2024/01/01 to 2024/02/01',
    });
    for (const s of [state(), state({ datePreset: 'any' }), state({ datePreset: '7 days', measure: 'sessions' })]) {
      expect(Object.values(sourcesQuery(s).filters!)).toEqual([
        journeyPathsQuery(s).filters![pathFields(s.measure === 'persons' ? 'journey_paths' : 'session_paths').filterDate],
      ]);
    }
  });

  it('builds the Looker explore URL of a query', () => {
    const url = exploreUrl(journeyPathsQuery(state({ steps: 2, landingPage: 'A&B' })));
    expect(url).toBe(
      `/explore/journey_stitch/journeys?fields=${jp.step(1)},${jp.step(2)},${jp.stepInferred(1)},${jp.stepInferred(2)},${jp.count},${jp.conversions}` +
        `&f[${jp.filterIdentityStatus}]=confirmed%2Cinferred%2Canonymous&f[${jp.filterDate}]=90%20days&f[${jp.filterLandingPage}]=A%26B` +
        `&sorts=${encodeURIComponent(`${jp.count} desc`)}&limit=5000`,
    );
  });
});

describe('view state in the URL', () => {
  it('the default state is the empty query string', () => {
    expect(serializeViewState(DEFAULT_VIEW_STATE)).toBe('');
    expect(parseViewState('')).toEqual(DEFAULT_VIEW_STATE);
  });

  it('falls back to defaults on malformed values and clamps numbers', () => {
    const s = parseViewState('?steps=99&top=x&measure=bogus&status=confirmed&status=nope&date=yesterday&from=1/2/2024');
    expect(s.steps).toBe(10);
    expect(s.topK).toBe(DEFAULT_VIEW_STATE.topK);
    expect(s.measure).toBe('persons');
    expect(s.statuses).toEqual(['confirmed']);
    expect(s.datePreset).toBe('90 days');
    expect(s.dateFrom).toBe('');
    const impossible = parseViewState('?date=custom&from=2024-02-30&to=2024-13-01');
    expect([impossible.dateFrom, impossible.dateTo]).toEqual(['', '']);
    expect(parseViewState('?date=custom&from=2024-02-29&to=2024-12-31')).toMatchObject({ dateFrom: '2024-02-29', dateTo: '2024-12-31' });
  });

  it('a custom date range is queryable only with both dates, in order', () => {
    const range = (dateFrom: string, dateTo: string) => customRangeProblem(state({ datePreset: 'custom', dateFrom, dateTo }));
    expect(range('', '')).toMatch(/both a start and an end date/);
    expect(range('2024-01-01', '')).toMatch(/both a start and an end date/);
    expect(range('', '2024-01-31')).toMatch(/both a start and an end date/);
    expect(range('2024-02-01', '2024-01-31')).toMatch(/start date is after the end date/);
    expect(range('2024-01-31', '2024-01-31')).toBeNull();
    expect(customRangeProblem(state({ datePreset: '30 days' }))).toBeNull();
  });

  it('round-trips every state, including an explicit empty status list', () => {
    const arb = fc.record({
      measure: fc.constantFrom('persons' as const, 'sessions' as const),
      anchor: fc.constantFrom('start' as const, 'conversion' as const),
      steps: fc.integer({ min: 2, max: 10 }),
      topK: fc.integer({ min: 2, max: 20 }),
      statuses: fc.subarray(['confirmed', 'inferred', 'anonymous', 'unmatched'] as const).map((x) => [...x]),
      datePreset: fc.constantFrom('any' as const, '7 days' as const, 'custom' as const),
      dateFrom: fc.constantFrom('', '2024-01-05'),
      dateTo: fc.constantFrom('', '2024-02-05'),
      sources: fc.array(fc.string({ minLength: 1 }), { maxLength: 3 }),
      landingPage: fc.string(),
      channels: fc.subarray(['Direct', 'Paid Search', 'Organic Social']).map((x) => [...x]),
      utmSources: fc.array(fc.string({ minLength: 1 }), { maxLength: 2 }),
      utmMediums: fc.array(fc.string({ minLength: 1 }), { maxLength: 2 }),
      utmCampaigns: fc.array(fc.string({ minLength: 1 }), { maxLength: 2 }),
      referrerDomains: fc.array(fc.string({ minLength: 1 }), { maxLength: 2 }),
      landingPath: fc.string(),
      breakdown: fc.constantFrom('channel' as const, 'utm_campaign' as const, 'landing_page_path' as const),
      converted: fc.constantFrom('any' as const, 'yes' as const, 'no' as const),
      inferredEvents: fc.constantFrom('include' as const, 'exclude' as const),
      minProbability: fc.constantFrom(0, 0.8, 0.9, 0.95, 0.99),
      focus: fc.option(fc.string({ minLength: 1 }), { nil: null }),
      compare: fc.constantFrom('none' as const, 'inferred' as const, 'converted' as const),
    });
    fc.assert(
      fc.property(arb, (s) => {
        const dated = s.datePreset === 'custom' ? s : { ...s, dateFrom: '', dateTo: '' };
        // Paths before the conversion have nothing to compare converted journeys with.
        const expected = dated.anchor === 'conversion' && dated.compare === 'converted' ? { ...dated, compare: 'none' as const } : dated;
        const back = parseViewState(serializeViewState(expected));
        expect({ ...back, statuses: [...back.statuses].sort() }).toEqual({ ...expected, statuses: [...expected.statuses].sort() });
      }),
    );
  });
});
