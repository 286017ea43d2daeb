/**
 * The BigQuery bytes ledger of the cost bench (bench/bigquery-cost.ts), on a small table whose sizes are worked out
 * by hand: BigQuery's logical sizes (STRING 2 + UTF-8 bytes, TIMESTAMP 8), reads billed by the columns they touch,
 * and DML billed for its target table as BigQuery's pricing says (whole, or the date partitions it modifies).
 */
import { withScanLedger } from '../../bench/bigquery-cost';
import { openMemoryDb, type TestDb } from '../support/duckdb';

let db: TestDb;
beforeEach(async () => {
  db = await openMemoryDb();
  // Three days, two rows each. id: 'a1'…'c2' (4 bytes each); note: 'xx' (4 bytes) or NULL (0); seen_at: 8 bytes.
  await db.conn.run(`CREATE TABLE events AS SELECT * FROM (VALUES
    ('a1', 'xx', TIMESTAMP '2024-03-01 09:00'), ('a2', NULL, TIMESTAMP '2024-03-01 10:00'),
    ('b1', 'xx', TIMESTAMP '2024-03-02 09:00'), ('b2', 'xx', TIMESTAMP '2024-03-02 10:00'),
    ('c1', 'xx', TIMESTAMP '2024-03-03 09:00'), ('c2', NULL, TIMESTAMP '2024-03-03 10:00')
  ) AS t(id, note, seen_at)`);
  await db.conn.run(`CREATE TABLE copy AS SELECT * FROM events`);
});
afterEach(() => db.close());

/** Per statement: the bytes billed, and each scanned table's label and bytes. */
async function bill(partitions: Record<string, string>, ...statements: string[]) {
  const ledger = withScanLedger(db.conn, partitions);
  for (const sql of statements) await ledger.conn.run(sql);
  return ledger
    .take()
    .map((s) => ({ bytes: s.bytes, tables: Object.fromEntries(s.scans.map((t) => [t.table.replace(/^.*\./, ''), t.bytes])) }));
}

// Per row: id 4 bytes ('a1'), note 4 ('xx') or 0 (NULL), seen_at 8. Per day: 2024-03-01 28, 2024-03-02 32, 2024-03-03 28.
const ALL = 28 + 32 + 28;

describe('BigQuery bytes ledger', () => {
  it('bills a query by the columns it reads, whatever its filter keeps', async () => {
    const [select] = await bill({}, `SELECT id FROM events WHERE note IS NULL`);
    expect(select).toEqual({ bytes: 6 * 4 + 4 * 4, tables: { events: 6 * 4 + 4 * 4 } });
  });

  it('bills an INSERT for what it reads only, not for its target', async () => {
    const [insert] = await bill({ events: 'seen_at' }, `INSERT INTO events SELECT * FROM copy WHERE id = 'a1'`);
    expect(insert).toEqual({ bytes: ALL, tables: { '"copy"': ALL } });
  });

  it('bills a DELETE on an unpartitioned table for all of the table as it was, even when it deletes nothing', async () => {
    const [hit, miss] = await bill({}, `DELETE FROM events WHERE id = 'a1'`, `DELETE FROM events WHERE id = 'zz'`);
    expect(hit.tables['events (modified)']).toBe(ALL);
    expect(miss.tables['events (modified)']).toBe(ALL - 16);
    // Plus what the statement itself reads of it: the id column, every row.
    expect(hit).toEqual({ bytes: 6 * 4 + ALL, tables: { events: 0, 'events (read by the statement)': 6 * 4, 'events (modified)': ALL } });
  });

  it('bills a DELETE or UPDATE on a date-partitioned table for the partitions it modifies, as they were', async () => {
    const [del, upd, none] = await bill(
      { events: 'seen_at' },
      `DELETE FROM events WHERE id = 'b1'`,
      `UPDATE events SET note = 'yy' WHERE id IN ('a2', 'c1')`,
      `DELETE FROM events WHERE id = 'zz'`,
    );
    expect(del.tables['events (1 of 3 partitions modified)']).toBe(32);
    expect(upd.tables['events (2 of 3 partitions modified)']).toBe(28 + 28);
    expect(none.tables['events (0 of 3 partitions modified)']).toBe(0);
    // What each reads of its target: the id column, of the rows there are then.
    expect([del, upd, none].map((s) => s.bytes)).toEqual([6 * 4 + 32, 5 * 4 + 56, 5 * 4]);
  });

  it('marks the part a DML statement bills for its target, and only that part', async () => {
    const ledger = withScanLedger(db.conn, { events: 'seen_at' });
    for (const sql of [
      `DELETE FROM events WHERE id = 'b1'`,
      `DELETE FROM copy WHERE id = 'a1'`,
      `INSERT INTO events SELECT * FROM copy`,
      `SELECT id FROM events`,
    ]) {
      await ledger.conn.run(sql);
    }
    const marked = ledger.take().map((s) => s.scans.filter((t) => t.modified).map((t) => [t.table.replace(/^.*\./, ''), t.bytes]));
    // The partitioned table's modified day; the unpartitioned copy whole, as it was; nothing for an INSERT or a read.
    expect(marked).toEqual([[['events (1 of 3 partitions modified)', 32]], [['copy (modified)', ALL]], [], []]);
  });

  it('bills a read of a date-partitioned table under a constant filter on its column for the days the filter keeps', async () => {
    const [since, day, either, unpartitioned] = await bill(
      { events: 'seen_at' },
      `SELECT id FROM events WHERE seen_at >= TIMESTAMP '2024-03-02 09:30'`,
      `SELECT id FROM events WHERE seen_at < TIMESTAMP '2024-03-02 00:01' AND id <> 'zz'`,
      `SELECT id FROM events WHERE seen_at >= TIMESTAMP '2024-03-03 00:00' OR id = 'a1'`,
      `SELECT id FROM copy WHERE seen_at >= TIMESTAMP '2024-03-03 00:00'`,
    );
    // 03-02 is billed whole although only its 10:00 row passes: BigQuery prunes whole days. The id and seen_at
    // columns of two days: 4 * (4 + 8).
    expect(since.bytes).toBe(4 * 12);
    // Up to and including the day of the bound (the filter's column is read too): 03-01 and 03-02.
    expect(day.bytes).toBe(4 * 12);
    const [midnight] = await bill({ events: 'seen_at' }, `SELECT id FROM events WHERE seen_at < TIMESTAMP '2024-03-02 00:00'`);
    expect(midnight.bytes).toBe(2 * 12);
    // With an IN subquery beside it the outer table is pruned, the subquery's table is not.
    const [semi] = await bill(
      { events: 'seen_at', copy: 'seen_at' },
      `SELECT id FROM events WHERE seen_at >= TIMESTAMP '2024-03-03 00:00' AND id IN (SELECT id FROM copy)`,
    );
    expect(semi.tables).toEqual({
      [`events (days (SUBQUERY AND (seen_at >= '2024-03-03 00:00:00'::TIMESTAMP)))`]: 2 * 12,
      '"copy"': 6 * 4,
    });
    // Under an OR nothing is pruned.
    expect(either.bytes).toBe(6 * 12);
    expect(unpartitioned.bytes).toBe(6 * 12);
  });

  it('bills what a DELETE reads of its partitioned target for the days its constant filter keeps', async () => {
    const [del] = await bill(
      { events: 'seen_at' },
      `DELETE FROM events WHERE seen_at >= TIMESTAMP '2024-03-03 00:00' AND id IN (SELECT id FROM copy WHERE id = 'c1')`,
    );
    const read = Object.entries(del.tables).find(([t]) => t.includes('read by the statement'));
    // Its id and seen_at, of 03-03 only; plus the modified day (28) and the subquery's read of copy (6 * 4).
    expect(read?.[1]).toBe(2 * 12);
    expect(del.bytes).toBe(2 * 12 + 28 + 6 * 4);
  });
});
