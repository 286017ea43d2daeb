/**
 * The stitching models, compiled to a Pipeline for one dialect. The order is the dependency order:
 * staging → identity graph → attribution (stitched_events) → person status → the tables built on it.
 */
import { OUTPUT_TABLES, REJECTS_TABLE } from '../contract/tables';
import type { Pipeline } from '../sql/pipeline';
import { attributionSteps } from './attribution';
import { ModelContext } from './context';
import { identitySteps } from './identity';
import { outputSteps, personStatusStep } from './outputs';
import { stagingSteps } from './staging';
import type { BuildOptions } from './types';

export function buildPipeline(opts: BuildOptions): Pipeline {
  const ctx = new ModelContext(opts);
  const steps = [
    ...stagingSteps(ctx),
    ...identitySteps(ctx),
    ...attributionSteps(ctx),
    personStatusStep(ctx),
    ...outputSteps(ctx),
  ];
  return { steps, outputs: [...OUTPUT_TABLES, REJECTS_TABLE], scratch: [...ctx.scratch] };
}

export { pathSql, type PathSqlOptions } from './outputs';
export { offsiteLabel } from './staging';
export * from './types';
