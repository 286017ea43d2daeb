/**
 * The stitching models, compiled to a Pipeline for one dialect. Each model declares its reads as it is written
 * (ModelContext.ref); the pipeline is the graph's topological order, with the order written here as tie-break (the
 * memory plan: staging → identity graph → attribution → identifier usage → sessions and stitched_events → person
 * status → the tables built on it), so a step moves only where the graph demands it.
 */
import { OUTPUT_TABLES, REJECTS_TABLE } from '../contract/tables';
import { inlinable, orderSteps, type Pipeline } from '../sql/pipeline';
import { attributionSteps, stitchingSteps } from './attribution';
import { ModelContext } from './context';
import { identitySteps } from './identity';
import { identifierUsageStep, outputSteps, personStatusStep } from './outputs';
import { stagingSteps } from './staging';
import type { BuildOptions } from './types';

export function buildPipeline(opts: BuildOptions): Pipeline {
  const built = compile(opts);
  if (!opts.inline) return built.pipeline;
  // Materialization per model: the graph of a first build picks the models to inline; the second writes them so.
  let inline = inlinable(built.pipeline.steps, [...built.external, ...(opts.keep ?? [])]);
  while (inline.length) {
    const { pipeline, twice } = compile(opts, inline);
    // A reader naming its input twice would compute the subquery twice: that input stays a table.
    if (!twice.length) return pipeline;
    inline = inline.filter((t) => !twice.includes(t));
  }
  return built.pipeline;
}

function compile(opts: BuildOptions, inline: readonly string[] = []): { pipeline: Pipeline; external: string[]; twice: string[] } {
  const ctx = new ModelContext(opts, inline);
  const steps = [
    ...stagingSteps(ctx),
    ...identitySteps(ctx),
    ...attributionSteps(ctx),
    // Before the sort: the per-event tables only it still needs are dropped before the largest steps run.
    identifierUsageStep(ctx),
    ...stitchingSteps(ctx),
    personStatusStep(ctx),
    ...outputSteps(ctx),
  ].filter((step) => step.kind !== 'sql' || !ctx.isInlined(step));
  // Tables read from outside this build: an incremental run's (name candidates, the stored matching model).
  const external = [ctx.nameCandidates, ctx.matchModel?.params, ctx.matchModel?.nameTokens].filter((t): t is string => t !== undefined);
  const outputs = [...OUTPUT_TABLES, REJECTS_TABLE].map((t) => ctx.tableName(t));
  return { pipeline: { steps: orderSteps(steps, external), outputs, scratch: [...ctx.scratch] }, external, twice: ctx.inlinedTwice() };
}

export { pathSql, type PathSqlOptions } from './outputs';
export { offsiteLabel } from './staging';
export * from './types';
