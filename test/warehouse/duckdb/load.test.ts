import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { parseConfig, resolveConfigPaths } from '../../../src/config/load';
import type { Config } from '../../../src/config/schema';
import { appendLoadRejects, explainSourceColumnError, loadSources, SourceFileError } from '../../../src/warehouse/duckdb/load';
import { buildPipeline, SourceColumnError } from '../../../src/models';
import { getDialect } from '../../../src/sql/dialects';
import { openMemoryDb, queryRows, queryValue, type TestDb } from '../../support/duckdb';

const ndjson = (...rows: Array<Record<string, unknown> | string>) =>
  rows.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))).join('\n') + '\n';

function config(dir: string): Config {
  const text = `warehouse: duckdb
source:
  type: segment
  path: ./data
offsite:
  - name: linkedin
    path: ./data/linkedin.ndjson.gz
`;
  return resolveConfigPaths(parseConfig(text), dir);
}

describe('loadSources', () => {
  let dir: string;
  let data: string;
  let db: TestDb;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'js-load-'));
    data = path.join(dir, 'data');
    await mkdir(data);
    db = await openMemoryDb();
    // pages: NDJSON with a malformed line (line 2), a blank line (3, ignored) and a non-object (line 5).
    await writeFile(
      path.join(data, 'pages.ndjson'),
      ndjson(
        { id: 'p1', anonymous_id: 'a1', timestamp: '2024-01-01T10:00:00Z', context_page_path: '/', n: 3, ctx: { x: 1 } },
        '{"id": "p2", "anonymous_id": ',
        '',
        { id: 'p3', anonymous_id: 'a2', timestamp: '2024-01-01T11:00:00Z', user_id: null },
        '[1, 2]',
      ),
    );
    // tracks: CSV with a short line (line 3) and a long line (line 4); a quoted comma is fine.
    await writeFile(
      path.join(data, 'tracks.csv'),
      'id,anonymous_id,timestamp,event\nt1,a1,2024-01-01T10:05:00Z,"Signed Up, Free"\nt2,a1\nt3,a1,2024-01-01T10:06:00Z,Clicked,extra\nt4,a2,2024-01-01T11:01:00Z,Meeting Booked\n',
    );
    // identifies: Parquet with typed columns, written by DuckDB.
    await db.conn.run(
      `COPY (SELECT 'i1' AS id, 'a1' AS anonymous_id, 'u1' AS user_id, TIMESTAMP '2024-01-01 10:10:00' AS timestamp, 42 AS score)
       TO ${getDialect('duckdb').stringLiteral(path.join(data, 'identifies.parquet'))} (FORMAT parquet)`,
    );
    await writeFile(
      path.join(data, 'linkedin.ndjson.gz'),
      gzipSync(ndjson({ full_name: 'Ada Lovelace', action: 'liked', timestamp: '2024-01-02T09:00:00Z' }, 'not json')),
    );
  });
  afterEach(async () => {
    db.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('loads ndjson, csv, parquet and gzip, and keeps every unreadable line in the rejects', async () => {
    const loaded = await loadSources(db.conn, config(dir));
    expect(loaded.tables.map((t) => [t.table, path.basename(t.file), t.format, t.rows, t.rejected])).toEqual([
      ['pages', 'pages.ndjson', 'ndjson', 2, 2],
      ['tracks', 'tracks.csv', 'csv', 2, 2],
      ['identifies', 'identifies.parquet', 'parquet', 1, 0],
      ['offsite:linkedin', 'linkedin.ndjson.gz', 'ndjson', 1, 1],
    ]);
    expect(loaded.rejectedByReason).toEqual({ 'malformed JSON': 2, 'not a JSON object': 1, 'wrong field count': 2 });

    // NDJSON: VARCHAR columns in order of appearance, nested objects kept as JSON text.
    expect([...loaded.raw.columns('pages')!]).toEqual(['id', 'anonymous_id', 'timestamp', 'context_page_path', 'n', 'ctx', 'user_id']);
    expect(await queryRows(db.conn, `SELECT id, n, ctx, user_id FROM ${loaded.raw.ref('pages')} ORDER BY id`)).toEqual([
      { id: 'p1', n: '3', ctx: '{"x":1}', user_id: null },
      { id: 'p3', n: null, ctx: null, user_id: null },
    ]);
    const types = async (ref: string) =>
      (await queryRows(db.conn, `SELECT column_name, column_type FROM (DESCRIBE ${ref})`)).map((r) => `${r.column_name} ${r.column_type}`);
    expect(await types(loaded.raw.ref('tracks'))).toEqual(['id VARCHAR', 'anonymous_id VARCHAR', 'timestamp VARCHAR', 'event VARCHAR']);
    expect(await queryValue(db.conn, `SELECT event FROM ${loaded.raw.ref('tracks')} WHERE id = 't1'`)).toBe('Signed Up, Free');
    // Parquet keeps its types.
    expect(await types(loaded.raw.ref('identifies'))).toEqual([
      'id VARCHAR',
      'anonymous_id VARCHAR',
      'user_id VARCHAR',
      'timestamp TIMESTAMP',
      'score INTEGER',
    ]);

    // The rejects land in rejected_rows with the file and the line, not the text (it may hold personal data).
    await appendLoadRejects(db.conn);
    expect(
      await queryRows(db.conn, 'SELECT source_table, event_id, reason, row_data FROM rejected_rows ORDER BY source_table, reason'),
    ).toEqual([
      { source_table: 'linkedin.ndjson.gz', event_id: null, reason: 'malformed JSON on line 2', row_data: null },
      { source_table: 'pages.ndjson', event_id: null, reason: 'malformed JSON on line 2', row_data: null },
      { source_table: 'pages.ndjson', event_id: null, reason: 'not a JSON object on line 5', row_data: null },
      {
        source_table: 'tracks.csv',
        event_id: null,
        reason: 'wrong field count on line 3 (expected number of columns: 4 found: 2)',
        row_data: null,
      },
      {
        source_table: 'tracks.csv',
        event_id: null,
        reason: 'wrong field count on line 4 (expected number of columns: 4 found: 5)',
        row_data: null,
      },
    ]);
  });

  it('names the folder and the expected file names when a source file is missing', async () => {
    await rm(path.join(data, 'tracks.csv'));
    const error = await loadSources(db.conn, config(dir)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SourceFileError);
    expect((error as Error).message).toBe(
      `no 'tracks' file in ${data}: expected tracks.ndjson, tracks.jsonl, tracks.csv or tracks.parquet (ndjson, jsonl, csv (each optionally .gz) or parquet). ` +
        'Segment needs all three of pages, tracks and identifies (an empty file is fine); file names follow source.tables in the config',
    );
  });

  it('follows source.tables, and rejects ambiguous files and missing offsite files', async () => {
    await writeFile(path.join(data, 'pages_view.csv'), 'id,anonymous_id,timestamp\np9,a9,2024-01-01T00:00:00Z\n');
    const cfg = resolveConfigPaths(
      parseConfig('warehouse: duckdb\nsource:\n  type: segment\n  path: ./data\n  tables: { pages: pages_view }\n'),
      dir,
    );
    const renamed = await loadSources(db.conn, cfg);
    expect(path.basename(renamed.tables[0].file)).toBe('pages_view.csv');

    await writeFile(path.join(data, 'pages.csv'), 'id\n');
    await expect(loadSources(db.conn, config(dir))).rejects.toThrow(`several 'pages' files in ${data} (pages.ndjson, pages.csv): keep one`);
    await rm(path.join(data, 'pages.csv'));

    await rm(path.join(data, 'linkedin.ndjson.gz'));
    await expect(loadSources(db.conn, config(dir))).rejects.toThrow(
      `offsite source 'linkedin': file ${path.join(data, 'linkedin.ndjson.gz')} does not exist (offsite[0].path in the config)`,
    );
  });

  it('gives an empty file the expected (mapped) columns, and refuses input with no rows at all', async () => {
    await writeFile(path.join(data, 'tracks.csv'), '');
    const cfg = resolveConfigPaths(
      parseConfig(`warehouse: duckdb\nsource:\n  type: segment\n  path: ./data\n  columns:\n    tracks:\n      timestamp: sent_at\n`),
      dir,
    );
    const loaded = await loadSources(db.conn, cfg);
    const tracks = loaded.raw.columns('tracks')!;
    expect(tracks.has('sent_at') && tracks.has('event') && tracks.has('anonymous_id')).toBe(true);
    expect(tracks.has('timestamp')).toBe(false);
    expect(await queryValue(db.conn, `SELECT count(*) FROM ${loaded.raw.ref('tracks')}`)).toBe(0);

    await writeFile(path.join(data, 'pages.ndjson'), '\n');
    await rm(path.join(data, 'identifies.parquet'));
    await writeFile(path.join(data, 'identifies.jsonl'), '\n');
    await expect(loadSources(db.conn, cfg)).rejects.toThrow(
      `no events to stitch: pages.ndjson, tracks.csv, identifies.jsonl in ${data} hold no rows`,
    );
  });

  it('names the file when a required column is missing', async () => {
    await writeFile(path.join(data, 'pages.ndjson'), ndjson({ id: 'p1', timestamp: '2024-01-01T10:00:00Z' }));
    const cfg = config(dir);
    const loaded = await loadSources(db.conn, cfg);
    const dialect = getDialect('duckdb');
    let error: unknown;
    try {
      buildPipeline({ config: cfg, dialect, raw: loaded.raw, out: (t) => dialect.quoteIdent(t) });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SourceColumnError);
    expect(explainSourceColumnError(error as SourceColumnError, loaded).message).toBe(
      `${path.join(data, 'pages.ndjson')}: raw table 'pages' has no column 'anonymous_id': add it, or map 'anonymous_id' to an existing column in the config`,
    );
  });

  it('loads the Snowplow events file named by source.tables, and a byte order mark is not a bad line', async () => {
    const snowplow = path.join(dir, 'snowplow');
    await mkdir(snowplow);
    await writeFile(
      path.join(snowplow, 'atomic.ndjson'),
      '\uFEFF' + ndjson({ event_id: 'e1', event: 'page_view', domain_userid: 'd1', derived_tstamp: '2024-01-01T00:00:00Z' }),
    );
    const cfg = resolveConfigPaths(
      parseConfig('warehouse: duckdb\nsource:\n  type: snowplow\n  path: ./snowplow\n  tables: { events: atomic }\n'),
      dir,
    );
    const loaded = await loadSources(db.conn, cfg);
    expect(loaded.tables.map((t) => [t.table, path.basename(t.file), t.rows, t.rejected])).toEqual([['events', 'atomic.ndjson', 1, 0]]);
    expect(await queryValue(db.conn, `SELECT domain_userid FROM ${loaded.raw.ref('events')}`)).toBe('d1');

    await rm(path.join(snowplow, 'atomic.ndjson'));
    await expect(loadSources(db.conn, cfg)).rejects.toThrow(/no 'atomic' file in .*The Snowplow events table is required/);
  });

  it.each([
    ['Windows line ends and a byte order mark (read by DuckDB)', '', 1],
    ['a raw unit separator, which the fast reader cannot split on (read line by line)', '{"id": "p9", "bad": "a\u001fb"}', 2],
  ])('NDJSON with %s: the same rows, the same line numbers', async (_label, extra, rejected) => {
    const lines = [
      '\uFEFF' + JSON.stringify({ id: 'p1', anonymous_id: 'a1', timestamp: '2024-01-01T10:00:00Z' }),
      '',
      '{"id": "p2", ',
      ...(extra ? [extra] : []),
      JSON.stringify({ id: 'p3', anonymous_id: 'a3', timestamp: '2024-01-01T12:00:00Z' }),
    ];
    await writeFile(path.join(data, 'pages.ndjson'), lines.join('\r\n') + '\r\n');
    const loaded = await loadSources(db.conn, config(dir));
    const pages = loaded.tables.find((t) => t.table === 'pages')!;
    expect([pages.rows, pages.rejected]).toEqual([2, rejected]);
    expect(await queryRows(db.conn, `SELECT id, anonymous_id FROM ${loaded.raw.ref('pages')} ORDER BY id`)).toEqual([
      { id: 'p1', anonymous_id: 'a1' },
      { id: 'p3', anonymous_id: 'a3' },
    ]);
    const rejects = await queryRows(
      db.conn,
      `SELECT reason, row_data FROM js_load_rejects WHERE source_table = 'pages.ndjson' ORDER BY reason`,
    );
    // The load's own table keeps the text (for its error message); rejected_rows gets the line number only.
    expect(rejects[0]).toEqual({ reason: 'malformed JSON on line 3', row_data: '{"id": "p2", ' });
    if (extra) expect(rejects[1]).toEqual({ reason: 'malformed JSON on line 4', row_data: extra });
  });

  it('pins the session to UTC: a Parquet TIMESTAMP and a time without an offset mean UTC on any machine', async () => {
    const duck = getDialect('duckdb');
    await db.conn.run(`SET TimeZone = 'America/New_York'`);
    const loaded = await loadSources(db.conn, config(dir));
    const rows = await queryRows(
      db.conn,
      `SELECT CAST(${duck.safeTimestamp('timestamp')} AS VARCHAR) AS parquet, CAST(${duck.safeTimestamp(`'2024-01-01 10:00:00'`)} AS VARCHAR) AS text
       FROM ${loaded.raw.ref('identifies')}`,
    );
    expect(rows).toEqual([{ parquet: '2024-01-01 10:10:00', text: '2024-01-01 10:00:00' }]);
  });

  it('reports a corrupt parquet file by name', async () => {
    await rm(path.join(data, 'identifies.parquet'));
    await writeFile(path.join(data, 'identifies.parquet'), 'not parquet at all');
    await expect(loadSources(db.conn, config(dir))).rejects.toThrow(
      new RegExp(`^${path.join(data, 'identifies.parquet')}: cannot be read as parquet: `),
    );
  });
});
