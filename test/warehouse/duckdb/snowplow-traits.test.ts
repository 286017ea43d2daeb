/**
 * Snowplow user traits (issue 21, item 2): Snowplow has no identify call, so the user's email and name come from
 * columns the config names, or JSON paths into a context column. Events shaped like Snowplow's enriched events
 * (a custom user context as a JSON array, as the loaders write contexts_<vendor>_<name>_1) and a LinkedIn export:
 * the offsite row with the user's email joins the web user, the one with only the name is matched by name.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { parseConfig, resolveConfigPaths } from '../../../src/config/load';
import { stitchDuckDB } from '../../../src/warehouse/duckdb/stitch';
import { queryRows } from '../../support/duckdb';
import { userPerson } from '../../support/scenarios';

const event = (id: string, at: string, extra: Record<string, unknown>) => ({
  event_id: id,
  event: 'page_view',
  domain_userid: 'd-1',
  network_userid: 'n-1',
  derived_tstamp: at,
  page_url: 'https://example.com/pricing',
  page_title: 'Pricing',
  ...extra,
});

describe('Snowplow user traits', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'js-snowplow-'));
    await mkdir(path.join(dir, 'data'));
    await writeFile(
      path.join(dir, 'data', 'events.ndjson'),
      [
        event('e1', '2024-12-05T10:00:00Z', {}),
        event('e2', '2024-12-05T10:05:00Z', {
          user_id: 'u-42',
          contexts_com_acme_user_1: [{ email: 'Wei.Bennett@Acme.nl', plan: 'pro' }],
          user_name: 'Wei Bennett',
        }),
        {
          ...event('e3', '2024-12-06T09:00:00Z', {}),
          domain_userid: 'd-2',
          user_id: 'u-7',
          contexts_com_acme_user_1: [{ email: 'ada@example.com' }],
          user_name: 'Ada Lovelace',
        },
      ]
        .map((r) => JSON.stringify(r))
        .join('\n') + '\n',
    );
    await writeFile(
      path.join(dir, 'data', 'linkedin.ndjson'),
      [
        { full_name: 'Wei Bennett', email: 'wei.bennett@acme.nl', action: 'liked', timestamp: '2024-12-04T08:00:00Z' },
        { full_name: 'Ada Lovelace', action: 'commented', timestamp: '2024-12-04T09:00:00Z' },
      ]
        .map((r) => JSON.stringify(r))
        .join('\n') + '\n',
    );
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  const offsitePersons = async (traits: string) => {
    const config = resolveConfigPaths(
      parseConfig(`warehouse: duckdb
source:
  type: snowplow
  path: ./data
${traits}identity: { name_matching: { method: exact } }
offsite:
  - name: linkedin
    path: ./data/linkedin.ndjson
output: { database: ./db/stitched.duckdb }
`),
      dir,
    );
    await stitchDuckDB(config);
    const instance = await DuckDBInstance.create(config.output.database, { access_mode: 'READ_ONLY' });
    const conn = await instance.connect();
    try {
      return await queryRows(
        conn,
        `SELECT name, person_id, identity_status, link_reason FROM stitched_events WHERE source = 'linkedin' ORDER BY name`,
      );
    } finally {
      conn.closeSync();
      instance.closeSync();
    }
  };

  it('an email from a JSON path into a context column, a name from a column: offsite rows join the web users', async () => {
    const rows = await offsitePersons(`  user_traits:
    email: { column: contexts_com_acme_user_1, path: '$[0].email' }
    name: user_name
`);
    expect(rows).toEqual([
      { name: 'Ada Lovelace', person_id: userPerson('u-7'), identity_status: 'inferred', link_reason: expect.stringMatching(/name/) },
      { name: 'Wei Bennett', person_id: userPerson('u-42'), identity_status: 'confirmed', link_reason: 'offsite_email' },
    ]);
  });

  it('without traits the same rows join neither web user', async () => {
    const rows = await offsitePersons('');
    expect(rows.map((r) => r.person_id)).not.toContain(userPerson('u-42'));
    expect(rows.map((r) => r.person_id)).not.toContain(userPerson('u-7'));
    expect(rows[0].identity_status).toBe('unmatched');
  });
});
