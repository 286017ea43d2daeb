/** The full run that leaves the state an incremental run needs: the models, then the state tables and the run log. */
import { buildPipeline } from '../index';
import { ModelContext } from '../context';
import { readsOf, type Pipeline, type SqlStep } from '../../sql/pipeline';
import type { BuildOptions } from '../types';
import { FULL_RUN_ROW, fullRunLogSteps, type RunRecord } from './run-log';
import { fullStateTables, STATE_TABLES } from './state';

/** After a full build: keep its deduplicated events, their identifiers and its rejects as state; record the run. */
export function fullStateSteps(opts: BuildOptions & RunRecord): SqlStep[] {
  const ctx = new ModelContext(opts);
  return [...fullStateTables(ctx, opts), ...fullRunLogSteps(ctx, opts)];
}

/** A full build that leaves the state an incremental run needs. */
export function buildFullPipeline(opts: BuildOptions & RunRecord): Pipeline {
  const state = fullStateSteps(opts);
  // The state is built from the models' tables: those stay tables whatever the materialization.
  const pipeline = buildPipeline({ ...opts, personTails: true, keep: [...(opts.keep ?? []), ...state.flatMap(readsOf)] });
  return {
    ...pipeline,
    steps: [...pipeline.steps, ...state],
    outputs: [...pipeline.outputs, ...Object.values(STATE_TABLES)],
    scratch: [...pipeline.scratch, FULL_RUN_ROW],
  };
}
