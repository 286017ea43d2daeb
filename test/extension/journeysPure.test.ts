/**
 * The pure parts of issue 24's Journeys items: node/link selections as Looker filters, the inferred marking and
 * link focus in the transform, CSV (quoting, formula cells, personal columns), typed dates, durations, the shared
 * swatches of a comparison.
 */
import fc from 'fast-check';
import { pathFields } from '../../src/contract/looker';
import { keptLabelsOf, parseSelection, selectionFilters } from '../../src/extension/journeys/selection';
import { csvCell, pathsCsv, personsCsv, toCsv, type SubsetPerson } from '../../src/extension/journeys/csv';
import { parseDateInput } from '../../src/extension/journeys/dateInput';
import { compareSegments, sharedSwatches } from '../../src/extension/journeys/CompareView';
import { DEFAULT_VIEW_STATE, parseViewState, serializeViewState } from '../../src/extension/journeys/viewState';
import { buildSankey, linkFocusId, type PathRow } from '../../src/extension/sankey/transform';
import { formatDuration, rateText } from '../../src/extension/text';

const jp = pathFields('journey_paths');
const S = { ...DEFAULT_VIEW_STATE, steps: 3 };
const kept = (labels: Record<number, string[]>) => (c: number) => labels[c] ?? [];

describe('a selection as Looker filters', () => {
  it('a step is its column equal to its label (escaped); a conversion drawn as "Conversion" is its NULL', () => {
    expect(selectionFilters(S, parseSelection('2|step|50% off, today')!, kept({}))).toEqual({ [jp.step(2)]: '50^% off^, today' });
    const anchored = { ...S, anchor: 'conversion' as const };
    expect(selectionFilters(anchored, parseSelection('4|step|Conversion')!, kept({}))).toEqual({ [jp.conversionStep]: 'NULL' });
    expect(selectionFilters(anchored, parseSelection('1|step|Home')!, kept({}))).toEqual({ [jp.before(3)]: 'Home' });
  });

  it('Other is none of the kept labels and not empty; in the conversion column the unlabelled conversion is the NULL', () => {
    expect(selectionFilters(S, parseSelection('1|other|Other')!, kept({ 1: ['Home', '-Promo'] }))).toEqual({
      [jp.step(1)]: '-Home,-^-Promo,-NULL',
    });
    const anchored = { ...S, anchor: 'conversion' as const };
    expect(selectionFilters(anchored, parseSelection('4|other|Other')!, kept({ 4: ['Meeting Booked', 'Conversion'] }))).toEqual({
      [jp.conversionStep]: '-Meeting Booked,-NULL',
    });
  });

  it('a drop-off is its column empty after a step; a link is both nodes, the source deciding the shared column', () => {
    expect(selectionFilters(S, parseSelection('3|dropoff|Drop-off')!, kept({}))).toEqual({ [jp.step(3)]: 'NULL', [jp.step(2)]: '-NULL' });
    const link = parseSelection(linkFocusId('2|step|Pricing', '3|dropoff|Drop-off'))!;
    expect(selectionFilters(S, link, kept({}))).toEqual({ [jp.step(2)]: 'Pricing', [jp.step(3)]: 'NULL' });
    expect(
      selectionFilters(
        { ...S, measure: 'sessions' },
        parseSelection(linkFocusId('1|step|Home', '2|other|Other'))!,
        kept({ 2: ['Pricing'] }),
      ),
    ).toEqual({
      'session_paths.step_1': 'Home',
      'session_paths.step_2': '-Pricing,-NULL',
    });
  });

  it('malformed focus values (hand-edited URLs) select nothing', () => {
    for (const bad of ['', 'nonsense', 'link:', 'link:[1,2]', 'link:["1|step|A","3|step|B"]', 'link:{'])
      expect(parseSelection(bad)).toBeNull();
    // A column the state does not draw has no filter.
    expect(selectionFilters(S, parseSelection('9|step|A')!, kept({}))).toBeNull();
  });

  it('property: over random journeys, the rows passing the filters weigh what the focused chart draws', () => {
    const label = fc.constantFrom('A', 'B', 'C', 'D', 'E');
    const rows = fc.array(fc.record({ steps: fc.array(label, { minLength: 0, maxLength: 3 }), value: fc.integer({ min: 1, max: 9 }) }), {
      minLength: 1,
      maxLength: 12,
    });
    fc.assert(
      fc.property(rows, fc.integer({ min: 0, max: 1000 }), (raw, pick) => {
        const pathRows: PathRow[] = raw.map((r) => ({ steps: [0, 1, 2].map((i) => r.steps[i] ?? null), value: r.value }));
        const all = buildSankey(pathRows, { steps: 3, topK: 2 });
        const focuses = [...all.nodes.map((n) => n.id), ...all.links.map((l) => linkFocusId(l.source, l.target))];
        if (focuses.length === 0) return;
        const focus = focuses[pick % focuses.length];
        const filters = selectionFilters(S, parseSelection(focus)!, keptLabelsOf(all.allNodes))!;
        // Looker's semantics of the expressions the filters use, on the rows' columns.
        const holds = (value: string | null, expr: string) => {
          if (expr === 'NULL') return value === null;
          const terms = expr.split(',');
          if (terms.every((t) => t.startsWith('-'))) return terms.every((t) => (t === '-NULL' ? value !== null : value !== t.slice(1)));
          return value === expr;
        };
        const column = (f: string) => Number(/step_(\d+)$/.exec(f)![1]) - 1;
        const passing = pathRows.filter((r) => Object.entries(filters).every(([f, e]) => holds(r.steps[column(f)] ?? null, e)));
        expect(passing.reduce((s, r) => s + r.value, 0)).toBe(buildSankey(pathRows, { steps: 3, topK: 2, focus }).total);
      }),
    );
  });
});

describe('the transform: inferred steps and link focus', () => {
  const rows: PathRow[] = [
    { steps: ['LinkedIn: liked', 'Home', null], inferred: [true, false, null], value: 3 },
    { steps: ['LinkedIn: liked', 'Pricing', null], inferred: [false, false, null], value: 5 },
    { steps: ['Home', 'LinkedIn: liked', null], inferred: [false, true, null], value: 2 },
  ];
  it('counts the journeys whose step a name-matched event made, on the node and on the link into it', () => {
    const d = buildSankey(rows, { steps: 3, topK: 5 });
    const node = (id: string) => d.nodes.find((n) => n.id === id)!;
    expect(node('1|step|LinkedIn: liked')).toMatchObject({ value: 8, inferred: 3 });
    expect(node('2|step|LinkedIn: liked')).toMatchObject({ value: 2, inferred: 2 });
    expect(node('2|step|Home')).toMatchObject({ value: 3, inferred: 0 });
    expect(d.links.find((l) => l.target === '2|step|LinkedIn: liked')).toMatchObject({ value: 2, inferred: 2 });
    expect(d.links.find((l) => l.target === '2|step|Home')).toMatchObject({ value: 3, inferred: 0 });
  });
  it('a link focus keeps the journeys through both of its nodes', () => {
    const d = buildSankey(rows, { steps: 3, topK: 5, focus: linkFocusId('1|step|LinkedIn: liked', '2|step|Pricing') });
    expect(d.total).toBe(5);
    expect(d.nodes.map((n) => n.id)).toEqual(['1|step|LinkedIn: liked', '2|step|Pricing', '3|dropoff|Drop-off']);
  });
});

describe('CSV', () => {
  it('quotes commas, quotes and line breaks, and defuses formula cells', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvCell('-1+2')).toBe("'-1+2");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect([csvCell(null), csvCell(undefined), csvCell(3.5), csvCell(-2), csvCell(NaN), csvCell(true)]).toEqual([
      '',
      '',
      '3.5',
      '-2',
      '',
      'true',
    ]);
    expect(toCsv(['a', 'b'], [[1, 'x,y']])).toBe('a,b\r\n1,"x,y"\r\n');
  });

  it('property: every cell reads back as written (an RFC 4180 reader), formulas prefixed', () => {
    const parse = (text: string) => {
      const out: string[][] = [];
      let row: string[] = [];
      let cell = '';
      let quoted = false;
      for (let i = 0; i < text.length; i++) {
        const c = text[i];
        if (quoted) {
          if (c === '"' && text[i + 1] === '"') {
            cell += '"';
            i++;
          } else if (c === '"') quoted = false;
          else cell += c;
        } else if (c === '"') quoted = true;
        else if (c === ',') {
          row.push(cell);
          cell = '';
        } else if (c === '\r' && text[i + 1] === '\n') {
          row.push(cell);
          out.push(row);
          row = [];
          cell = '';
          i++;
        } else cell += c;
      }
      return out;
    };
    fc.assert(
      fc.property(fc.array(fc.array(fc.string(), { minLength: 2, maxLength: 2 }), { maxLength: 5 }), (rows) => {
        const back = parse(toCsv(['h1', 'h2'], rows));
        expect(back).toEqual([['h1', 'h2'], ...rows.map((r) => r.map((v) => (/^[=+\-@\t\r]/.test(v) ? `'${v}` : v)))]);
      }),
    );
  });

  const person: SubsetPerson = {
    sessionId: null,
    personId: 'u:1',
    status: 'inferred',
    steps: 3,
    converted: true,
    events: 9,
    name: 'Bennett, Wei',
    email: 'wei@acme.nl',
  };
  it('the persons list has names and emails only when they are not hidden', () => {
    expect(personsCsv([person], { piiHidden: false, sessions: false })).toBe(
      'person_id,name,email,identity_status,steps,events,converted\r\nu:1,"Bennett, Wei",wei@acme.nl,inferred,3,9,yes\r\n',
    );
    const hidden = personsCsv([person], { piiHidden: true, sessions: false });
    expect(hidden).toBe('person_id,identity_status,steps,events,converted\r\nu:1,inferred,3,9,yes\r\n');
    expect(hidden).not.toMatch(/Wei|acme/);
    expect(personsCsv([{ ...person, sessionId: 's1' }], { piiHidden: true, sessions: true }).split('\r\n')[1]).toBe(
      's1,u:1,inferred,3,9,yes',
    );
  });

  it('the path rows: one column per drawn column, their inferred flags, the count', () => {
    const csv = pathsCsv(
      [{ steps: ['Home', 'Pricing — Acme', null], inferred: [false, true, null], value: 4 }],
      ['Step 1', 'Step 2', 'Step 3'],
      'persons',
    );
    expect(csv).toBe('Step 1,Step 2,Step 3,Step 1 inferred,Step 2 inferred,Step 3 inferred,persons\r\nHome,Pricing — Acme,,no,yes,,4\r\n');
  });
});

describe('typed dates', () => {
  it('reads ISO and MM/DD/YYYY, and says what is wrong otherwise', () => {
    expect(parseDateInput('2026-01-01')).toEqual({ iso: '2026-01-01' });
    expect(parseDateInput(' 2026-1-5 ')).toEqual({ iso: '2026-01-05' });
    expect(parseDateInput('01/31/2026')).toEqual({ iso: '2026-01-31' });
    expect(parseDateInput('1/5/2026')).toEqual({ iso: '2026-01-05' });
    expect(parseDateInput('')).toBeNull();
    expect(parseDateInput('2026-02-30')).toEqual({ error: '"2026-02-30" is no calendar day.' });
    expect(parseDateInput('31/01/2026')).toEqual({ error: '"31/01/2026" is no calendar day.' });
    expect(parseDateInput('yesterday')).toEqual({
      error: '"yesterday" is not a date: type it as YYYY-MM-DD (2026-01-01) or MM/DD/YYYY (01/01/2026).',
    });
  });
});

describe('words', () => {
  it('durations in the unit people read', () => {
    expect([null, -1, 0, 44.6, 90, 3599, 7200, 129600, 86400 * 12.4].map(formatDuration)).toEqual([
      null,
      null,
      '0 s',
      '45 s',
      '2 min',
      '60 min',
      '2.0 h',
      '1.5 days',
      '12 days',
    ]);
  });
  it('a rate of nothing is n/a, not 0.0%', () => {
    expect([rateText(0, 0), rateText(1, 4)]).toEqual(['n/a', '25.0%']);
  });
});

describe('comparing two segments', () => {
  it('the segments and the URL', () => {
    expect(compareSegments({ compare: 'none' })).toBeNull();
    expect(compareSegments({ compare: 'inferred' })!.map((s) => s.patch)).toEqual([
      { inferredEvents: 'include' },
      { inferredEvents: 'exclude', minProbability: 0 },
    ]);
    expect(compareSegments({ compare: 'converted' })!.map((s) => s.title)).toEqual(['Converted', 'Not converted']);
    expect(serializeViewState({ ...DEFAULT_VIEW_STATE, compare: 'inferred' })).toBe('?compare=inferred');
    expect(parseViewState('?compare=converted&anchor=conversion').compare).toBe('none');
    expect(parseViewState('?compare=bogus').compare).toBe('none');
  });

  it("one swatch per label and column on both sides, distinct within each side's columns", () => {
    const left = buildSankey(
      [
        { steps: ['A', 'B'], value: 5 },
        { steps: ['C', 'B'], value: 1 },
      ],
      { steps: 2, topK: 5 },
    );
    const right = buildSankey(
      [
        { steps: ['C', 'A'], value: 9 },
        { steps: ['D', 'B'], value: 2 },
      ],
      { steps: 2, topK: 5 },
    );
    const swatches = sharedSwatches([left, right]);
    for (const side of [left, right]) {
      for (const column of [1, 2]) {
        const ids = side.nodes.filter((n) => n.step === column).map((n) => swatches.get(n.id));
        expect(new Set(ids).size).toBe(ids.length);
        expect(ids.every((i) => i !== undefined)).toBe(true);
      }
    }
    // C is the same colour on both sides (one id, one swatch).
    expect(swatches.get('1|step|C')).toBeDefined();
  });
});
