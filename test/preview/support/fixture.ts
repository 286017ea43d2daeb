/** The fixture LookML project (test/preview/fixtures/project) and a small stitched database matching it. */
import { cpSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';

/**
 * The fixture project's files end in `.fixture` because the repository root is a deployable LookML project: Looker
 * would read any .lkml file in it, and a second model and manifest there break the deploy. Tests use a copy.
 */
const FIXTURE_SOURCE = join(__dirname, '..', 'fixtures', 'project');

/** A copy of the fixture project under `dir` with its real file names; returns its path. */
export function writeFixtureProject(dir: string): string {
  const project = join(dir, 'project');
  cpSync(FIXTURE_SOURCE, project, { recursive: true });
  for (const entry of readdirSync(project, { recursive: true, encoding: 'utf8' })) {
    if (entry.endsWith('.fixture')) renameSync(join(project, entry), join(project, entry.slice(0, -'.fixture'.length)));
  }
  return project;
}

/** Events: person, status, inferred, source, step, time, email. */
export const FIXTURE_EVENTS: [string, string, boolean, string, string | null, string, string | null][] = [
  ['ann', 'confirmed', false, 'web', 'Home', '2024-01-01 10:00:00', 'ann@example.com'],
  ['ann', 'confirmed', false, 'web', 'Pricing', '2024-01-01 10:05:00', 'ann@example.com'],
  ['bob', 'inferred', true, 'linkedin', 'LinkedIn: liked', '2024-01-02 09:00:00', 'bob@example.com'],
  ['bob', 'inferred', false, 'web', 'Home', '2024-01-03 09:00:00', 'bob@example.com'],
  ['cid', 'anonymous', false, 'web', 'Home', '2024-02-01 12:00:00', null],
  ['cid', 'anonymous', false, 'web', 'Blog', '2024-02-01 12:01:00', null],
  ['dan', 'unmatched', false, 'linkedin', 'LinkedIn: followed', '2024-02-10 08:00:00', null],
  ['eve', 'confirmed', false, 'web', 'Home', '2024-03-05 16:30:00', "eve.o'neil@example.com"],
  ['eve', 'confirmed', false, 'web', null, '2024-03-05 16:31:00', "eve.o'neil@example.com"],
];

export interface FixtureDatabase {
  path: string;
  /** The fixture LookML project, written next to the database. */
  project: string;
  cleanup(): void;
}

export async function createFixtureDatabase(): Promise<FixtureDatabase> {
  const dir = mkdtempSync(join(tmpdir(), 'preview-fixture-'));
  const path = join(dir, 'journey_stitch.duckdb');
  const instance = await DuckDBInstance.create(path);
  const conn = await instance.connect();
  await conn.run(`CREATE TABLE stitched_events (event_id VARCHAR, person_id VARCHAR, identity_status VARCHAR, is_inferred_identity BOOLEAN,
    source VARCHAR, step_label VARCHAR, occurred_at TIMESTAMP, email VARCHAR)`);
  const insert = await conn.prepare('INSERT INTO stitched_events VALUES ($1, $2, $3, $4, $5, $6, CAST($7 AS TIMESTAMP), $8)');
  for (const [i, [person, status, inferred, source, step, at, email]] of FIXTURE_EVENTS.entries()) {
    insert.bindVarchar(1, `e${i + 1}`);
    insert.bindVarchar(2, person);
    insert.bindVarchar(3, status);
    insert.bindBoolean(4, inferred);
    insert.bindVarchar(5, source);
    if (step === null) insert.bindNull(6);
    else insert.bindVarchar(6, step);
    insert.bindVarchar(7, at);
    if (email === null) insert.bindNull(8);
    else insert.bindVarchar(8, email);
    await insert.run();
  }
  await conn.run(`CREATE TABLE persons AS
    SELECT person_id, MIN(identity_status) AS identity_status, bool_or(is_inferred_identity) AS is_inferred_identity,
      upper(person_id) AS name, MIN(occurred_at) AS first_seen_at, COUNT(*) AS event_count
    FROM stitched_events GROUP BY person_id`);
  conn.closeSync();
  instance.closeSync();
  return { path, project: writeFixtureProject(dir), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
