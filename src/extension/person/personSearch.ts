/**
 * Person lookups that respect Looker's PII protection. name and email are guarded by an access grant: for a user
 * without it Looker either leaves the fields out of the result (absent from the json_detail metadata) or refuses
 * the query naming the field. Both mean "hidden", never an error: the query is repeated without them.
 * Looker drops a guarded field's *filter* too, so a search filtering on name would return unfiltered persons:
 * such a result is discarded, never shown as matches.
 */
import type { ILooker40SDK } from '@looker/sdk';
import { IDENTITY_LINK_FIELDS, PERSON_FIELDS, PII_ACCESS_GRANT } from '../../contract/looker';
import { QueryError, runInlineQuery, type QueryResult, type Row } from '../looker/runQuery';
import { PII_PERSON_FIELDS, personByDeviceQuery, personQuery, personSearchQuery, type InlineQuery } from '../looker/queries';

export interface PiiAwareResult extends QueryResult {
  piiHidden: boolean;
}

/** A refusal caused by the personal fields (not by the model, the entitlement or the database). */
export function isPiiRefusal(error: unknown, field?: string): boolean {
  if (!(error instanceof QueryError) || error.kind === 'entitlement' || error.kind === 'cancelled') return false;
  const msg = error.message;
  return (
    PII_PERSON_FIELDS.some((f) => msg.includes(f)) ||
    (field !== undefined && msg.includes(field)) ||
    msg.includes(PII_ACCESS_GRANT) ||
    /inaccessible|access grant|unknown field|not a valid field/i.test(msg)
  );
}

export async function runWithPii(
  sdk: ILooker40SDK,
  build: (withPii: boolean) => InlineQuery,
  signal?: AbortSignal,
): Promise<PiiAwareResult> {
  try {
    const result = await runInlineQuery(sdk, build(true), signal);
    return { ...result, piiHidden: PII_PERSON_FIELDS.some((f) => result.droppedFields.has(f)) };
  } catch (e) {
    if (!isPiiRefusal(e)) throw e;
    return { ...(await runInlineQuery(sdk, build(false), signal)), piiHidden: true };
  }
}

export interface PersonMatch {
  personId: string;
  name: string | null;
  email: string | null;
  identityStatus: string | null;
  eventCount: number | null;
  lastSeen: string | null;
}

export interface PersonSearchResult {
  matches: PersonMatch[];
  piiHidden: boolean;
  limitReached: boolean;
}

const str = (v: Row[string] | undefined) => (v === null || v === undefined ? null : String(v));

export function toPersonMatch(row: Row): PersonMatch {
  return {
    personId: String(row[PERSON_FIELDS.personId] ?? ''),
    name: str(row[PERSON_FIELDS.name]),
    email: str(row[PERSON_FIELDS.email]),
    identityStatus: str(row[PERSON_FIELDS.identityStatus]),
    eventCount:
      row[PERSON_FIELDS.eventCount] === null || row[PERSON_FIELDS.eventCount] === undefined ? null : Number(row[PERSON_FIELDS.eventCount]),
    lastSeen: str(row[PERSON_FIELDS.lastSeen]),
  };
}

/**
 * Name, email and person id matches, queried together and merged (name matches first). Without the PII grant
 * the name and email queries are refused; the id query still answers and the result says names are hidden.
 */
export async function searchPersons(sdk: ILooker40SDK, term: string, signal?: AbortSignal): Promise<PersonSearchResult> {
  const [byName, byEmail, byDevice, byId] = await Promise.allSettled([
    runInlineQuery(sdk, personSearchQuery(PERSON_FIELDS.name, term, true), signal),
    runInlineQuery(sdk, personSearchQuery(PERSON_FIELDS.email, term, true), signal),
    // A device (anonymous) id copied from the timeline: personal data, like names and emails.
    runInlineQuery(sdk, personByDeviceQuery(term, true), signal),
    // Names and emails too (a person found by id alone is shown with them), without them where Looker refuses.
    runWithPii(sdk, (withPii) => personSearchQuery(PERSON_FIELDS.personId, term, withPii), signal),
  ]);
  let piiHidden = false;
  const results: QueryResult[] = [];
  const searches = [
    [byName, PERSON_FIELDS.name],
    [byEmail, PERSON_FIELDS.email],
    [byDevice, IDENTITY_LINK_FIELDS.identifier],
    [byId, PERSON_FIELDS.personId],
  ] as const;
  for (const [r, matchField] of searches) {
    if (r.status === 'rejected') {
      if (matchField === PERSON_FIELDS.personId || !isPiiRefusal(r.reason, matchField)) throw r.reason;
      piiHidden = true;
    } else if (r.value.droppedFields.has(matchField)) {
      piiHidden = true; // the filter was ignored: these rows are not matches
    } else {
      if (PII_PERSON_FIELDS.some((f) => r.value.droppedFields.has(f))) piiHidden = true;
      results.push(r.value);
    }
  }

  const byPerson = new Map<string, PersonMatch>();
  for (const row of results.flatMap((r) => r.rows)) {
    const match = toPersonMatch(row);
    if (!match.personId) continue;
    const seen = byPerson.get(match.personId);
    byPerson.set(match.personId, seen ? { ...seen, name: seen.name ?? match.name, email: seen.email ?? match.email } : match);
  }
  return { matches: [...byPerson.values()], piiHidden, limitReached: results.some((r) => r.limitReached) };
}

export async function fetchPerson(sdk: ILooker40SDK, personId: string, signal?: AbortSignal) {
  const result = await runWithPii(sdk, (withPii) => personQuery(personId, withPii), signal);
  const row = result.rows[0];
  return {
    person: row
      ? {
          ...toPersonMatch(row),
          firstSeen: str(row[PERSON_FIELDS.firstSeen]),
          converted: row[PERSON_FIELDS.converted],
          firstConverted: str(row[PERSON_FIELDS.firstConverted]),
        }
      : null,
    piiHidden: result.piiHidden,
  };
}
