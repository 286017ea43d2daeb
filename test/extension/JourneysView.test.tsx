import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { EVENT_FIELDS, EXPLORES, LOOKER_MODEL, PERSON_FIELDS, SESSION_FIELDS, pathFields } from '../../src/contract/looker';
import { toIsoDate } from '../../src/extension/journeys/FilterBar';
import { App } from '../../src/extension/App';
import type { InlineQuery } from '../../src/extension/looker/queries';
import { fakeLooker, renderWithLooker, type FakeAnswer, type PlainRow } from './support/fakeLooker';
import { isGap, isPaths, isPersons, isSubset, isSummary, PERSON_ROWS } from './support/journeyQueries';

const jp = pathFields('journey_paths');
const sp = pathFields('session_paths');

const PATH_ROWS: PlainRow[] = [
  {
    [jp.step(1)]: 'Home',
    [jp.step(2)]: 'Pricing',
    [jp.step(3)]: 'Signup',
    [jp.step(4)]: null,
    [jp.step(5)]: null,
    [jp.count]: 40,
    [jp.conversions]: 10,
  },
  {
    [jp.step(1)]: 'Home',
    [jp.step(2)]: null,
    [jp.step(3)]: null,
    [jp.step(4)]: null,
    [jp.step(5)]: null,
    [jp.count]: 25,
    [jp.conversions]: 0,
  },
  {
    [jp.step(1)]: 'LinkedIn: liked',
    [jp.step(2)]: 'Home',
    [jp.step(3)]: 'Pricing',
    [jp.step(4)]: null,
    [jp.step(5)]: null,
    [jp.count]: 15,
    [jp.conversions]: 2,
  },
];
const SUMMARY_ROW: PlainRow = { [jp.count]: 80, [jp.identifiedCount]: 30, [jp.inferredCount]: 6, [jp.conversions]: 12 };

const SUBSET_ROW: PlainRow = {
  [jp.count]: 15,
  [jp.identifiedCount]: 15,
  [jp.inferredCount]: 3,
  [jp.conversions]: 6,
  [jp.medianStepToNext(1)]: 7200,
};

const isSources = (q: InlineQuery) => q.view === EXPLORES.events && q.fields.includes(EVENT_FIELDS.source);
const isTouchOptions = (q: InlineQuery) => q.view === EXPLORES.events && q.fields.includes(EVENT_FIELDS.utmSource);
const isLandingPaths = (q: InlineQuery) => q.fields.includes(SESSION_FIELDS.landingPagePath);
const isBreakdown = (q: InlineQuery) => !isPaths(q) && q.fields.some((f) => /_paths\.conversion_rate$/.test(f));

const today = () => toIsoDate(new Date());

function answering(paths: FakeAnswer = { rows: PATH_ROWS }, summary: FakeAnswer = { rows: [SUMMARY_ROW] }, latestEvent = today()) {
  return fakeLooker((q) => {
    if (isGap(q)) return { rows: [] };
    if (isPersons(q)) return { rows: PERSON_ROWS };
    if (isSubset(q)) return { rows: [SUBSET_ROW] };
    if (isPaths(q)) return paths;
    if (isSummary(q)) return summary;
    if (isBreakdown(q)) return { rows: BREAKDOWN_ROWS(q.fields[0]) };
    if (isLandingPaths(q)) return { rows: LANDING_ROWS };
    if (q.view === EXPLORES.persons) return { rows: [{ [PERSON_FIELDS.lastSeenDate]: latestEvent }] };
    if (isTouchOptions(q)) return { rows: TOUCH_ROWS };
    if (isSources(q)) return { rows: [{ [EVENT_FIELDS.source]: 'linkedin' }, { [EVENT_FIELDS.source]: 'web' }] };
    throw new Error(`unexpected query ${JSON.stringify(q)}`);
  });
}

/** Conversion by first-touch channel (or any breakdown field: the first column is the one asked for). */
const BREAKDOWN_ROWS = (field: string): PlainRow[] => {
  const view = field.split('.')[0];
  return [
    { [field]: 'Organic Search', [`${view}.count`]: 40, [`${view}.conversions`]: 6, [`${view}.conversion_rate`]: 0.15 },
    { [field]: 'Direct', [`${view}.count`]: 25, [`${view}.conversions`]: 1, [`${view}.conversion_rate`]: 0.04 },
    { [field]: null, [`${view}.count`]: 0, [`${view}.conversions`]: 0, [`${view}.conversion_rate`]: null },
  ];
};
/** Segment-shaped touches of the events in the range. */
const TOUCH_ROWS: PlainRow[] = [
  {
    [EVENT_FIELDS.utmSource]: 'linkedin',
    [EVENT_FIELDS.utmMedium]: 'social',
    [EVENT_FIELDS.utmCampaign]: 'blog-promotion',
    [EVENT_FIELDS.referrerDomain]: null,
  },
  {
    [EVENT_FIELDS.utmSource]: 'newsletter',
    [EVENT_FIELDS.utmMedium]: 'email',
    [EVENT_FIELDS.utmCampaign]: 'march',
    [EVENT_FIELDS.referrerDomain]: null,
  },
  {
    [EVENT_FIELDS.utmSource]: null,
    [EVENT_FIELDS.utmMedium]: null,
    [EVENT_FIELDS.utmCampaign]: null,
    [EVENT_FIELDS.referrerDomain]: 'google.com',
  },
];
const LANDING_ROWS: PlainRow[] = [
  { [SESSION_FIELDS.landingPagePath]: '/blog/identity-stitching', [SESSION_FIELDS.count]: 30 },
  { [SESSION_FIELDS.landingPagePath]: '/pricing', [SESSION_FIELDS.count]: 12 },
];

const nodes = () => screen.getAllByTestId('sankey-node');
const node = (step: number, label: string) => nodes().find((n) => n.dataset.step === String(step) && n.dataset.label === label)!;

describe('Journeys view', () => {
  it('lands on the Sankey: sends the paths, summary and source queries and draws what came back', async () => {
    const looker = answering();
    const { location } = renderWithLooker(<App />, looker, '/');
    expect(screen.getByTestId('query-loading')).toBeTruthy();
    await screen.findAllByTestId('sankey-node');
    expect(location().pathname).toBe('/journeys');

    const paths = looker.queries().find(isPaths)!;
    expect(paths).toEqual({
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
      limit: '5000',
    });
    expect(looker.queries().find(isSummary)!.filters).toEqual(paths.filters);
    // The source options cover the same range (not the events explore's 30-day default).
    expect(looker.queries().find(isSources)!.filters).toEqual({ [EVENT_FIELDS.occurredDate]: '90 days' });
    expect(looker.sent.every((s) => s.result_format === 'json_detail')).toBe(true);

    expect(node(1, 'Home').dataset.value).toBe('65');
    expect(node(2, 'Pricing').dataset.value).toBe('40');
    expect(node(2, 'Drop-off').dataset.kind).toBe('dropoff');
    expect(node(2, 'Drop-off').dataset.value).toBe('25');
    const links = screen.getAllByTestId('sankey-link');
    expect(links.find((l) => l.dataset.source === '1|step|Home' && l.dataset.target === '2|step|Pricing')!.dataset.value).toBe('40');

    expect(screen.getByTestId('summary-count').dataset.value).toBe('80');
    expect(screen.getByTestId('summary-count').textContent).toContain('80');
    expect(screen.getByTestId('summary-identified-share').textContent).toContain('37.5%');
    expect(screen.getByTestId('summary-inferred-share').textContent).toContain('7.5%');
    expect(screen.getByTestId('summary-inferred-share').textContent).toMatch(/6 with a name-matched event/);
    expect(screen.getByTestId('summary-conversions').dataset.value).toBe('12');
    expect(screen.getByTestId('inferred-note').textContent).toMatch(/name/);
    expect(screen.queryByTestId('limit-notice')).toBeNull();
  });

  it('reads every filter from the URL and sends it as a Looker filter expression', async () => {
    const looker = fakeLooker((q) => (isPaths(q) || isSummary(q) ? { rows: [] } : { rows: [] }));
    renderWithLooker(
      <App />,
      looker,
      '/journeys?measure=sessions&steps=3&status=confirmed&status=unmatched&date=7%20days&source=linkedin&landing=Home&converted=yes',
    );
    await screen.findByTestId('empty-state');
    const paths = looker.queries().find(isPaths)!;
    expect(paths.view).toBe(EXPLORES.sessionJourneys);
    expect(paths.fields).toEqual([
      sp.step(1),
      sp.step(2),
      sp.step(3),
      sp.stepInferred(1),
      sp.stepInferred(2),
      sp.stepInferred(3),
      sp.count,
      sp.conversions,
    ]);
    expect(paths.filters).toEqual({
      [sp.filterIdentityStatus]: 'confirmed,unmatched',
      [sp.filterDate]: '7 days',
      [sp.filterSource]: 'linkedin',
      [sp.filterLandingPage]: 'Home',
      [sp.converted]: 'Yes',
    });
    expect(looker.queries().find(isSources)!.filters).toEqual({ [EVENT_FIELDS.occurredDate]: '7 days' });
    expect(screen.getByTestId('empty-state').textContent).toMatch(/No journeys match/);
  });

  it('a filter change updates the URL and runs the query again', async () => {
    const looker = answering();
    const { location } = renderWithLooker(<App />, looker, '/journeys');
    await screen.findAllByTestId('sankey-node');
    fireEvent.click(within(screen.getByTestId('filter-converted')).getByText('Converted'));
    await waitFor(() => expect(location().search).toBe('?converted=yes'));
    await waitFor(() => expect(looker.queries().filter(isPaths)).toHaveLength(2));
    expect(looker.queries().filter(isPaths)[1].filters?.[jp.converted]).toBe('Yes');

    fireEvent.click(within(screen.getByTestId('filter-status')).getByLabelText('Anonymous'));
    await waitFor(() => expect(location().search).toBe('?status=confirmed&status=inferred&converted=yes'));
    await waitFor(() => expect(looker.queries().filter(isPaths)).toHaveLength(3));
    expect(looker.queries().filter(isPaths)[2].filters?.[jp.filterIdentityStatus]).toBe('confirmed,inferred');
    // Only a new date range asks for the source options again.
    expect(looker.queries().filter(isSources)).toHaveLength(1);
  });

  it('switching to Person and back keeps the Journeys filters (each tab comes back as it was left)', async () => {
    const looker = answering();
    const { location } = renderWithLooker(<App />, looker, '/journeys?converted=yes&steps=4');
    await screen.findAllByTestId('sankey-node');
    fireEvent.click(within(screen.getByTestId('nav')).getByText('Person'));
    await waitFor(() => expect(location().pathname).toBe('/person'));
    fireEvent.click(within(screen.getByTestId('nav')).getByText('Journeys'));
    await waitFor(() => expect(location().pathname).toBe('/journeys'));
    expect(location().search).toBe('?converted=yes&steps=4');
  });

  it('clicking a node focuses the paths through it (no new paths query), in the URL; clicking again clears', async () => {
    const looker = answering();
    const { location } = renderWithLooker(<App />, looker, '/journeys');
    await screen.findAllByTestId('sankey-node');
    const pathsSent = looker.queries().filter(isPaths).length;
    fireEvent.click(node(1, 'LinkedIn: liked'));
    await screen.findByTestId('focus-bar');
    expect(new URLSearchParams(location().search).get('focus')).toBe('1|step|LinkedIn: liked');
    expect(node(1, 'LinkedIn: liked').dataset.focused).toBe('true');
    expect(nodes().some((n) => n.dataset.step === '1' && n.dataset.label === 'Home')).toBe(false);
    expect(node(2, 'Home').dataset.value).toBe('15');
    // Only the focused node's own totals and persons are asked for, filtered on its column.
    await screen.findByTestId('selection-panel');
    expect(looker.queries().filter(isPaths)).toHaveLength(pathsSent);
    expect(looker.queries().find(isSubset)!.filters?.[jp.step(1)]).toBe('LinkedIn: liked');
    expect(looker.queries().find(isPersons)!.filters?.[jp.step(1)]).toBe('LinkedIn: liked');

    fireEvent.click(screen.getByTestId('use-as-landing'));
    await waitFor(() => expect(new URLSearchParams(location().search).get('landing')).toBe('LinkedIn: liked'));
    expect(new URLSearchParams(location().search).get('focus')).toBeNull();
  });

  it('"Explore in Looker" opens the same query (with the focused step) in the journeys explore', async () => {
    const looker = answering();
    renderWithLooker(<App />, looker, `/journeys?focus=${encodeURIComponent('2|step|Pricing')}`);
    await screen.findAllByTestId('sankey-node');
    fireEvent.click(screen.getByTestId('explore-in-looker'));
    const url: string = looker.extensionSDK.updateLocation.mock.calls[0][0];
    expect(url.startsWith('/explore/journey_stitch/journeys?fields=')).toBe(true);
    expect(decodeURIComponent(url)).toContain(`f[${jp.step(2)}]=Pricing`);
    expect(decodeURIComponent(url)).toContain(`f[${jp.filterIdentityStatus}]=confirmed,inferred,anonymous`);
    fireEvent.click(screen.getByTestId('explore-new-window'));
    expect(looker.extensionSDK.openBrowserWindow).toHaveBeenCalledWith(url, '_blank');
  });

  it('says when the server-side row limit was reached', async () => {
    const many = Array.from({ length: 5000 }, (_, i) => ({ [jp.step(1)]: `Page ${i}`, [jp.count]: 1 }));
    renderWithLooker(<App />, answering({ rows: many }), '/journeys');
    expect((await screen.findByTestId('limit-notice')).textContent).toMatch(/5,000/);
    expect(node(1, 'Other').dataset.value).toBe(String(5000 - 6));
  });

  it('a missing entitlement shows which one to add', async () => {
    const denied = { reject: new Error('Extension is not entitled to use run_inline_query') };
    renderWithLooker(<App />, answering(denied, denied), '/journeys');
    const state = await screen.findByTestId('permission-denied');
    expect(state.dataset.reason).toBe('entitlement');
    expect(state.textContent).toMatch(/run_inline_query/);
    expect(state.textContent).toMatch(/core_api_methods/);
    expect(state.textContent).toMatch(/manifest\.lkml/);
  });

  it('a Looker user without model access gets a permission state, not a crash', async () => {
    const notFound = { sdkError: { message: 'Not found' } };
    renderWithLooker(<App />, answering(notFound, notFound), '/journeys');
    const state = await screen.findByTestId('permission-denied');
    expect(state.dataset.reason).toBe('looker-permission');
    expect(state.textContent).toMatch(/journey_stitch/);
  });

  it('a failed query shows the error and Retry runs it again', async () => {
    let fail = true;
    const looker = fakeLooker((q) => {
      if (isPaths(q) && fail) return { sdkError: { message: 'BigQuery: table not found in dataset' } };
      return isPaths(q) ? { rows: PATH_ROWS } : isSummary(q) ? { rows: [SUMMARY_ROW] } : { rows: [] };
    });
    renderWithLooker(<App />, looker, '/journeys');
    const error = await screen.findByTestId('query-error');
    expect(error.textContent).toMatch(/table not found/);
    fail = false;
    fireEvent.click(within(error).getByText('Retry'));
    await screen.findAllByTestId('sankey-node');
    expect(looker.queries().filter(isPaths)).toHaveLength(2);
  });

  it('a long query shows progress and can be cancelled, then run again', async () => {
    let hang = true;
    const looker = fakeLooker((q) => (hang ? { pending: true } : isPaths(q) ? { rows: PATH_ROWS } : { rows: [SUMMARY_ROW] }));
    renderWithLooker(<App />, looker, '/journeys?date=90%20days');
    const loading = await screen.findByTestId('query-loading');
    expect(loading.textContent).toMatch(/Loading journeys/);
    fireEvent.click(screen.getByTestId('query-cancel'));
    const cancelled = await screen.findByTestId('query-cancelled');
    hang = false;
    fireEvent.click(within(cancelled).getByText('Run again'));
    await screen.findAllByTestId('sankey-node');
  });

  it('with no identity status selected it asks for one instead of querying', async () => {
    const looker = answering();
    renderWithLooker(<App />, looker, '/journeys?status=');
    expect(screen.getByTestId('empty-state').textContent).toMatch(/at least one identity status/);
    await waitFor(() => expect(looker.queries().some((q) => q.view === EXPLORES.events)).toBe(true));
    expect(looker.queries().some(isPaths)).toBe(false);
  });

  it('with no identity status selected the explore buttons are disabled (Looker would get every status)', async () => {
    const looker = answering();
    renderWithLooker(<App />, looker, '/journeys?status=');
    await waitFor(() => expect(looker.queries().some((q) => q.view === EXPLORES.events)).toBe(true));
    const explore = screen.getByTestId('explore-in-looker') as HTMLButtonElement;
    const newWindow = screen.getByTestId('explore-new-window') as HTMLButtonElement;
    expect([explore.disabled, newWindow.disabled]).toEqual([true, true]);
    fireEvent.click(explore);
    fireEvent.click(newWindow);
    expect(looker.extensionSDK.updateLocation).not.toHaveBeenCalled();
    expect(looker.extensionSDK.openBrowserWindow).not.toHaveBeenCalled();
  });

  it.each([
    ['empty', '/journeys?date=custom'],
    ['without an end', '/journeys?date=custom&from=2024-01-01'],
    ['without a start', '/journeys?date=custom&to=2024-01-31'],
    ['reversed', '/journeys?date=custom&from=2024-02-01&to=2024-01-01'],
  ])('a custom date range %s asks for both dates inline and runs no query (never all time)', async (_, route) => {
    const looker = answering();
    renderWithLooker(<App />, looker, route);
    await act(async () => {}); // let any query effect fire
    expect(looker.sent).toHaveLength(0);
    expect(screen.getByTestId('date-range-problem').textContent).toMatch(/start and an end date|start date is after/);
    expect(within(screen.getByTestId('filter-date-range')).getByText(/start and an end date|start date is after/)).toBeTruthy();
    // Looker would get the same unbounded query.
    expect((screen.getByTestId('explore-in-looker') as HTMLButtonElement).disabled).toBe(true);
    expect((screen.getByTestId('explore-new-window') as HTMLButtonElement).disabled).toBe(true);
  });

  it('an impossible date in a hand-edited URL is dropped (the range asks for it again), not a crash', async () => {
    const looker = answering();
    renderWithLooker(<App />, looker, '/journeys?date=custom&from=2024-01-01&to=2024-13-45');
    expect(screen.getByTestId('date-range-problem').textContent).toMatch(/both a start and an end date/);
    await act(async () => {});
    expect(looker.sent).toHaveLength(0);
  });

  it('a complete custom date range runs with that range, inclusive', async () => {
    const looker = answering();
    renderWithLooker(<App />, looker, '/journeys?date=custom&from=2024-01-01&to=2024-01-31');
    await screen.findAllByTestId('sankey-node');
    expect(looker.queries().find(isPaths)!.filters?.[jp.filterDate]).toBe('2024/01/01 to 2024/02/01');
    expect(looker.queries().find((q) => q.view === EXPLORES.events)!.filters).toEqual({
      [EVENT_FIELDS.occurredDate]: '2024/01/01 to 2024/02/01',
    });
    expect(screen.queryByTestId('date-range-problem')).toBeNull();
  });

  it('hovering a node or link explains its count and shares', async () => {
    renderWithLooker(<App />, answering(), '/journeys');
    await screen.findAllByTestId('sankey-node');
    fireEvent.mouseMove(node(2, 'Drop-off'));
    expect(screen.getByTestId('sankey-tooltip').textContent).toBe(
      'Drop-off after step 1: 25 persons end here (31% of all); 0 converted (0%)',
    );
    // Each node's conversion rate: Home at step 1 holds 65 persons, 10 of whom converted.
    fireEvent.mouseMove(node(1, 'Home'));
    expect(screen.getByTestId('sankey-tooltip').textContent).toBe('Home, step 1: 65 persons (81% of all); 10 converted (15%)');
    const link = screen
      .getAllByTestId('sankey-link')
      .find((l) => l.dataset.source === '1|step|Home' && l.dataset.target === '2|step|Pricing')!;
    fireEvent.mouseMove(link);
    expect(screen.getByTestId('sankey-tooltip').textContent).toBe('Home → Pricing: 40 persons (62% of Home, 50% of all)');
    fireEvent.mouseLeave(link);
    expect(screen.queryByTestId('sankey-tooltip')).toBeNull();
  });

  it('counts of one read in the singular: journeys without steps and the tooltips', async () => {
    const one = (steps: (string | null)[], count: number): PlainRow => ({
      ...Object.fromEntries(steps.map((s, i) => [jp.step(i + 1), s])),
      [jp.count]: count,
    });
    const rows = [
      one(['Home', 'Pricing', null, null, null], 1),
      one(['Blog', null, null, null, null], 2),
      one([null, null, null, null, null], 1),
    ];
    renderWithLooker(<App />, answering({ rows }), '/journeys');
    await screen.findAllByTestId('sankey-node');
    expect(screen.getByTestId('without-steps').textContent).toBe('1 person has no journey steps and is not drawn.');
    fireEvent.mouseMove(node(2, 'Pricing'));
    expect(screen.getByTestId('sankey-tooltip').textContent).toMatch(/^Pricing, step 2: 1 person \(/);
    fireEvent.mouseMove(node(3, 'Drop-off'));
    expect(screen.getByTestId('sankey-tooltip').textContent).toMatch(/^Drop-off after step 2: 1 person ends here/);
    const link = screen.getAllByTestId('sankey-link').find((l) => l.dataset.source === '1|step|Home')!;
    fireEvent.mouseMove(link);
    expect(screen.getByTestId('sankey-tooltip').textContent).toMatch(/^Home → Pricing: 1 person \(/);
    // Two still read in the plural.
    fireEvent.mouseMove(node(2, 'Drop-off'));
    expect(screen.getByTestId('sankey-tooltip').textContent).toMatch(/^Drop-off after step 1: 2 persons end here/);
  });

  it('the sessions summary says "1 session of persons", not "1 sessions"', async () => {
    const looker = fakeLooker((q) => {
      if (q.fields.includes(sp.step(1))) return { rows: [{ [sp.step(1)]: 'Home', [sp.count]: 9 }] };
      if (q.fields.includes(sp.identifiedCount))
        return { rows: [{ [sp.count]: 9, [sp.identifiedCount]: 3, [sp.inferredCount]: 1, [sp.conversions]: 1 }] };
      return { rows: [] };
    });
    renderWithLooker(<App />, looker, '/journeys?measure=sessions');
    await screen.findAllByTestId('sankey-node');
    expect(screen.getByTestId('summary-inferred-share').textContent).toMatch(/1 session of persons with a name-matched event/);
  });

  it("two steps of one column never share a colour, even past the palette's eight hues", async () => {
    // Landing pages A..H take the eight hues; column 2 holds A and I, the ninth label.
    const path = (a: string, b: string | null, count: number): PlainRow => ({ [jp.step(1)]: a, [jp.step(2)]: b, [jp.count]: count });
    const rows = [path('A', 'I', 20), path('B', 'A', 15), ...'CDEFGH'.split('').map((l, i) => path(l, null, 10 - i))];
    renderWithLooker(<App />, answering({ rows }), '/journeys?steps=2&top=8');
    await screen.findAllByTestId('sankey-node');
    const fill = (step: number, label: string) => node(step, label).querySelector('rect')!.getAttribute('fill');
    expect(fill(2, 'A')).toBe(fill(1, 'A')); // a label keeps its colour across columns
    expect(fill(2, 'I')).not.toBe(fill(2, 'A'));
    const firstColumn = nodes()
      .filter((n) => n.dataset.step === '1')
      .map((n) => n.querySelector('rect')!.getAttribute('fill'));
    expect(new Set(firstColumn).size).toBe(8);
  });

  it('while focused, "of all" is still every person in the diagram; the focused share is named as such', async () => {
    renderWithLooker(<App />, answering(), `/journeys?focus=${encodeURIComponent('1|step|LinkedIn: liked')}`);
    await screen.findAllByTestId('sankey-node');
    // 15 of the 15 focused persons, 15 of all 80.
    fireEvent.mouseMove(node(2, 'Home'));
    expect(screen.getByTestId('sankey-tooltip').textContent).toBe(
      'Home, step 2: 15 persons (100% of focused journeys, 19% of all); 2 converted (13%)',
    );
    const link = screen.getAllByTestId('sankey-link').find((l) => l.dataset.source === '2|step|Home')!;
    fireEvent.mouseMove(link);
    expect(screen.getByTestId('sankey-tooltip').textContent).toBe(
      'Home → Pricing: 15 persons (100% of Home, 100% of focused journeys, 19% of all)',
    );
    expect(node(2, 'Home').getAttribute('aria-label')).toMatch(/100% of focused journeys, 19% of all/);
  });

  it('nodes are keyboard buttons: Enter focuses, Enter again clears', async () => {
    const { location } = renderWithLooker(<App />, answering(), '/journeys');
    await screen.findAllByTestId('sankey-node');
    const home = node(1, 'Home');
    expect(home.getAttribute('role')).toBe('button');
    expect(home.getAttribute('aria-label')).toMatch(/^Home, step 1: 65 persons/);
    fireEvent.keyDown(home, { key: 'Enter' });
    await waitFor(() => expect(new URLSearchParams(location().search).get('focus')).toBe('1|step|Home'));
    fireEvent.keyDown(node(1, 'Home'), { key: 'Enter' });
    await waitFor(() => expect(location().search).toBe(''));
  });

  it('the Sankey is one tab stop; arrow keys reach another node, Enter focuses it and keeps keyboard focus on it', async () => {
    const { location } = renderWithLooker(<App />, answering(), '/journeys');
    await screen.findAllByTestId('sankey-node');
    expect(nodes().filter((n) => n.tabIndex === 0)).toEqual([node(1, 'Home')]);
    node(1, 'Home').focus();
    fireEvent.keyDown(document.activeElement!, { key: 'ArrowDown' });
    expect(document.activeElement).toBe(node(1, 'LinkedIn: liked'));
    fireEvent.keyDown(document.activeElement!, { key: 'Enter' });
    await waitFor(() => expect(new URLSearchParams(location().search).get('focus')).toBe('1|step|LinkedIn: liked'));
    // The chart redraws focused; the node keeps both DOM focus and the tab stop.
    expect(document.activeElement).toBe(node(1, 'LinkedIn: liked'));
    expect(nodes().filter((n) => n.tabIndex === 0)).toEqual([node(1, 'LinkedIn: liked')]);
  });

  it('every filter group has a name: status checkboxes, the two button toggles, the date range and its two dates', async () => {
    renderWithLooker(<App />, answering(), '/journeys?status=&date=custom&from=2024-01-01');
    const statuses = screen.getByRole('group', { name: 'Identity status', description: 'Select at least one status' });
    expect(
      within(statuses)
        .getAllByRole('checkbox')
        .map((c) => (c as HTMLInputElement).value),
    ).toEqual(['confirmed', 'inferred', 'anonymous', 'unmatched']);
    expect(
      within(screen.getByRole('group', { name: 'Count' }))
        .getAllByRole('button')
        .map((b) => b.textContent),
    ).toEqual(['Persons', 'Sessions']);
    expect(
      within(screen.getByRole('group', { name: 'Conversion' }))
        .getAllByRole('button')
        .map((b) => b.textContent),
    ).toEqual(['Any', 'Converted', 'Not converted']);
    const range = screen.getByRole('group', { name: 'Date range (inclusive)', description: 'Choose both a start and an end date.' });
    expect(within(range).getByRole('textbox', { name: 'Date range (inclusive) Start date' })).toBe(
      within(range).getByTestId('date-from-text-input'),
    );
    expect(within(range).getByRole('textbox', { name: 'Date range (inclusive) End date' })).toBe(
      within(range).getByTestId('date-to-text-input'),
    );
    expect(screen.getByRole('combobox', { name: 'Source combobox' })).toBe(
      within(screen.getByTestId('filter-source')).getByRole('combobox'),
    );
    expect(screen.getByRole('textbox', { name: 'Source' })).toBeTruthy();
  });

  it('sessions: the toggle switches explore and view and the units in the summary', async () => {
    const looker = fakeLooker((q) => {
      if (q.fields.includes(sp.step(1))) return { rows: [{ [sp.step(1)]: 'Home', [sp.count]: 9 }] };
      if (q.fields.includes(sp.identifiedCount))
        return { rows: [{ [sp.count]: 9, [sp.identifiedCount]: 3, [sp.inferredCount]: 0, [sp.conversions]: 1 }] };
      return { rows: [] };
    });
    const { location } = renderWithLooker(<App />, looker, '/journeys');
    await screen.findByTestId('empty-state'); // the persons fake has no rows for journey_paths
    fireEvent.click(within(screen.getByTestId('filter-measure')).getByText('Sessions'));
    await waitFor(() => expect(location().search).toBe('?measure=sessions'));
    await screen.findAllByTestId('sankey-node');
    expect(
      looker
        .queries()
        .filter((q) => q.view === EXPLORES.sessionJourneys && !isBreakdown(q) && !isGap(q))
        .map((q) => q.fields.filter((f) => !/step_/.test(f))),
    ).toEqual([
      [sp.count, sp.conversions],
      [sp.count, sp.identifiedCount, sp.inferredCount, sp.conversions],
    ]);
    expect(screen.getByTestId('summary-count').textContent).toMatch(/Sessions/);
    expect(node(1, 'Home').dataset.value).toBe('9');
  });
  describe('before conversion', () => {
    // Three steps before: before_3, before_2, before_1, then the conversion step (NULL: a conversion that is no step).
    const row = (b3: string | null, b2: string | null, b1: string | null, conversion: string | null, count: number): PlainRow => ({
      [jp.before(3)]: b3,
      [jp.before(2)]: b2,
      [jp.before(1)]: b1,
      [jp.conversionStep]: conversion,
      [jp.count]: count,
    });
    const ANCHORED = [
      row('Home', 'Pricing', 'Demo', 'Meeting Booked', 7),
      row(null, 'LinkedIn: liked', 'Pricing', 'Meeting Booked', 4),
      row(null, null, null, null, 2),
    ];

    it('asks for the steps before the first conversion, converted only, and aligns them on it', async () => {
      const looker = answering({ rows: ANCHORED });
      renderWithLooker(<App />, looker, '/journeys?anchor=conversion&steps=3&converted=no');
      await screen.findAllByTestId('sankey-node');
      const paths = looker.queries().find(isPaths)!;
      expect(paths.fields).toEqual([
        jp.before(3),
        jp.before(2),
        jp.before(1),
        jp.conversionStep,
        jp.beforeInferred(3),
        jp.beforeInferred(2),
        jp.beforeInferred(1),
        jp.count,
      ]);
      // The "not converted" left in the URL does not apply: these paths exist only for converted journeys.
      expect(paths.filters?.[jp.converted]).toBe('Yes');
      expect(looker.queries().find(isSummary)!.filters).toEqual(paths.filters);
      expect(screen.queryByTestId('filter-converted')).toBeNull();
      expect(screen.getAllByTestId('column-title').map((t) => t.textContent)).toEqual([
        '3 steps before',
        '2 steps before',
        '1 step before',
        'Conversion',
      ]);
      // Shorter journeys start further right; every journey ends in the conversion column, none drops off.
      expect(node(1, 'Home').dataset.value).toBe('7');
      expect(node(2, 'LinkedIn: liked').dataset.value).toBe('4');
      expect(node(3, 'Pricing').dataset.value).toBe('4');
      expect(node(4, 'Meeting Booked').dataset.value).toBe('11');
      expect(node(4, 'Conversion').dataset.value).toBe('2');
      expect(nodes().some((n) => n.dataset.kind === 'dropoff')).toBe(false);
      expect(screen.getByRole('group', { name: 'Journey Sankey of persons, 4 steps' })).toBeTruthy();
      expect(
        within(screen.getByRole('group', { name: 'Paths' }))
          .getAllByRole('button')
          .map((b) => b.textContent),
      ).toEqual(['From first step', 'Before conversion']);
    });

    it('focus and Explore in Looker name the column in its own words and filter its field', async () => {
      const looker = answering({ rows: ANCHORED });
      renderWithLooker(<App />, looker, '/journeys?anchor=conversion&steps=3');
      await screen.findAllByTestId('sankey-node');
      fireEvent.click(node(3, 'Pricing'));
      expect((await screen.findByTestId('focus-bar')).textContent).toMatch(/Focused on 1 step before: Pricing/);
      expect(screen.queryByTestId('use-as-landing')).toBeNull();
      fireEvent.mouseMove(node(3, 'Pricing'));
      expect(screen.getByTestId('sankey-tooltip').textContent).toMatch(/^Pricing, 1 step before: 4 persons/);
      fireEvent.click(screen.getByTestId('explore-in-looker'));
      expect(decodeURIComponent(looker.extensionSDK.updateLocation.mock.calls[0][0])).toContain(`f[${jp.before(1)}]=Pricing`);
      // The unlabelled conversion is the conversion step's NULL; alone in its column, it is still drawn.
      fireEvent.click(node(3, 'Pricing'));
      await waitFor(() => expect(screen.queryByTestId('focus-bar')).toBeNull());
      fireEvent.click(node(4, 'Conversion'));
      await waitFor(() => expect(screen.getByTestId('focus-bar').textContent).toMatch(/Focused on conversion: Conversion/));
      fireEvent.click(screen.getByTestId('explore-in-looker'));
      expect(decodeURIComponent(looker.extensionSDK.updateLocation.mock.calls[1][0])).toContain(`f[${jp.conversionStep}]=NULL`);
      expect(nodes().map((n) => n.querySelector('rect')!.getAttribute('x'))).toEqual(['8']);
    });

    it('the Paths toggle switches to it in the URL and clears the focus', async () => {
      const looker = answering();
      const { location } = renderWithLooker(<App />, looker, `/journeys?focus=${encodeURIComponent('2|step|Pricing')}`);
      await screen.findAllByTestId('sankey-node');
      fireEvent.click(within(screen.getByRole('group', { name: 'Paths' })).getByRole('button', { name: 'Before conversion' }));
      await waitFor(() => expect(new URLSearchParams(location().search).get('anchor')).toBe('conversion'));
      expect(new URLSearchParams(location().search).get('focus')).toBeNull();
      await waitFor(() => expect(looker.queries().filter(isPaths).at(-1)!.fields[0]).toBe(jp.before(5)));
    });
  });
  it('a minimum match probability from the URL filters name-matched events below it, per event', async () => {
    const looker = answering();
    renderWithLooker(<App />, looker, '/journeys?date=90%20days&min_probability=0.9');
    await screen.findAllByTestId('sankey-node');
    const last = looker.queries().filter(isPaths).at(-1)!;
    expect(last.filters?.[jp.filterMatchProbability]).toBe('>=0.9');
    // Persons stay: the person-level status filter is unchanged, and the summary counts the same events.
    expect(last.filters?.[jp.filterIdentityStatus]).toBe('confirmed,inferred,anonymous');
    expect(looker.queries().filter(isSummary).at(-1)!.filters).toEqual(last.filters);
    expect(screen.getByTestId('filter-min-probability')).toBeTruthy();
  });

  it('no minimum match probability by default: no filter is sent', async () => {
    const looker = answering();
    renderWithLooker(<App />, looker, '/journeys?date=90%20days');
    await screen.findAllByTestId('sankey-node');
    expect(looker.queries().find(isPaths)!.filters?.[jp.filterMatchProbability]).toBeUndefined();
  });

  it('"Leave out name-matched events" filters events, not persons: the paths query gets -inferred on the event status', async () => {
    const looker = answering();
    const { location } = renderWithLooker(<App />, looker, '/journeys?date=90%20days');
    await screen.findAllByTestId('sankey-node');
    expect(looker.queries().find(isPaths)!.filters?.[jp.filterEventStatus]).toBeUndefined();
    fireEvent.click(screen.getByRole('checkbox', { name: 'Leave out name-matched events' }));
    await waitFor(() => expect(new URLSearchParams(location().search).get('inferred')).toBe('exclude'));
    await waitFor(() => expect(looker.queries().filter(isPaths).at(-1)!.filters?.[jp.filterEventStatus]).toBe('-inferred'));
    const last = looker.queries().filter(isPaths).at(-1)!;
    // The inferred persons stay: the person-level status filter is unchanged.
    expect(last.filters?.[jp.filterIdentityStatus]).toBe('confirmed,inferred,anonymous');
    expect(looker.queries().filter(isSummary).at(-1)!.filters).toEqual(last.filters);
  });

  describe('default date range over data that stopped earlier', () => {
    it('ends at the latest event and says so; the URL keeps no date until a filter changes', async () => {
      const looker = answering(undefined, undefined, '2024-03-05');
      const { location } = renderWithLooker(<App />, looker, '/journeys');
      await screen.findAllByTestId('sankey-node');
      expect(looker.queries().find((q) => q.view === EXPLORES.persons)).toEqual({
        model: LOOKER_MODEL,
        view: EXPLORES.persons,
        fields: [PERSON_FIELDS.lastSeenDate],
        sorts: [`${PERSON_FIELDS.lastSeenDate} desc`],
        limit: '1',
      });
      // Looker's "A to B" excludes B: 2023-12-07 … 2024-03-05 inclusive is 90 days.
      expect(looker.queries().find(isPaths)!.filters?.[jp.filterDate]).toBe('2023/12/07 to 2024/03/06');
      expect(looker.queries().filter(isPaths)).toHaveLength(1);
      expect(screen.getByTestId('latest-range-note').textContent).toBe(
        'No events in the last 90 days: the range shows the 90 days up to the latest event, on 2024-03-05.',
      );
      expect(location().search).toBe('');
      fireEvent.click(within(screen.getByRole('group', { name: 'Count' })).getByRole('button', { name: 'Sessions' }));
      await waitFor(() => expect(new URLSearchParams(location().search).get('to')).toBe('2024-03-05'));
    });

    it('recent data keeps "Last 90 days"', async () => {
      const recent = answering();
      renderWithLooker(<App />, recent, '/journeys');
      await screen.findAllByTestId('sankey-node');
      expect(recent.queries().find(isPaths)!.filters?.[jp.filterDate]).toBe('90 days');
      expect(screen.queryByTestId('latest-range-note')).toBeNull();
    });

    it('a date in the URL asks for no latest event', async () => {
      const looker = answering(undefined, undefined, '2024-03-05');
      renderWithLooker(<App />, looker, '/journeys?date=30%20days');
      await screen.findAllByTestId('sankey-node');
      expect(looker.queries().some((q) => q.fields.includes(PERSON_FIELDS.lastSeenDate))).toBe(false);
      expect(looker.queries().find(isPaths)!.filters?.[jp.filterDate]).toBe('30 days');
    });
  });
});

describe('Journeys view: first touch (channels, UTM, referrer, landing path)', () => {
  it('sends the first-touch filters from the URL as path-view dimension filters (landing path: contains)', async () => {
    const looker = answering({ rows: [] }, { rows: [SUMMARY_ROW] });
    renderWithLooker(
      <App />,
      looker,
      '/journeys?channel=Paid%20Search&channel=Organic%20Social&utm_source=linkedin&utm_medium=social&utm_campaign=blog-promotion&referrer=google.com&landing_path=Pricing_2',
    );
    await screen.findByTestId('empty-state');
    const paths = looker.queries().find(isPaths)!;
    expect(paths.filters).toEqual({
      [jp.filterIdentityStatus]: 'confirmed,inferred,anonymous',
      [jp.filterDate]: '90 days',
      [jp.channel]: 'Paid Search,Organic Social',
      [jp.utmSource]: 'linkedin',
      [jp.utmMedium]: 'social',
      [jp.utmCampaign]: 'blog-promotion',
      [jp.referrerDomain]: 'google.com',
      [jp.landingPagePath]: '%Pricing^_2%',
    });
    expect(looker.queries().find(isSummary)!.filters).toEqual(paths.filters);
    expect(looker.queries().find(isBreakdown)!.filters).toEqual(paths.filters);
  });

  it('conversion rate by first-touch channel: a table from its own query, n/a where nothing converts or counts; another field on choice', async () => {
    const looker = answering();
    const { location } = renderWithLooker(<App />, looker, '/journeys');
    await screen.findAllByTestId('breakdown-row');
    expect(looker.queries().find(isBreakdown)).toEqual({
      model: LOOKER_MODEL,
      view: EXPLORES.journeys,
      fields: [jp.channel, jp.count, jp.conversions, jp.conversionRate],
      filters: { [jp.filterIdentityStatus]: 'confirmed,inferred,anonymous', [jp.filterDate]: '90 days' },
      sorts: [`${jp.count} desc`],
      limit: '50',
    });
    const rows = screen.getAllByTestId('breakdown-row');
    expect(rows.map((r) => r.textContent)).toEqual(['Organic Search40615.0%', 'Direct2514.0%', '(none)00n/a']);
    // The summary says the rate too.
    expect(screen.getByTestId('summary-conversion-rate').textContent).toContain('15.0%');

    fireEvent.click(screen.getByRole('textbox', { name: 'Conversion rate by first touch' }));
    fireEvent.click(await screen.findByRole('option', { name: 'UTM campaign' }));
    await waitFor(() => expect(location().search).toBe('?breakdown=utm_campaign'));
    await waitFor(() => expect(looker.queries().filter(isBreakdown).at(-1)!.fields[0]).toBe(jp.utmCampaign));
    // Only the breakdown runs again: the paths did not change.
    expect(looker.queries().filter(isPaths)).toHaveLength(1);
  });

  it('before the conversion, the breakdown keeps every journey (a rate over converted journeys only would be 100%)', async () => {
    const looker = answering();
    renderWithLooker(<App />, looker, '/journeys?anchor=conversion');
    await screen.findAllByTestId('breakdown-row');
    expect(looker.queries().find(isPaths)!.filters?.[jp.converted]).toBe('Yes');
    expect(looker.queries().find(isBreakdown)!.filters?.[jp.converted]).toBeUndefined();
    expect(screen.getByTestId('breakdown-note').textContent).toMatch(/converted or not/);
  });

  it('a source, channel or UTM value the data does not have is named, not a silent empty chart', async () => {
    const looker = answering();
    renderWithLooker(<App />, looker, '/journeys?source=webb&utm_source=linkedin&utm_medium=emial&channel=Organic%20Social');
    await waitFor(() => expect(screen.getAllByTestId('unknown-filter-values')).toHaveLength(2));
    const [source, medium] = screen.getAllByTestId('unknown-filter-values').map((m) => m.textContent);
    expect(source).toBe(
      'Source "webb" is not in the data of this date range (source values there: linkedin, web): no journey can match it.',
    );
    expect(medium).toBe(
      'UTM medium "emial" is not in the data of this date range (UTM medium values there: email, social): no journey can match it.',
    );
  });

  it('no message while the options are unknown or cut by their row limit', async () => {
    const looker = fakeLooker((q) => {
      if (isTouchOptions(q))
        return { rows: TOUCH_ROWS.concat(Array.from({ length: 997 }, (_, i) => ({ [EVENT_FIELDS.utmSource]: `s${i}` }))) };
      if (isSources(q)) return { pending: true };
      if (isBreakdown(q)) return { rows: [] };
      if (isPaths(q) || isSummary(q)) return { rows: [] };
      return { rows: [] };
    });
    renderWithLooker(<App />, looker, '/journeys?date=30%20days&source=webb&utm_source=nowhere');
    await waitFor(() => expect(looker.queries().some(isTouchOptions)).toBe(true));
    await screen.findByTestId('empty-state');
    expect(screen.queryByTestId('unknown-filter-values')).toBeNull();
  });

  it('landing page path: suggestions from the sessions in the range, applied on Enter as a contains filter', async () => {
    const looker = answering();
    const { location } = renderWithLooker(<App />, looker, '/journeys');
    await screen.findAllByTestId('sankey-node');
    expect(looker.queries().find(isLandingPaths)).toEqual({
      model: LOOKER_MODEL,
      view: EXPLORES.persons,
      fields: [SESSION_FIELDS.landingPagePath, SESSION_FIELDS.count],
      filters: { [SESSION_FIELDS.startedDate]: '90 days', [SESSION_FIELDS.landingPagePath]: '-NULL' },
      sorts: [`${SESSION_FIELDS.count} desc`],
      limit: '100',
    });
    await waitFor(() =>
      expect([...screen.getByTestId('landing-path-suggestions').querySelectorAll('option')].map((o) => o.value)).toEqual([
        '/blog/identity-stitching',
        '/pricing',
      ]),
    );
    const input = within(screen.getByTestId('filter-landing-path')).getByRole('combobox');
    expect(input.getAttribute('list')).toBe(screen.getByTestId('landing-path-suggestions').id);
    fireEvent.change(input, { target: { value: ' pricing ' } });
    fireEvent.keyDown(input, { key: 'Enter' });
    await waitFor(() => expect(location().search).toBe('?landing_path=pricing'));
    await waitFor(() => expect(looker.queries().filter(isPaths).at(-1)!.filters?.[jp.landingPagePath]).toBe('%pricing%'));
  });
});
