/**
 * The stitching models, compiled to a Pipeline for one dialect. The order is the dependency order:
 * staging → identity graph → attribution → identifier usage → sessions and stitched_events → person status → the
 * tables built on it.
 */
import { OUTPUT_TABLES, REJECTS_TABLE } from '../contract/tables';
import type { Pipeline } from '../sql/pipeline';
import { attributionSteps, stitchingSteps } from './attribution';
import { ModelContext } from './context';
import { identitySteps } from './identity';
import { identifierUsageStep, outputSteps, personStatusStep } from './outputs';
import { stagingSteps } from './staging';
import type { BuildOptions } from './types';

export function buildPipeline(opts: BuildOptions): Pipeline {
  const ctx = new ModelContext(opts);
  const steps = [
    ...stagingSteps(ctx),
    ...identitySteps(ctx),
    ...attributionSteps(ctx),
    // Before the sort: the per-event tables only it still needs are dropped before the largest steps run.
    identifierUsageStep(ctx),
    ...stitchingSteps(ctx),
    personStatusStep(ctx),
    ...outputSteps(ctx),
  ];
  return { steps, outputs: [...OUTPUT_TABLES, REJECTS_TABLE], scratch: [...ctx.scratch] };
}

export { pathSql, type PathSqlOptions } from './outputs';
export { offsiteLabel } from './staging';
export * from './types';
