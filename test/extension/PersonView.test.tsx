import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { EVENT_FIELDS, EXPLORES, IDENTITY_LINK_FIELDS, LOOKER_MODEL, PERSON_FIELDS } from '../../src/contract/looker';
import { App } from '../../src/extension/App';
import { EVENTS_ROW_LIMIT, type InlineQuery } from '../../src/extension/looker/queries';
import { fakeLooker, renderWithLooker, type FakeAnswer, type PlainRow } from './support/fakeLooker';

const ADA: PlainRow = {
  [PERSON_FIELDS.personId]: 'user_42',
  [PERSON_FIELDS.name]: 'Ada Lovelace',
  [PERSON_FIELDS.email]: 'ada@example.com',
  [PERSON_FIELDS.identityStatus]: 'inferred',
  [PERSON_FIELDS.eventCount]: 3,
  [PERSON_FIELDS.lastSeen]: '2024-03-02 10:00:00',
  [PERSON_FIELDS.firstSeen]: '2024-03-01 09:00:00',
  [PERSON_FIELDS.converted]: 'Yes',
};

const event = (id: string, time: string, source: string, type: string, extra: PlainRow): PlainRow => ({
  [EVENT_FIELDS.eventId]: id,
  [EVENT_FIELDS.occurredTime]: time,
  [EVENT_FIELDS.source]: source,
  [EVENT_FIELDS.eventType]: type,
  [EVENT_FIELDS.identityStatus]: 'confirmed',
  [EVENT_FIELDS.isInferred]: 'No',
  ...extra,
});
const EVENTS: PlainRow[] = [
  event('e1', '2024-03-01 09:00:00', 'linkedin', 'offsite', {
    [EVENT_FIELDS.offsiteAction]: 'liked',
    [EVENT_FIELDS.identityStatus]: 'inferred',
    [EVENT_FIELDS.isInferred]: 'Yes',
    [EVENT_FIELDS.linkReason]: 'name_match',
    [EVENT_FIELDS.matchProbability]: 0.934,
    [EVENT_FIELDS.matchEvidence]: 'rare name + company acme',
  }),
  event('e2', '2024-03-01 10:00:00', 'web', 'page', {
    [EVENT_FIELDS.pageTitle]: 'Pricing',
    [EVENT_FIELDS.anonymousId]: 'anon-phone',
    [EVENT_FIELDS.linkReason]: 'carried_anonymous_id',
  }),
  event('e3', '2024-03-02 10:00:00', 'web', 'track', {
    [EVENT_FIELDS.eventName]: 'Signed Up',
    [EVENT_FIELDS.anonymousId]: 'anon-laptop',
    [EVENT_FIELDS.linkReason]: 'user_id',
  }),
];

const filterOn = (q: InlineQuery, field: string) => q.filters?.[field];
const piiRefused = (q: InlineQuery): FakeAnswer | null =>
  q.fields.includes(PERSON_FIELDS.name) || filterOn(q, PERSON_FIELDS.name) || filterOn(q, PERSON_FIELDS.email)
    ? { sdkError: { message: `Unknown or inaccessible field "${PERSON_FIELDS.name}"` } }
    : null;

const BOB: PlainRow = { ...ADA, [PERSON_FIELDS.personId]: 'user_7', [PERSON_FIELDS.name]: 'Bob', [PERSON_FIELDS.email]: 'bob@example.com' };
const dropWarning = (field: string) => `${field} no longer exists on persons, or you do not have access to it, and it will be ignored`;

/**
 * piiMode: visible (PII grant), absent (fields left out of the metadata), refused (query errors naming the field),
 * dropped (as Looker does: the field and its filter are ignored with a warning, so a name search is unfiltered).
 */
function looker(options: { piiMode?: 'visible' | 'absent' | 'refused' | 'dropped'; events?: FakeAnswer } = {}) {
  const mode = options.piiMode ?? 'visible';
  return fakeLooker((q) => {
    if (q.view === EXPLORES.events) return options.events ?? { rows: EVENTS };
    if (mode === 'refused') {
      const refusal = piiRefused(q);
      if (refusal) return refusal;
    }
    if (mode === 'dropped') {
      // Device (anonymous) ids are personal data too: Looker drops the identifier's filter as well.
      const pii = [PERSON_FIELDS.name, PERSON_FIELDS.email, IDENTITY_LINK_FIELDS.identifier];
      const droppedFilter = pii.some((f) => filterOn(q, f));
      const warnings = pii.filter((f) => q.fields.includes(f) || filterOn(q, f)).map(dropWarning);
      const rows = droppedFilter
        ? [ADA, BOB]
        : filterOn(q, PERSON_FIELDS.personId) === '%user^_4%' || filterOn(q, PERSON_FIELDS.personId) === 'user^_42'
          ? [ADA]
          : [];
      return { rows, hiddenFields: pii, warnings };
    }
    const hiddenFields = mode === 'absent' ? [PERSON_FIELDS.name, PERSON_FIELDS.email] : [];
    const matches =
      filterOn(q, PERSON_FIELDS.name) === '%ada%' ||
      filterOn(q, PERSON_FIELDS.personId) === 'user^_42' ||
      filterOn(q, PERSON_FIELDS.personId) === '%user^_4%';
    return { rows: matches ? [ADA] : [], hiddenFields };
  });
}

const typeSearch = (text: string) => fireEvent.change(screen.getByTestId('person-search-input'), { target: { value: text } });

describe('Person view', () => {
  it('typeahead searches name, email and id (debounced), then shows the whole journey as a timeline', async () => {
    const fake = looker();
    const { location } = renderWithLooker(<App />, fake, '/person');
    typeSearch('a');
    typeSearch('ad');
    typeSearch('ada');
    const result = await screen.findByTestId('person-result');
    // Only the settled term was searched, once per field.
    const searches = fake.queries().filter((q) => q.view === EXPLORES.persons);
    expect(searches.map((q) => q.filters)).toEqual([
      { [PERSON_FIELDS.name]: '%ada%' },
      { [PERSON_FIELDS.email]: '%ada%' },
      { [IDENTITY_LINK_FIELDS.identifierType]: 'anonymous^_id', [IDENTITY_LINK_FIELDS.identifier]: '%ada%' },
      { [PERSON_FIELDS.personId]: '%ada%' },
    ]);
    expect(searches.every((q) => q.model === LOOKER_MODEL && q.limit === '20')).toBe(true);
    expect(result.dataset.personId).toBe('user_42');
    expect(result.textContent).toContain('Ada Lovelace');
    expect(result.textContent).toContain('ada@example.com');
    // The term (often an email or a name) stays out of the URL: a shared link must not hand it on.
    expect(new URLSearchParams(location().search).get('q')).toBeNull();

    fireEvent.click(within(result).getByText('Ada Lovelace'));
    const rows = await screen.findAllByTestId('timeline-row');
    expect(new URLSearchParams(location().search).get('id')).toBe('user_42');
    const eventsQuery = fake.queries().find((q) => q.view === EXPLORES.events)!;
    expect(eventsQuery.filters).toEqual({ [EVENT_FIELDS.personId]: 'user^_42' });
    expect(eventsQuery.fields).toEqual(expect.arrayContaining([EVENT_FIELDS.anonymousId, EVENT_FIELDS.linkReason, EVENT_FIELDS.source]));

    expect(rows.map((r) => r.dataset.eventId)).toEqual(['e1', 'e2', 'e3']);
    expect(rows.map((r) => r.dataset.source)).toEqual(['linkedin', 'web', 'web']);
    expect(rows[0].textContent).toContain('liked');
    expect(rows[1].textContent).toContain('Pricing');
    expect(rows[1].textContent).toContain('Device 1');
    expect(rows[2].textContent).toContain('Device 2');
    expect(rows[2].textContent).toContain('Signed Up');
    const markers = screen.getAllByTestId('inferred-marker');
    expect(markers).toHaveLength(1);
    expect(rows[0].dataset.inferred).toBe('true');
    expect(markers[0].dataset.linkReason).toBe('name_match');
    // The scored match's probability and evidence beside the marker; the other rows have none.
    expect(screen.getAllByTestId('match-evidence').map((x) => x.textContent)).toEqual(['probability 0.93: rare name + company acme']);
    expect(eventsQuery.fields).toEqual(expect.arrayContaining([EVENT_FIELDS.matchProbability, EVENT_FIELDS.matchEvidence]));
    expect(markers[0].textContent).toMatch(/name match/);
    expect(screen.getByTestId('person-header').textContent).toContain('Ada Lovelace');
    expect(screen.getByTestId('timeline-summary').textContent).toMatch(/3 events in \d sessions?, across 2 sources and 2 devices/);
  });

  it('a person found by id alone shows their name and email to a user who may see them', async () => {
    const fake = looker();
    renderWithLooker(<App />, fake, '/person');
    typeSearch('user_4');
    const result = await screen.findByTestId('person-result');
    expect(result.dataset.personId).toBe('user_42');
    expect(result.textContent).toContain(String(ADA[PERSON_FIELDS.name]));
    expect(result.textContent).not.toContain('unknown');
    const byId = fake.queries().filter((q) => q.view === EXPLORES.persons && filterOn(q, PERSON_FIELDS.personId) === '%user^_4%');
    expect(byId.map((q) => q.fields.includes(PERSON_FIELDS.email))).toEqual([true]);
  });

  it('a search term in a link (an earlier version put it there) is dropped from the URL and never searched', async () => {
    const fake = looker();
    const { location } = renderWithLooker(<App />, fake, '/person?q=ada%40example.com&id=user_42');
    await screen.findAllByTestId('timeline-row');
    expect(
      (screen.getByTestId('person-search-input').querySelector('input') ?? screen.getByTestId('person-search-input')) as HTMLInputElement,
    ).toHaveProperty('value', '');
    await waitFor(() => expect(location().search).toBe('?id=user_42'));
    expect(fake.queries().some((q) => Object.values(q.filters ?? {}).some((v) => v.includes('ada')))).toBe(false);
  });

  it('without the PII grant device ids stay hidden: devices are told apart by the hash', async () => {
    // As Looker answers a user without can_see_pii: the raw anonymous id is dropped, its hash is not.
    const rows = EVENTS.map(({ [EVENT_FIELDS.anonymousId]: id, ...rest }) => ({
      ...rest,
      [EVENT_FIELDS.anonymousIdHash]: id ? `h-${id}` : null,
    }));
    const fake = looker({ piiMode: 'absent', events: { rows, hiddenFields: [EVENT_FIELDS.anonymousId] } });
    renderWithLooker(<App />, fake, '/person?id=user_42');
    const timeline = await screen.findAllByTestId('timeline-row');
    expect(fake.queries().find((q) => q.view === EXPLORES.events)!.fields).toEqual(
      expect.arrayContaining([EVENT_FIELDS.anonymousId, EVENT_FIELDS.anonymousIdHash]),
    );
    expect(timeline.map((r) => r.textContent)).toEqual([
      expect.not.stringMatching(/Device/),
      expect.stringContaining('Device 1'),
      expect.stringContaining('Device 2'),
    ]);
    expect(screen.getByTestId('person-journey').textContent).not.toMatch(/anon-|h-anon/);
    expect(screen.getByTestId('timeline-summary').textContent).toMatch(/2 devices/);
  });

  it('opens a person straight from the URL', async () => {
    const fake = looker();
    renderWithLooker(<App />, fake, '/person?id=user_42');
    expect(await screen.findAllByTestId('timeline-row')).toHaveLength(3);
    expect(fake.queries().find((q) => q.view === EXPLORES.persons)!.filters).toEqual({ [PERSON_FIELDS.personId]: 'user^_42' });
  });

  it('without the PII grant (fields left out of the result) names and emails show as hidden, not as errors', async () => {
    renderWithLooker(<App />, looker({ piiMode: 'absent' }), '/person?id=user_42');
    await screen.findAllByTestId('timeline-row');
    typeSearch('user_4');
    await screen.findByTestId('person-result');
    expect(screen.getByTestId('pii-hidden-note')).toBeTruthy();
    expect(within(screen.getByTestId('person-header')).getAllByTestId('pii-hidden')).toHaveLength(2);
    expect(screen.getByTestId('person-result').textContent).toContain('hidden');
    expect(screen.queryByTestId('query-error')).toBeNull();
  });

  it('without the PII grant (Looker refuses the fields) it falls back to id search and queries without them', async () => {
    const fake = looker({ piiMode: 'refused' });
    renderWithLooker(<App />, fake, '/person');
    typeSearch('user_4');
    const result = await screen.findByTestId('person-result');
    expect(result.dataset.personId).toBe('user_42');
    expect(result.textContent).toContain('hidden');
    expect(screen.getByTestId('pii-hidden-note').textContent).toMatch(/can_see_pii/);

    fireEvent.click(within(result).getByText('user_42'));
    await screen.findAllByTestId('timeline-row');
    const header = fake.queries().filter((q) => q.view === EXPLORES.persons && filterOn(q, PERSON_FIELDS.personId) === 'user^_42');
    expect(header.map((q) => q.fields.includes(PERSON_FIELDS.name))).toEqual([true, false]);
    expect(within(screen.getByTestId('person-header')).getAllByTestId('pii-hidden')).toHaveLength(2);
  });

  it('without the PII grant (Looker drops the fields and their filters) unfiltered rows are never shown as matches', async () => {
    const fake = looker({ piiMode: 'dropped' });
    renderWithLooker(<App />, fake, '/person');
    typeSearch('user_4');
    await screen.findByTestId('person-results');
    const results = screen.getAllByTestId('person-result');
    expect(results.map((r) => r.dataset.personId)).toEqual(['user_42']);
    expect(screen.getByTestId('pii-hidden-note')).toBeTruthy();
    fireEvent.click(within(results[0]).getByText('user_42'));
    await screen.findAllByTestId('timeline-row');
    expect(within(screen.getByTestId('person-header')).getAllByTestId('pii-hidden')).toHaveLength(2);
  });

  it('no match is an empty state; a short term does not query', async () => {
    const fake = looker();
    renderWithLooker(<App />, fake, '/person');
    expect(screen.getByTestId('person-hint')).toBeTruthy();
    typeSearch('z');
    await new Promise((r) => setTimeout(r, 400));
    expect(fake.sent).toHaveLength(0);
    typeSearch('zz');
    expect((await screen.findByTestId('empty-state')).textContent).toContain('No person matches "zz"');
  });

  it('a person with one event reads "1 event" in the result, the header and the timeline', async () => {
    const fake = fakeLooker((q) =>
      q.view === EXPLORES.events ? { rows: [EVENTS[2]] } : { rows: [{ ...ADA, [PERSON_FIELDS.eventCount]: 1 }] },
    );
    renderWithLooker(<App />, fake, '/person?id=user_42');
    await screen.findAllByTestId('timeline-row');
    typeSearch('ada');
    await screen.findByTestId('person-result');
    expect(screen.getByTestId('person-result').textContent).toMatch(/· 1 event(?!s)/);
    expect(screen.getByTestId('person-header').textContent).toMatch(/· 1 event(?!s)/);
    expect(screen.getByTestId('timeline-summary').textContent).toBe('1 event in 1 session, across 1 source and 1 device.');
  });

  it('a missing entitlement on the events query shows the permission state', async () => {
    renderWithLooker(<App />, looker({ events: { reject: new Error('not entitled to run_inline_query') } }), '/person?id=user_42');
    const denied = await screen.findByTestId('permission-denied');
    expect(denied.dataset.reason).toBe('entitlement');
  });

  it('says when the events were cut at the server-side limit', async () => {
    const many = Array.from({ length: 2000 }, (_, i) =>
      event(`e${i}`, '2024-03-01 09:00:00', 'web', 'page', { [EVENT_FIELDS.pageTitle]: 'Home' }),
    );
    renderWithLooker(<App />, looker({ events: { rows: many } }), '/person?id=user_42');
    expect((await screen.findByTestId('limit-notice')).textContent).toMatch(/2,000 events/);
  });

  it('navigates between the views with the tabs', async () => {
    const { location } = renderWithLooker(<App />, looker(), '/person');
    fireEvent.click(screen.getByText('Journeys'));
    await waitFor(() => expect(location().pathname).toBe('/journeys'));
  });

  it("the header counts all the person's events, and a timeline cut at the row limit says of how many", async () => {
    const heavy = { ...ADA, [PERSON_FIELDS.eventCount]: 5321 };
    const minute = (i: number) => `2024-03-01 ${String(Math.floor(i / 60) % 24).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}:00`;
    const many = Array.from({ length: EVENTS_ROW_LIMIT }, (_, i) =>
      event(`e${i}`, minute(i), 'web', 'page', { [EVENT_FIELDS.pageTitle]: 'Home', [EVENT_FIELDS.anonymousId]: 'anon-laptop' }),
    );
    const fake = fakeLooker((q) => (q.view === EXPLORES.events ? { rows: many } : { rows: [heavy] }));
    renderWithLooker(<App />, fake, '/person?id=user_42');
    // Paged: 50 events a page, not a 2,000-row table.
    expect(await screen.findAllByTestId('timeline-row')).toHaveLength(50);
    expect(screen.getAllByTestId('timeline-page')[0].textContent).toBe('Page 1 of 40 · session 1 of 1 · events 1–50 of 2,000');
    expect(screen.getByTestId('session-header').textContent).toMatch(/^Session 1 \(part 1 of 40\) · started 2024-03-01 00:00:00 · /);
    expect(screen.getByTestId('person-header').textContent).toMatch(/5,321 events/);
    expect(screen.getByTestId('limit-notice').textContent).toMatch(
      /Showing the first 2,000 of 5,321 events \(the server-side limit\)\. The timeline starts with the oldest\./,
    );
  });
});

describe('Person view: sessions, paging, dates, search by device id and "Last, First"', () => {
  /** 23 sessions of 2 to 4 events a day apart; session 3 converts, each starts on another channel. */
  const CHANNELS = ['Organic Search', 'Email', 'Direct', 'Paid Social'];
  const sessionEvents: PlainRow[] = Array.from({ length: 23 }, (_, s) => {
    const day = `2024-03-${String(s + 1).padStart(2, '0')}`;
    return Array.from({ length: 2 + (s % 3) }, (_, i) =>
      event(`s${s}e${i}`, `${day} 09:${String(i * 7).padStart(2, '0')}:00`, 'web', i === 1 && s === 2 ? 'track' : 'page', {
        [EVENT_FIELDS.sessionId]: `session-${s}`,
        [EVENT_FIELDS.channel]: i === 0 ? CHANNELS[s % 4] : 'Direct',
        [EVENT_FIELDS.pageTitle]: i === 0 ? 'Pricing' : 'Blog',
        [EVENT_FIELDS.pagePath]: i === 0 ? '/pricing' : '/blog',
        [EVENT_FIELDS.eventName]: i === 1 && s === 2 ? 'Meeting Booked' : null,
        [EVENT_FIELDS.isConversion]: i === 1 && s === 2 ? 'Yes' : 'No',
        [EVENT_FIELDS.anonymousId]: 'anon-laptop',
      }),
    );
  }).flat();
  const WEI: PlainRow = {
    ...ADA,
    [PERSON_FIELDS.personId]: 'u:wei',
    [PERSON_FIELDS.name]: 'Wei Bennett',
    [PERSON_FIELDS.email]: 'wei.bennett31@acme.nl',
    [PERSON_FIELDS.eventCount]: sessionEvents.length,
    [PERSON_FIELDS.firstSeen]: '2024-03-01 09:00:00',
    [PERSON_FIELDS.lastSeen]: '2024-03-23 09:14:00',
    [PERSON_FIELDS.firstConverted]: '2024-03-03 09:07:00',
  };
  const weiLooker = () =>
    fakeLooker((q) => {
      if (q.view === EXPLORES.events) return { rows: sessionEvents };
      const f = q.filters ?? {};
      if (f[PERSON_FIELDS.personId] === 'u:wei') return { rows: [WEI] };
      if (f[PERSON_FIELDS.name] === '%Bennett^, Wei%,%Wei Bennett%') return { rows: [WEI] };
      if (f[IDENTITY_LINK_FIELDS.identifier] === '%anon-laptop%') return { rows: [WEI] };
      return { rows: [] };
    });

  it('groups the timeline by session, 10 sessions a page, with next and previous; the header has first and last seen and the conversion date', async () => {
    renderWithLooker(<App />, weiLooker(), '/person?id=u%3Awei');
    const headers = await screen.findAllByTestId('session-header');
    expect(headers).toHaveLength(10);
    expect(headers[0].textContent).toBe(
      'Session 1 · started 2024-03-01 09:00:00 · 7 min · Organic Search · landed on Pricing (/pricing) · 2 events · no conversion',
    );
    expect(headers[2].textContent).toBe(
      'Session 3 · started 2024-03-03 09:00:00 · 21 min · Direct · landed on Pricing (/pricing) · 4 events · converted',
    );
    expect(screen.getByTestId('timeline-summary').textContent).toMatch(/^68 events in 23 sessions/);
    expect(screen.getByTestId('person-first-seen').textContent).toBe('First seen 2024-03-01 09:00:00');
    expect(screen.getByTestId('person-last-seen').textContent).toBe('Last seen 2024-03-23 09:14:00');
    expect(screen.getByTestId('person-converted').textContent).toBe('Converted 2024-03-03 09:07:00');
    // The conversion event says so in its row.
    expect(screen.getAllByTestId('timeline-row').find((r) => r.dataset.eventId === 's2e1')!.textContent).toContain('· conversion');
    const [top] = screen.getAllByTestId('timeline-page');
    expect(top.textContent).toBe('Page 1 of 3 · sessions 1–10 of 23 · events 1–29 of 68');
    expect((screen.getAllByTestId('timeline-previous')[0] as HTMLButtonElement).disabled).toBe(true);

    fireEvent.click(screen.getAllByTestId('timeline-next')[0]);
    expect(screen.getAllByTestId('session-header')[0].textContent).toMatch(/^Session 11 · started 2024-03-11/);
    expect(screen.getAllByTestId('timeline-page')[0].textContent).toBe('Page 2 of 3 · sessions 11–20 of 23 · events 30–59 of 68');
    fireEvent.click(screen.getAllByTestId('timeline-next')[1]);
    expect(screen.getAllByTestId('session-header')).toHaveLength(3);
    expect((screen.getAllByTestId('timeline-next')[0] as HTMLButtonElement).disabled).toBe(true);
    fireEvent.click(screen.getAllByTestId('timeline-previous')[0]);
    expect(screen.getAllByTestId('session-header')[0].textContent).toMatch(/^Session 11 /);
  });

  it('"Bennett, Wei" finds Wei Bennett: the name filter asks for both orders', async () => {
    const fake = weiLooker();
    renderWithLooker(<App />, fake, '/person');
    typeSearch('Bennett, Wei');
    const result = await screen.findByTestId('person-result');
    expect(result.dataset.personId).toBe('u:wei');
    expect(fake.queries().find((q) => filterOn(q, PERSON_FIELDS.name))!.filters).toEqual({
      [PERSON_FIELDS.name]: '%Bennett^, Wei%,%Wei Bennett%',
    });
  });

  it('a device id copied from the timeline finds its person (with the personal-data grant)', async () => {
    const fake = weiLooker();
    renderWithLooker(<App />, fake, '/person?id=u%3Awei');
    const deviceId = (await screen.findAllByTestId('device-id'))[0].textContent!;
    typeSearch(deviceId);
    const result = await screen.findByTestId('person-result');
    expect(result.dataset.personId).toBe('u:wei');
    expect(fake.queries().find((q) => filterOn(q, IDENTITY_LINK_FIELDS.identifier))).toMatchObject({
      view: EXPLORES.persons,
      filters: { [IDENTITY_LINK_FIELDS.identifierType]: 'anonymous^_id', [IDENTITY_LINK_FIELDS.identifier]: '%anon-laptop%' },
    });
  });

  it('without the grant, Looker ignores the device filter: its unfiltered rows are no matches', async () => {
    renderWithLooker(<App />, looker({ piiMode: 'dropped' }), '/person');
    typeSearch('anon-laptop');
    await screen.findByTestId('pii-hidden-note');
    expect(screen.queryByTestId('person-result')).toBeNull();
    expect(screen.getByTestId('person-result-count').textContent).toBe('No person matches "anon-laptop".');
  });
});
