import { fireEvent, render, screen } from '@testing-library/react';
import { ComponentsProvider } from '@looker/components';
import { KEYBOARD_HELP, SankeyChart } from '../../src/extension/sankey/SankeyChart';
import { OKABE_ITO } from '../../src/extension/sankey/palette';
import { buildSankey, type PathRow } from '../../src/extension/sankey/transform';

const ROWS: PathRow[] = [
  { steps: ['Home', 'Pricing', 'Signup'], value: 40 },
  { steps: ['Home', null, null], value: 25 },
  { steps: ['LinkedIn: liked', 'Home', 'Pricing'], value: 15 },
];

function renderChart(focus: string | null = null) {
  const onNodeClick = jest.fn();
  const data = buildSankey(ROWS, { steps: 3, topK: 6, focus });
  render(
    <ComponentsProvider loadGoogleFonts={false}>
      <SankeyChart data={data} unit="persons" focus={focus} onNodeClick={onNodeClick} />
    </ComponentsProvider>,
  );
  return onNodeClick;
}

const nodes = () => screen.getAllByTestId('sankey-node');
const node = (step: number, label: string) => nodes().find((n) => n.dataset.step === String(step) && n.dataset.label === label)!;
const tabbable = () => nodes().filter((n) => n.getAttribute('tabindex') === '0');
const press = (key: string) => fireEvent.keyDown(document.activeElement!, { key });
const active = () => document.activeElement as HTMLElement;
const idOf = (n: HTMLElement) => `${n.dataset.step}|${n.dataset.kind}|${n.dataset.label}`;

describe('Sankey keyboard access', () => {
  it('is one tab stop (the first node), not one per node', () => {
    renderChart();
    expect(nodes().length).toBeGreaterThan(5);
    expect(tabbable()).toEqual([node(1, 'Home')]);
    expect(nodes().filter((n) => n.getAttribute('tabindex') === '-1')).toHaveLength(nodes().length - 1);
  });

  it('arrow keys move focus up and down a column and across columns, and the tab stop follows', () => {
    renderChart();
    node(1, 'Home').focus();
    expect(press('ArrowDown')).toBe(false); // handled: the page does not scroll
    expect(active()).toBe(node(1, 'LinkedIn: liked'));
    expect(tabbable()).toEqual([node(1, 'LinkedIn: liked')]);
    press('ArrowUp');
    expect(active()).toBe(node(1, 'Home'));
    press('ArrowUp'); // top of the column: stays
    expect(active()).toBe(node(1, 'Home'));
    press('ArrowRight');
    expect(active().dataset.step).toBe('2');
    const inStepTwo = active();
    press('ArrowDown');
    expect(active().dataset.step).toBe('2');
    expect(active()).not.toBe(inStepTwo);
    press('End');
    expect(active()).toBe(node(2, 'Drop-off')); // drop-off is drawn last in its column
    press('Home');
    expect(active()).toBe(node(2, 'Pricing'));
    press('ArrowRight');
    expect(active().dataset.step).toBe('3');
    press('ArrowLeft');
    expect(active()).toBe(node(2, 'Pricing'));
    expect(press('Tab')).toBe(true); // Tab still leaves the diagram
  });

  it('Enter and Space call the click handler with the node, as a click does', () => {
    const onNodeClick = renderChart();
    fireEvent.click(node(1, 'Home'));
    expect(onNodeClick).toHaveBeenLastCalledWith('1|step|Home');
    node(1, 'Home').focus();
    press('ArrowDown');
    press('Enter');
    expect(onNodeClick).toHaveBeenLastCalledWith('1|step|LinkedIn: liked');
    press('ArrowRight');
    expect(press(' ')).toBe(false);
    expect(onNodeClick).toHaveBeenLastCalledWith(idOf(active()));
    expect(idOf(active())).toMatch(/^2\|/);
    expect(onNodeClick).toHaveBeenCalledTimes(3);
  });

  it('the focused node of a focused chart holds the tab stop', () => {
    renderChart('2|step|Pricing');
    expect(tabbable()).toEqual([node(2, 'Pricing')]);
    expect(node(2, 'Pricing').getAttribute('aria-pressed')).toBe('true');
  });

  it('a node says what it is (label, step, count, shares) and what flows out of it; focus shows its tooltip', () => {
    renderChart();
    const home = screen.getByRole('button', {
      name: 'Home, step 1: 65 persons (81% of all). Activate to focus the paths through it.',
      description: 'Home → Pricing: 40 persons (62% of Home, 50% of all); Home → drop-off: 25 persons (38% of Home, 31% of all)',
    });
    expect(home).toBe(node(1, 'Home'));
    // Last column: nothing flows on, so no description.
    expect(screen.getByRole('button', { name: /^Signup, step 3: 40 persons/, description: '' })).toBe(node(3, 'Signup'));
    expect(screen.getByRole('group', { name: 'Journey Sankey of persons, 3 steps', description: KEYBOARD_HELP })).toBeTruthy();
    fireEvent.focus(home);
    expect(screen.getByTestId('sankey-tooltip').textContent).toBe('Home, step 1: 65 persons (81% of all)');
    fireEvent.blur(home);
    expect(screen.queryByTestId('sankey-tooltip')).toBeNull();
  });
});

describe('Sankey colours', () => {
  // A leads step 1 (110) and takes the first hue, B the second; focused on C, B (50) outweighs A (10) in step 1.
  const rows: PathRow[] = [
    { steps: ['A', 'E'], value: 100 },
    { steps: ['B', 'C'], value: 50 },
    { steps: ['A', 'C'], value: 10 },
  ];
  const fills = () => Object.fromEntries(nodes().map((n) => [idOf(n), n.querySelector('rect')!.getAttribute('fill')]));
  const chart = (focus: string | null) => (
    <ComponentsProvider loadGoogleFonts={false}>
      <SankeyChart data={buildSankey(rows, { steps: 2, topK: 6, focus })} unit="persons" focus={focus} onNodeClick={() => {}} />
    </ComponentsProvider>
  );

  it('stay put when a node is focused: every label drawn keeps the colour it had before', () => {
    const { rerender } = render(chart(null));
    const before = fills();
    expect(before['1|step|A']).toBe(OKABE_ITO[0]);
    expect(before['1|step|B']).toBe(OKABE_ITO[1]);
    rerender(chart('2|step|C'));
    const after = fills();
    expect(Object.keys(after).sort()).toEqual(['1|step|A', '1|step|B', '2|step|C']);
    for (const id of Object.keys(after)) expect([id, after[id]]).toEqual([id, before[id]]);
  });
});

describe('labels at depth', () => {
  it('leave off the site name most page titles end with; the tooltip keeps the full title', () => {
    const rows: PathRow[] = [
      { steps: ['Example Analytics — Modern Data Stack', 'Pricing — Example Analytics', 'Services — Example Analytics'], value: 5 },
      { steps: ['Blog: dbt tips — Example Analytics', 'LinkedIn: liked', 'Pricing — Example Analytics'], value: 3 },
    ];
    render(
      <ComponentsProvider loadGoogleFonts={false}>
        <SankeyChart data={buildSankey(rows, { steps: 3, topK: 6 })} unit="persons" focus={null} onNodeClick={jest.fn()} />
      </ComponentsProvider>,
    );
    const text = (step: number, label: string) => node(step, label).querySelector('.label')!.textContent;
    expect(text(2, 'Pricing — Example Analytics')).toBe('Pricing 5');
    expect(text(1, 'Blog: dbt tips — Example Analytics')).toMatch(/^Blog: dbt tips 3$/);
    // Only a suffix is dropped: the home page's title starts with the site name.
    expect(text(1, 'Example Analytics — Modern Data Stack')).toMatch(/^Example Analytics — Modern/);
    expect(text(2, 'LinkedIn: liked')).toBe('LinkedIn: liked 3');
    expect(node(2, 'Pricing — Example Analytics').getAttribute('aria-label')).toMatch(/^Pricing — Example Analytics, step 2/);
  });
});
