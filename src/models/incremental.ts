/**
 * Incremental refresh: stage only the raw rows newer than the last run (minus a lookback for late data), find
 * every person whose rows could differ from a full rebuild (the "affected closure"), recompute exactly those
 * persons with the same model SQL over their events, and replace the rows that differ. The parts live in
 * incremental/ (cutoff, state, run-log, changed, closure, recompute, append, apply; plan and full put them
 * together); why the result equals a full rebuild is docs/incremental.md. This module is their public entry.
 */
export { incrementalConfigSchema, type IncrementalConfig } from '../config/incremental';
export { loadedSince, rawTimestampColumn, subtractHours, timestampLiteral } from './incremental/cutoff';
export { STATE_TABLES } from './incremental/state';
export { lastRunSql, type RunRecord } from './incremental/run-log';
export type { IncrementalOptions, IncrementalPlan } from './incremental/context';
export { buildFullPipeline, fullStateSteps } from './incremental/full';
export { buildIncrementalPlan, incrementalPipeline } from './incremental/plan';
