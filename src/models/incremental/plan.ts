/**
 * The incremental plan, part by part (docs/incremental.md): restage the raw rows since the cutoff, find the changed
 * events, close the affected persons, recompute them, append the persons that only gained plain events, keep the
 * unchanged rows, count the run; then apply it all in one transaction.
 */
import { OUTPUT_TABLES, REJECTS_TABLE } from '../../contract/tables';
import { createsOf, type Pipeline, type SqlStep, type Step } from '../../sql/pipeline';
import { appendSteps } from './append';
import { applySteps, storedRowsSteps, unchangedRowsSteps } from './apply';
import { changedSteps, restagingSteps } from './changed';
import { closureSteps } from './closure';
import { incrementalContext, type IncrementalOptions, type IncrementalPlan } from './context';
import { recomputeInputSteps, recomputeSteps } from './recompute';
import { incrementalRunRowSteps } from './run-log';
import { STATE_TABLES } from './state';

export function buildIncrementalPlan(opts: IncrementalOptions): IncrementalPlan {
  const x = incrementalContext(opts);
  const append = appendSteps(opts, { ...x.appendTables, appended: 'js_inc_append', stored: x.touched });
  const recompute = recomputeSteps(opts);
  const staging = restagingSteps(x);
  // Each part writes its steps now (ModelContext records reads and scratch tables in this order).
  const prepare: Step[] = [
    ...staging,
    ...changedSteps(x),
    ...closureSteps(x),
    ...recomputeInputSteps(x),
    ...recompute,
    ...storedRowsSteps(x),
    ...append.steps,
    ...unchangedRowsSteps(x),
    ...incrementalRunRowSteps(x),
  ];
  const apply = applySteps(x);

  // Every table the sub-plans make is this run's scratch (the recomputed outputs too).
  const subPlanScratch = [...staging, ...recompute].flatMap(createsOf);
  return { prepare, apply, scratch: [...new Set([...x.ctx.scratch, ...subPlanScratch, ...append.scratch])] };
}

const sql = (name: string, text: string): SqlStep => ({ kind: 'sql', name, sql: text, reads: [] });

/** The plan as one Pipeline, the apply part inside a transaction (for toScript and the BigQuery runner). */
export function incrementalPipeline(plan: IncrementalPlan): Pipeline {
  return {
    steps: [...plan.prepare, sql('begin', 'BEGIN TRANSACTION'), ...plan.apply, sql('commit', 'COMMIT TRANSACTION')],
    outputs: [...OUTPUT_TABLES, REJECTS_TABLE, ...Object.values(STATE_TABLES)],
    scratch: plan.scratch,
  };
}
