import fc from 'fast-check';
import { DROP_OFF_LABEL, OTHER_LABEL, buildSankey, nodeId, parseNodeId, type PathRow } from '../../src/extension/sankey/transform';

const row = (value: number, ...steps: (string | null)[]): PathRow => ({ steps, value });
const byId = (data: ReturnType<typeof buildSankey>) => Object.fromEntries(data.nodes.map((n) => [n.id, n.value]));
const linksOf = (data: ReturnType<typeof buildSankey>) => Object.fromEntries(data.links.map((l) => [`${l.source} > ${l.target}`, l.value]));

describe('buildSankey', () => {
  it('turns path rows into per-step nodes, links and an explicit drop-off', () => {
    const data = buildSankey([row(5, 'Home', 'Pricing', 'Signup'), row(3, 'Home', 'Pricing', null), row(2, 'Blog', null, null)], {
      steps: 3,
      topK: 5,
    });
    expect(byId(data)).toEqual({
      '1|step|Home': 8,
      '1|step|Blog': 2,
      '2|step|Pricing': 8,
      '2|dropoff|Drop-off': 2,
      '3|step|Signup': 5,
      '3|dropoff|Drop-off': 3,
    });
    expect(linksOf(data)).toEqual({
      '1|step|Home > 2|step|Pricing': 8,
      '1|step|Blog > 2|dropoff|Drop-off': 2,
      '2|step|Pricing > 3|step|Signup': 5,
      '2|step|Pricing > 3|dropoff|Drop-off': 3,
    });
    expect(data.total).toBe(10);
    expect(data.withoutSteps).toBe(0);
  });

  it('does not add a drop-off after the last column: those journeys may continue', () => {
    const data = buildSankey([row(4, 'A', 'B', 'C', 'D')], { steps: 2, topK: 5 });
    expect(data.nodes.map((n) => n.id)).toEqual(['1|step|A', '2|step|B']);
  });

  it("folds labels outside the top K of each column into that column's Other", () => {
    const data = buildSankey([row(10, 'Home', 'Pricing'), row(6, 'Blog', 'Docs'), row(2, 'Careers', 'Pricing'), row(1, 'Press', 'Team')], {
      steps: 2,
      topK: 2,
    });
    const values = byId(data);
    expect(values['1|step|Home']).toBe(10);
    expect(values['1|step|Blog']).toBe(6);
    expect(values[`1|other|${OTHER_LABEL}`]).toBe(3);
    // Column 2 ranks on its own totals: Pricing 12, Docs 6, Team 1 → Team is Other.
    expect(values['2|step|Pricing']).toBe(12);
    expect(values[`2|other|${OTHER_LABEL}`]).toBe(1);
    expect(linksOf(data)[`1|other|${OTHER_LABEL} > 2|step|Pricing`]).toBe(2);
    expect(linksOf(data)[`1|other|${OTHER_LABEL} > 2|other|${OTHER_LABEL}`]).toBe(1);
  });

  it('keeps a real page titled "Other" apart from the folded Other', () => {
    const data = buildSankey([row(5, 'Other'), row(1, 'Rare')], { steps: 1, topK: 1 });
    expect(byId(data)).toEqual({ '1|step|Other': 5, '1|other|Other': 1 });
  });

  it('breaks ties alphabetically so the chart is stable between runs', () => {
    const data = buildSankey([row(1, 'b'), row(1, 'a'), row(1, 'c')], { steps: 1, topK: 2 });
    expect(data.nodes.map((n) => n.id)).toEqual(['1|step|a', '1|step|b', '1|other|Other']);
  });

  it('focuses on the journeys through a node, with the top K of the whole picture', () => {
    const rows = [row(5, 'Home', 'Pricing'), row(3, 'Blog', 'Pricing'), row(2, 'Home', 'Docs')];
    const data = buildSankey(rows, { steps: 2, topK: 5, focus: nodeId(2, 'step', 'Pricing') });
    expect(byId(data)).toEqual({ '1|step|Home': 5, '1|step|Blog': 3, '2|step|Pricing': 8 });
    expect(data.total).toBe(8);
    // "Of all" stays the whole diagram while focused, and so do the nodes colours are assigned on.
    expect(data.allTotal).toBe(10);
    expect(data.allNodes).toEqual(buildSankey(rows, { steps: 2, topK: 5 }).nodes);

    const other = buildSankey(rows, { steps: 2, topK: 1, focus: nodeId(1, 'other', OTHER_LABEL) });
    expect(byId(other)).toEqual({ '1|other|Other': 3, '2|step|Pricing': 3 });
  });

  it('focuses on a drop-off: the journeys that ended there', () => {
    const data = buildSankey([row(4, 'Home', null), row(6, 'Home', 'Pricing')], {
      steps: 2,
      topK: 5,
      focus: nodeId(2, 'dropoff', DROP_OFF_LABEL),
    });
    expect(byId(data)).toEqual({ '1|step|Home': 4, '2|dropoff|Drop-off': 4 });
  });

  it('counts journeys without any step instead of dropping them silently; ignores empty weights', () => {
    const data = buildSankey([row(7, null, null), row(2, '', 'x'), row(0, 'A'), row(3, 'A')], { steps: 2, topK: 5 });
    expect(data.withoutSteps).toBe(9);
    expect(data.total).toBe(3);
    expect(data.allTotal).toBe(3);
  });

  it('aligned at the end: shorter journeys start further right, fold per column, and none drops off', () => {
    const rows: PathRow[] = [
      { steps: ['Home', 'Pricing', 'Booked'], value: 5 },
      { steps: [null, 'Blog', 'Booked'], value: 3 },
      { steps: [null, null, 'Booked'], value: 2 },
      { steps: [null, 'Pricing', 'Booked'], value: 1 },
    ];
    const d = buildSankey(rows, { steps: 3, topK: 1, align: 'end' });
    expect(d.nodes.map((n) => [n.id, n.value])).toEqual([
      ['1|step|Home', 5],
      ['2|step|Pricing', 6],
      ['2|other|Other', 3],
      ['3|step|Booked', 11],
    ]);
    expect(d.links).toContainEqual({ source: '2|other|Other', target: '3|step|Booked', value: 3, inferred: 0 });
    expect(d.withoutSteps).toBe(0);
    expect(buildSankey(rows, { steps: 3, topK: 1, align: 'end', focus: '2|step|Pricing' }).total).toBe(6);
  });

  it('parses its node ids back, and refuses strings that are not ids', () => {
    expect(parseNodeId(nodeId(3, 'step', 'a|b'))).toEqual({ step: 3, kind: 'step', label: 'a|b' });
    expect(parseNodeId('nonsense')).toBeNull();
  });

  it('conserves flow: column 1 holds every journey, and each node passes on exactly what it receives', () => {
    const label = fc.constantFrom('Home', 'Pricing', 'Blog', 'Docs', 'Signup', 'Other');
    const path = fc.array(label, { minLength: 1, maxLength: 6 });
    const rows = fc.array(fc.record({ steps: path, value: fc.integer({ min: 1, max: 50 }) }), { maxLength: 30 });
    fc.assert(
      fc.property(rows, fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 4 }), (rs, steps, topK) => {
        const data = buildSankey(rs, { steps, topK });
        const firstColumn = data.nodes.filter((n) => n.step === 1).reduce((s, n) => s + n.value, 0);
        expect(firstColumn).toBe(rs.reduce((s, r) => s + r.value, 0));
        expect(data.total).toBe(firstColumn);
        expect(data.allTotal).toBe(data.total);
        expect(data.allNodes).toBe(data.nodes);
        for (const n of data.nodes) {
          const inflow = data.links.filter((l) => l.target === n.id).reduce((s, l) => s + l.value, 0);
          const outflow = data.links.filter((l) => l.source === n.id).reduce((s, l) => s + l.value, 0);
          if (n.step > 1) expect(inflow).toBe(n.value);
          if (n.step < steps && n.kind !== 'dropoff') expect(outflow).toBe(n.value);
          if (n.kind === 'dropoff') expect(outflow).toBe(0);
        }
        for (let step = 1; step <= steps; step++) {
          expect(data.nodes.filter((n) => n.step === step && n.kind === 'step').length).toBeLessThanOrEqual(topK);
        }
      }),
    );
  });
});

describe('conversions per node', () => {
  it('sums the converted journeys through each node, Other and Drop-off included; absent when the rows carry none', () => {
    const rows = [
      { steps: ['Home', 'Pricing', null], value: 10, conversions: 4 },
      { steps: ['Home', 'Blog', null], value: 5, conversions: 1 },
      { steps: ['Blog', null, null], value: 3, conversions: 0 },
    ];
    const data = buildSankey(rows, { steps: 3, topK: 1 });
    const byId = Object.fromEntries(data.nodes.map((n) => [n.id, n.conversions]));
    expect(byId).toEqual({
      '1|step|Home': 5,
      '1|other|Other': 0,
      '2|step|Pricing': 4,
      '2|other|Other': 1,
      '2|dropoff|Drop-off': 0,
      '3|dropoff|Drop-off': 5,
    });
    expect(
      buildSankey(
        rows.map(({ steps, value }) => ({ steps, value })),
        { steps: 3, topK: 1 },
      ).nodes.every((n) => n.conversions === undefined),
    ).toBe(true);
  });
});
