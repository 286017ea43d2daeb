/**
 * Property tests: random event sets (small pools of ids so they collide, junk values, mixed-case emails, accented
 * and duplicate names, carried anonymous ids, duplicate event ids, offsite rows with and without email / profile
 * URL / id column) → the real pipeline on DuckDB equals the oracle on every output table and on the rejects,
 * and every deduplicated input event appears exactly once in stitched_events.
 */
import fc from 'fast-check';
import { OUTPUT_TABLES } from '../../src/contract/tables';
import { stitchOracle } from '../../src/oracle';
import { openMemoryDb, type TestDb } from '../support/duckdb';
import { stitchOnDuckDB } from '../support/stitch';
import { stitchConfig, stitchInput } from './arbitraries';

// Each run builds and runs the whole pipeline (~0.5–1 s on DuckDB, mostly fixed cost), so runs are few and inputs
// are rich; PROPERTY_RUNS=500 for a deeper search.
const RUNS = Number(process.env.PROPERTY_RUNS ?? 25);
const TIME_LIMIT_MS = 60_000 + RUNS * 3_000;

let db: TestDb;
beforeAll(async () => {
  db = await openMemoryDb();
});
afterAll(() => db.close());

/** Runs that reached a shared device (§3), and runs whose backstitch window changed the result: the property must. */
const reached = { sharedDevice: 0, backstitchCut: 0 };
afterAll(() => {
  expect(reached.sharedDevice).toBeGreaterThanOrEqual(Math.ceil(RUNS / 10));
  expect(reached.backstitchCut).toBeGreaterThanOrEqual(Math.ceil(RUNS / 25));
});

const rejectTuples = (rows: { source_table: string; event_id: string | null; reason: string }[]) =>
  rows.map((r) => [r.source_table, r.event_id, r.reason]).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));

test(
  'DuckDB equals the oracle on random inputs, and every accepted event is stitched exactly once',
  async () => {
    await fc.assert(
      fc.asyncProperty(stitchInput, stitchConfig, async (raw, config) => {
        const duck = await stitchOnDuckDB(db, raw, config);
        const oracle = stitchOracle(raw, config);
        if (oracle.stitched_events.some((e) => e.link_reason === 'shared_device')) reached.sharedDevice += 1;
        if (config.identity.backstitch_days !== null) {
          const unlimited = stitchOracle(raw, { ...config, identity: { ...config.identity, backstitch_days: null } });
          if (JSON.stringify(unlimited.stitched_events) !== JSON.stringify(oracle.stitched_events)) reached.backstitchCut += 1;
        }
        for (const table of OUTPUT_TABLES) expect({ table, rows: duck[table] }).toEqual({ table, rows: oracle[table] });
        expect(rejectTuples(duck.rejected)).toEqual(rejectTuples(oracle.rejected));

        // Independently of the oracle: an id given to some row is stitched once iff not every row with it was rejected.
        const stitchedIds = duck.stitched_events.map((e) => e.event_id as string);
        expect(new Set(stitchedIds).size).toBe(stitchedIds.length);
        const rowsWithId = new Map<string, number>();
        for (const row of [...raw.pages!, ...raw.tracks!, ...raw.identifies!, ...raw.offsite!.linkedin]) {
          if (typeof row.id === 'string' && /^e\d+$/.test(row.id)) rowsWithId.set(row.id, (rowsWithId.get(row.id) ?? 0) + 1);
        }
        const rejectedWithId = new Map<string, number>();
        for (const r of duck.rejected) if (r.event_id !== null) rejectedWithId.set(r.event_id, (rejectedWithId.get(r.event_id) ?? 0) + 1);
        const expected = [...rowsWithId].filter(([id, n]) => n > (rejectedWithId.get(id) ?? 0)).map(([id]) => id);
        expect(stitchedIds.filter((id) => /^e\d+$/.test(id)).sort()).toEqual(expected.sort());

        // Persons partition the events.
        const personEvents = duck.persons.reduce((sum, p) => sum + (p.event_count as number), 0);
        expect(personEvents).toBe(duck.stitched_events.length);
      }),
      // Shrinking a failure reruns the pipeline many times: stop it in time to report the smallest input found so far.
      { numRuns: RUNS, interruptAfterTimeLimit: TIME_LIMIT_MS, markInterruptAsFailure: true },
    );
  },
  TIME_LIMIT_MS + 20_000,
);
