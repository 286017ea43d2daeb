/**
 * What the Journeys view asks Looker, told apart by fields and filters, for fake answers (fakeLooker.tsx), and the
 * persons list a node's or link's panel shows. Shared by the view's tests.
 */
import { PERSON_FIELDS, pathFields } from '../../../src/contract/looker';
import type { InlineQuery } from '../../../src/extension/looker/queries';
import type { PlainRow } from './fakeLooker';

const jp = pathFields('journey_paths');

/** The median times between steps (the link tooltips): no totals beside them. */
export const isGap = (q: InlineQuery) =>
  q.fields.some((f) => /\.median_seconds_/.test(f)) && !q.fields.some((f) => /identified_count$/.test(f));
/** The paths themselves (from the first step, or before the conversion). */
export const isPaths = (q: InlineQuery) => !isGap(q) && q.fields.some((f) => /\.(step|before)_1$/.test(f));
/** A node's or link's totals: the summary's fields, filtered on a step column. */
export const isSubset = (q: InlineQuery) =>
  q.fields.some((f) => /identified_count$/.test(f)) &&
  Object.keys(q.filters ?? {}).some((k) => /\.(step_\d+|before_\d+|conversion_step)$/.test(k));
/** The totals of every journey shown. */
export const isSummary = (q: InlineQuery) => !isPaths(q) && !isSubset(q) && q.fields.some((f) => /identified_count$/.test(f));
/** The persons behind a node or link. */
export const isPersons = (q: InlineQuery) => q.fields.includes(PERSON_FIELDS.eventCount);

/** Two persons behind a node: one inferred and converted, one confirmed. */
export const PERSON_ROWS: PlainRow[] = [
  {
    [jp.personId]: 'u:aaa',
    [jp.identityStatus]: 'inferred',
    [jp.stepCount]: 3,
    [jp.converted]: 'Yes',
    [PERSON_FIELDS.eventCount]: 12,
    [PERSON_FIELDS.name]: 'Wei Bennett',
    [PERSON_FIELDS.email]: 'wei@acme.nl',
  },
  {
    [jp.personId]: 'u:bbb',
    [jp.identityStatus]: 'confirmed',
    [jp.stepCount]: 2,
    [jp.converted]: 'No',
    [PERSON_FIELDS.eventCount]: 4,
    [PERSON_FIELDS.name]: 'Ann Lee',
    [PERSON_FIELDS.email]: 'ann@x.io',
  },
];
