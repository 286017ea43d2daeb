/**
 * Writes test/extension/fixtures/demo-person.json: what the Person view's queries return on the demo data for a
 * search ("Bennett") and the person it opens (the inferred match with the most events: a timeline with a
 * name-matched event), answered by the preview over DuckDB, as plain rows. The extension tests render the view from
 * it without DuckDB (jsdom). Run again after the demo data or the queries change:
 * `npx tsx scripts/demo-person-fixture.ts`.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CoreApi } from '../src/preview/api/core';
import { PreviewDatabase } from '../src/preview/api/database';
import { PREVIEW_USERS } from '../src/preview/api/users';
import { loadPreviewProject } from '../src/preview/project';
import { prepareDemo } from '../src/preview/demo';
import { PERSON_FIELDS } from '../src/contract/looker';
import { personEventsQuery, personQuery, personSearchQuery } from '../src/extension/looker/queries';

const TERM = 'Bennett';

async function main() {
  const root = process.cwd();
  const paths = await prepareDemo(root, { extension: false, quiet: true });
  const project = await loadPreviewProject(paths.projectDir);
  const db = await PreviewDatabase.open(paths.database, project.manifest.constants.OUTPUT_DATASET ?? 'journey_stitch');
  try {
    const api = new CoreApi(project.manifest, project.model, db);
    const run = async (body: object) => {
      const res = await api.invoke({ httpMethod: 'POST', path: '/queries/run/json', body }, PREVIEW_USERS.pii);
      if (!res.ok) throw new Error(res.error.message);
      return res.value as Record<string, unknown>[];
    };
    const search = {
      name: await run(personSearchQuery(PERSON_FIELDS.name, TERM, true)),
      email: await run(personSearchQuery(PERSON_FIELDS.email, TERM, true)),
      personId: await run(personSearchQuery(PERSON_FIELDS.personId, TERM, true)),
    };
    const inferred = [...search.name, ...search.email]
      .filter((r) => r[PERSON_FIELDS.identityStatus] === 'inferred')
      .sort((a, b) => Number(b[PERSON_FIELDS.eventCount]) - Number(a[PERSON_FIELDS.eventCount]));
    if (!inferred[0]) throw new Error(`no inferred person matches ${TERM}`);
    const personId = String(inferred[0][PERSON_FIELDS.personId]);
    const fixture = {
      note: `The Person view's queries on the demo data: a search for "${TERM}" and one person (scripts/demo-person-fixture.ts).`,
      term: TERM,
      personId,
      searchByName: search.name,
      searchByEmail: search.email,
      searchById: search.personId,
      person: await run(personQuery(personId, true)),
      events: await run(personEventsQuery(personId)),
    };
    const out = join(root, 'test', 'extension', 'fixtures', 'demo-person.json');
    // One row a line: a regenerated fixture diffs by row.
    const rows = (v: unknown) => ((v as unknown[]).length === 0 ? '[]' : `[\n${(v as unknown[]).map((r) => `  ${JSON.stringify(r)}`).join(',\n')}\n ]`);
    const body = Object.entries(fixture).map(([k, v]) => ` ${JSON.stringify(k)}: ${Array.isArray(v) ? rows(v) : JSON.stringify(v)}`);
    writeFileSync(out, `{\n${body.join(',\n')}\n}\n`);
    process.stdout.write(`${out}: ${fixture.events.length} events of ${personId}\n`);
  } finally {
    db.close();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
