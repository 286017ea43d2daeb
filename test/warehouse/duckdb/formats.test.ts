/**
 * Known formats and columns found by header (issue 21, item 1), end to end on DuckDB with files shaped like the real
 * exports: a PhantomBuster LinkedIn export (camelCase headers), LinkedIn's own Connections.csv (notes before the
 * header, spaced headers, 05 Dec 2024 dates), Segment identifies with userId, RudderStack tracks with event and
 * event_text, and a hand mapping to a column whose name has spaces and quotes.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { parseConfig, resolveConfigPaths } from '../../../src/config/load';
import { stitchDuckDB } from '../../../src/warehouse/duckdb/stitch';
import { queryRows } from '../../support/duckdb';
import { writeTinyWorld } from './tiny-world';
import { userPerson } from '../../support/scenarios';

/** LinkedIn's Connections.csv as the "Get a copy of your data" archive has it (names and URLs invented). */
export const CONNECTIONS_CSV = [
  'Notes:',
  '"When exporting your connection data, you may notice that some of the email addresses are missing. You will only see email addresses for connections who have allowed their connections to see or download their email address using this setting https://www.linkedin.com/psettings/privacy/email. You can learn more here https://www.linkedin.com/help/linkedin/answer/261"',
  '',
  'First Name,Last Name,URL,Email Address,Company,Position,Connected On',
  'Ada,Lovelace,https://www.linkedin.com/in/ada-lovelace-1815,,Analytical Engines Ltd,Head of Data,05 Dec 2024',
  'Grace,Hopper,https://www.linkedin.com/in/grace-hopper,grace@navy.example,US Navy,"Rear Admiral, Computing",28 Nov 2024',
  '',
].join('\n');

/** A PhantomBuster "LinkedIn Post Likers" style export: its own column names, no action column. */
export const PHANTOMBUSTER_CSV = [
  'fullName,firstName,lastName,profileUrl,occupation,degree,timestamp,query',
  'Ada Lovelace,Ada,Lovelace,https://www.linkedin.com/in/ada-lovelace-1815,Head of Data at Analytical Engines,2nd,2024-12-06T09:15:00.000Z,https://www.linkedin.com/feed/update/urn:li:activity:1',
  'Bob Unknown,Bob,Unknown,https://www.linkedin.com/in/bob-unknown,Founder,3rd,2024-12-06T10:00:00.000Z,https://www.linkedin.com/feed/update/urn:li:activity:1',
  '',
].join('\n');

async function readDb(file: string, sql: string): Promise<Record<string, unknown>[]> {
  const instance = await DuckDBInstance.create(file, { access_mode: 'READ_ONLY' });
  const conn = await instance.connect();
  try {
    return await queryRows(conn, sql);
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

describe('known export formats and columns found by header', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'js-formats-'));
    await writeTinyWorld(path.join(dir, 'data'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  const stitch = async (yaml: string) => {
    const lines: string[] = [];
    const config = resolveConfigPaths(parseConfig(yaml), dir);
    await stitchDuckDB(config, { log: (l) => lines.push(l) });
    return { lines, database: config.output.database };
  };

  it("LinkedIn's Connections.csv: notes skipped, spaced headers found, 05 Dec 2024 read, every row 'connected'", async () => {
    await writeFile(path.join(dir, 'data', 'Connections.csv'), CONNECTIONS_CSV);
    const { lines, database } = await stitch(`warehouse: duckdb
source: { type: segment, path: ./data }
offsite:
  - name: linkedin_connections
    label: LinkedIn
    path: ./data/Connections.csv
    format: linkedin_connections
# The exact-name rule: these tests are about reading the export, not about the scored rule's calibration.
identity: { name_matching: { method: exact } }
output: { database: ./db/stitched.duckdb }
`);
    expect(lines).toContain(
      'columns found by header in Connections.csv: First Name → first_name, Last Name → last_name, Email Address → email, Connected On → timestamp, URL → profile_url, Position → headline, Company → company',
    );
    const rows = await readDb(
      database,
      `SELECT name, offsite_action, CAST(occurred_at AS VARCHAR) AS at, profile_url, event_email AS email, person_id, identity_status
       FROM stitched_events WHERE source = 'linkedin_connections' ORDER BY occurred_at`,
    );
    expect(rows).toEqual([
      {
        name: 'Grace Hopper',
        offsite_action: 'connected',
        at: '2024-11-28 00:00:00',
        profile_url: 'https://www.linkedin.com/in/grace-hopper',
        email: 'grace@navy.example',
        person_id: expect.any(String),
        identity_status: 'confirmed',
      },
      // Ada has no email in the export: matched to the web visitor u1 (identified as Ada Lovelace) by name.
      {
        name: 'Ada Lovelace',
        offsite_action: 'connected',
        at: '2024-12-05 00:00:00',
        profile_url: 'https://www.linkedin.com/in/ada-lovelace-1815',
        email: null,
        person_id: userPerson('u1'),
        identity_status: 'inferred',
      },
    ]);
    expect(await readDb(database, `SELECT count(*) AS n FROM rejected_rows WHERE source_table = 'linkedin_connections'`)).toEqual([
      { n: 0 },
    ]);
  });

  it('a PhantomBuster export: camelCase headers found, occupation as the headline, the action from the config', async () => {
    await writeFile(path.join(dir, 'data', 'post-likers.csv'), PHANTOMBUSTER_CSV);
    const yaml = (action: string) => `warehouse: duckdb
source: { type: segment, path: ./data }
offsite:
  - name: linkedin
    path: ./data/post-likers.csv
    format: phantombuster
${action}identity: { name_matching: { method: exact } }
output: { database: ./db/stitched.duckdb }
`;
    // Without an action column or action: one message that says what to set.
    await expect(stitch(yaml(''))).rejects.toThrow(
      /post-likers\.csv: raw table 'offsite:linkedin' has no column 'action': add it, or map 'action' to an existing column in the config, or set offsite\[0\]\.action to what every row is \(e\.g\. liked\)/,
    );
    const { lines, database } = await stitch(yaml('    action: liked\n'));
    expect(lines).toContain(
      'columns found by header in post-likers.csv: fullName → full_name, firstName → first_name, lastName → last_name, profileUrl → profile_url, occupation → headline',
    );
    const rows = await readDb(
      database,
      `SELECT name, offsite_action, CAST(occurred_at AS VARCHAR) AS at, identity_status FROM stitched_events WHERE source = 'linkedin' ORDER BY name`,
    );
    expect(rows).toEqual([
      { name: 'Ada Lovelace', offsite_action: 'liked', at: '2024-12-06 09:15:00', identity_status: 'inferred' },
      { name: 'Bob Unknown', offsite_action: 'liked', at: '2024-12-06 10:00:00', identity_status: 'unmatched' },
    ]);
  });

  it('Segment identifies with userId and a RudderStack-style event_text: found by header, no silent loss', async () => {
    const data = path.join(dir, 'data');
    await writeFile(
      path.join(data, 'identifies.ndjson'),
      JSON.stringify({
        id: 'i1',
        anonymousId: 'a1',
        userId: 'u1',
        timestamp: '2024-03-01T10:10:00Z',
        email: 'ada@example.com',
        name: 'Ada Lovelace',
      }) + '\n',
    );
    await writeFile(
      path.join(data, 'tracks.csv'),
      'id,anonymous_id,user_id,timestamp,event,event_text\nt1,a1,u1,2024-03-01T10:20:00Z,meeting_booked,Meeting Booked\n',
    );
    const yaml = (type: string) => `warehouse: duckdb
source: { type: ${type}, path: ./data }
output: { database: ./db/stitched.duckdb }
`;
    const { lines, database } = await stitch(yaml('rudderstack'));
    expect(lines).toContain('columns found by header in identifies.ndjson: anonymousId → anonymous_id, userId → user_id');
    expect(lines).toContain('columns found by header in tracks.csv: event_text → event');
    expect(
      await readDb(database, `SELECT event_id, person_id, identity_status FROM stitched_events WHERE event_id IN ('i1', 't1') ORDER BY 1`),
    ).toEqual([
      { event_id: 'i1', person_id: userPerson('u1'), identity_status: 'confirmed' },
      { event_id: 't1', person_id: userPerson('u1'), identity_status: 'confirmed' },
    ]);
    // The conversion is found under the default conversion_events: [Meeting Booked].
    expect(await readDb(database, `SELECT converted FROM journey_paths WHERE person_id = '${userPerson('u1')}'`)).toEqual([
      { converted: true },
    ]);
  });

  it('two headers that both could be user_id: neither is taken, and the run says so', async () => {
    await writeFile(
      path.join(dir, 'data', 'identifies.ndjson'),
      JSON.stringify({ id: 'i1', anonymous_id: 'a1', userId: 'u1', 'user id': 'u1', timestamp: '2024-03-01T10:10:00Z' }) + '\n',
    );
    const { lines } = await stitch(
      'warehouse: duckdb\nsource: { type: segment, path: ./data }\noutput: { database: ./db/stitched.duckdb }\n',
    );
    expect(lines).toContain(
      "warning: identifies.ndjson: 'userId' and 'user id' could each be user_id; none is read as it: map user_id in the config",
    );
  });

  it('a hand mapping takes any column name: spaces and quotes', async () => {
    await writeFile(
      path.join(dir, 'data', 'linkedin.csv'),
      'Full Name,"He said ""hi"" `x`",When,Profile\nAda Lovelace,liked,2024-02-28T08:00:00Z,https://www.linkedin.com/in/ada\n',
    );
    const { database } = await stitch(`warehouse: duckdb
source: { type: segment, path: ./data }
offsite:
  - name: linkedin
    path: ./data/linkedin.csv
    columns: { action: 'He said "hi" \`x\`', timestamp: When, profile_url: Profile }
identity: { name_matching: { method: exact } }
output: { database: ./db/stitched.duckdb }
`);
    expect(await readDb(database, `SELECT name, offsite_action, person_id FROM stitched_events WHERE source = 'linkedin'`)).toEqual([
      { name: 'Ada Lovelace', offsite_action: 'liked', person_id: userPerson('u1') },
    ]);
  });
});
