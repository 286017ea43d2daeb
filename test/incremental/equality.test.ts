/**
 * The property at the heart of incremental refresh: for random event streams cut into random batches (late
 * identifies, merges, newly shared emails, name matches gained and lost, late and duplicate rows), a full run on
 * the first batch followed by an incremental run per next batch ends equal to one full rebuild on everything:
 * every output table, every column, sorted by primary key, and the rejected rows. After every run the person-level
 * identifier state and the append's state (anonymous ids' persons, persons' tails) also equal their definitions over
 * the stored tables.
 */
import fc from 'fast-check';
import { testConfig } from '../support/scenarios';
import { batchedStream, LOOKBACK_HOURS } from './generators';
import { STATE_TABLES } from '../../src/models/incremental';
import { queryRows } from '../support/duckdb';
import { fullRebuild, refreshInBatches } from './harness';

const RUNS = Number(process.env.INCREMENTAL_RUNS ?? 25);
/** docs/semantics.md's name normalisation, written out (not the models' builder) for the state check. */
const NORMALIZED_NAME = `NULLIF(TRIM(regexp_replace(LOWER(strip_accents(regexp_replace(e.name, '[(\\[][^)\\]]*[)\\]]|,.*$', ' ', 'g'))), '[^\\p{L}\\p{N}]+', ' ', 'g')), '')`;

const configArb = fc.record({
  max_user_ids_per_email: fc.constantFrom(1, 2, 5),
  name_matching: fc.constantFrom(true, true, false),
  inactivity_minutes: fc.constantFrom(30, 240),
  // The streams span three days: an hour's and a day's window cut some anonymous history.
  backstitch_days: fc.constantFrom(null, null, 1 / 24, 1),
});

const POOLS = {
  'small id pools (one tangle of merges)': { anonymous: 5, users: 4, names: 5 },
  'larger id pools (separate persons, names across them)': { anonymous: 14, users: 8, names: 9 },
  // Few identifies, and page views of returning visitors arriving last: the append path (incremental/append.ts).
  'returning visitors': { anonymous: 6, users: 3, names: 3, identifyWeight: 1, offsiteWeight: 1, returning: true },
};

/** The stored tail of each person, written out from the output tables (not with the models' SQL). */
const TAIL_DEFINITION = `WITH ordered AS (
  SELECT se.person_id, se.occurred_at, se.event_id, se.step_label,
    ROW_NUMBER() OVER (PARTITION BY se.person_id ORDER BY se.occurred_at DESC, se.event_id DESC) AS from_last
  FROM stitched_events AS se
),
labelled AS (
  SELECT person_id, step_label, occurred_at,
    ROW_NUMBER() OVER (PARTITION BY person_id ORDER BY occurred_at DESC, event_id DESC) AS from_last
  FROM ordered WHERE step_label IS NOT NULL
),
last_session AS (SELECT person_id, MAX(session_number) AS session_number, MAX(started_at) AS started_at FROM sessions GROUP BY person_id)
SELECT o.person_id, o.occurred_at AS last_at, l.step_label AS last_label, l.occurred_at AS last_label_at,
  s.session_number, s.started_at AS session_started_at, COALESCE(p.step_count, 0) AS journey_steps
FROM ordered AS o
LEFT JOIN labelled AS l ON l.person_id = o.person_id AND l.from_last = 1
JOIN last_session AS s ON s.person_id = o.person_id
JOIN journey_paths AS p ON p.person_id = o.person_id
WHERE o.from_last = 1
ORDER BY ALL`;

/** Properties, per pool, in which some run appended to a person (incremental/append.ts) rather than recomputing it. */
const appendedProperties = new Map<string, number>();

afterAll(() => {
  process.stderr.write(`properties with an append: ${JSON.stringify(Object.fromEntries(appendedProperties))}\n`);
  // The property must reach the append path. Measured: 7 of 75 properties appended (5 of them returning visitors),
  // so about one in ten; requiring one keeps a fair draw failing about once in a thousand runs (0.91^75), where the
  // earlier bound (a fifth of RUNS in appending runs) failed a clean CI run.
  const appended = [...appendedProperties.values()].reduce((sum, n) => sum + n, 0);
  expect(appended).toBeGreaterThanOrEqual(1);
});

test.each(Object.entries(POOLS))(
  'full + incremental runs over batches equal one full rebuild: %s',
  async (name, pool) => {
    await fc.assert(
      fc.asyncProperty(batchedStream(pool), configArb, async ({ batches, all }, c) => {
        let appendedHere = false;
        const config = testConfig({
          identity: {
            max_user_ids_per_email: c.max_user_ids_per_email,
            name_matching: c.name_matching,
            backstitch_days: c.backstitch_days,
          },
          sessions: { inactivity_minutes: c.inactivity_minutes },
        });
        const incremental = await refreshInBatches(config, { lookback_hours: LOOKBACK_HOURS }, batches, async (_i, result, db) => {
          const appended = result.steps.find((s) => s.name === 'inc_append_stitched_events')?.rows ?? 0;
          if (appended > 0) appendedHere = true;
          // The append's state: each anonymous id's attribution and each person's tail, as a full run defines them.
          // Only ids whose identifier-less rows share one attribution that a later visit would get too: not on a
          // shared device, nor (with a backstitch window) left anonymous.
          expect(await queryRows(db.conn, `SELECT * FROM ${STATE_TABLES.personTail} ORDER BY ALL`)).toEqual(
            await queryRows(db.conn, TAIL_DEFINITION),
          );
          expect(await queryRows(db.conn, `SELECT * FROM ${STATE_TABLES.anonPersons} ORDER BY ALL`)).toEqual(
            await queryRows(
              db.conn,
              `SELECT DISTINCT anonymous_id, person_id, identity_status, link_reason FROM stitched_events AS se
             WHERE event_type <> 'offsite' AND anonymous_id IS NOT NULL AND user_id IS NULL AND event_email IS NULL AND crm_hubspot_id IS NULL
               AND link_reason <> 'shared_device' AND ${c.backstitch_days === null ? 'TRUE' : `identity_status <> 'anonymous'`}
               AND NOT EXISTS (
                 SELECT 1 FROM stitched_events AS o
                 WHERE o.anonymous_id = se.anonymous_id AND o.event_type <> 'offsite' AND o.user_id IS NULL AND o.event_email IS NULL AND o.crm_hubspot_id IS NULL
                   AND (o.person_id <> se.person_id OR o.identity_status <> se.identity_status OR o.link_reason <> se.link_reason)
               ) ORDER BY ALL`,
            ),
          );
          // The closure's person-level state stays what a full run derives from stitched_events and the stored events.
          const tokens = await queryRows(db.conn, `SELECT person_id, token FROM ${STATE_TABLES.personTokens} ORDER BY ALL`);
          expect(tokens).toEqual(
            await queryRows(
              db.conn,
              `SELECT DISTINCT se.person_id, k.token FROM stitched_events AS se JOIN ${STATE_TABLES.tokens} AS k USING (event_id) ORDER BY ALL`,
            ),
          );
          const names = await queryRows(db.conn, `SELECT * FROM ${STATE_TABLES.personNames} ORDER BY ALL`);
          expect(names).toEqual(
            await queryRows(
              db.conn,
              `SELECT DISTINCT se.person_id, ${NORMALIZED_NAME} AS norm_name, se.identity_status, e.event_type = 'offsite' AS offsite,
               EXISTS (SELECT 1 FROM stitched_events AS w WHERE w.person_id = se.person_id AND w.identity_status = 'confirmed' AND w.event_type <> 'offsite') AS on_web
             FROM ${STATE_TABLES.events} AS e JOIN stitched_events AS se USING (event_id) WHERE e.name IS NOT NULL ORDER BY ALL`,
            ),
          );
        });
        if (appendedHere) appendedProperties.set(name, (appendedProperties.get(name) ?? 0) + 1);
        const full = await fullRebuild(config, all);
        for (const table of Object.keys(full)) expect({ table, rows: incremental[table] }).toEqual({ table, rows: full[table] });
      }),
      { numRuns: RUNS },
    );
  },
  600_000,
);
