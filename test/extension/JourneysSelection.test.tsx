/**
 * Who is behind a node or link (issue 24 items 2 and 5): the panel's queries and what it shows, the focused summary,
 * Other and drop-off carried into Looker, links selected by click and by keyboard (the onward buttons), the medians
 * in the tooltips, and the persons list with and without the personal-data grant. The view is rendered with a fake
 * ExtensionContext40 (support/fakeLooker.tsx) answering json_detail.
 */
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { EVENT_FIELDS, EXPLORES, PERSON_FIELDS, pathFields } from '../../src/contract/looker';
import { toIsoDate } from '../../src/extension/journeys/FilterBar';
import { App } from '../../src/extension/App';
import { linkFocusId } from '../../src/extension/sankey/transform';
import type { InlineQuery } from '../../src/extension/looker/queries';
import { fakeLooker, renderWithLooker, type FakeAnswer, type PlainRow } from './support/fakeLooker';
import { isGap, isPaths, isPersons, isSubset, isSummary, PERSON_ROWS } from './support/journeyQueries';

const jp = pathFields('journey_paths');
const today = () => toIsoDate(new Date());

const row = (steps: (string | null)[], count: number, inferred: boolean[] = []): PlainRow => ({
  ...Object.fromEntries(steps.map((s, i) => [jp.step(i + 1), s])),
  ...Object.fromEntries(inferred.map((f, i) => [jp.stepInferred(i + 1), f ? 'Yes' : 'No'])),
  [jp.count]: count,
});
// Three steps, top 2 per step: column 1 keeps Home and Blog; Docs and Careers fold into Other.
const PATH_ROWS: PlainRow[] = [
  row(['Home', 'Pricing', 'Signup'], 40),
  row(['Home', null, null], 25),
  row(['LinkedIn: liked', 'Home', 'Pricing'], 15, [true, false, false]),
  row(['Blog', 'Pricing', null], 12),
  row(['Docs', 'Pricing', null], 5),
  row(['Careers', null, null], 3),
];
const SUMMARY_ROW: PlainRow = { [jp.count]: 100, [jp.identifiedCount]: 30, [jp.inferredCount]: 6, [jp.conversions]: 12 };
const SUBSET_ROW: PlainRow = {
  [jp.count]: 40,
  [jp.identifiedCount]: 20,
  [jp.inferredCount]: 2,
  [jp.conversions]: 10,
  [jp.medianStepToNext(1)]: 7200,
  [jp.medianStepToNext(2)]: 129600,
};

function answering(
  persons: FakeAnswer = { rows: PERSON_ROWS },
  gaps: (q: InlineQuery) => PlainRow[] = () => [],
  subset: PlainRow = SUBSET_ROW,
) {
  return fakeLooker((q) => {
    if (isGap(q)) return { rows: gaps(q) };
    if (isPersons(q)) return persons;
    if (isSubset(q)) return { rows: [subset] };
    if (isPaths(q)) return { rows: PATH_ROWS };
    if (isSummary(q)) return { rows: [SUMMARY_ROW] };
    if (q.view === EXPLORES.persons) return { rows: [{ [PERSON_FIELDS.lastSeenDate]: today() }] };
    if (q.view === EXPLORES.events) return { rows: [{ [EVENT_FIELDS.source]: 'web' }] };
    throw new Error(`unexpected query ${JSON.stringify(q)}`);
  });
}

const node = (step: number, label: string) =>
  screen.getAllByTestId('sankey-node').find((n) => n.dataset.step === String(step) && n.dataset.label === label)!;
const link = (source: string, target: string) =>
  screen.getAllByTestId('sankey-link').find((l) => l.dataset.source === source && l.dataset.target === target)!;

describe('who is behind a node or link', () => {
  it('a node opens its persons with the subset count, conversions and rate; the summary counts the focused journeys', async () => {
    const looker = answering();
    const { location } = renderWithLooker(<App />, looker, '/journeys?top=2&steps=3');
    await screen.findAllByTestId('sankey-node');
    expect(screen.getByTestId('summary-conversion-rate').textContent).toContain('12.0%');
    fireEvent.click(node(2, 'Pricing').querySelector('rect')!);
    const panel = await screen.findByTestId('selection-panel');
    expect(within(panel).getByRole('heading').textContent).toBe('Who is behind Pricing, step 2');

    // Its totals and medians: one query, the paths' filters plus the node's column.
    const subset = looker.queries().find(isSubset)!;
    expect(subset.filters).toEqual({
      [jp.filterIdentityStatus]: 'confirmed,inferred,anonymous',
      [jp.filterDate]: '90 days',
      [jp.step(2)]: 'Pricing',
    });
    expect(subset.fields).toEqual([
      jp.count,
      jp.identifiedCount,
      jp.inferredCount,
      jp.conversions,
      jp.medianStepToNext(1),
      jp.medianStepToNext(2),
    ]);
    await waitFor(() =>
      expect(within(panel).getByTestId('selection-summary').textContent).toBe(
        '40 persons, 10 conversions, conversion rate 25.0%; median 2.0 h from the previous step; 1.5 days to the next.',
      ),
    );
    // The summary numbers are the focused journeys', and say so with the whole diagram's.
    expect(screen.getByTestId('summary-count').dataset.value).toBe('40');
    expect(screen.getByTestId('summary-conversions').dataset.value).toBe('10');
    expect(screen.getByTestId('summary-conversion-rate').dataset.value).toBe('0.25');
    expect(screen.getByTestId('summary-focus-note').textContent).toMatch(
      /Focused on Pricing, step 2: the figures below count its 40 persons, of all 100 persons with 12 conversions \(12\.0%\)/,
    );
    // The node's tooltip has the medians too.
    fireEvent.mouseMove(node(2, 'Pricing'));
    expect(screen.getByTestId('sankey-tooltip').textContent).toMatch(/; median 2\.0 h from the previous step; 1\.5 days to the next$/);

    // The persons: status, steps, events, converted; names and emails with the grant.
    const persons = looker.queries().find(isPersons)!;
    expect(persons.fields).toEqual([
      jp.personId,
      jp.identityStatus,
      jp.stepCount,
      jp.converted,
      PERSON_FIELDS.eventCount,
      PERSON_FIELDS.name,
      PERSON_FIELDS.email,
    ]);
    expect(persons.filters?.[jp.step(2)]).toBe('Pricing');
    expect(persons.limit).toBe('50');
    const rows = await within(panel).findAllByTestId('selection-person');
    expect(rows.map((r) => r.dataset.personId)).toEqual(['u:aaa', 'u:bbb']);
    expect(
      within(rows[0])
        .getAllByRole('cell')
        .map((c) => c.textContent),
    ).toEqual(['Wei Bennett', 'wei@acme.nl', 'inferred', '3', '12', 'Yes']);
    expect(screen.queryByTestId('limit-notice')).toBeNull();

    // Explore in Looker: the same persons.
    fireEvent.click(within(panel).getByTestId('selection-explore'));
    const url = decodeURIComponent(looker.extensionSDK.updateLocation.mock.calls[0][0]);
    expect(url).toMatch(/^\/explore\/journey_stitch\/journeys\?fields=journey_paths\.person_id,/);
    expect(url).toContain(`f[${jp.step(2)}]=Pricing`);
    expect(url).toContain(PERSON_FIELDS.eventCount);

    // A row opens the Person view for that person.
    fireEvent.click(within(rows[1]).getByRole('button', { name: 'Open person Ann Lee' }));
    await waitFor(() => expect(location().pathname).toBe('/person'));
    expect(new URLSearchParams(location().search).get('id')).toBe('u:bbb');
  });

  it('without the grant: no name or email column, the pseudonymous id, and a note', async () => {
    const hidden: FakeAnswer = { rows: PERSON_ROWS, hiddenFields: [PERSON_FIELDS.name, PERSON_FIELDS.email] };
    const looker = answering(hidden);
    renderWithLooker(<App />, looker, `/journeys?top=2&steps=3&focus=${encodeURIComponent('1|step|Home')}`);
    const panel = await screen.findByTestId('selection-panel');
    const rows = await within(panel).findAllByTestId('selection-person');
    expect(
      within(rows[0])
        .getAllByRole('cell')
        .map((c) => c.textContent),
    ).toEqual(['inferred', '3', '12', 'Yes']);
    expect(
      within(panel)
        .getAllByRole('columnheader')
        .map((h) => h.textContent),
    ).toEqual(['Person', 'Status', 'Steps', 'Events', 'Converted']);
    expect(panel.textContent).not.toMatch(/Wei|acme/);
    expect(within(rows[0]).getByRole('button').textContent).toBe('u:aaa');
    expect(within(panel).getByTestId('selection-pii-note')).toBeTruthy();
    // Nor does Looker get the personal fields from the panel's explore link.
    fireEvent.click(within(panel).getByTestId('selection-explore'));
    expect(decodeURIComponent(looker.extensionSDK.updateLocation.mock.calls[0][0])).not.toMatch(/persons\.(name|email)/);
  });

  it('says when the list shows the first 50 only, and of how many', async () => {
    const many = Array.from({ length: 50 }, (_, i) => ({ ...PERSON_ROWS[1], [jp.personId]: `u:${i}` }));
    renderWithLooker(
      <App />,
      answering({ rows: many }, undefined, { ...SUBSET_ROW, [jp.count]: 65 }),
      `/journeys?top=2&steps=3&focus=${encodeURIComponent('1|step|Home')}`,
    );
    const panel = await screen.findByTestId('selection-panel');
    await waitFor(() =>
      expect(within(panel).getByTestId('limit-notice').textContent).toMatch(/Showing the first 50 of 65 persons \(the server-side limit\)/),
    );
    expect(within(panel).getAllByTestId('selection-person')).toHaveLength(50);
  });

  it('Other is carried as none of the labels its column keeps, and not empty, into the panel and Explore in Looker', async () => {
    const looker = answering();
    renderWithLooker(<App />, looker, '/journeys?top=2&steps=3');
    await screen.findAllByTestId('sankey-node');
    fireEvent.click(node(1, 'Other').querySelector('rect')!);
    await screen.findByTestId('selection-panel');
    // Column 1 keeps Home (65) and LinkedIn: liked (15); Blog, Docs, Careers are Other.
    const expected = '-Home,-LinkedIn: liked,-NULL';
    expect(looker.queries().find(isSubset)!.filters?.[jp.step(1)]).toBe(expected);
    expect(looker.queries().find(isPersons)!.filters?.[jp.step(1)]).toBe(expected);
    expect(screen.getByTestId('other-note').textContent).toMatch(/none of the labels this column draws \(2 of them\)/);
    fireEvent.click(screen.getByTestId('explore-in-looker'));
    expect(decodeURIComponent(looker.extensionSDK.updateLocation.mock.calls[0][0])).toContain(`f[${jp.step(1)}]=${expected}`);
  });

  it('a drop-off is its column empty after a step in the previous one', async () => {
    const looker = answering();
    renderWithLooker(<App />, looker, `/journeys?top=2&steps=3&focus=${encodeURIComponent('2|dropoff|Drop-off')}`);
    await screen.findByTestId('selection-panel');
    expect(looker.queries().find(isSubset)!.filters).toMatchObject({ [jp.step(2)]: 'NULL', [jp.step(1)]: '-NULL' });
    expect(screen.getByTestId('selection-panel').querySelector('h3')!.textContent).toBe('Who is behind Drop-off after step 1');
  });

  it('a click on a link focuses its journeys (both columns filtered); the node panel offers its links to keyboard users', async () => {
    const looker = answering();
    const { location } = renderWithLooker(<App />, looker, '/journeys?top=2&steps=3');
    await screen.findAllByTestId('sankey-node');
    fireEvent.click(link('1|step|Home', '2|step|Pricing'));
    await waitFor(() => expect(new URLSearchParams(location().search).get('focus')).toBe(linkFocusId('1|step|Home', '2|step|Pricing')));
    const panel = await screen.findByTestId('selection-panel');
    expect(panel.querySelector('h3')!.textContent).toBe('Who is behind Home → Pricing, step 1 to step 2');
    await waitFor(() =>
      expect(looker.queries().filter(isSubset).at(-1)!.filters).toMatchObject({ [jp.step(1)]: 'Home', [jp.step(2)]: 'Pricing' }),
    );
    expect(looker.queries().filter(isSubset).at(-1)!.fields.at(-1)).toBe(jp.medianStepToNext(1));
    // The chart draws only the link's journeys: Home → Pricing (40), and marks the link.
    expect(node(1, 'Home').dataset.value).toBe('40');
    expect(link('1|step|Home', '2|step|Pricing').dataset.selected).toBe('true');
    expect(screen.getByTestId('focus-bar').textContent).toMatch(/Focused on Home → Pricing, step 1 to step 2/);

    // From a node's panel, its outgoing links are buttons: the keyboard way to a link.
    fireEvent.click(screen.getByTestId('clear-focus'));
    await waitFor(() => expect(location().search).toBe('?steps=3&top=2'));
    fireEvent.keyDown(node(1, 'Home'), { key: 'Enter' });
    const onward = await screen.findAllByTestId('onward-link');
    expect(onward.map((b) => b.textContent)).toEqual(['→ Pricing (40)', '→ Drop-off (25)']);
    fireEvent.click(onward[1]);
    await waitFor(() => expect(new URLSearchParams(location().search).get('focus')).toBe(linkFocusId('1|step|Home', '2|dropoff|Drop-off')));
    await waitFor(() =>
      expect(looker.queries().filter(isSubset).at(-1)!.filters).toMatchObject({ [jp.step(1)]: 'Home', [jp.step(2)]: 'NULL' }),
    );
  });

  it('link tooltips carry the median time between their steps; Other and drop-off say why they do not', async () => {
    const gaps = (q: InlineQuery): PlainRow[] =>
      q.fields[2] === jp.medianStepToNext(1)
        ? [
            { [jp.step(1)]: 'Home', [jp.step(2)]: 'Pricing', [jp.medianStepToNext(1)]: 90 },
            { [jp.step(1)]: 'Home', [jp.step(2)]: null, [jp.medianStepToNext(1)]: null },
          ]
        : [];
    const looker = answering(undefined, gaps);
    renderWithLooker(<App />, looker, '/journeys?top=2&steps=3');
    await screen.findAllByTestId('sankey-node');
    // One query per pair of neighbouring columns, with the paths' filters.
    await waitFor(() =>
      expect(
        looker
          .queries()
          .filter(isGap)
          .map((q) => q.fields),
      ).toEqual([
        [jp.step(1), jp.step(2), jp.medianStepToNext(1)],
        [jp.step(2), jp.step(3), jp.medianStepToNext(2)],
      ]),
    );
    await waitFor(() => {
      fireEvent.mouseMove(link('1|step|Home', '2|step|Pricing'));
      expect(screen.getByTestId('sankey-tooltip').textContent).toBe(
        'Home → Pricing: 40 persons (62% of Home, 40% of all); median 2 min between them',
      );
    });
    fireEvent.mouseMove(link('1|other|Other', '2|step|Pricing'));
    expect(screen.getByTestId('sankey-tooltip').textContent).toMatch(/median time: select the link \(Other folds several steps\)$/);
    fireEvent.mouseMove(link('1|step|Home', '2|dropoff|Drop-off'));
    expect(screen.getByTestId('sankey-tooltip').textContent).not.toMatch(/median/);
  });
});

describe('inferred steps, comparison, CSV and typed dates in the view', () => {
  it('marks the steps name-matched events made (hatched node foot, dashed link) with a legend', async () => {
    renderWithLooker(<App />, answering(), '/journeys?top=2&steps=3');
    await screen.findAllByTestId('sankey-node');
    expect(node(1, 'LinkedIn: liked').dataset.inferred).toBe('15');
    expect(node(1, 'LinkedIn: liked').querySelector('[data-testid=sankey-node-inferred]')).not.toBeNull();
    expect(node(1, 'Home').querySelector('[data-testid=sankey-node-inferred]')).toBeNull();
    expect(screen.getByTestId('inferred-legend').textContent).toMatch(/name-matched \(inferred\) event/);
    fireEvent.mouseMove(node(1, 'LinkedIn: liked'));
    expect(screen.getByTestId('sankey-tooltip').textContent).toMatch(
      /; all of them by a name-matched \(inferred\) event\)(; \d+ converted \(.*\))?$/,
    );
  });

  it('compares with and without name-matched events side by side, the same label in the same colour', async () => {
    const looker = answering();
    const { location } = renderWithLooker(<App />, looker, '/journeys?top=2&steps=3&compare=inferred');
    const sides = await screen.findAllByTestId('compare-side');
    expect(sides.map((s) => s.dataset.segment)).toEqual(['With name-matched events', 'Without name-matched events']);
    await waitFor(() => expect(sides.every((s) => within(s).queryAllByTestId('sankey-node').length > 0)).toBe(true));
    // Each side's own paths query: the right one leaves name-matched events out.
    const paths = looker.queries().filter(isPaths);
    expect(paths.map((q) => q.filters?.[jp.filterEventStatus])).toEqual([undefined, '-inferred']);
    const fill = (side: HTMLElement, label: string) =>
      within(side)
        .getAllByTestId('sankey-node')
        .find((n) => n.dataset.step === '1' && n.dataset.label === label)!
        .querySelector('rect')!
        .getAttribute('fill');
    expect(fill(sides[0], 'Home')).toBe(fill(sides[1], 'Home'));
    expect(fill(sides[0], 'LinkedIn: liked')).toBe(fill(sides[1], 'LinkedIn: liked'));
    expect(screen.getByRole('group', { name: /^Without name-matched events: Journey Sankey/ })).toBeTruthy();
    expect(screen.queryByTestId('selection-panel')).toBeNull();
    // A click opens that side alone, focused.
    fireEvent.click(
      within(sides[1])
        .getAllByTestId('sankey-node')
        .find((n) => n.dataset.label === 'Home')!
        .querySelector('rect')!,
    );
    await waitFor(() => expect(new URLSearchParams(location().search).get('inferred')).toBe('exclude'));
    expect(new URLSearchParams(location().search).get('compare')).toBeNull();
    expect(new URLSearchParams(location().search).get('focus')).toBe('1|step|Home');
  });

  it('downloads the path rows and the persons as CSV (no names or emails without the grant)', async () => {
    const saved: { name: string; text: Promise<string> }[] = [];
    // jsdom's Blob has no text(): FileReader reads it.
    const read = (blob: Blob) =>
      new Promise<string>((resolve) => {
        const r = new FileReader();
        r.onload = () => resolve(String(r.result));
        r.readAsText(blob);
      });
    const created = jest.fn((blob: Blob) => {
      saved.push({ name: '', text: read(blob) });
      return `blob:${saved.length}`;
    });
    Object.assign(URL, { createObjectURL: created, revokeObjectURL: jest.fn() });
    const click = jest.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      saved[saved.length - 1].name = this.download;
    });
    try {
      const hidden: FakeAnswer = { rows: PERSON_ROWS, hiddenFields: [PERSON_FIELDS.name, PERSON_FIELDS.email] };
      renderWithLooker(<App />, answering(hidden), `/journeys?top=2&steps=3&focus=${encodeURIComponent('1|step|Home')}`);
      await screen.findAllByTestId('selection-person');
      fireEvent.click(screen.getByTestId('paths-csv'));
      fireEvent.click(screen.getByTestId('selection-csv'));
      expect(saved.map((s) => s.name)).toEqual(['journey-paths.csv', 'journey-persons.csv']);
      const [paths, persons] = await Promise.all(saved.map((s) => s.text));
      expect(paths.split('\r\n')[0]).toBe('Step 1,Step 2,Step 3,Step 1 inferred,Step 2 inferred,Step 3 inferred,persons');
      expect(paths).toContain('LinkedIn: liked,Home,Pricing,yes,no,no,15');
      expect(paths.trim().split('\r\n')).toHaveLength(PATH_ROWS.length + 1);
      expect(persons).toBe('person_id,identity_status,steps,events,converted\r\nu:aaa,inferred,3,12,yes\r\nu:bbb,confirmed,2,4,no\r\n');
    } finally {
      click.mockRestore();
    }
  });

  it('a custom range takes ISO dates typed in, and says so when text is no date', async () => {
    const looker = answering();
    const { location } = renderWithLooker(<App />, looker, '/journeys?date=custom');
    const group = screen.getByTestId('filter-date-range');
    const [start, end] = within(group).getAllByRole('textbox') as HTMLInputElement[];
    fireEvent.change(start, { target: { value: '2026-01-01' } });
    fireEvent.blur(start);
    await waitFor(() => expect(new URLSearchParams(location().search).get('from')).toBe('2026-01-01'));
    fireEvent.change(end, { target: { value: 'soon' } });
    fireEvent.blur(end);
    await waitFor(() =>
      expect(group.textContent).toMatch(/End date: "soon" is not a date: type it as YYYY-MM-DD \(2026-01-01\) or MM\/DD\/YYYY/),
    );
    expect(new URLSearchParams(location().search).get('to')).toBeNull();
    fireEvent.change(end, { target: { value: '2026-01-31' } });
    fireEvent.keyDown(end, { key: 'Enter' });
    await waitFor(() => expect(new URLSearchParams(location().search).get('to')).toBe('2026-01-31'));
    await waitFor(() => expect(looker.queries().find(isPaths)!.filters?.[jp.filterDate]).toBe('2026/01/01 to 2026/02/01'));
    expect(group.textContent).not.toMatch(/not a date/);
  });
});
