import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig, resolveConfigPaths } from '../../src/config/load';
import { JUNK_IDS } from '../../src/sample/catalog';
import { CONFIG_FILE, GROUND_TRUTH, generateSample, resolveSampleOptions, type SampleOptions, type SampleResult } from '../../src/sample';
import { openMemoryDb, queryRows, queryValue, type TestDb } from '../support/duckdb';

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'js-sample-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const generate = (o: Partial<SampleOptions> = {}) => generateSample(resolveSampleOptions({ out: tempDir(), events: 20_000, persons: 800, ...o }));
const sqlString = (s: string) => `'${s.replace(/'/g, "''")}'`;
const json = (dir: string, table: string) => `read_json_auto(${sqlString(join(dir, `${table}.ndjson`))}, format = 'newline_delimited')`;

describe('determinism', () => {
  it('writes the same bytes for the same seed, different bytes for another seed', async () => {
    const a = await generate({ events: 5000, persons: 200, seed: 'x' });
    const b = await generate({ events: 5000, persons: 200, seed: 'x' });
    const c = await generate({ events: 5000, persons: 200, seed: 'y' });
    expect(b.files).toEqual(a.files);
    for (const f of a.files) {
      expect(readFileSync(join(b.options.out, f)).equals(readFileSync(join(a.options.out, f)))).toBe(true);
    }
    expect(readFileSync(join(c.options.out, 'pages.ndjson')).equals(readFileSync(join(a.options.out, 'pages.ndjson')))).toBe(false);
  });
});

describe('a Segment data set', () => {
  let result: SampleResult;
  let dir: string;
  let db: TestDb;
  beforeAll(async () => {
    result = await generate();
    dir = result.options.out;
    db = await openMemoryDb();
    for (const t of ['pages', 'tracks', 'identifies', 'linkedin', GROUND_TRUTH]) {
      await db.conn.run(`CREATE TABLE ${t} AS SELECT * FROM ${json(dir, t)}`);
    }
    // read_json_auto types uuid-looking columns as UUID: compare ids as text.
    const cols = ['id', 'anonymous_id', 'user_id', 'timestamp', 'context_page_url', 'context_campaign_term'].map((c) => `${c}::VARCHAR AS ${c}`).join(', ');
    // Every web row with its true person (duplicates and id-less rows included).
    await db.conn.run(`
      CREATE TABLE web AS
      SELECT w.*, g.person_id FROM (
        SELECT ${cols}, NULL AS event, 'pages' AS t FROM pages
        UNION ALL SELECT ${cols}, event, 'tracks' FROM tracks
        UNION ALL SELECT ${cols}, NULL, 'identifies' FROM identifies
      ) w LEFT JOIN ground_truth g ON g.event_id = w.id`);
  });
  afterAll(() => db.close());

  it('writes only the expected files, no staging leftovers', () => {
    expect(readdirSync(dir).sort()).toEqual(
      ['ground_truth.ndjson', 'identifies.ndjson', 'journey-stitch.yaml', 'linkedin.ndjson', 'pages.ndjson', 'sample.json', 'tracks.ndjson'].sort(),
    );
  });

  it('has the columns the engine reads', async () => {
    const columns = async (t: string) => (await queryRows(db.conn, `DESCRIBE ${t}`)).map((r) => r.column_name);
    const common = [
      'id', 'anonymous_id', 'user_id', 'timestamp', 'context_ip', 'context_page_path', 'context_page_title', 'context_page_url',
      'context_page_referrer', 'context_campaign_source', 'context_campaign_medium', 'context_campaign_name',
      'context_campaign_term', 'context_campaign_content',
    ];
    expect(await columns('pages')).toEqual(common);
    expect(await columns('tracks')).toEqual([...common, 'event']);
    expect(await columns('identifies')).toEqual([...common, 'email', 'name', 'first_name', 'last_name']);
    expect(await columns('linkedin')).toEqual(['id', 'full_name', 'email', 'action', 'timestamp', 'profile_url', 'content_url']);
    expect(await queryValue(db.conn, `SELECT count(*) FROM linkedin WHERE action NOT IN ('liked', 'commented', 'followed', 'shared')`)).toBe(0);
  });

  it('reaches the requested size', async () => {
    expect(result.events).toBeGreaterThanOrEqual(20_000);
    expect(result.events).toBeLessThan(21_000);
    const rows = Object.values(result.rows).reduce((a, b) => a + b, 0);
    expect(await queryValue(db.conn, `SELECT (SELECT count(*) FROM web) + (SELECT count(*) FROM linkedin)`)).toBe(rows);
  });

  it('has a ground truth row for every event id, and none for ids that do not exist', async () => {
    expect(await queryValue(db.conn, `SELECT count(*) FROM web WHERE id IS NOT NULL AND person_id IS NULL`)).toBe(0);
    expect(await queryValue(db.conn, `SELECT count(*) FROM linkedin l ANTI JOIN ground_truth g ON g.event_id = l.id`)).toBe(0);
    expect(await queryValue(db.conn, `SELECT count(*) - count(DISTINCT event_id) FROM ground_truth`)).toBe(0);
    const ids = await queryValue(db.conn, `SELECT count(DISTINCT id) FROM (SELECT id FROM web UNION ALL SELECT id FROM linkedin)`);
    expect(await queryValue(db.conn, `SELECT count(*) FROM ground_truth`)).toBe(ids);
    // Id-less rows cannot be named by the ground truth; together they make up every event.
    const idless = await queryValue(db.conn, `SELECT count(*) FROM web WHERE id IS NULL`);
    expect((ids as number) + (idless as number)).toBe(result.events);
  });

  it('shows the phenomena a stitcher must handle', async () => {
    const count = async (sql: string) => Number(await queryValue(db.conn, sql));
    const found = {
      // Same person, a new anonymous id first seen more than 7 days after another of theirs went quiet.
      expiredCookies: await count(`
        WITH a AS (SELECT person_id, anonymous_id, min(timestamp::TIMESTAMP) AS f, max(timestamp::TIMESTAMP) AS l
                   FROM web WHERE t = 'pages' AND anonymous_id NOT IN (${JUNK_IDS.map(sqlString).join(', ')}) AND TRY_CAST(timestamp AS TIMESTAMP) IS NOT NULL
                   GROUP BY ALL)
        SELECT count(*) FROM a x JOIN a y ON x.person_id = y.person_id AND y.f > x.l + INTERVAL 7 DAY`),
      personsWithSeveralAnonymousIds: await count(
        `SELECT count(*) FROM (SELECT person_id FROM web WHERE t = 'pages' GROUP BY 1 HAVING count(DISTINCT anonymous_id) > 1)`,
      ),
      sharedDevices: await count(`SELECT count(*) FROM (SELECT anonymous_id FROM web WHERE t = 'pages' GROUP BY 1 HAVING count(DISTINCT person_id) > 1)`),
      duplicateDeliveries: await count(
        `SELECT count(*) FROM (SELECT id FROM (SELECT id FROM web UNION ALL SELECT id FROM linkedin) WHERE id IS NOT NULL GROUP BY 1 HAVING count(*) > 1)`,
      ),
      junkIds: await count(`SELECT count(DISTINCT id) + count(*) FILTER (WHERE id IS NULL) FROM web WHERE anonymous_id IN (${JUNK_IDS.map(sqlString).join(', ')}) OR user_id IN (${JUNK_IDS.map(sqlString).join(', ')})`),
      malformed: await count(`SELECT count(*) FROM web WHERE id IS NULL OR TRY_CAST(timestamp AS TIMESTAMP) IS NULL OR (t = 'tracks' AND event IS NULL)`),
      emailLinks: await count(`SELECT count(*) FROM pages WHERE context_page_url LIKE '%email=%'`),
      // Booking: a Meeting Booked track carrying the visitor's cookie in utm_term, that cookie being the same person's.
      bookingsCarryingTheCookie: await count(`
        SELECT count(*) FROM web b JOIN web v ON v.anonymous_id = b.context_campaign_term AND v.t = 'pages'
        WHERE b.event = 'Meeting Booked' AND v.person_id = b.person_id`),
      repeatBookers: await count(`SELECT count(*) FROM (SELECT person_id FROM web WHERE event = 'Meeting Booked' GROUP BY 1 HAVING count(DISTINCT context_campaign_term) > 1)`),
      lateIdentifies: await count(`
        SELECT count(*) FROM web i JOIN web b ON b.anonymous_id = i.anonymous_id AND b.event = 'Meeting Booked'
        WHERE i.t = 'identifies' AND i.timestamp::TIMESTAMP > b.timestamp::TIMESTAMP + INTERVAL 1 HOUR`),
      linkedinBeforeFirstVisit: await count(`
        SELECT count(*) FROM linkedin l JOIN ground_truth g ON g.event_id = l.id
        JOIN (SELECT person_id, min(TRY_CAST(timestamp AS TIMESTAMP)) AS first FROM web GROUP BY 1) f ON f.person_id = g.person_id
        WHERE l.timestamp::TIMESTAMP < f.first`),
      linkedinWithEmail: await count(`SELECT count(*) FROM linkedin WHERE email IS NOT NULL`),
      // One normalised name, several true persons: what naive name matching gets wrong.
      sharedNames: await count(`
        WITH names AS (
          SELECT lower(strip_accents(coalesce(i.name, i.first_name || ' ' || i.last_name))) AS n, g.person_id
          FROM identifies i JOIN ground_truth g ON g.event_id = i.id::VARCHAR
          UNION ALL SELECT lower(strip_accents(full_name)), g.person_id FROM linkedin l JOIN ground_truth g ON g.event_id = l.id)
        SELECT count(*) FROM (SELECT n FROM names WHERE n IS NOT NULL GROUP BY 1 HAVING count(DISTINCT person_id) > 1)`),
    };
    for (const [name, n] of Object.entries(found)) {
      if (!(n > 0)) throw new Error(`expected some ${name} in the generated data, found ${n}`);
    }
    // The generator's own counters agree with what the data shows.
    expect(found.duplicateDeliveries).toBe(result.faults.duplicates);
    expect(found.junkIds).toBe(result.faults.junkAnonymousIds + result.faults.junkUserIds);
    expect(found.repeatBookers).toBe(result.phenomena.repeatBookingsFromNewAnonymousId);
  });

  it('marks malformed events in the ground truth', async () => {
    const marked = await queryValue(db.conn, `SELECT count(*) FROM ground_truth WHERE malformed`);
    expect(marked).toBe(result.faults.malformedTimestamp + result.faults.malformedEventName);
  });

  it('writes a config the tool accepts, pointing at the generated files', async () => {
    const file = join(dir, CONFIG_FILE);
    const config = resolveConfigPaths(parseConfig(readFileSync(file, 'utf8'), file), dir);
    expect(config.source).toMatchObject({ type: 'segment', path: dir });
    expect(config.offsite).toEqual([expect.objectContaining({ name: 'linkedin', path: join(dir, 'linkedin.ndjson'), columns: { id: 'id' } })]);
  });
});

describe('other shapes', () => {
  it('writes Snowplow atomic events and Parquet with the same events', async () => {
    const snowplow = await generate({ events: 3000, persons: 120, source: 'snowplow', format: 'parquet', seed: 's' });
    const segment = await generate({ events: 3000, persons: 120, format: 'parquet', seed: 's' });
    const dir = snowplow.options.out;
    expect(readdirSync(dir).sort()).toEqual(['events.parquet', 'ground_truth.parquet', 'journey-stitch.yaml', 'linkedin.parquet', 'sample.json']);
    const db = await openMemoryDb();
    try {
      const parquet = (d: string, t: string) => `read_parquet(${sqlString(join(d, `${t}.parquet`))})`;
      const described = await queryRows(db.conn, `DESCRIBE SELECT * FROM ${parquet(dir, 'events')}`);
      expect(Object.fromEntries(described.map((r) => [r.column_name, r.column_type]))).toMatchObject({
        event_id: 'VARCHAR', event: 'VARCHAR', domain_userid: 'VARCHAR', network_userid: 'VARCHAR', user_id: 'VARCHAR',
        derived_tstamp: 'TIMESTAMP', page_urlpath: 'VARCHAR', page_title: 'VARCHAR', page_url: 'VARCHAR', se_action: 'VARCHAR',
        event_name: 'VARCHAR', user_ipaddress: 'VARCHAR', mkt_source: 'VARCHAR', mkt_term: 'VARCHAR',
      });
      // The same simulated events: same ids, same true persons, in either shape.
      const truthDiff = await queryValue(
        db.conn,
        `SELECT count(*) FROM (SELECT event_id, person_id FROM ${parquet(dir, GROUND_TRUTH)} EXCEPT SELECT event_id, person_id FROM ${parquet(segment.options.out, GROUND_TRUTH)})`,
      );
      expect(truthDiff).toBe(0);
      const booked = Number(
        await queryValue(db.conn, `SELECT count(DISTINCT event_id) FROM ${parquet(dir, 'events')} WHERE se_action = 'Meeting Booked' AND mkt_term IS NOT NULL`),
      );
      // Every booking, less the rare one whose delivery lost its id or event name.
      expect(booked).toBeGreaterThan(0);
      expect(booked).toBeLessThanOrEqual(snowplow.phenomena.bookings);
      expect(booked).toBeGreaterThanOrEqual(snowplow.phenomena.bookings - snowplow.faults.malformedMissingId - snowplow.faults.malformedEventName);
    } finally {
      db.close();
    }
  });
});

describe('regenerating into the same folder', () => {
  it('replaces an earlier data set of another format and shape instead of leaving both', async () => {
    const out = tempDir();
    await generateSample(resolveSampleOptions({ out, events: 500, persons: 20 }));
    await generateSample(resolveSampleOptions({ out, events: 500, persons: 20, format: 'parquet', source: 'snowplow' }));
    expect(readdirSync(out).sort()).toEqual(['events.parquet', 'ground_truth.parquet', 'journey-stitch.yaml', 'linkedin.parquet', 'sample.json']);
  });
});

describe('options', () => {
  it('derives persons from events and rejects impossible sizes, naming the flag', () => {
    expect(resolveSampleOptions({ out: 'x', events: 1000 })).toMatchObject({ events: 1000, persons: 40, seed: '1', format: 'ndjson', source: 'segment' });
    expect(resolveSampleOptions({ out: 'x', persons: 10 })).toMatchObject({ events: 250, persons: 10 });
    expect(() => resolveSampleOptions({ out: 'x', events: 10, persons: 20 })).toThrow(/--events \(10\) must be at least --persons \(20\)/);
    expect(() => resolveSampleOptions({ out: 'x', events: 1.5 })).toThrow(/--events must be a positive whole number/);
  });
});
