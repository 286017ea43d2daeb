import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { Config } from '../../../src/config/schema';
import { OUTPUT_TABLES, REJECTS_TABLE } from '../../../src/contract/tables';
import { stitchDuckDB } from '../../../src/warehouse/duckdb/stitch';
import { openMemoryDb, queryRows, queryValue } from '../../support/duckdb';
import { tinyConfig, writeTinyWorld } from './tiny-world';
import { md5 } from '../../../src/oracle/values';
import { anonPerson, userPerson } from '../../support/scenarios';
import { rejectedOurs } from '../../support/errors';

async function readDb<T>(file: string, read: (conn: Awaited<ReturnType<DuckDBInstance['connect']>>) => Promise<T>): Promise<T> {
  const instance = await DuckDBInstance.create(file, { access_mode: 'READ_ONLY' });
  const conn = await instance.connect();
  try {
    return await read(conn);
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

describe('stitchDuckDB', () => {
  let dir: string;
  let config: Config;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'js-stitch-'));
    await writeTinyWorld(path.join(dir, 'data'));
    config = tinyConfig(dir);
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('stitches a tiny world end to end, with progress, summary and exports', async () => {
    const lines: string[] = [];
    const result = await stitchDuckDB(config, { exportDir: path.join(dir, 'export'), log: (l) => lines.push(l) });

    // 8 rows read (4 page lines incl. a duplicate and a broken one, 1 track, 1 identify, 2 LinkedIn rows).
    expect(result.summary).toEqual({
      // The checks of `journey-stitch check`: optional columns that matter, missing from the tiny world's files.
      warnings: [
        'pages.ndjson: no user_id column: user_id is read as NULL',
        'pages.ndjson: no context_page_url column: context_page_url is read as NULL',
        'pages.ndjson: no context_campaign_term column: context_campaign_term is read as NULL',
        'linkedin.ndjson: no email column: email is read as NULL',
      ],
      eventsIn: 8,
      duplicatesRemoved: 1,
      lateRows: 0,
      eventsOut: 6,
      persons: 3,
      eventsByStatus: { confirmed: 3, inferred: 1, anonymous: 1, unmatched: 1 },
      rejectedByReason: { 'malformed JSON': 1 },
      iterations: result.run.iterations,
      mostlyRejected: [],
    });
    expect(Object.keys(result.run.iterations).length).toBeGreaterThan(0);

    const db = config.output.database;
    const persisted = await readDb(db, async (conn) => ({
      tables: (await queryRows(conn, `SELECT table_name FROM information_schema.tables ORDER BY 1`)).map((r) => r.table_name),
      events: await queryRows(conn, `SELECT event_id, person_id, identity_status FROM stitched_events ORDER BY event_id`),
      rejects: await queryRows(conn, `SELECT source_table, reason, row_data FROM rejected_rows ORDER BY ALL`),
    }));
    // Only the contract tables are saved: no raw or scratch tables.
    expect(persisted.tables).toEqual([...OUTPUT_TABLES, REJECTS_TABLE].sort());
    expect(persisted.events).toEqual([
      { event_id: 'i1', person_id: userPerson('u1'), identity_status: 'confirmed' },
      { event_id: 'l1', person_id: userPerson('u1'), identity_status: 'inferred' },
      // An unmatched profile's person id is a hash of its key: it does not show the profile URL or the name.
      { event_id: 'l2', person_id: expect.stringMatching(/^p:[0-9a-f]{32}$/), identity_status: 'unmatched' },
      { event_id: 'p1', person_id: userPerson('u1'), identity_status: 'confirmed' },
      { event_id: 'p3', person_id: anonPerson('a2'), identity_status: 'anonymous' },
      { event_id: 't1', person_id: userPerson('u1'), identity_status: 'confirmed' },
    ]);
    expect(persisted.rejects).toEqual([
      // The second copy of p1 lost to the first (which stitched_events holds): kept, with the time and the kept copy's table.
      { source_table: 'pages', reason: 'duplicate', row_data: '{"occurred_at":"2024-03-01 10:00:00","kept_source_table":"pages"}' },
      { source_table: 'pages.ndjson', reason: 'malformed JSON on line 3', row_data: null },
    ]);

    // Progress names every model with rows and time; the summary follows.
    // Loading in bytes of every file, models n of N.
    expect(
      lines.some((l) =>
        /^read pages\.ndjson: 3 rows, 1 unreadable line\(s\) kept in rejected_rows \(\d+ ms\) \[0\.\d kB of (0|1)\.\d kB\]$/.test(l),
      ),
    ).toBe(true);
    expect(lines.some((l) => /^read linkedin\.ndjson: 2 rows \(\d+ ms\) \[(\d\.\d kB) of \1\]$/.test(l))).toBe(true);
    expect(lines.some((l) => /^ {2}stitched_events +6 rows +\d+ ms {2}\[\d+\/\d+\]$/.test(l))).toBe(true);
    expect(lines).toContain('  events by identity: confirmed 50.0%, inferred 16.7%, anonymous 16.7%, unmatched 16.7%');
    expect(lines).toContain('  rejected rows:      1 (malformed JSON: 1; see rejected_rows)');

    // Exports: every output table and rejected_rows as CSV and Parquet, nothing else left behind.
    const exported = (await readdir(path.join(dir, 'export'))).sort();
    expect(exported).toEqual([...OUTPUT_TABLES, REJECTS_TABLE].flatMap((t) => [`${t}.csv`, `${t}.parquet`]).sort());
    const csv = await readFile(path.join(dir, 'export', 'persons.csv'), 'utf8');
    expect(csv.trim().split('\n')).toHaveLength(1 + 3);
    const scratch = await openMemoryDb();
    try {
      expect(
        await queryValue(scratch.conn, `SELECT count(*) FROM read_parquet('${path.join(dir, 'export', 'stitched_events.parquet')}')`),
      ).toBe(6);
    } finally {
      scratch.close();
    }
    expect(await readdir(path.join(dir, 'db'))).toEqual(['stitched.duckdb']);
  });

  it('removes temp databases of runs that were killed, but not those of running processes', async () => {
    const db = path.join(dir, 'db');
    await mkdir(db, { recursive: true });
    // A pid that is surely gone: a child process that has exited.
    const gone = await new Promise<number>((resolve) => {
      const child = spawn(process.execPath, ['-e', '']);
      child.on('close', () => resolve(child.pid!));
    });
    const abandoned = [`.stitched.duckdb.${gone}-0123abcd.tmp`, `.stitched.duckdb.${gone}-0123abcd.tmp.wal`];
    const running = `.stitched.duckdb.${process.ppid}-89abcdef.tmp`;
    for (const f of [...abandoned, running, 'notes.txt']) await writeFile(path.join(db, f), 'x');
    await stitchDuckDB(config);
    expect((await readdir(db)).sort()).toEqual([running, 'notes.txt', 'stitched.duckdb'].sort());
  });

  it('is idempotent: a rerun writes the same tables', async () => {
    const snapshot = () =>
      readDb(config.output.database, async (conn) =>
        Promise.all(OUTPUT_TABLES.map((t) => queryRows(conn, `SELECT * FROM ${t} ORDER BY ALL`))),
      );
    await stitchDuckDB(config);
    const first = await snapshot();
    await stitchDuckDB(config);
    expect(await snapshot()).toEqual(first);
  });

  it("runs DuckDB with the duckdb: section's memory limit and threads, and names that key when memory runs out", async () => {
    const limited = { ...config, duckdb: { memory_limit: '256MiB', threads: 1 } };
    const probe = (sql: string) =>
      stitchDuckDB(limited, { build: () => ({ outputs: [], scratch: [], steps: [{ kind: 'sql', name: 'probe', sql }] }) });
    await expect(
      probe(`SELECT error('memory_limit=' || current_setting('memory_limit') || ' threads=' || current_setting('threads'))`),
    ).rejects.toThrow(/^model 'probe' failed: .*memory_limit=256\.0 MiB threads=1/s);
    // A 1 GB string cannot spill: DuckDB's own hint names a SQL setting, ours the config key.
    await expect(probe(`SELECT length(string_agg(repeat('x', 1000), '')) AS n FROM range(1000000)`)).rejects.toThrow(
      /^model 'probe' failed: Out of Memory Error.*\nraise duckdb\.memory_limit in the config \(now '256MiB'\), or leave it out for DuckDB's default of 80% of RAM$/s,
    );
  });

  it('warns, naming the file, the reason and the mapping key, when most rows of a table are rejected, and still succeeds', async () => {
    if (config.source.type === 'snowplow') throw new Error('the tiny world is Segment data');
    // A wrong mapping: every page has a title, none of them a time.
    const source = { ...config.source, columns: { ...config.source.columns, pages: { timestamp: 'context_page_title' } } };
    const lines: string[] = [];
    const result = await stitchDuckDB({ ...config, source }, { log: (l) => lines.push(l) });
    expect(lines).toContain(
      "  warning: pages.ndjson: 4 of its 4 rows (100%) were rejected, mostly invalid timestamp (3); check the column mapping source.columns.pages.timestamp (reads column 'context_page_title') in the config",
    );
    expect(result.summary.mostlyRejected.map((m) => m.file)).toEqual(['pages.ndjson']);
  });

  it('keeps of a rejected row the columns staging reads, not the whole raw row (BigQuery would bill every column), personal ones hashed', async () => {
    const config = tinyConfig(dir);
    const personal = { user_id: 'ann@example.com', context_ip: '10.1.2.3', context_page_url: 'https://x.example/?email=ann%40example.com' };
    const bad = {
      id: 'bad-ts',
      anonymous_id: 'a5',
      timestamp: 'not a time',
      context_page_path: '/x',
      context_library_name: 'analytics.js',
      ...personal,
    };
    await writeFile(
      path.join(dir, 'data', 'pages.ndjson'),
      `${await readFile(path.join(dir, 'data', 'pages.ndjson'), 'utf8')}${JSON.stringify(bad)}\n`,
    );
    await stitchDuckDB(config, {});
    const [row] = await readDb(config.output.database, (conn) =>
      queryRows(conn, `SELECT row_data FROM rejected_rows WHERE event_id = 'bad-ts'`),
    );
    const kept = JSON.parse(String(row.row_data)) as Record<string, unknown>;
    expect(kept).toMatchObject({ id: 'bad-ts', anonymous_id: 'a5', timestamp: 'not a time', context_page_path: '/x' });
    expect(kept).not.toHaveProperty('context_library_name');
    // rejected_rows is outside the personal-data grant: user id, IP and URL are there as their (keyed) md5 only.
    expect(kept).toMatchObject(Object.fromEntries(Object.entries(personal).map(([k, v]) => [k, md5(v)])));
    expect(String(row.row_data)).not.toMatch(/ann|10\.1\.2\.3/);
  });

  it('refuses an export folder that is a file before running any model, naming --export-dir', async () => {
    const file = path.join(dir, 'export.txt');
    await writeFile(file, 'not a folder');
    const lines: string[] = [];
    const cases = [
      [file, 'it is a file, not a folder'],
      [path.join(file, 'below'), 'part of the path is a file, not a folder'],
    ];
    for (const [exportDir, problem] of cases) {
      expect((await rejectedOurs(stitchDuckDB(config, { exportDir, log: (l) => lines.push(l) }))).message).toBe(
        `--export-dir ${exportDir}: ${problem}; pass a folder you can write to (it is created when missing)`,
      );
    }
    expect(lines).toEqual([]);
    expect(await readdir(dir)).not.toContain('db');
  });

  it('leaves the previous database and exports untouched when a run fails, with no temp files', async () => {
    const exportDir = path.join(dir, 'export');
    await stitchDuckDB(config, { exportDir });
    const before = await readDb(config.output.database, (conn) => queryValue(conn, 'SELECT count(*) FROM stitched_events'));
    const exportsBefore = await readFile(path.join(exportDir, 'persons.csv'), 'utf8');

    // A pipeline that replaces stitched_events, then fails.
    const failing = stitchDuckDB(config, {
      exportDir,
      build: () => ({
        outputs: [],
        scratch: [],
        steps: [
          { kind: 'sql', name: 'stitched_events', sql: 'CREATE OR REPLACE TABLE stitched_events AS SELECT 1 AS only_row' },
          { kind: 'sql', name: 'persons', sql: 'CREATE OR REPLACE TABLE persons AS SELECT no_such_column FROM stitched_events' },
        ],
      }),
    });
    await expect(failing).rejects.toThrow(/^model 'persons' failed: .*no_such_column/s);
    // One whose loop never settles: the error points at the config key that caps it.
    const endless = stitchDuckDB(config, {
      build: () => ({
        outputs: [],
        scratch: [],
        steps: [{ kind: 'loop', name: 'js_id_propagation', maxIterations: 2, body: [], changedSql: 'SELECT 1 AS changed' }],
      }),
    });
    await expect(endless).rejects.toThrow(/^loop 'js_id_propagation' did not converge: .* \(identity\.max_iterations in the config\)$/);
    // And one that fails while loading (a source file disappeared).
    await rm(path.join(dir, 'data', 'tracks.csv'));
    await expect(stitchDuckDB(config, { exportDir })).rejects.toThrow(/no 'tracks' file in/);

    expect(await readDb(config.output.database, (conn) => queryValue(conn, 'SELECT count(*) FROM stitched_events'))).toBe(before);
    expect(await readdir(path.join(dir, 'db'))).toEqual(['stitched.duckdb']);
    expect(await readFile(path.join(exportDir, 'persons.csv'), 'utf8')).toBe(exportsBefore);
    expect((await readdir(exportDir)).filter((f) => f.startsWith('.'))).toEqual([]);
  });
});
