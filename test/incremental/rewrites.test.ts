/**
 * Only the affected persons are rewritten: rows of everyone else keep their physical row (DuckDB rowid) and
 * content; the run is recorded in journey_stitch_runs with its watermark, cutoff and counts. Also: the fallback
 * to a full run (no state, changed config), and a failing run that leaves the tables as they were.
 */
import { OUTPUT_TABLES } from '../../src/contract/tables';
import { refreshIncremental } from '../../src/warehouse/duckdb/incremental';
import { STATE_TABLES } from '../../src/models/incremental';
import type { OracleInput } from '../../src/oracle';
import { queryRows, type TestDb } from '../support/duckdb';
import { identify, offsiteRow, page, testConfig, track, userPerson } from '../support/scenarios';
import { fullRebuild, mergeInputs, RawDatabase, readOutputs, refreshInBatches } from './harness';

const LOOKBACK = { lookback_hours: 24 };
/** Each table's key; identity_links' as its readable token (link_id is the token's hash). */
const KEYS: Record<string, string> = {
  stitched_events: 'event_id',
  persons: 'person_id',
  identity_links: `identifier_type || ':' || identifier`,
  sessions: 'session_id',
  journey_paths: 'person_id',
  session_paths: 'session_id',
};

/** rowid of every output row, by table and primary key, with the row's person. */
async function rowIds(db: TestDb): Promise<Map<string, { rowid: number; person: string }>> {
  const ids = new Map<string, { rowid: number; person: string }>();
  for (const table of OUTPUT_TABLES) {
    const rows = await queryRows(db.conn, `SELECT rowid AS r, ${KEYS[table]} AS k, person_id AS p FROM "${table}"`);
    for (const row of rows) ids.set(`${table}/${row.k}`, { rowid: row.r as number, person: row.p as string });
  }
  return ids;
}

const batch1: OracleInput = {
  pages: [
    page('p1', '03-01 09:00', 'a1', 'Home', { context_page_url: 'https://acme.example/?utm_source=ads', context_ip: '10.0.0.1' }),
    page('p2', '03-01 09:05', 'a1', 'Pricing'),
    page('q1', '03-01 10:00', 'b1', 'Home'),
    page('q2', '03-01 10:01', 'b1', 'Blog'),
  ],
  identifies: [identify('j1', '03-01 10:02', 'b1', { user_id: 'u2', name: 'Sam Lee' })],
  offsite: { linkedin: [offsiteRow('l1', '03-01 08:00', 'Sam Lee')], twitter: [] },
};
const batch2: OracleInput = { identifies: [identify('i1', '03-02 10:00', 'a1', { user_id: 'u1', name: 'Jo Smith' })] };

describe('incremental rewrites', () => {
  it("rewrites the affected person's rows only and records the run", async () => {
    let before = new Map<string, { rowid: number; person: string }>();
    let after = new Map<string, { rowid: number; person: string }>();
    const runs: Record<string, unknown>[][] = [];
    let stitchedP1: Record<string, unknown> | undefined;
    await refreshInBatches(testConfig(), LOOKBACK, [batch1, batch2], async (i, result, db) => {
      if (i === 0) before = await rowIds(db);
      else {
        after = await rowIds(db);
        [stitchedP1] = await queryRows(
          db.conn,
          `SELECT person_id, page_url, ip, identity_status FROM stitched_events WHERE event_id = 'p1'`,
        );
        expect(result.run).toMatchObject({ mode: 'incremental', new_events: 1, affected_persons: 1 });
      }
      runs.push(await queryRows(db.conn, `SELECT * FROM ${STATE_TABLES.runs} ORDER BY refreshed_at`));
    });

    // u2 (with its name-matched LinkedIn row) was not touched: same physical rows.
    const untouched = [...before].filter(([, v]) => v.person === userPerson('u2'));
    expect(untouched.length).toBeGreaterThan(5);
    for (const [key, v] of untouched) expect([key, after.get(key)?.rowid]).toEqual([key, v.rowid]);
    // a1 became u1: its rows are new, the anonymous person's rows are gone.
    const rewritten = [...after].filter(([, v]) => v.person === userPerson('u1'));
    expect(rewritten.map(([k]) => k)).toEqual(
      expect.arrayContaining(['stitched_events/p1', 'stitched_events/p2', 'stitched_events/i1', `persons/${userPerson('u1')}`]),
    );
    // Appended after the old rows of their table (DuckDB hands out rowids in insertion order).
    const oldMax = (table: string) => Math.max(...[...before].filter(([k]) => k.startsWith(`${table}/`)).map(([, v]) => v.rowid));
    for (const [key, v] of rewritten) expect([key, v.rowid > oldMax(key.split('/')[0])]).toEqual([key, true]);
    // The recomputed row of an unchanged event keeps the event's own columns.
    expect(stitchedP1).toEqual({
      person_id: userPerson('u1'),
      page_url: 'https://acme.example/?utm_source=ads',
      ip: '10.0.0.1',
      identity_status: 'confirmed',
    });
    expect([...after.values()].some((v) => v.person === 'a1')).toBe(false);

    const last = runs[1];
    expect(last.map((r) => r.mode)).toEqual(['full', 'incremental']);
    expect(last[0]).toMatchObject({ watermark: '2024-03-01 10:02:00', cutoff: null, new_events: 6 });
    // Cutoff = the full run's watermark minus the lookback; the new watermark is the newest event since.
    expect(last[1]).toMatchObject({ watermark: '2024-03-02 10:00:00', cutoff: '2024-02-29 10:02:00', new_events: 1, affected_persons: 1 });
    // u1's stitched events (3), person, paths, sessions and links: far fewer than the table rows.
    const total = [...after.keys()].length;
    expect(last[1].rows_rewritten).toBe(rewritten.length);
    expect(last[1].rows_rewritten as number).toBeLessThan(total);
  });

  it("a known person's new page view rewrites only the rows it changes", async () => {
    let before = new Map<string, { rowid: number; person: string }>();
    let after = new Map<string, { rowid: number; person: string }>();
    let session = '';
    const batch: OracleInput = { pages: [page('q3', '03-01 10:20', 'b1', 'Pricing')] };
    await refreshInBatches(testConfig(), LOOKBACK, [batch1, batch], async (i, result, db) => {
      if (i === 0) before = await rowIds(db);
      else {
        after = await rowIds(db);
        session = (await queryRows(db.conn, `SELECT session_id FROM stitched_events WHERE event_id = 'q3'`))[0].session_id as string;
        expect(result.run).toMatchObject({ new_events: 1, affected_persons: 1, rows_rewritten: 6 });
        // A plain page view later than u2's last event: appended to u2 (incremental/append.ts), nothing recomputed.
        const rows = (step: string) => result.steps.find((s) => s.name === step)?.rows;
        expect([rows('inc_append_stitched_events'), rows('inc_delta_js_events')]).toEqual([1, 0]);
      }
    });
    const moved = [...after].filter(([key, v]) => before.get(key)?.rowid !== v.rowid).map(([key]) => key);
    // The new event, the person's counts and path, its session and session path, and the anonymous id's usage;
    // u2's earlier session (the name-matched LinkedIn like) and every other row stay in place.
    expect(moved.sort()).toEqual(
      [
        'stitched_events/q3',
        `persons/${userPerson('u2')}`,
        `journey_paths/${userPerson('u2')}`,
        'identity_links/anonymous_id:b1',
        `sessions/${session}`,
        `session_paths/${session}`,
      ].sort(),
    );
    expect(after.get('stitched_events/q1')?.rowid).toBe(before.get('stitched_events/q1')?.rowid);
    expect(after.get('identity_links/user_id:u2')?.rowid).toBe(before.get('identity_links/user_id:u2')?.rowid);
  });

  it('exact rule: a name two untouched persons share brings neither into the recomputation', async () => {
    const before: OracleInput = {
      pages: [page('p1', '03-01 09:00', 'a1', 'Home'), page('p2', '03-01 09:10', 'a2', 'Home')],
      identifies: [
        identify('i1', '03-01 09:01', 'a1', { user_id: 'u1', name: 'Jo Smith' }),
        identify('i2', '03-01 09:11', 'a2', { user_id: 'u2', name: 'Jo Smith' }),
      ],
      offsite: { linkedin: [offsiteRow('l1', '03-01 08:00', 'Jo Smith')], twitter: [] },
    };
    // A third Jo Smith: under the exact rule the name stays ambiguous whatever happens to u3, so u1, u2 and the
    // LinkedIn profile stay. (Scored matching recomputes them: evidence can single out one of several namesakes.)
    const next: OracleInput = { identifies: [identify('i3', '03-02 09:00', 'a3', { user_id: 'u3', name: 'Jo Smith' })] };
    const config = testConfig({ identity: { name_matching: { method: 'exact' } } });
    const incremental = await refreshInBatches(config, LOOKBACK, [before, next], async (i, result) => {
      // u3 is new (no stored person to recompute); without the narrowing u1, u2 and the profile would count (3).
      if (i === 1) expect(result.run).toMatchObject({ new_events: 1, affected_persons: 0 });
    });
    expect(incremental).toEqual(await fullRebuild(config, mergeInputs([before, next])));
  });

  it('a run with nothing new rewrites nothing', async () => {
    await refreshInBatches(testConfig(), LOOKBACK, [batch1, {}], async (i, result) => {
      if (i === 1) expect(result.run).toMatchObject({ mode: 'incremental', new_events: 0, affected_persons: 0, rows_rewritten: 0 });
    });
  });

  it('falls back to a full run without state or after a config change', async () => {
    const config = testConfig();
    const rawDb = await RawDatabase.open(config, batch1);
    try {
      await rawDb.append(batch1);
      const first = await refreshIncremental(rawDb.db.conn, { config, incremental: LOOKBACK, raw: rawDb.raw });
      expect(first.run.mode).toBe('full');
      expect(first.fullReason).toMatch(/no earlier run/);
      const changed = testConfig({ sessions: { inactivity_minutes: 5 } });
      const second = await refreshIncremental(rawDb.db.conn, { config: changed, incremental: LOOKBACK, raw: rawDb.raw });
      expect(second.run.mode).toBe('full');
      expect(second.fullReason).toMatch(/config changed/);
      const third = await refreshIncremental(rawDb.db.conn, { config: changed, incremental: LOOKBACK, raw: rawDb.raw });
      expect(third.run.mode).toBe('incremental');
    } finally {
      rawDb.close();
    }
  });

  it('a failing run leaves the tables as they were', async () => {
    const config = testConfig();
    const rawDb = await RawDatabase.open(config, batch1);
    try {
      await rawDb.append(batch1);
      await refreshIncremental(rawDb.db.conn, { config, incremental: LOOKBACK, raw: rawDb.raw });
      const before = await readOutputs(rawDb.db, config.journeys.steps);
      await rawDb.append({ tracks: [track('t9', '03-02 09:00', 'a1', 'Meeting Booked')] });
      // Sabotage the apply step: a stitched_events column the recomputed rows do not have.
      await rawDb.db.conn.run('ALTER TABLE stitched_events ADD COLUMN extra VARCHAR');
      await expect(refreshIncremental(rawDb.db.conn, { config, incremental: LOOKBACK, raw: rawDb.raw })).rejects.toThrow(/stitched_events/);
      await rawDb.db.conn.run('ALTER TABLE stitched_events DROP COLUMN extra');
      expect(await readOutputs(rawDb.db, config.journeys.steps)).toEqual(before);
      const runs = await queryRows(rawDb.db.conn, `SELECT mode FROM ${STATE_TABLES.runs}`);
      expect(runs).toEqual([{ mode: 'full' }]);
    } finally {
      rawDb.close();
    }
  });
});
