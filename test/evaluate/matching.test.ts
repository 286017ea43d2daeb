import { TRUTH_TABLE, ourPredictions, scoreSystem, type EvaluationReport, type SystemResult } from '../../src/evaluate';
import { PROBABILITY_BANDS, bandCase, matchingScores } from '../../src/evaluate/matching';
import { calibrationTable, formatEvaluation } from '../../src/evaluate/report';
import { SEED_PREDICTIONS } from '../../src/evaluate/seed';
import { createTable, openMemoryDb, queryRows, type TestDb } from '../support/duckdb';
import { offsiteGroup as group } from '../support/offsite-group';

describe('matchingScores', () => {
  it('gives each band its rows, mean probability and observed precision, and what a minimum at its lower bound keeps', () => {
    const b = (lo: number) => PROBABILITY_BANDS.findIndex(([from]) => from === lo);
    const m = matchingScores(
      [
        // [0.90, 0.95): 10 rows, 9 right, probabilities summing to 9.2.
        group({ band: b(0.9), rows: 9, probabilitySum: 8.28 }),
        group({ band: b(0.9), rows: 1, correct: false, toVisitor: true, probabilitySum: 0.92 }),
        // [0.99, 1]: 5 rows, all right.
        group({ band: b(0.99), rows: 5, probabilitySum: 4.99 }),
        // Rows the stitcher left unmatched or tied by email: recall's denominator, not inferred.
        group({ category: 'unmatched', toVisitor: false, correct: false, rows: 5 }),
        group({ category: 'confirmed', matchable: false, rows: 7 }),
      ],
      'present',
    );
    expect(m.bands.map((x) => x.band)).toEqual(PROBABILITY_BANDS);
    const nineties = m.bands[b(0.9)];
    expect(nineties).toMatchObject({ events: 10, correct: 9, precision: 0.9 });
    expect(nineties.meanProbability).toBeCloseTo(0.92, 10);
    // At ≥ 0.9: the 10 and the 5; recall over the 20 matchable rows (10 + 5 + 5 unmatched).
    expect(nineties.atLeast).toEqual({ events: 15, correct: 14, precision: 14 / 15, recall: 14 / 20 });
    expect(m.bands[b(0.99)].atLeast).toEqual({ events: 5, correct: 5, precision: 1, recall: 5 / 20 });
    // An empty band says so rather than 0%.
    expect(m.bands[b(0.5)]).toMatchObject({ events: 0, meanProbability: null, precision: null, atLeast: { events: 15 } });
    expect(m.inferred).toEqual({ events: 15, correct: 14, precision: 14 / 15, recall: 14 / 20 });
    expect(m).toMatchObject({ offsiteRows: 27, attachedToVisitor: 22, correctlyAttached: 21, matchable: 20 });
  });

  it('keeps inferred rows without a probability in a row of their own, and has no bands when the column is missing', () => {
    const rows = [group({ band: null, rows: 3 }), group({ band: null, rows: 1, correct: false })];
    const missing = matchingScores(rows, 'missing');
    expect(missing.bands).toEqual([
      {
        band: null,
        events: 4,
        correct: 3,
        meanProbability: null,
        precision: 0.75,
        atLeast: { events: 4, correct: 3, precision: 0.75, recall: 0.75 },
      },
    ]);
    const present = matchingScores([...rows, group({ band: 5, rows: 2, probabilitySum: 1.99 })], 'present');
    expect(present.bands.map((x) => x.band)).toEqual([...PROBABILITY_BANDS, null]);
    expect(present.inferred.events).toBe(6);
  });
});

describe('bandCase', () => {
  it('puts each probability in its band: lower bounds included, 1 in the last band, NULL in none', async () => {
    const db = await openMemoryDb();
    try {
      const values = [0, 0.4999, 0.5, 0.79, 0.8, 0.9, 0.95, 0.9899, 0.99, 1, null];
      const rows = await queryRows(
        db.conn,
        `SELECT p, ${bandCase('p')} AS band FROM (SELECT unnest([${values.map((v) => (v === null ? 'NULL' : v)).join(', ')}]::DOUBLE[]) AS p)`,
      );
      expect(rows.map((r) => r.band)).toEqual([0, 0, 1, 1, 2, 3, 4, 4, 5, 5, null]);
    } finally {
      db.close();
    }
  });
});

/**
 * A hand-made output: A and B identified on the site, D a visitor who never identified, C only on LinkedIn.
 * o1 (A's) and o3 (B's) are name-matched right; o2 (B's) went to A and o4 (C's) to B, wrongly; o5 stayed unmatched.
 */
describe('scoring a stitched table by hand', () => {
  let db: TestDb;
  const truth = [
    ['a1', 'A', 'pages'],
    ['a2', 'A', 'pages'],
    ['a3', 'A', 'identifies'],
    ['o1', 'A', 'linkedin'],
    ['b1', 'B', 'pages'],
    ['b2', 'B', 'identifies'],
    ['o2', 'B', 'linkedin'],
    ['o3', 'B', 'linkedin'],
    ['o4', 'C', 'linkedin'],
    ['d1', 'D', 'pages'],
    ['o5', 'D', 'linkedin'],
    ['o6', 'A', 'linkedin'],
  ].map(([event_id, person_id, source_table]) => ({ event_id, person_id, source_table, malformed: event_id === 'o6' }));
  const stitched = [
    ['a1', 'X', 'confirmed', null],
    ['a2', 'X', 'confirmed', null],
    ['a3', 'X', 'confirmed', null],
    ['b1', 'Y', 'confirmed', null],
    ['b2', 'Y', 'confirmed', null],
    ['d1', 'Z', 'anonymous', null],
    ['o1', 'X', 'inferred', 0.97],
    ['o2', 'X', 'inferred', 0.92],
    ['o3', 'Y', 'inferred', 0.995],
    ['o4', 'Y', 'inferred', 0.93],
    ['o5', 'W', 'unmatched', null],
  ].map(([event_id, person_id, identity_status, match_probability]) => ({ event_id, person_id, identity_status, match_probability }));
  beforeAll(async () => {
    db = await openMemoryDb();
    await createTable(db.conn, TRUTH_TABLE, truth);
  });
  afterAll(() => db.close());

  const score = async (name: string) => {
    const ours = await ourPredictions(db.conn);
    return scoreSystem(db.conn, name, 1000, ours.sql, ours.probability);
  };

  it('measures precision by band, recall over the rows of identified persons, and rows attached to the right visitor', async () => {
    await createTable(db.conn, 'stitched_events', stitched, { match_probability: 'DOUBLE' });
    const s = await score('journey-stitch');
    const m = s.matching;
    expect(m.probability).toBe('present');
    const [, , , nineties, high, top] = m.bands;
    // [0.90, 0.95): o2 and o4, both wrong.
    expect(nineties).toMatchObject({ events: 2, correct: 0, precision: 0 });
    expect(nineties.meanProbability).toBeCloseTo(0.925, 10);
    expect(high).toMatchObject({ events: 1, correct: 1, precision: 1, meanProbability: 0.97 });
    expect(top).toMatchObject({ events: 1, correct: 1, precision: 1, meanProbability: 0.995 });
    // o1, o2, o3 could be matched (A and B identified); C never visited and D never identified. o6 is malformed: left out.
    expect(m.matchable).toBe(3);
    expect(nineties.atLeast).toEqual({ events: 4, correct: 2, precision: 0.5, recall: 2 / 3 });
    expect(top.atLeast).toEqual({ events: 1, correct: 1, precision: 1, recall: 1 / 3 });
    // Attached to a visitor's person: o1–o4 (o5's person has no web event); right: o1 and o3. A, B and D visited: o1, o2, o3, o5.
    expect(m).toMatchObject({
      offsiteRows: 5,
      attachedToVisitor: 4,
      correctlyAttached: 2,
      attachedPrecision: 0.5,
      visitorRows: 4,
      attachedRecall: 0.5,
    });

    const table = calibrationTable(m);
    expect(table).toContain('| [0.90, 0.95) | 2 | 0.925 | 0.00% | 4 | 50.00% | 66.67% |');
    expect(table).toContain('| [0.99, 1.00] | 1 | 0.995 | 100.00% | 1 | 100.00% | 33.33% |');
    expect(table).toContain('| [0.50, 0.80) | 0 | – | – | 4 | 50.00% | 66.67% |');
  });

  it('says when stitched_events has no match_probability, and still scores the name matches', async () => {
    await createTable(
      db.conn,
      'stitched_events',
      stitched.map(({ match_probability: _, ...rest }) => rest),
    );
    const s = await score('journey-stitch');
    expect(s.matching.probability).toBe('missing');
    expect(s.matching.bands).toEqual([expect.objectContaining({ band: null, events: 4, correct: 2 })]);
    expect(s.matching.inferred).toEqual({ events: 4, correct: 2, precision: 0.5, recall: 2 / 3 });
  });

  it('renders the calibration table per stitcher with probabilities, a sentence for one without, nothing for the seed', async () => {
    await createTable(db.conn, 'stitched_events', stitched, { match_probability: 'DOUBLE' });
    const scored = await score('journey-stitch');
    await createTable(
      db.conn,
      'stitched_events',
      stitched.map(({ match_probability: _, ...rest }) => rest),
    );
    const bare = await score('journey-stitch, exact-name rule');
    await createTable(
      db.conn,
      'seed_stitched',
      stitched.map((r) => ({
        event_id: r.event_id,
        blended_user_id: r.person_id,
        is_inferred_identity: r.identity_status === 'inferred',
        is_known: r.person_id !== 'W',
      })),
    );
    const seed = await scoreSystem(db.conn, 'seed SQL', 10, SEED_PREDICTIONS, 'not applicable');
    expect(seed.matching.inferred).toEqual({ events: 4, correct: 2, precision: 0.5, recall: 2 / 3 });
    const report: EvaluationReport = {
      data: 'd',
      events: 11,
      malformedExcluded: 1,
      systems: [scored, bare, seed] as SystemResult[],
      seedSkipped: null,
      exactSkipped: null,
      iterations: {},
    };
    const text = formatEvaluation(report);
    expect(text).toContain(
      '| offsite rows correctly attached to visitors (share of the rows attached to one) | 2 (50.00%) | 2 (50.00%) | 2 (50.00%) |',
    );
    expect(text).toContain('| name-matched (inferred) rows right: precision (rows) | 50.00% (4) | 50.00% (4) | 50.00% (4) |');
    expect(text).toContain(
      '### Calibration: journey-stitch\n\n| match probability | inferred rows | mean predicted | observed precision |',
    );
    expect(text).toContain('journey-stitch, exact-name rule: stitched_events has no match_probability column');
    expect(text).not.toContain('Calibration: seed SQL');
    // A stitcher whose output has the column but no probability on its name matches (the exact-name rule).
    await createTable(
      db.conn,
      'stitched_events',
      stitched.map((r) => ({ ...r, match_probability: null })),
      { match_probability: 'DOUBLE' },
    );
    const exact = await score('journey-stitch, exact-name rule');
    expect(exact.matching.probability).toBe('present');
    expect(formatEvaluation({ ...report, systems: [exact] })).toContain(
      'journey-stitch, exact-name rule: its 4 name-matched rows carry no match probability, so no calibration table.',
    );
  });
});
