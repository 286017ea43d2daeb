/**
 * The Person view for keyboard and screen-reader users, on the demo data (fixtures/demo-person.json): search results
 * as a listbox of named options with the count announced politely, a heading per section, and a timeline table
 * whose rows read as time, source, step, device and identity in words.
 */
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { EXPLORES, PERSON_FIELDS } from '../../src/contract/looker';
import { App } from '../../src/extension/App';
import { TIMELINE_INFERRED_NOTE } from '../../src/extension/person/Timeline';
import { fakeLooker, renderWithLooker } from './support/fakeLooker';
import { demoPerson, demoPersonLooker } from './support/demoPerson';

const typeSearch = (text: string) => fireEvent.change(screen.getByRole('textbox', { name: 'Find a person' }), { target: { value: text } });
const press = (key: string) => fireEvent.keyDown(document.activeElement!, { key });
const active = () => document.activeElement as HTMLElement;
const personUrl = `/person?id=${encodeURIComponent(demoPerson.personId)}`;
const ANANYA = demoPerson.personId;

describe('Person view accessibility (demo data)', () => {
  it('search results are a listbox of named options; their count is announced by a polite live region', async () => {
    const { location } = renderWithLooker(<App />, demoPersonLooker(), '/person');
    // The region is there, empty, before any search: a region that appears with its text may not be announced.
    const region = screen.getByTestId('person-result-count');
    expect(region.getAttribute('role')).toBe('status');
    expect(region.getAttribute('aria-live')).toBe('polite');
    expect(region.textContent).toBe('');

    typeSearch(demoPerson.term);
    const listbox = await screen.findByRole('listbox', { name: '9 matching persons' });
    expect(screen.getByTestId('person-result-count')).toBe(region);
    expect(region.textContent).toBe('9 persons match "Thomas".');

    const options = within(listbox).getAllByRole('option');
    expect(options).toHaveLength(9);
    expect(options[0]).toBe(
      screen.getByRole('option', {
        name: `Ananya Thomas, ananya.thomas332@oscorp-group.com, identity inferred, 25 events, person id ${ANANYA}`,
      }),
    );
    expect(screen.getByRole('option', { name: /^Michael Thomas, email unknown, identity unmatched, 2 events, person id p:/ })).toBeTruthy();
    expect(options.map((o) => o.getAttribute('aria-selected'))).toEqual(Array(9).fill('false'));

    // One tab stop; arrows, Home and End move along the list; Enter opens the person.
    expect(options.filter((o) => o.tabIndex === 0)).toEqual([options[0]]);
    options[0].focus();
    expect(press('ArrowDown')).toBe(false); // handled: the page does not scroll
    expect(active()).toBe(options[1]);
    press('End');
    expect(active()).toBe(options[8]);
    press('ArrowDown'); // the last: stays
    expect(active()).toBe(options[8]);
    press('Home');
    expect(active()).toBe(options[0]);
    press('ArrowDown');
    expect(options.filter((o) => o.tabIndex === 0)).toEqual([options[1]]);
    press('Enter');
    const second = options[1].dataset.personId!;
    await waitFor(() => expect(new URLSearchParams(location().search).get('id')).toBe(second));
    expect(options[1].getAttribute('aria-selected')).toBe('true');
    press(' ');
    expect(press('Tab')).toBe(true); // Tab still leaves the list

    typeSearch('zz');
    await waitFor(() => expect(region.textContent).toBe('No person matches "zz".'));
    expect(screen.queryByRole('listbox')).toBeNull();
  });

  it('the page has one h2, then a heading per section: the matches, the person, and the timeline under them', async () => {
    renderWithLooker(<App />, demoPersonLooker(), personUrl);
    await screen.findAllByTestId('timeline-row');
    typeSearch(demoPerson.term);
    await screen.findByRole('listbox', {}, { timeout: 10_000 });
    const headings = screen.getAllByRole('heading').map((h) => [h.tagName, h.textContent]);
    expect(headings).toEqual([
      ['H2', "A person's journey"],
      ['H3', '9 matching persons'],
      ['H3', 'Ananya Thomas'],
      ['H4', 'Timeline'],
    ]);
    // The person shown is the selected option, and holds the list's tab stop.
    const ananya = screen.getByRole('option', { selected: true });
    expect(ananya.dataset.personId).toBe(ANANYA);
    expect(ananya.tabIndex).toBe(0);
    // The header's values are labelled for a screen reader where only their position tells them apart.
    const header = screen.getByTestId('person-header');
    expect(header.textContent).toBe(
      `Ananya Thomasananya.thomas332@oscorp-group.com · person id ${ANANYA} · identity status inferred · 25 events` +
        'First seen 2026-04-16 09:40:59 · Last seen 2026-09-23 06:05:10 · Converted 2026-04-16 12:29:32',
    );
  });

  it('a person whose name is hidden is headed by their id, never by a bare "hidden"', async () => {
    const fake = fakeLooker((q) =>
      q.view === EXPLORES.events
        ? { rows: [] }
        : { rows: demoPerson.person as Record<string, string | number | null>[], hiddenFields: [PERSON_FIELDS.name, PERSON_FIELDS.email] },
    );
    renderWithLooker(<App />, fake, `/person?id=${encodeURIComponent(ANANYA)}`);
    expect(await screen.findByRole('heading', { level: 3 })).toHaveProperty('textContent', `Person ${ANANYA}`);
    expect(
      within(screen.getByTestId('person-header'))
        .getAllByTestId('pii-hidden')
        .map((e) => e.textContent),
    ).toEqual(['name hidden', 'email hidden']);
  });

  it('the timeline is a table named by its heading: each row reads time, source, step, device and identity in words', async () => {
    renderWithLooker(<App />, demoPersonLooker(), personUrl);
    await screen.findAllByTestId('timeline-row');
    const table = screen.getByRole('table', {
      name: 'Timeline',
      description: /^25 events in 5 sessions, across 2 sources and 4 devices; 1 tied by name match only/,
    });
    expect(
      within(table)
        .getAllByRole('columnheader')
        .map((h) => [h.textContent, h.getAttribute('scope')]),
    ).toEqual([
      ['Time (UTC)', 'col'],
      ['Source', 'col'],
      ['Page or action', 'col'],
      ['Device (anonymous id)', 'col'],
      ['Identity (how tied)', 'col'],
    ]);
    // Each session is a row group headed by its facts in words (a th for the group), then its events.
    const groups = within(table).getAllByTestId('timeline-session');
    expect(groups).toHaveLength(5);
    const sessionHeader = within(groups[1]).getByTestId('session-header');
    expect([sessionHeader.tagName, sessionHeader.getAttribute('scope'), sessionHeader.getAttribute('colspan')]).toEqual([
      'TH',
      'rowgroup',
      '5',
    ]);
    expect(sessionHeader.textContent).toMatch(
      /^Session 2 · started 2026-04-16 12:13:05 · \d+ min · Organic Social · landed on Sessionising the GA4 BigQuery Export/,
    );
    const rows = within(table).getAllByTestId('timeline-row');
    expect(rows).toHaveLength(25);
    const read = (row: HTMLElement) => [
      within(row).getByRole('rowheader').textContent,
      ...within(row)
        .getAllByRole('cell')
        .map((c) => c.textContent),
    ];
    // The first event: a LinkedIn share tied by name only. No device is said, not drawn as a bare dash.
    expect(read(rows[0])).toEqual([
      '2026-04-16 09:40:59',
      'linkedin',
      'shared (offsite)',
      '—no device',
      'inferred · name matchprobability 0.99: rare name + company oscorp + LinkedIn visit',
    ]);
    expect(within(rows[0]).getByRole('cell', { name: 'no device' })).toBeTruthy();
    expect(read(rows[1])).toEqual([
      '2026-04-16 12:13:05',
      'web',
      'Sessionising the GA4 BigQuery Export — Example Analytics',
      'Device 13fb04411-2bfd-4613-a9da-ee24399745f0',
      'confirmed · device later identified',
    ]);
    // Every row says its identity status in words, not by colour.
    const statuses = rows.map((r) => within(r).getAllByRole('cell')[3].textContent!.split(' · ')[0]);
    expect(new Set(statuses)).toEqual(new Set(['inferred', 'confirmed']));
    // The inferred marker's explanation is on the page, not only in a tooltip.
    expect(within(rows[0]).getByTestId('inferred-marker').textContent).toBe('inferred · name match');
    expect(screen.getByTestId('timeline-inferred-note').textContent).toBe(TIMELINE_INFERRED_NOTE);
  });
});
