/**
 * Raw tables partitioned on a load time (BigQuery's ingestion-time partitions, the way Segment loads its warehouse
 * tables, or a load date column): an event's own time prunes none of their partitions, so an incremental run also
 * narrows them to the partitions since the day of its cutoff minus incremental.load_margin_hours. Run here on DuckDB
 * with a real `_PARTITIONTIME` column standing in for the pseudo column, and with a DATE column; the BigQuery SQL is
 * analyzed in bigquery-analyze.test.ts, and the partitioning read from INFORMATION_SCHEMA below.
 */
import { refreshFull, refreshIncremental } from '../../src/warehouse/duckdb/incremental';
import { loadedSince } from '../../src/models/incremental';
import type { RawSources } from '../../src/models';
import type { PartitionColumn } from '../../src/models/types';
import { partitionColumnOf } from '../../src/warehouse/bigquery/sources';
import type { OracleInput } from '../../src/oracle';
import { queryRows } from '../support/duckdb';
import { identify, page, testConfig } from '../support/scenarios';
import { fullRebuild, mergeInputs, RawDatabase, readOutputs } from './harness';

const LOOKBACK = { lookback_hours: 24 };

/** The partitioning columns tried: the pseudo column (named bare) and a DATE column. */
const PARTITIONINGS: PartitionColumn[] = [
  { name: '_PARTITIONTIME', type: 'TIMESTAMP', pseudo: true },
  { name: 'load_date', type: 'DATE' },
];

function world(load: PartitionColumn) {
  /** A page loaded on a day (its partition). */
  const loadedPage = (id: string, when: string, loadDay: string, anonymousId = 'a1') =>
    page(id, when, anonymousId, 'Home', { [load.name]: load.type === 'DATE' ? `2024-${loadDay}` : `2024-${loadDay} 00:00:00` });
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
  return { history, next };
}

async function twoRuns(load: PartitionColumn, pruned: boolean) {
  const config = testConfig();
  const { history, next } = world(load);
  const rawDb = await RawDatabase.open(config, mergeInputs([history, next]));
  try {
    await rawDb.db.conn.run(`ALTER TABLE raw_pages ALTER COLUMN ${load.name} TYPE ${load.type === 'DATE' ? 'DATE' : 'TIMESTAMP'}`);
    const raw: RawSources = { ...rawDb.raw, ...(pruned && { partitionColumn: (t: string) => (t === 'pages' ? load : undefined) }) };
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

  it.each(PARTITIONINGS.map((p) => [`${p.name} (${p.type})`, p] as const))(
    'partitioned on %s: an incremental run reads the partitions since that day, and ends equal to a full rebuild of them',
    async (_name, load) => {
      const pruned = await twoRuns(load, true);
      expect(pruned.run).toMatchObject({ mode: 'incremental', cutoff: '2024-02-29 10:02:00', new_events: 2 });
      expect(pruned.events).toEqual(['j1', 'p0', 'p1', 'p2', 'p3']);
      const { history, next } = world(load);
      const readable = { pages: next.pages!.filter((p) => p.id !== 'px') };
      expect(pruned.outputs).toEqual(await fullRebuild(testConfig(), mergeInputs([history, readable])));

      // Without the partitioning the same run reads every partition, px's too.
      const unpruned = await twoRuns(load, false);
      expect(unpruned.run).toMatchObject({ mode: 'incremental', new_events: 3 });
      expect(unpruned.events).toEqual(['j1', 'p0', 'p1', 'p2', 'p3', 'px']);
    },
  );

  it('INFORMATION_SCHEMA tells the partitioning: the pseudo column, another time column, not the event time, not integers', () => {
    const col = (column: string, dataType: string, partitioning = false) => ({
      table: 'events',
      column,
      dataType,
      ...(partitioning && { partitioning }),
    });
    const ts = col('derived_tstamp', 'TIMESTAMP');
    expect(
      partitionColumnOf([ts, col('_PARTITIONTIME', 'TIMESTAMP', true), col('_PARTITIONDATE', 'DATE', true)], 'derived_tstamp'),
    ).toEqual({ name: '_PARTITIONTIME', type: 'TIMESTAMP', pseudo: true });
    expect(partitionColumnOf([ts, col('collector_tstamp', 'TIMESTAMP', true)], 'derived_tstamp')).toEqual({
      name: 'collector_tstamp',
      type: 'TIMESTAMP',
    });
    expect(partitionColumnOf([ts, col('load_date', 'DATE', true)], 'derived_tstamp')).toEqual({ name: 'load_date', type: 'DATE' });
    expect(partitionColumnOf([col('derived_tstamp', 'TIMESTAMP', true)], 'derived_tstamp')).toBeUndefined();
    expect(partitionColumnOf([ts, col('shard', 'INT64', true)], 'derived_tstamp')).toBeUndefined();
    expect(partitionColumnOf([ts], 'derived_tstamp')).toBeUndefined();
  });
});
