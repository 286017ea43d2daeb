/**
 * The affected persons (js_inc_persons): from the changed events' identifiers, closed under shared identifiers, then
 * under the names a name match may flip, then under identifiers again; and the append candidates the closure left
 * out (js_inc_append). Why this set is enough: docs/incremental.md.
 */
import type { Step } from '../../sql/pipeline';
import { appendCandidatesSql } from './append';
import type { IncrementalContext } from './context';
import { scoredMatching, STATE_TABLES } from './state';

/**
 * The affected persons, to a fixpoint: the persons holding an identifier of the changed events (old and new
 * copies) or of an affected person. Walks the person-level pairs (js_state_person_tokens): an event's person
 * holds the event's tokens, so this is the same set as walking every event's tokens, at a tenth of the rows.
 */
function closure(x: IncrementalContext, prefix: string, seed: () => string): Step[] {
  const { ctx, config, t, scratch, personTokens, seedTokens } = x;
  const persons = () => t(`${prefix}_persons`);
  const next = () => t(`${prefix}_next`);
  const loop = ctx.loop(
    `${prefix}_closure`,
    config.identity.max_iterations,
    [
      scratch(
        `${prefix}_next`,
        () => `WITH affected_tokens AS (
  SELECT token FROM ${seedTokens()}
  UNION DISTINCT
  SELECT token FROM ${personTokens()} WHERE person_id IN (SELECT person_id FROM ${persons()})
)
SELECT person_id FROM ${persons()}
UNION DISTINCT
SELECT person_id FROM ${personTokens()} WHERE token IN (SELECT token FROM affected_tokens)`,
      ),
      scratch(`${prefix}_delta`, () => `SELECT (SELECT COUNT(*) FROM ${next()}) - (SELECT COUNT(*) FROM ${persons()}) AS changed`),
      scratch(`${prefix}_persons`, () => `SELECT person_id FROM ${next()}`),
    ],
    () => `SELECT changed FROM ${t(`${prefix}_delta`)}`,
  );
  return [scratch(`${prefix}_persons`, seed), loop];
}

export function closureSteps(x: IncrementalContext): Step[] {
  const { ctx, config, t, scratch, changed, personNames, personTokens, seedTokens, appendTables, replacedCopies } = x;
  return [
    // New plain events that may only extend their person's history (incremental/append.ts): they start no closure.
    scratch('js_inc_append_candidates', () => appendCandidatesSql(ctx, appendTables)),
    // The identifiers of the other changed events, new copies and stored ones: where the closure starts.
    scratch(
      'js_inc_seed_tokens',
      () => `SELECT token FROM ${t('js_inc_changed_tokens')} WHERE event_id NOT IN (SELECT event_id FROM ${t('js_inc_append_candidates')})
UNION DISTINCT
SELECT token FROM ${t(STATE_TABLES.tokens)} WHERE ${replacedCopies()}`,
    ),
    // 3. Persons whose identity may change: those holding an identifier of the changed events, closed under shared
    //    identifiers. Every event carries an identifier (staging rejects the others) and its person holds them all,
    //    so this includes the stored copies' persons without reading stitched_events.
    ...closure(
      x,
      'js_inc_identity',
      () => `SELECT DISTINCT person_id FROM ${personTokens()} WHERE token IN (SELECT token FROM ${seedTokens()})`,
    ),
    // 4. Their names (and the new events'): a name match with one of these names may flip. Only names some
    //    offsite profile can carry matter (rows unmatched or inferred now, or offsite rows among these events).
    scratch(
      'js_inc_names',
      () => `WITH affected AS (
  SELECT norm_name, offsite FROM ${personNames()} WHERE person_id IN (SELECT person_id FROM ${t('js_inc_identity_persons')})
  UNION ALL
  SELECT ${ctx.normalizeName('name')}, event_type = 'offsite' FROM ${changed()} WHERE name IS NOT NULL
)
SELECT DISTINCT norm_name FROM affected
WHERE norm_name IN (
  SELECT norm_name FROM ${personNames()} WHERE identity_status IN ('inferred', 'unmatched')
  UNION ALL
  SELECT norm_name FROM affected WHERE offsite
)${
        scoredMatching(config)
          ? ''
          : `
-- A name two persons outside the identity closure hold stays ambiguous before and after: it matches nobody either way.
-- (Not so when matches are scored: the evidence can single out one of several namesakes.)
AND norm_name NOT IN (
  SELECT norm_name FROM ${personNames()}
  WHERE identity_status = 'confirmed' AND person_id NOT IN (SELECT person_id FROM ${t('js_inc_identity_persons')})
  GROUP BY norm_name HAVING COUNT(DISTINCT person_id) > 1
)`
      }`,
    ),
    // 5. Add the holders of those names and the profiles carrying them (with the persons they are matched to).
    ...closure(
      x,
      'js_inc',
      () => `SELECT person_id FROM ${t('js_inc_identity_persons')}
UNION DISTINCT
SELECT person_id FROM ${personNames()}
WHERE identity_status IN ('confirmed', 'inferred', 'unmatched') AND norm_name IN (SELECT norm_name FROM ${t('js_inc_names')})`,
    ),
    // Candidates whose person the closure left out are appended; the others are recomputed with their person.
    scratch(
      'js_inc_append',
      () =>
        `SELECT event_id, person_id FROM ${t('js_inc_append_candidates')} WHERE person_id NOT IN (SELECT person_id FROM ${t('js_inc_persons')})`,
    ),
  ];
}
