/**
 * `pdt` materialization: the stitching pipeline as persistent derived tables.
 *
 * The models compile to one ordered pipeline. Here its persisted outputs are referenced as
 * `${<view>.SQL_TABLE_NAME}` and every other table (scratch tables, rejected_rows, the path tables that the
 * LookML builds dynamically instead) lives in the `@{SCRATCH}` dataset. Each persisted view gets a
 * `create_process` holding the steps up to (and including) the statement that creates it, its own table
 * written as `${SQL_TABLE_NAME}`. References to earlier outputs make Looker build those first; a group that
 * reads scratch tables made by an earlier group names that group's view in a comment, which Looker also
 * treats as a dependency. A group with a loop (label propagation) is one BigQuery script step. Steps after the
 * last persisted output build only tables nobody reads here (the static paths), so they are left out.
 *
 * No increment_key: stitching rewrites history (a later identify re-attributes earlier anonymous events),
 * so an incremental build would not be sound; every build is a full rebuild on the datagroup.
 */
import type { Config } from '../config/schema';
import { buildPipeline, type RawTable } from '../models';
import { rawTableName } from '../models/raw-tables';
import { BigQueryDialect } from '../sql/dialects';
import type { Pipeline, Step } from '../sql/pipeline';
import { toScript } from '../sql/script';

export const SCRATCH_PREFIX = 'journey_stitch_';

const bq = new BigQueryDialect();

/** Looker reference to a view's table. */
export const viewTableRef = (view: string) => `\${${view}.SQL_TABLE_NAME}`;
/** A table in the @{SCRATCH} dataset, which Looker's own PDTs share: prefixed (the models' js_ becomes journey_stitch_). */
export const scratchRef = (table: string) => `\`@{SCRATCH}\`.${bq.quoteIdent(SCRATCH_PREFIX + table.replace(/^js_/, ''))}`;

/** A raw table in the @{RAW_PROJECT}.@{RAW_DATASET} dataset, by its logical name (see RawSources). */
export function rawRef(config: Config, table: RawTable): string {
  return `\`@{RAW_PROJECT}\`.\`@{RAW_DATASET}\`.${bq.quoteIdent(rawTableName(config, table))}`;
}

export class PdtPlanError extends Error {
  constructor(message: string) {
    super(`cannot split the pipeline into persistent derived tables: ${message}`);
    this.name = 'PdtPlanError';
  }
}

interface Group {
  view: string;
  steps: Step[];
}

const createsOf = (step: Step): string[] => (step.kind === 'sql' ? (step.creates ? [step.creates] : []) : step.body.flatMap(createsOf));
const sqlOf = (step: Step): string => (step.kind === 'sql' ? step.sql : [...step.body.map(sqlOf), step.changedSql].join('\n'));

/** Steps grouped by the persisted output they lead to, in pipeline order; trailing steps dropped. */
function groupByView(pipeline: Pipeline, persisted: readonly string[]): Group[] {
  const groups: Group[] = [];
  let pending: Step[] = [];
  for (const step of pipeline.steps) {
    pending.push(step);
    const view = createsOf(step).find((t) => persisted.includes(t));
    if (view) {
      groups.push({ view, steps: pending });
      pending = [];
    }
  }
  return groups;
}

/**
 * `sql_step`s per persisted view, from a pipeline built with `viewTableRef` for the persisted outputs and
 * `scratchRef` for every other table.
 */
export function pdtProcesses(pipeline: Pipeline, persisted: readonly string[]): Map<string, string[]> {
  const groups = groupByView(pipeline, persisted);
  const madeBy = new Map<string, string>();
  for (const g of groups) for (const s of g.steps) for (const t of createsOf(s)) if (!persisted.includes(t)) madeBy.set(t, g.view);

  const result = new Map<string, string[]>();
  for (const g of groups) {
    const sql = g.steps.map(sqlOf).join('\n');
    const needs = [...new Set([...madeBy].filter(([t, maker]) => maker !== g.view && sql.includes(scratchRef(t))).map(([, maker]) => maker))];
    const own = (text: string) => text.split(viewTableRef(g.view)).join('${SQL_TABLE_NAME}').trim();
    const steps = g.steps.some((s) => s.kind === 'loop')
      ? [toScript({ steps: g.steps, outputs: [g.view], scratch: [] }, bq)]
      : g.steps.map(sqlOf);
    const dependencies = needs.map((v) => `-- runs after ${viewTableRef(v)}: reads scratch tables it builds`);
    if (dependencies.length) steps[0] = `${dependencies.join('\n')}\n${steps[0]}`;
    result.set(g.view, steps.map(own));
  }
  for (const view of persisted) if (!result.has(view)) throw new PdtPlanError(`the pipeline has no step creating '${view}'`);
  return result;
}

/** The stitching pipeline compiled for BigQuery with Looker references, split into one create_process per view. */
export function stitchingProcesses(config: Config, persisted: readonly string[]): Map<string, string[]> {
  const pipeline = buildPipeline({
    config,
    dialect: bq,
    raw: { ref: (t) => rawRef(config, t), columns: () => undefined },
    out: (t) => (persisted.includes(t) ? viewTableRef(t) : scratchRef(t)),
  });
  return pdtProcesses(pipeline, persisted);
}
