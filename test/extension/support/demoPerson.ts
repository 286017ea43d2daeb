/**
 * A fake Looker answering the Person view's queries from fixtures/demo-person.json (written by
 * scripts/demo-person-fixture.ts from the preview over the demo database): a search for `demoPerson.term` and the
 * journey of `demoPerson.personId`. Another term matches no one.
 */
import { EXPLORES, PERSON_FIELDS } from '../../../src/contract/looker';
import { contains, escapeStringLiteral } from '../../../src/extension/looker/filterExpressions';
import demo from '../fixtures/demo-person.json';
import { fakeLooker, type PlainRow } from './fakeLooker';

export const demoPerson = demo;

export function demoPersonLooker() {
  const term = contains(demo.term);
  return fakeLooker((q) => {
    if (q.view === EXPLORES.events) return { rows: demo.events as PlainRow[] };
    const f = q.filters ?? {};
    if (f[PERSON_FIELDS.name] !== undefined) return { rows: f[PERSON_FIELDS.name] === term ? (demo.searchByName as PlainRow[]) : [] };
    if (f[PERSON_FIELDS.email] !== undefined) return { rows: f[PERSON_FIELDS.email] === term ? (demo.searchByEmail as PlainRow[]) : [] };
    if (f[PERSON_FIELDS.personId] === term) return { rows: demo.searchById as PlainRow[] };
    if (f[PERSON_FIELDS.personId] === escapeStringLiteral(demo.personId)) return { rows: demo.person as PlainRow[] };
    return { rows: [] };
  });
}
