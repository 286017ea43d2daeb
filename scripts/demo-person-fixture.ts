/**
 * Writes test/extension/fixtures/demo-person.json: what the Person view's queries return on the demo data for a
 * search ("Thomas") and the person it opens (the inferred match with the most events: a timeline with a
 * name-matched event), answered by the preview over DuckDB, as plain rows. The extension tests render the view from
 * it without DuckDB (jsdom). Run again after the demo data or the queries change:
 * `npx tsx scripts/demo-person-fixture.ts`.
 */
import { PERSON_FIELDS } from '../src/contract/looker';
import { personEventsQuery, personQuery, personSearchQuery } from '../src/extension/looker/queries';
import { runScript, withDemoQueries, writeFixture } from './demo-fixture';

const TERM = 'Thomas';

runScript(() =>
  withDemoQueries(async (run) => {
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
    process.stdout.write(`${writeFixture('demo-person', fixture)}: ${fixture.events.length} events of ${personId}\n`);
  }),
);
