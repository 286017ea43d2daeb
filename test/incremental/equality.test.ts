/**
 * The property at the heart of incremental refresh: for random event streams cut into random batches (late
 * identifies, merges, newly shared emails, name matches gained and lost, late and duplicate rows), a full run on
 * the first batch followed by an incremental run per next batch ends equal to one full rebuild on everything:
 * every output table, every column, sorted by primary key, and the rejected rows. After every run the person-level
 * identifier state also equals its definition over the stored tables.
 */
import fc from 'fast-check';
import { testConfig } from '../support/scenarios';
import { batchedStream, LOOKBACK_HOURS } from './generators';
import { STATE_TABLES } from '../../src/models/incremental';
import { queryRows } from '../support/duckdb';
import { fullRebuild, refreshInBatches } from './harness';

const RUNS = Number(process.env.INCREMENTAL_RUNS ?? 25);
/** docs/semantics.md's name normalisation, written out (not the models' builder) for the state check. */
const NORMALIZED_NAME = `NULLIF(TRIM(regexp_replace(LOWER(strip_accents(e.name)), '[^\\p{L}\\p{N}]+', ' ', 'g')), '')`;

const configArb = fc.record({
  max_user_ids_per_email: fc.constantFrom(1, 2, 5),
  name_matching: fc.constantFrom(true, true, false),
  inactivity_minutes: fc.constantFrom(30, 240),
});

const POOLS = {
  'small id pools (one tangle of merges)': { anonymous: 5, users: 4, names: 5 },
  'larger id pools (separate persons, names across them)': { anonymous: 14, users: 8, names: 9 },
};

test.each(Object.entries(POOLS))('full + incremental runs over batches equal one full rebuild: %s', async (_name, pool) => {
  await fc.assert(
    fc.asyncProperty(batchedStream(pool), configArb, async ({ batches, all }, c) => {
      const config = testConfig({
        identity: { max_user_ids_per_email: c.max_user_ids_per_email, name_matching: c.name_matching },
        sessions: { inactivity_minutes: c.inactivity_minutes },
      });
      const incremental = await refreshInBatches(config, { lookback_hours: LOOKBACK_HOURS }, batches, async (_i, _result, db) => {
        // The closure's person-level state stays what a full run derives from stitched_events and the stored events.
        const tokens = await queryRows(db.conn, `SELECT person_id, token FROM ${STATE_TABLES.personTokens} ORDER BY ALL`);
        expect(tokens).toEqual(
          await queryRows(db.conn, `SELECT DISTINCT se.person_id, k.token FROM stitched_events AS se JOIN ${STATE_TABLES.tokens} AS k USING (event_id) ORDER BY ALL`),
        );
        const names = await queryRows(db.conn, `SELECT * FROM ${STATE_TABLES.personNames} ORDER BY ALL`);
        expect(names).toEqual(
          await queryRows(
            db.conn,
            `SELECT DISTINCT se.person_id, ${NORMALIZED_NAME} AS norm_name, se.identity_status, e.event_type = 'offsite' AS offsite
             FROM ${STATE_TABLES.events} AS e JOIN stitched_events AS se USING (event_id) WHERE e.name IS NOT NULL ORDER BY ALL`,
          ),
        );
      });
      const full = await fullRebuild(config, all);
      for (const table of Object.keys(full)) expect({ table, rows: incremental[table] }).toEqual({ table, rows: full[table] });
    }),
    { numRuns: RUNS },
  );
}, 600_000);
