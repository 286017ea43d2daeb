/**
 * `journey-stitch check` and `stitch --strict` through the real CLI (issue 21, items 3 and 4): the report on files
 * shaped like real exports (Segment identifies with camelCase keys and a `uid`, RudderStack-style snake-cased event
 * names), the same findings as stitch warnings, --strict failing on them, and a pretty-printed JSON array stopping
 * both commands with a non-zero exit.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { writeTinyWorld } from '../warehouse/duckdb/tiny-world';
import { runCli } from './run-cli';

const CONFIG = `warehouse: duckdb
source: { type: segment, path: ./data }
offsite:
  - name: linkedin
    path: ./data/linkedin.ndjson
output: { database: ./db/stitched.duckdb }
`;

describe('journey-stitch check (child process)', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'js-check-'));
    const data = path.join(dir, 'data');
    await writeTinyWorld(data);
    await writeFile(
      path.join(data, 'identifies.ndjson'),
      JSON.stringify({
        id: 'i1',
        anonymousId: 'a1',
        uid: 'u1',
        timestamp: '2024-03-01T10:10:00Z',
        e_mail: 'ada@example.com',
        name: 'Ada Lovelace',
      }) + '\n',
    );
    await writeFile(
      path.join(data, 'tracks.csv'),
      'id,anonymous_id,user_id,timestamp,event\nt1,a1,u1,2024-03-01T10:20:00Z,meeting_booked\n',
    );
    await writeFile(path.join(dir, 'journey-stitch.yaml'), CONFIG);
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('reports columns, rows, time ranges, unreadable lines, close names and config values that match nothing', async () => {
    const result = await runCli(['check'], dir);
    expect(result.code).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines).toContain('  pages.ndjson (pages): 5 of 14 expected columns, 3 rows, 2024-03-01 10:00 to 2024-03-02 09:00 UTC');
    expect(lines).toContain('    unreadable: 1 line(s), the first on line 3 (malformed JSON)');
    expect(lines).toContain('    found: id, anonymousId (as anonymous_id, by header), timestamp, e_mail (as email, by header), name');
    expect(lines).toContain(
      "warning: identifies.ndjson: no user_id column: user_id is read as NULL; the closest column is 'uid': map source.columns.identifies.user_id: uid",
    );
    expect(lines).toContain(
      "warning: journeys.conversion_events: 'Meeting Booked' matches no track event; did you mean 'meeting_booked'? (most frequent: meeting_booked (1))",
    );
    expect(result.stdout).toContain('source:\n  columns:\n    identifies:\n      user_id: uid\n');
    expect(lines).toContain(
      'Every file and required column is there: journey-stitch stitch can run (7 warning(s) above; stitch --strict would stop on them).',
    );
    expect((await runCli(['check', '--strict'], dir)).code).toBe(1);
  });

  it('stitch says the same in its warnings and summary; --strict fails before anything is written', async () => {
    const strict = await runCli(['stitch', '--strict'], dir);
    expect(strict.code).toBe(1);
    expect(strict.stderr).toContain(
      'journey-stitch: --strict: 7 warning(s), the database was not written:\n  pages.ndjson: no user_id column',
    );
    expect(strict.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(path.join(dir, 'db', 'stitched.duckdb'))).toBe(false);

    const run = await runCli(['stitch'], dir);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(
      "warning: journeys.conversion_events: 'Meeting Booked' matches no track event; did you mean 'meeting_booked'?",
    );
    expect(run.stderr).toContain('columns found by header in identifies.ndjson: anonymousId → anonymous_id, e_mail → email');
    expect(run.stderr).toMatch(/^ {2}warnings: {11}7 \(above; stitch --strict stops on them\)$/m);
  });

  it('a pretty-printed JSON array: check is not ready, stitch stops non-zero naming the file and the conversion', async () => {
    const pages = path.join(dir, 'data', 'pages.ndjson');
    await writeFile(pages, JSON.stringify([{ id: 'p1', anonymous_id: 'a1', timestamp: '2024-03-01T10:00:00Z' }], null, 2));
    const check = await runCli(['check'], dir);
    expect(check.code).toBe(1);
    expect(check.stdout).toContain(
      `error: ${pages}: no readable row (7 unreadable line(s)); the first bad line is 1 (malformed JSON): [. Fix: the file is a JSON array`,
    );
    expect(check.stdout).toContain('Not ready: 1 error(s) above; stitch would stop on them.');
    const stitch = await runCli(['stitch'], dir);
    expect(stitch.code).toBe(1);
    expect(stitch.stderr).toContain(`journey-stitch: ${pages}: no readable row`);
    expect(stitch.stderr).toContain(`jq -c '.[]' ${pages} >`);
  });

  it('stitch --quiet --json: no progress, the summary as JSON on stdout for schedulers', async () => {
    const run = await runCli(['stitch', '--quiet', '--json'], dir);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    const summary = JSON.parse(run.stdout);
    expect(summary).toMatchObject({
      database: path.join(dir, 'db', 'stitched.duckdb'),
      exported: [],
      eventsIn: 8,
      duplicatesRemoved: 1,
      eventsOut: 6,
    });
    expect(summary.warnings).toHaveLength(7);
    expect(summary.rejectedByReason).toEqual({ 'malformed JSON': 1 });

    // Without --quiet: every model with its place among them, the last one N of N.
    const loud = await runCli(['stitch'], dir);
    const places = [...loud.stderr.matchAll(/\[(\d+)\/(\d+)\]$/gm)].map((m) => [Number(m[1]), Number(m[2])]);
    expect(places.length).toBeGreaterThan(10);
    expect(places.map(([n]) => n)).toEqual(places.map((_, i) => i + 1));
    expect(places.at(-1)![0]).toBe(places.at(-1)![1]);
  });
});
