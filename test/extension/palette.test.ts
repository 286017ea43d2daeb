import fc from 'fast-check';
import { MAX_TOP_K } from '../../src/extension/journeys/viewState';
import {
  DROP_OFF_COLOR,
  OKABE_ITO,
  OTHER_COLOR,
  SWATCH_COUNT,
  assignSwatches,
  focusSwatches,
  nodePaint,
  swatch,
} from '../../src/extension/sankey/palette';
import { buildSankey, nodeId, type NodeKind, type PathRow } from '../../src/extension/sankey/transform';

const node = (step: number, label: string, kind: NodeKind = 'step') => ({ id: nodeId(step, kind, label), step, kind, label });
/** Columns of labels, heaviest first, as buildSankey orders nodes. */
const columns = (...cols: string[][]) => cols.flatMap((labels, i) => labels.map((l) => node(i + 1, l)));
const swatchesByColumn = (nodes: ReturnType<typeof columns>) => {
  const s = assignSwatches(nodes);
  const byColumn = new Map<number, number[]>();
  for (const n of nodes) if (n.kind === 'step') byColumn.set(n.step, [...(byColumn.get(n.step) ?? []), s.get(n.id)!]);
  return [...byColumn.values()];
};
const distinct = (xs: readonly number[]) => new Set(xs).size === xs.length;
type Ref = { id: string; step: number; kind: NodeKind; label: string };
/** The swatches of each column's step nodes, heaviest first. */
const byColumn = (nodes: readonly Ref[], s: ReadonlyMap<string, number>) => {
  const out = new Map<number, number[]>();
  for (const n of nodes) if (n.kind === 'step') out.set(n.step, [...(out.get(n.step) ?? []), s.get(n.id)!]);
  return [...out.values()];
};
/** What the chart paints: swatches assigned before focus, kept while focused. */
const chartSwatches = (data: ReturnType<typeof buildSankey>) => focusSwatches(data.nodes, assignSwatches(data.allNodes));
const LABELS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'.split('');

describe('Sankey swatches', () => {
  it('a label new after eight others does not take the colour of a step in its own column', () => {
    // Labels by first appearance: A..H take the eight hues; I is the ninth. Column 2 holds I and A.
    const nodes = columns(LABELS.slice(0, 8), ['I', 'A']);
    const s = assignSwatches(nodes);
    expect(s.get(nodeId(2, 'step', 'A'))).toBe(s.get(nodeId(1, 'step', 'A')));
    expect(swatch(s.get(nodeId(2, 'step', 'I'))!).color).not.toBe(swatch(s.get(nodeId(2, 'step', 'A'))!).color);
  });

  it('a column of up to MAX_TOP_K steps gets as many swatches: eight hues plain, then striped, then dotted', () => {
    expect(SWATCH_COUNT).toBeGreaterThanOrEqual(MAX_TOP_K);
    const [col] = swatchesByColumn(columns(LABELS.slice(0, MAX_TOP_K)));
    expect(distinct(col)).toBe(true);
    expect(col.map((i) => swatch(i).treatment)).toEqual([
      ...Array(8).fill('solid'),
      ...Array(8).fill('stripes'),
      ...Array(MAX_TOP_K - 16).fill('dots'),
    ]);
  });

  it('with eight labels or fewer, a label keeps the same colour in every column (first appearance order)', () => {
    const nodes = columns(['Home', 'Blog'], ['Pricing', 'Home'], ['Signup', 'Blog', 'Home']);
    const s = assignSwatches(nodes);
    const colour = (step: number, label: string) => swatch(s.get(nodeId(step, 'step', label))!).color;
    expect([colour(1, 'Home'), colour(1, 'Blog'), colour(2, 'Pricing'), colour(3, 'Signup')]).toEqual(OKABE_ITO.slice(0, 4));
    expect([colour(2, 'Home'), colour(3, 'Home')]).toEqual([OKABE_ITO[0], OKABE_ITO[0]]);
    expect(colour(3, 'Blog')).toBe(OKABE_ITO[1]);
  });

  it('Other and Drop-off stay grey; striped and dotted swatches paint with their pattern', () => {
    const id = (i: number) => `p-${i}`;
    expect(nodePaint('other', undefined, id)).toBe(OTHER_COLOR);
    expect(nodePaint('dropoff', undefined, id)).toBe(DROP_OFF_COLOR);
    expect(nodePaint('step', 2, id)).toBe(OKABE_ITO[2]);
    expect(nodePaint('step', 10, id)).toBe('url(#p-10)');
  });

  it('property: steps of one column never share a swatch; with at most eight labels, one swatch per label', () => {
    const column = fc.uniqueArray(fc.constantFrom(...LABELS), { maxLength: MAX_TOP_K });
    fc.assert(
      fc.property(fc.array(column, { minLength: 1, maxLength: 10 }), (cols) => {
        const nodes = columns(...cols);
        expect(swatchesByColumn(nodes).every(distinct)).toBe(true);
        if (new Set(cols.flat()).size <= OKABE_ITO.length) {
          const s = assignSwatches(nodes);
          const perLabel = new Map<string, Set<number>>();
          for (const n of nodes) perLabel.set(n.label, (perLabel.get(n.label) ?? new Set()).add(s.get(n.id)!));
          expect([...perLabel.values()].every((x) => x.size === 1)).toBe(true);
        }
      }),
    );
  });

  it('focusing a node recolours no label: the focused diagram keeps the unfocused swatches', () => {
    // A leads step 1 (110) and takes the first hue, B the second; focused on C, B (50) outweighs A (10) in step 1.
    const rows: PathRow[] = [
      { steps: ['A', 'E'], value: 100 },
      { steps: ['B', 'C'], value: 50 },
      { steps: ['A', 'C'], value: 10 },
    ];
    const before = chartSwatches(buildSankey(rows, { steps: 2, topK: 6 }));
    const focused = buildSankey(rows, { steps: 2, topK: 6, focus: nodeId(2, 'step', 'C') });
    const after = chartSwatches(focused);
    expect([...after.keys()].sort()).toEqual([nodeId(1, 'step', 'A'), nodeId(1, 'step', 'B'), nodeId(2, 'step', 'C')]);
    for (const [id, s] of after) expect([id, s]).toEqual([id, before.get(id)]);
    expect(swatch(after.get(nodeId(1, 'step', 'A'))!).color).toBe(OKABE_ITO[0]);
    // Assigned on the focused diagram alone, A and B would swap colours and C would change.
    const alone = assignSwatches(focused.nodes);
    expect(alone.get(nodeId(1, 'step', 'A'))).not.toBe(before.get(nodeId(1, 'step', 'A')));
  });

  it('a focused node without a swatch to keep, or whose swatch a heavier node of its column keeps, alone takes a new pick', () => {
    const nodes = columns(['A', 'B', 'C'], ['D', 'E']);
    const reference = new Map([
      [nodeId(1, 'step', 'A'), 0],
      [nodeId(1, 'step', 'B'), 0], // collides with the heavier A
      [nodeId(1, 'step', 'C'), 2],
      [nodeId(2, 'step', 'D'), 5],
      // E has none
    ]);
    const s = focusSwatches(nodes, reference);
    expect(s.get(nodeId(1, 'step', 'A'))).toBe(0);
    expect(s.get(nodeId(1, 'step', 'C'))).toBe(2);
    expect(s.get(nodeId(2, 'step', 'D'))).toBe(5);
    // New picks take a hue no node holds yet: 1, then 3.
    expect(s.get(nodeId(1, 'step', 'B'))).toBe(1);
    expect(s.get(nodeId(2, 'step', 'E'))).toBe(3);
  });

  it('property: while focused on any node, steps of one column never share a swatch and every label keeps its colour', () => {
    const label = fc.constantFrom(...LABELS.slice(0, 12));
    const rows = fc.array(fc.record({ steps: fc.array(label, { minLength: 1, maxLength: 5 }), value: fc.integer({ min: 1, max: 60 }) }), {
      minLength: 1,
      maxLength: 40,
    });
    fc.assert(
      fc.property(rows, fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: MAX_TOP_K }), fc.nat(), (rs, steps, topK, pick) => {
        const unfocused = buildSankey(rs, { steps, topK });
        const before = chartSwatches(unfocused);
        expect(byColumn(unfocused.nodes, before).every(distinct)).toBe(true);
        const focus = unfocused.nodes[pick % unfocused.nodes.length].id;
        const focused = buildSankey(rs, { steps, topK, focus });
        expect(focused.allNodes).toEqual(unfocused.nodes);
        const after = chartSwatches(focused);
        expect(byColumn(focused.nodes, after).every(distinct)).toBe(true);
        for (const n of focused.nodes) if (n.kind === 'step') expect([n.id, after.get(n.id)]).toEqual([n.id, before.get(n.id)]);
      }),
    );
  });

  it('property: with any swatches to keep, focusSwatches keeps columns apart and keeps each swatch a heavier node has not', () => {
    const column = fc.uniqueArray(fc.constantFrom(...LABELS), { maxLength: MAX_TOP_K });
    const reference = fc.dictionary(fc.constantFrom(...LABELS), fc.integer({ min: 0, max: SWATCH_COUNT - 1 }));
    fc.assert(
      fc.property(fc.array(column, { minLength: 1, maxLength: 6 }), reference, (cols, byLabel) => {
        const nodes = columns(...cols);
        const kept = new Map(nodes.filter((n) => n.label in byLabel).map((n) => [n.id, byLabel[n.label]]));
        const s = focusSwatches(nodes, kept);
        expect(byColumn(nodes, s).every(distinct)).toBe(true);
        nodes.forEach((n, i) => {
          const own = kept.get(n.id);
          const heavier = nodes.slice(0, i).filter((m) => m.step === n.step && kept.get(m.id) === own);
          if (own !== undefined && heavier.length === 0) expect(s.get(n.id)).toBe(own);
        });
      }),
    );
  });

  it('works on buildSankey output: a busy second column keeps its steps apart', () => {
    // Eight landing pages, then nine different second pages: the ninth label is new when the hues run out.
    const rows: PathRow[] = LABELS.slice(0, 9).map((l, i) => ({ steps: [LABELS[i % 8], `Page ${l}`], value: 100 - i }));
    const data = buildSankey(rows, { steps: 2, topK: 10 });
    const [, second] = swatchesByColumn(data.nodes.filter((n) => n.kind === 'step'));
    expect(second).toHaveLength(9);
    expect(new Set(second.map((i) => `${swatch(i).color}/${swatch(i).treatment}`)).size).toBe(9);
  });
});
