/**
 * `stitch --incremental` end to end on files: the first run is a full one that leaves state; a later run with new
 * lines in the source files re-stitches only what they affect and ends equal to a full stitch of the same files.
 */
import { appendFile, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { OUTPUT_TABLES, REJECTS_TABLE, tableDef } from '../../../src/contract/tables';
import { stitchDuckDB } from '../../../src/warehouse/duckdb/stitch';
import { queryRows } from '../../support/duckdb';
import { tinyConfig, writeTinyWorld } from './tiny-world';
import { userPerson } from '../../support/scenarios';

async function tables(file: string): Promise<Record<string, unknown[]>> {
  const instance = await DuckDBInstance.create(file, { access_mode: 'READ_ONLY' });
  const conn = await instance.connect();
  try {
    const out: Record<string, unknown[]> = {};
    for (const t of OUTPUT_TABLES) {
      const cols = tableDef(t)
        .columns.map((c) => `"${c.name}"`)
        .join(', ');
      out[t] = await queryRows(conn, `SELECT ${cols} FROM "${t}" ORDER BY ALL`);
    }
    out[REJECTS_TABLE] = await queryRows(conn, `SELECT * FROM "${REJECTS_TABLE}" ORDER BY ALL`);
    return out;
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

/** New lines at the end of a source file of the tiny world (records arriving after the last run). */
function appendLines(dir: string, file: string, records: object[]): Promise<void> {
  return appendFile(path.join(dir, 'data', file), records.map((r) => `${JSON.stringify(r)}\n`).join(''));
}

describe('stitch --incremental', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'js-incremental-'));
    await writeTinyWorld(path.join(dir, 'data'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('runs full first, then only the new lines, and ends equal to a full stitch', async () => {
    const config = tinyConfig(dir);
    const lines: string[] = [];
    await stitchDuckDB(config, { incremental: true, log: (l) => lines.push(l) });
    expect(lines.join('\n')).toMatch(/full run \(no earlier run found/);

    // A new device of the same person visits and identifies later; a stranger visits.
    await appendLines(dir, 'pages.ndjson', [
      {
        id: 'late-p1',
        anonymous_id: 'a7',
        timestamp: '2024-03-05T10:00:00Z',
        context_page_path: '/pricing',
        context_page_title: 'Pricing',
      },
      { id: 'late-p2', anonymous_id: 'zz', timestamp: '2024-03-05T11:00:00Z', context_page_path: '/', context_page_title: 'Home' },
    ]);
    await appendLines(dir, 'identifies.ndjson', [{ id: 'late-i1', anonymous_id: 'a7', user_id: 'u1', timestamp: '2024-03-05T10:05:00Z' }]);
    lines.length = 0;
    const result = await stitchDuckDB(config, { incremental: true, log: (l) => lines.push(l) });
    expect(lines.join('\n')).toMatch(/incremental run: 3 new events, \d+ persons re-stitched/);
    // The summary reports the iterations of the loops the incremental run ran, as a full run's does.
    const loops = result.run.steps.filter((s) => s.kind === 'loop');
    expect(loops.length).toBeGreaterThan(0);
    expect(result.summary.iterations).toEqual(Object.fromEntries(loops.map((s) => [s.name, s.iterations])));
    expect(lines).toContain(`  label propagation:  ${loops.map((s) => `${s.name} ${s.iterations} iteration(s)`).join(', ')}`);
    const incremental = await tables(config.output.database);

    const fullConfig = { ...config, output: { ...config.output, database: path.join(dir, 'full.duckdb') } };
    await stitchDuckDB(fullConfig, {});
    expect(incremental).toEqual(await tables(fullConfig.output.database));
    expect(
      (incremental.stitched_events as { event_id: string; person_id: string }[]).find((e) => e.event_id === 'late-p1')?.person_id,
    ).toBe(userPerson('u1'));
  });

  it('counts and reports a row that arrives older than the cutoff, which it does not read, and does not call it a duplicate', async () => {
    const config = tinyConfig(dir);
    const first = await stitchDuckDB(config, { incremental: true });
    expect(first.summary).toMatchObject({ duplicatesRemoved: 1, lateRows: 0 });

    // The last event is on 2024-03-02; with the 72 h lookback the next run reads from 2024-02-28 09:00 on.
    await appendLines(dir, 'pages.ndjson', [
      { id: 'old-p9', anonymous_id: 'a9', timestamp: '2024-02-20T10:00:00Z', context_page_path: '/old', context_page_title: 'Old' },
      { id: 'new-p8', anonymous_id: 'a8', timestamp: '2024-03-06T10:00:00Z', context_page_path: '/', context_page_title: 'Home' },
    ]);
    const lines: string[] = [];
    const second = await stitchDuckDB(config, { incremental: true, log: (l) => lines.push(l) });
    expect(lines.join('\n')).toMatch(/incremental run: 1 new events/);
    expect(lines.join('\n')).toMatch(
      /warning: 1 raw row\(s\) arrived after the run that covered their time, older than this run's cutoff: not read/,
    );
    expect(second.summary).toMatchObject({
      eventsIn: first.summary.eventsIn + 2,
      duplicatesRemoved: 1,
      lateRows: 1,
      eventsOut: first.summary.eventsOut + 1,
    });
    const ids = (await tables(config.output.database)).stitched_events.map((e) => (e as { event_id: string }).event_id);
    expect(ids).toContain('new-p8');
    expect(ids).not.toContain('old-p9');

    // Found once: the next run has nothing new to say, and the summary still counts it as not read.
    lines.length = 0;
    const third = await stitchDuckDB(config, { incremental: true, log: (l) => lines.push(l) });
    // No late-row warning (the tiny world's missing optional columns are warned about on every run).
    expect(lines.filter((l) => /warning/.test(l) && !/is read as NULL|warnings: /.test(l))).toEqual([]);
    expect(third.summary).toMatchObject({ duplicatesRemoved: 1, lateRows: 1 });

    // A full stitch reads it.
    const full = await stitchDuckDB({ ...config, output: { ...config.output, database: path.join(dir, 'full.duckdb') } }, {});
    expect(full.summary).toMatchObject({ duplicatesRemoved: 1, lateRows: 0, eventsOut: second.summary.eventsOut + 1 });
  });
});
