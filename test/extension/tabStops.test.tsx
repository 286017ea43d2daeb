/**
 * The views' tab stops with the demo data. Journeys: the default view's queries answered from
 * fixtures/demo-journeys.json (written by scripts/demo-journeys-fixture.ts from the preview over DuckDB). Person: a
 * search and a person's journey from fixtures/demo-person.json (scripts/demo-person-fixture.ts).
 */
import { fireEvent, screen, within } from '@testing-library/react';
import { App } from '../../src/extension/App';
import { fakeLooker, renderWithLooker, type PlainRow } from './support/fakeLooker';
import { tabStops } from './support/tabStops';
import { demoPerson, demoPersonLooker } from './support/demoPerson';
import demo from './fixtures/demo-journeys.json';

function demoLooker() {
  return fakeLooker((q) => {
    if (q.fields.some((f) => f.endsWith('.step_1'))) return { rows: demo.paths as PlainRow[] };
    if (q.fields.some((f) => f.endsWith('.identified_count'))) return { rows: demo.summary as PlainRow[] };
    return { rows: demo.sources as PlainRow[] };
  });
}

describe('Journeys view tab stops (demo data)', () => {
  it('are the controls, in reading order, and the Sankey once however many nodes it draws', async () => {
    renderWithLooker(<App />, demoLooker(), '/journeys');
    const drawn = await screen.findAllByTestId('sankey-node');
    expect(drawn.length).toBe(39); // each was a tab stop of its own: 56 stops in all
    const button = (name: string) => screen.getByRole('button', { name });
    const textbox = (name: string) => screen.getByRole('textbox', { name });
    const checkbox = (name: string) => screen.getByRole('checkbox', { name });
    expect(tabStops()).toEqual([
      within(screen.getByTestId('nav')).getByRole('tablist'),
      button('Explore in Looker'),
      button('Open in new window'),
      button('Persons'),
      button('Sessions'),
      button('From first step'),
      button('Before conversion'),
      textbox('Steps'),
      textbox('Top per step'),
      button('Any'),
      button('Converted'),
      button('Not converted'),
      checkbox('Confirmed'),
      checkbox('Inferred'),
      checkbox('Anonymous'),
      checkbox('Unmatched'),
      checkbox('Leave out name-matched events'),
      textbox('Minimum match probability'),
      textbox('Date'),
      textbox('Source'),
      textbox('Channel (first touch)'),
      textbox('UTM source'),
      textbox('UTM medium'),
      textbox('UTM campaign'),
      textbox('Referrer domain'),
      screen.getByRole('combobox', { name: 'Landing page path' }),
      drawn[0],
      textbox('Conversion rate by first touch'),
    ]);
  });
});

describe('Person view tab stops (demo data)', () => {
  it('are the tabs, the search box and the results once however many match; the timeline has none', async () => {
    renderWithLooker(<App />, demoPersonLooker(), `/person?id=${encodeURIComponent(demoPerson.personId)}`);
    expect(await screen.findAllByTestId('timeline-row')).toHaveLength(25);
    fireEvent.change(screen.getByRole('textbox', { name: 'Find a person' }), { target: { value: demoPerson.term } });
    const options = within(await screen.findByRole('listbox', { name: '9 matching persons' })).getAllByRole('option');
    expect(options).toHaveLength(9);
    // Three before the listbox too, but the third was the results' unnamed <ul> (a list of items that were buttons
    // only in name, role listitem), entered with the arrow keys.
    expect(tabStops()).toEqual([
      within(screen.getByTestId('nav')).getByRole('tablist'),
      screen.getByRole('textbox', { name: 'Find a person' }),
      screen.getByRole('option', { selected: true }),
    ]);
    expect(options.find((o) => o.getAttribute('aria-selected') === 'true')!.dataset.personId).toBe(demoPerson.personId);
  });
});
