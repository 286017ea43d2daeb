/**
 * Raw tables partitioned by load time (BigQuery's ingestion-time partitions, the way Segment loads its warehouse
 * tables): an event's own time prunes none of their partitions, so an incremental run also narrows them to the
 * partitions loaded since the day of its cutoff minus incremental.load_margin_hours. Run here on DuckDB with a
 * real `_PARTITIONTIME` column standing in for the pseudo column; the BigQuery SQL is analyzed in
 * bigquery-analyze.test.ts.
 */
import { refreshFull, refreshIncremental } from '../../src/engine/incremental';
import { loadedSince } from '../../src/models/incremental';
import type { RawSources } from '../../src/models';
import type { OracleInput } from '../../src/oracle';
import { queryRows } from '../support/duckdb';
import { identify, page, testConfig } from '../support/scenarios';
import { fullRebuild, mergeInputs, RawDatabase, readOutputs } from './harness';

const LOAD = '_PARTITIONTIME';
const LOOKBACK = { lookback_hours: 24 };
/** A page loaded on a day (its load-time partition). */
const loadedPage = (id: string, when: string, loadDay: string, anonymousId = 'a1') => page(id, when, anonymousId, 'Home', { [LOAD]: `2024-${loadDay} 00:00:00` });

const history: OracleInput = {
  pages: [loadedPage('p0', '02-20 09:00', '02-20'), loadedPage('p1', '03-01 09:00', '03-01')],
  identifies: [identify('j1', '03-01 10:02', 'b1', { user_id: 'u2', name: 'Sam Lee' })],
};
// The first run's watermark is 03-01 10:02: the next cutoff is 02-29 10:02 (a leap year), and partitions from 02-28 on are read.
const next: OracleInput = {
  pages: [
    loadedPage('p2', '03-02 09:00', '03-02'),
    // Late but within the lookback, loaded today.
    loadedPage('p3', '02-29 12:00', '03-02', 'b1'),
    // A row no loader writes (filed under a day before the last run, yet new to it): it shows the filter at work.
    loadedPage('px', '03-02 10:00', '02-20', 'zz'),
  ],
};

async function twoRuns(loadTime: boolean) {
  const config = testConfig();
  const rawDb = await RawDatabase.open(config, mergeInputs([history, next]));
  try {
    await rawDb.db.conn.run(`ALTER TABLE raw_pages ALTER COLUMN ${LOAD} TYPE TIMESTAMP`);
    const raw: RawSources = { ...rawDb.raw, ...(loadTime && { loadTimeColumn: (t: string) => (t === 'pages' ? LOAD : undefined) }) };
    const opts = (minute: number) => ({ config, incremental: LOOKBACK, raw, now: new Date(Date.UTC(2030, 0, 1, 0, minute)) });
    await rawDb.append(history);
    await refreshFull(rawDb.db.conn, opts(0));
    await rawDb.append(next);
    const second = await refreshIncremental(rawDb.db.conn, opts(1));
    const events = await queryRows(rawDb.db.conn, 'SELECT event_id FROM stitched_events ORDER BY event_id');
    return { run: second.run, events: events.map((e) => e.event_id), outputs: await readOutputs(rawDb.db, config.journeys.steps) };
  } finally {
    rawDb.close();
  }
}

describe('raw tables partitioned by load time', () => {
  it('the first partition read: the day of the cutoff minus the margin; every partition on the first runs', () => {
    expect(loadedSince('2024-02-28 10:02:00', 24)).toBe('2024-02-27 00:00:00');
    expect(loadedSince('2024-02-29 00:30:00.123456', 1)).toBe('2024-02-28 00:00:00');
    expect(loadedSince('2024-03-01 10:00:00', 0)).toBe('2024-03-01 00:00:00');
    expect(loadedSince('0001-01-01 00:00:00', 24)).toBeUndefined();
  });

  it('an incremental run reads the partitions loaded since that day, and ends equal to a full rebuild of them', async () => {
    const pruned = await twoRuns(true);
    expect(pruned.run).toMatchObject({ mode: 'incremental', cutoff: '2024-02-29 10:02:00', new_events: 2 });
    expect(pruned.events).toEqual(['j1', 'p0', 'p1', 'p2', 'p3']);
    const readable = { pages: next.pages!.filter((p) => p.id !== 'px') };
    expect(pruned.outputs).toEqual(await fullRebuild(testConfig(), mergeInputs([history, readable])));

    // Without the load-time column the same run reads every partition, px's too.
    const unpruned = await twoRuns(false);
    expect(unpruned.run).toMatchObject({ mode: 'incremental', new_events: 3 });
    expect(unpruned.events).toEqual(['j1', 'p0', 'p1', 'p2', 'p3', 'px']);
  });
});
