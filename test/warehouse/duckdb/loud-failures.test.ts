/**
 * Loud failures (issue 21, item 4): a source file with no readable line, or more than load.max_reject_share of its
 * lines unreadable, stops the run naming the file, the first bad line and the fix. Files shaped like what people
 * really save: a pretty-printed JSON array of Segment pages (what `JSON.stringify(rows, null, 2)`, a browser's "save
 * response" or an export UI gives), the same array on one line, a stream of pretty-printed objects, a CSV with a
 * stray delimiter in most rows.
 */
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseConfig, resolveConfigPaths } from '../../../src/config/load';
import type { Config } from '../../../src/config/schema';
import { loadSources, UnreadableFileError } from '../../../src/warehouse/duckdb/load';
import { openMemoryDb, type TestDb } from '../../support/duckdb';

const page = (i: number) => ({
  id: `ajs-msg-${i}`,
  anonymous_id: `4b1e2c9a-0d3f-4a57-9f0e-${String(i).padStart(12, '0')}`,
  user_id: null,
  timestamp: `2024-12-05T10:${String(i % 60).padStart(2, '0')}:00.000Z`,
  context_page_path: '/pricing',
  context_page_title: 'Pricing — Example',
  context_page_url: 'https://example.com/pricing',
  context_ip: '203.0.113.7',
});
const ndjson = (rows: object[]) => rows.map((r) => JSON.stringify(r)).join('\n') + '\n';

function config(dir: string, extra = ''): Config {
  return resolveConfigPaths(
    parseConfig(
      `warehouse: duckdb\nsource:\n  type: segment\n  path: ./data\noffsite:\n  - name: linkedin\n    path: ./data/linkedin.ndjson\n${extra}`,
    ),
    dir,
  );
}

describe('a source file that cannot be read stops the run', () => {
  let dir: string;
  let data: string;
  let db: TestDb;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'js-loud-'));
    data = path.join(dir, 'data');
    await mkdir(data);
    db = await openMemoryDb();
    await writeFile(path.join(data, 'pages.ndjson'), ndjson([page(1), page(2)]));
    await writeFile(path.join(data, 'tracks.csv'), 'id,anonymous_id,timestamp,event\nt1,a1,2024-12-05T10:05:00Z,Meeting Booked\n');
    await writeFile(
      path.join(data, 'identifies.ndjson'),
      ndjson([{ id: 'i1', anonymous_id: 'a1', user_id: 'u1', timestamp: '2024-12-05T10:06:00Z' }]),
    );
    await writeFile(
      path.join(data, 'linkedin.ndjson'),
      ndjson([{ full_name: 'Ada Lovelace', action: 'liked', timestamp: '2024-12-05T09:00:00Z' }]),
    );
  });
  afterEach(async () => {
    db.close();
    await rm(dir, { recursive: true, force: true });
  });

  const failure = async (cfg: Config) => {
    const error = await loadSources(db.conn, cfg).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnreadableFileError);
    return (error as Error).message;
  };

  it('a pretty-printed JSON array saved as .ndjson: its own message and the jq conversion', async () => {
    const file = path.join(data, 'pages.ndjson');
    const text = JSON.stringify(
      Array.from({ length: 24 }, (_, i) => page(i)),
      null,
      2,
    );
    await writeFile(file, text + '\n');
    expect(text.split('\n').length).toBe(242); // as in the issue: 0 rows, 242 unreadable lines
    const message = await failure(config(dir));
    expect(message).toBe(
      `${file}: no readable row (242 unreadable line(s)); the first bad line is 1 (malformed JSON): [. ` +
        `Fix: the file is a JSON array (one document, pretty-printed or on one line), not newline-delimited JSON (one object per line). ` +
        `Convert it with \`jq -c '.[]' ${file} > ${path.join(data, 'pages.converted.ndjson')}\` and point source.path at the result (or replace the file with it)`,
    );
  });

  it('the same array on one line, as an offsite export: the conversion names the offsite path key', async () => {
    const file = path.join(data, 'linkedin.ndjson');
    await writeFile(file, JSON.stringify([{ full_name: 'Ada Lovelace', action: 'liked', timestamp: '2024-12-05T09:00:00Z' }]) + '\n');
    const message = await failure(config(dir));
    expect(message).toContain(
      `${file}: no readable row (1 unreadable line(s)); the first bad line is 1 (not a JSON object): [{"full_name":"Ada Lovelace"`,
    );
    expect(message).toContain(`jq -c '.[]' ${file} >`);
    expect(message).toContain('point offsite[0].path at the result');
  });

  it('a stream of pretty-printed objects: jq -c .', async () => {
    const file = path.join(data, 'identifies.ndjson');
    await writeFile(
      file,
      [
        { id: 'i1', anonymous_id: 'a1', timestamp: '2024-12-05T10:06:00Z' },
        { id: 'i2', anonymous_id: 'a2', timestamp: '2024-12-05T10:07:00Z' },
      ]
        .map((r) => JSON.stringify(r, null, 2))
        .join('\n') + '\n',
    );
    const message = await failure(config(dir));
    expect(message).toMatch(
      new RegExp(
        `^${file}: no readable row \\(10 unreadable line\\(s\\)\\); the first bad line is 1 \\(malformed JSON\\): \\{\\. Fix: the file holds pretty-printed JSON`,
      ),
    );
    expect(message).toContain(`\`jq -c . ${file} > `);
  });

  it('more than load.max_reject_share of the lines unreadable: the share, the first bad line, the fix; a higher share lets it through', async () => {
    const file = path.join(data, 'tracks.csv');
    // A title with an unquoted comma in three rows of five: the header says four fields.
    await writeFile(
      file,
      'id,anonymous_id,timestamp,event\n' +
        't1,a1,2024-12-05T10:05:00Z,Meeting Booked\n' +
        't2,a1,2024-12-05T10:06:00Z,Downloaded Guide, Pricing\n' +
        't3,a2,2024-12-05T10:07:00Z,Downloaded Guide, Security\n' +
        't4,a2,2024-12-05T10:08:00Z,Signed Up\n' +
        't5,a3,2024-12-05T10:09:00Z,Downloaded Guide, Roadmap\n',
    );
    const message = await failure(config(dir));
    expect(message).toBe(
      `${file}: 3 of its 5 lines (60%) unreadable, more than load.max_reject_share (0.5); ` +
        'the first bad line is 3 (wrong field count (expected number of columns: 4 found: 5)): t2,a1,2024-12-05T10:06:00Z,Downloaded Guide, Pricing. ' +
        'Fix: check that every line has as many fields as the header (the delimiter, and quotes around values holding it); ' +
        'fix or remove the unreadable lines, or raise load.max_reject_share in the config',
    );
    const loaded = await loadSources(db.conn, config(dir, 'load:\n  max_reject_share: 0.6\n'));
    expect(loaded.tables.find((t) => t.table === 'tracks')).toMatchObject({ rows: 2, rejected: 3, firstBad: { line: 3 } });
  });

  it('half the lines unreadable is not more than 0.5; with stopOnUnreadable off (check) nothing stops', async () => {
    await writeFile(path.join(data, 'pages.ndjson'), ndjson([page(1)]) + '{"id": "ajs-msg-2", \n');
    const loaded = await loadSources(db.conn, config(dir));
    expect(loaded.tables[0]).toMatchObject({ rows: 1, rejected: 1, firstBad: { line: 2, reason: 'malformed JSON on line 2' } });

    await writeFile(path.join(data, 'pages.ndjson'), JSON.stringify([page(1)], null, 2));
    const reported = await loadSources(db.conn, config(dir), { stopOnUnreadable: false });
    expect(reported.tables[0]).toMatchObject({ rows: 0, rejected: 12, firstBad: { line: 1, text: '[' } });
  });

  it('a .gz file gets a conversion that unzips it', async () => {
    const { gzipSync } = await import('node:zlib');
    const file = path.join(data, 'linkedin.ndjson.gz');
    await writeFile(file, gzipSync(JSON.stringify([{ full_name: 'Ada', action: 'liked', timestamp: '2024-12-05T09:00:00Z' }], null, 2)));
    const cfg = resolveConfigPaths(
      parseConfig(
        `warehouse: duckdb\nsource:\n  type: segment\n  path: ./data\noffsite:\n  - name: linkedin\n    path: ./data/linkedin.ndjson.gz\n`,
      ),
      dir,
    );
    expect(await failure(cfg)).toContain(`\`gunzip -c ${file} | jq -c '.[]' > ${path.join(data, 'linkedin.converted.ndjson')}\``);
  });
});
