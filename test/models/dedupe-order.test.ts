/**
 * `dedupeBefore` (the incremental refresh ranks a new copy of a known event against the stored one with it) must
 * agree with the window the full run dedupes with: ORDER BY DEDUPE_ORDER, the stored copy first on a tie.
 * Checked on DuckDB over every ordered pair of random rows whose columns tie and are NULL often.
 */
import fc from 'fast-check';
import { DEDUPE_COLUMNS, DEDUPE_ORDER, dedupeBefore } from '../../src/models/staging';
import { createTable, openMemoryDb, queryRows, type TestDb } from '../support/duckdb';

const text = fc.constantFrom(null, 'a', 'b');
const copy = fc.record({
  // Never NULL in staged rows (staging rejects a row without a timestamp; source_order is a constant per source).
  occurred_at: fc.constantFrom('2024-03-01 09:00:00', '2024-03-01 09:00:01'),
  source_order: fc.constantFrom(1, 2),
  anonymous_id: text,
  user_id: text,
  email: text,
  event_name: text,
  page_url: text,
});

let db: TestDb;
beforeAll(async () => {
  db = await openMemoryDb();
});
afterAll(() => db.close());

test('dedupeBefore ranks two copies as the dedupe window does (the stored copy wins ties)', async () => {
  const seen = { newWins: 0, storedWins: 0, ties: 0 };
  await fc.assert(
    fc.asyncProperty(fc.array(copy, { minLength: 2, maxLength: 8 }), async (copies) => {
      const rows = copies.map((c, id) => ({ id, ...c }));
      await db.conn.run('DROP TABLE IF EXISTS copies');
      await createTable(db.conn, 'copies', rows, { occurred_at: 'timestamp', source_order: 'int' });
      const cols = DEDUPE_COLUMNS.join(', ');
      const [result] = await queryRows(
        db.conn,
        `WITH pairs AS (SELECT a.id AS new_id, b.id AS stored_id FROM copies AS a, copies AS b WHERE a.id <> b.id),
ranked AS (
  SELECT new_id, stored_id, from_state,
    ROW_NUMBER() OVER (PARTITION BY new_id, stored_id ORDER BY ${DEDUPE_ORDER}, from_state DESC) AS copy_number
  FROM (
    SELECT p.new_id, p.stored_id, 0 AS from_state, ${cols} FROM pairs AS p JOIN copies AS c ON c.id = p.new_id
    UNION ALL
    SELECT p.new_id, p.stored_id, 1 AS from_state, ${cols} FROM pairs AS p JOIN copies AS c ON c.id = p.stored_id
  ) AS u
),
window_says AS (SELECT new_id, stored_id, from_state = 0 AS new_wins FROM ranked WHERE copy_number = 1),
compared AS (
  SELECT w.new_wins, ${dedupeBefore('n', 's')} AS before
  FROM window_says AS w JOIN copies AS n ON n.id = w.new_id JOIN copies AS s ON s.id = w.stored_id
)
SELECT COUNT(*) AS pairs, COUNT(*) FILTER (WHERE new_wins IS DISTINCT FROM before) AS disagree,
  COUNT(*) FILTER (WHERE new_wins) AS new_wins FROM compared`,
      );
      expect(Number(result.disagree)).toBe(0);
      expect(Number(result.pairs)).toBe(rows.length * (rows.length - 1));
      seen.newWins += Number(result.new_wins);
      seen.storedWins += Number(result.pairs) - Number(result.new_wins);
      seen.ties += copies.filter((c, i) => copies.some((d, j) => i !== j && JSON.stringify(c) === JSON.stringify(d))).length;
    }),
    { numRuns: 60, seed: 20261129 },
  );
  // The generator reached the cases that matter: new copies winning and losing, and whole-row ties (the stored wins).
  expect(seen.newWins).toBeGreaterThan(0);
  expect(seen.storedWins).toBeGreaterThan(0);
  expect(seen.ties).toBeGreaterThan(0);
});
