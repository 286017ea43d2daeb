/**
 * The recomputation: the affected persons' events (new versions) through the models from the identity graph on,
 * under inc_delta_, with name uniqueness also counting every other person's names (js_inc_outside_names).
 */
import { OUTPUT_TABLES } from '../../contract/tables';
import { between, type SqlStep, type Step } from '../../sql/pipeline';
import { stitchedPersonColumns } from '../attribution';
import { buildPipeline } from '../index';
import { DELTA, type IncrementalContext, type IncrementalOptions } from './context';
import { scoredMatching, STATE_TABLES } from './state';

/** The recomputation's input: the affected persons' events, and the names of everyone else. */
export function recomputeInputSteps(x: IncrementalContext): SqlStep[] {
  const { ctx, t, scratch, cols, state, stitched, changed, personNames, appended } = x;
  return [
    // The stored person columns of the affected persons' events, read once: their event ids here, and the check
    // that leaves unchanged rows in place below.
    scratch(
      'js_inc_stored_events',
      () =>
        `SELECT ${['event_id', ...stitchedPersonColumns(ctx)].join(', ')} FROM ${stitched()} WHERE person_id IN (SELECT person_id FROM ${t('js_inc_persons')})`,
    ),
    scratch(
      'js_inc_events',
      () => `SELECT event_id FROM ${t('js_inc_stored_events')}
UNION DISTINCT
SELECT event_id FROM ${changed()} WHERE event_id NOT IN (SELECT event_id FROM ${appended()})`,
    ),
    // 6. The affected persons' events (new versions) are the recomputation's input.
    scratch(
      `${DELTA}js_events`,
      () => `SELECT ${cols} FROM ${state()} WHERE event_id IN (SELECT event_id FROM ${t('js_inc_events')}) AND event_id NOT IN (SELECT event_id FROM ${changed()})
UNION ALL
SELECT ${cols} FROM ${changed()} WHERE event_id NOT IN (SELECT event_id FROM ${appended()})`,
    ),
    // Names of everyone else count for name uniqueness too (their web flag is stored: stitched_events is not read).
    scratch(
      'js_inc_outside_names',
      () => `SELECT DISTINCT norm_name, person_id AS candidate_id, on_web FROM ${personNames()}
WHERE identity_status = 'confirmed' AND norm_name IS NOT NULL AND person_id NOT IN (SELECT person_id FROM ${t('js_inc_persons')})`,
    ),
  ];
}

/**
 * The models from the identity graph on, over the affected persons' events only (`inc_delta_js_events`). Name
 * uniqueness also counts the names of every other person (js_inc_outside_names), which are unchanged.
 */
export function recomputeSteps(opts: IncrementalOptions): Step[] {
  const matchModel = scoredMatching(opts.config) ? { params: STATE_TABLES.matchParams, nameTokens: STATE_TABLES.nameTokens } : undefined;
  const recompute = {
    ...opts,
    namespace: DELTA,
    nameCandidates: 'js_inc_outside_names',
    matchModel,
    outputsAreScratch: true,
    personTails: true,
  };
  // The sub-plan downstream of the affected events (the plan makes inc_delta_js_events), up to the outputs.
  const external = [recompute.nameCandidates, ...(matchModel ? [matchModel.params, matchModel.nameTokens] : [])];
  return between(
    buildPipeline(recompute).steps,
    [`${DELTA}js_events`],
    OUTPUT_TABLES.map((t) => `${DELTA}${t}`),
    external,
  );
}
