import fc from 'fast-check';
import { evaluateCells, type Cell } from '../../src/evaluate/metrics';

/** Events as (predicted, truth, category, known) → contingency cells; p null: the event is in no output. */
function cellsOf(events: { p: string | null; t: string; c: string; known?: boolean }[]): Cell[] {
  const cells = new Map<string, Cell>();
  for (const e of events) {
    const key = JSON.stringify([e.p, e.t]);
    let cell = cells.get(key);
    if (!cell) cells.set(key, (cell = { predicted: e.p, truth: e.t, events: 0, byCategory: {}, known: 0 }));
    cell.events++;
    cell.known += e.known ? 1 : 0;
    cell.byCategory[e.c] = (cell.byCategory[e.c] ?? 0) + 1;
  }
  return [...cells.values()];
}

describe('evaluateCells', () => {
  it('scores a hand-computed case', () => {
    // Truth: A = {1,2,3}, B = {4,5}. Predicted: X = {1,2}, Y = {3,4,5}; event 3 is an inferred link.
    const r = evaluateCells(
      cellsOf([
        { p: 'X', t: 'A', c: 'confirmed', known: true },
        { p: 'X', t: 'A', c: 'confirmed', known: true },
        { p: 'Y', t: 'A', c: 'inferred' },
        { p: 'Y', t: 'B', c: 'confirmed' },
        { p: 'Y', t: 'B', c: 'confirmed' },
      ]),
    );
    // Correct pairs {1,2} {4,5}; predicted pairs {1,2} {3,4} {3,5} {4,5}; true pairs {1,2} {1,3} {2,3} {4,5}.
    expect(r.overall).toEqual({ correctPairs: 2, predictedPairs: 4, truePairs: 4, precision: 0.5, recall: 0.5, f1: 0.5 });
    // Pairs touching event 3: predicted {3,4} {3,5}, both wrong; true {1,3} {2,3}, both missed.
    expect(r.byCategory.inferred).toEqual({
      events: 1,
      correctPairs: 0,
      predictedPairs: 2,
      truePairs: 2,
      precision: 0,
      recall: 0,
      f1: null,
    });
    // Pairs touching a confirmed event: predicted {1,2} {3,4} {3,5} {4,5} (2 right); true {1,2} {1,3} {2,3} {4,5} (2 found).
    expect(r.byCategory.confirmed).toMatchObject({
      events: 4,
      correctPairs: 2,
      predictedPairs: 4,
      truePairs: 4,
      precision: 0.5,
      recall: 0.5,
    });
    expect(r).toMatchObject({
      events: 5,
      predictedPersons: 2,
      truePersons: 2,
      overMerges: 1,
      overMergedEvents: 3,
      underMerges: 1,
      knownShare: 0.4,
    });
  });

  it('gives perfect scores to a perfect clustering and no precision to all singletons', () => {
    const perfect = evaluateCells(cellsOf(['A', 'A', 'B', 'B', 'B'].map((t) => ({ p: `p${t}`, t, c: 'confirmed' }))));
    expect(perfect.overall).toMatchObject({ precision: 1, recall: 1, f1: 1 });
    expect(perfect).toMatchObject({ overMerges: 0, underMerges: 0 });
    const singletons = evaluateCells(cellsOf(['A', 'A', 'B'].map((t, i) => ({ p: `s${i}`, t, c: 'anonymous' }))));
    expect(singletons.overall).toEqual({ correctPairs: 0, predictedPairs: 0, truePairs: 1, precision: null, recall: 0, f1: null });
    expect(singletons.underMerges).toBe(1);
  });

  it('counts events in no output as missed pairs, not as persons', () => {
    // Truth: A = {1,2,3}, B = {4}. Predicted: X = {1,2}; events 3 and 4 were rejected.
    const r = evaluateCells(
      cellsOf([
        { p: 'X', t: 'A', c: 'confirmed' },
        { p: 'X', t: 'A', c: 'confirmed' },
        { p: null, t: 'A', c: 'not in output' },
        { p: null, t: 'B', c: 'not in output' },
      ]),
    );
    // Correct {1,2}; predicted {1,2}; true {1,2} {1,3} {2,3}: the rejected event 3 costs recall, not precision.
    expect(r.overall).toMatchObject({ correctPairs: 1, predictedPairs: 1, truePairs: 3 });
    expect(r.byCategory['not in output']).toMatchObject({ events: 2, correctPairs: 0, predictedPairs: 0, truePairs: 2 });
    // One person in the output; A is not split between persons, it lost an event (reported as not in output).
    expect(r).toMatchObject({ events: 4, predictedPersons: 1, truePersons: 2, overMerges: 0, underMerges: 0 });
  });

  it('agrees with counting every pair of events', () => {
    const event = fc.record({
      p: fc.constantFrom('p1', 'p2', 'p3', 'p4', null),
      t: fc.constantFrom('t1', 't2', 't3'),
      c: fc.constantFrom('confirmed', 'inferred'),
    });
    fc.assert(
      fc.property(fc.array(event, { minLength: 1, maxLength: 30 }), (events) => {
        const r = evaluateCells(cellsOf(events));
        const count = (ok: (a: (typeof events)[0], b: (typeof events)[0]) => boolean) => {
          let n = 0;
          for (let i = 0; i < events.length; i++) for (let j = i + 1; j < events.length; j++) if (ok(events[i], events[j])) n++;
          return n;
        };
        const touches = (c: string) => (a: (typeof events)[0], b: (typeof events)[0]) => a.c === c || b.c === c;
        // An event in no output (p null) is paired with nothing by the stitcher.
        const together = (a: (typeof events)[0], b: (typeof events)[0]) => a.p !== null && a.p === b.p;
        expect(r.overall.correctPairs).toBe(count((a, b) => together(a, b) && a.t === b.t));
        expect(r.overall.predictedPairs).toBe(count(together));
        expect(r.overall.truePairs).toBe(count((a, b) => a.t === b.t));
        for (const c of Object.keys(r.byCategory)) {
          expect(r.byCategory[c].correctPairs).toBe(count((a, b) => touches(c)(a, b) && together(a, b) && a.t === b.t));
          expect(r.byCategory[c].predictedPairs).toBe(count((a, b) => touches(c)(a, b) && together(a, b)));
          expect(r.byCategory[c].truePairs).toBe(count((a, b) => touches(c)(a, b) && a.t === b.t));
        }
        const persons = [...new Set(events.flatMap((e) => (e.p === null ? [] : [e.p])))];
        const truthsOf = (p: string) => new Set(events.filter((e) => e.p === p).map((e) => e.t)).size;
        expect(r.predictedPersons).toBe(persons.length);
        expect(r.overMerges).toBe(persons.filter((p) => truthsOf(p) > 1).length);
        const personsOf = (t: string) => new Set(events.filter((e) => e.t === t && e.p !== null).map((e) => e.p)).size;
        expect(r.underMerges).toBe([...new Set(events.map((e) => e.t))].filter((t) => personsOf(t) > 1).length);
      }),
    );
  });
});
