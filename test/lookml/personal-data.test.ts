/**
 * Personal data in the generated project: the columns that show an email, a name or a raw identifier are behind the
 * can_see_pii access grant, and a user without it gets them dropped, as Looker drops them; counts stay answerable.
 * Many sites send the email as the Segment user id, so a raw user id is personal data like the email itself.
 * Runs the repository root project (the golden test keeps it equal to the generator's output) through the
 * preview's query compiler, without a database.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { LOOKER_MODEL, PII_ACCESS_GRANT } from '../../src/contract/looker';
import { PREVIEW_USERS } from '../../src/preview/api/users';
import { loadPreviewProject, type PreviewProject } from '../../src/preview/project';
import { compileQuery, type CompiledQuery, type WriteQuery } from '../../src/preview/query/compile';
import { outputTables } from '../../src/contract/tables';
import { createTable, openMemoryDb, queryRows } from '../support/duckdb';

const ROOT = path.resolve(__dirname, '../..');
let project: PreviewProject;
beforeAll(async () => {
  project = await loadPreviewProject(ROOT);
});

const grantsOf = (view: string, field: string) => project.model.views.get(view)!.fields.get(field)!.requiredAccessGrants;
const compile = (query: Omit<WriteQuery, 'model'>, user = PREVIEW_USERS.no_pii): CompiledQuery =>
  compileQuery(project.model, { model: LOOKER_MODEL, ...query } as WriteQuery, user, project.manifest.constants);
const dropped = (explore: string, field: string) => `${field} no longer exists on ${explore}, or you do not have access to it, and it will be ignored`;

test('raw user ids, emails and identifiers are behind the grant; their counts are not', () => {
  for (const [view, field] of [
    ['stitched_events', 'user_id'],
    ['stitched_events', 'email'],
    ['persons', 'email'],
    ['identity_links', 'identifier'],
  ]) {
    expect([`${view}.${field}`, grantsOf(view, field)]).toEqual([`${view}.${field}`, [PII_ACCESS_GRANT]]);
  }
  for (const [view, field] of [
    ['persons', 'user_id_count'],
    ['persons', 'email_count'],
    ['persons', 'person_id'],
    ['stitched_events', 'email_hash'],
    ['identity_links', 'identifier_type'],
  ]) {
    expect([`${view}.${field}`, grantsOf(view, field)]).toEqual([`${view}.${field}`, []]);
  }
});

test('a user without the grant gets stitched_events.user_id dropped, in fields and filters, with Looker\'s warning, and still counts user ids', () => {
  const query = { view: 'events', fields: ['stitched_events.person_id', 'stitched_events.user_id', 'stitched_events.count'], filters: { 'stitched_events.user_id': 'ann@example.com' } };
  const without = compile(query);
  expect(without.fields.map((f) => f.name)).toEqual(['stitched_events.person_id', 'stitched_events.count']);
  expect([...new Set(without.warnings)]).toEqual([dropped('events', 'stitched_events.user_id')]);
  expect(without.sql).not.toContain('ann@example.com');

  const withGrant = compile(query, PREVIEW_USERS.pii);
  expect(withGrant.fields.map((f) => f.name)).toEqual(['stitched_events.person_id', 'stitched_events.user_id', 'stitched_events.count']);
  expect(withGrant.warnings).toEqual([]);
  expect(withGrant.sql).toContain('ann@example.com');

  // Counts of user ids and emails stay answerable without the grant.
  const counts = compile({ view: 'persons', fields: ['persons.identity_status', 'persons.user_id_count', 'persons.email_count', 'persons.count'] });
  expect(counts.warnings).toEqual([]);
  expect(counts.fields.map((f) => f.name)).toEqual(['persons.identity_status', 'persons.user_id_count', 'persons.email_count', 'persons.count']);
});

test('without the grant, user ids are still counted and joined by their hash: the count equals the distinct user ids', async () => {
  const query = { view: 'events', fields: ['stitched_events.person_id', 'stitched_events.user_id_count'], sorts: ['stitched_events.person_id'] };
  const compiled = compile(query);
  expect(compiled.warnings).toEqual([]);
  expect(compiled.fields.map((f) => f.name)).toEqual(query.fields);
  expect(grantsOf('stitched_events', 'user_id_hash')).toEqual([]);
  const hashes = compile({ view: 'events', fields: ['stitched_events.user_id_hash'] });
  expect(hashes.warnings).toEqual([]);

  const db = await openMemoryDb();
  try {
    const types = Object.fromEntries(outputTables().find((t) => t.name === 'stitched_events')!.columns.map((c) => [c.name, c.type]));
    // Today's events (the explore's default filter is the last 30 days).
    const today = `${new Date().toISOString().slice(0, 10)} 00:00:00`;
    const row = (event_id: string, person_id: string, user_id: string | null) => ({ event_id, person_id, user_id, occurred_at: today });
    await createTable(db.conn, 'stitched_events', [row('e1', 'u:1', 'ann@example.com'), row('e2', 'u:1', 'ann@example.com'), row('e3', 'p2', 'bob'), row('e4', 'p2', 'Bob'), row('e5', 'p3', null)], types);
    const counts = (await queryRows(db.conn, compiled.sql)).map((r) => Object.values(r).map(String));
    expect(counts).toEqual([['p2', '2'], ['p3', '0'], ['u:1', '1']]);
    const shown = JSON.stringify(await queryRows(db.conn, hashes.sql));
    expect(shown).toContain(createHash('md5').update('ann@example.com').digest('hex'));
    expect(shown).not.toContain('ann@example.com');
  } finally {
    db.close();
  }
});
