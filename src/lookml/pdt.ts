/**
 * `pdt` materialization: the stitching pipeline as persistent derived tables.
 *
 * The models compile to one ordered pipeline, cut into groups that each end with the statement creating a
 * persisted table: a stitched view's, or an intermediate table that a later group reads (a hidden view of its own,
 * see `persistedTables`). Each group is its view's create_process, one BigQuery script: the tables only it reads
 * are TEMP tables of that script, and the persisted ones of earlier groups are read as `${<view>.SQL_TABLE_NAME}`,
 * which also gives Looker the build order. So a build reads only tables Looker named for that build: a dev-mode
 * build and a production one, or two Looker instances sharing the scratch schema, never read or overwrite each
 * other's intermediate tables. Only rejected_rows, which nothing here reads, is written under a fixed name to the
 * `@{SCRATCH}` dataset (as the latest build left it). Steps after the last persisted table build only tables
 * nobody reads here (the static paths, which the LookML builds dynamically instead), so they are left out.
 *
 * No increment_key: stitching rewrites history (a later identify re-attributes earlier anonymous events),
 * so an incremental build would not be sound; every build is a full rebuild on the datagroup.
 */
import type { Config } from '../config/schema';
import { REJECTS_TABLE } from '../contract/tables';
import { buildPipeline, type RawTable } from '../models';
import { rawTableName } from '../models/raw-tables';
import { createsOf, readsOf, writesOf, type Pipeline, type Step } from '../sql/pipeline';
import { toScript } from '../sql/script';
import { HASH_KEY_SQL } from './manifest';
import { dialects } from '../sql/dialects';
import { JourneyStitchError } from '../contract/errors';

export const SCRATCH_PREFIX = 'journey_stitch_';

const bq = dialects.bigquery;

/** Looker reference to a view's table. */
export const viewTableRef = (view: string) => `\${${view}.SQL_TABLE_NAME}`;
/** A table in the @{SCRATCH} dataset, which Looker's own PDTs share: prefixed (the models' js_ becomes journey_stitch_). */
export const scratchRef = (table: string) => `\`@{SCRATCH}\`.${bq.quoteIdent(SCRATCH_PREFIX + table.replace(/^js_/, ''))}`;

/** A TEMP table of a create_process script: unqualified. */
const tempRef = (table: string) => bq.quoteIdent(table);

/** A raw table in the @{RAW_PROJECT}.@{RAW_DATASET} dataset, by its logical name (see RawSources). */
export function rawRef(config: Config, table: RawTable): string {
  return `\`@{RAW_PROJECT}\`.\`@{RAW_DATASET}\`.${bq.quoteIdent(rawTableName(config, table))}`;
}

export class PdtPlanError extends JourneyStitchError {
  constructor(message: string) {
    super(`cannot split the pipeline into persistent derived tables: ${message}`);
    this.name = 'PdtPlanError';
  }
}

interface Group {
  view: string;
  steps: Step[];
}

const sqlOf = (step: Step): string => (step.kind === 'sql' ? step.sql : [...step.body.map(sqlOf), step.changedSql].join('\n'));

/**
 * Steps grouped by the persisted table they lead to, in pipeline order; trailing steps dropped. A group ends with the
 * last statement that makes or changes its table (js_events is finished in place), so no view's build changes
 * another view's table.
 */
function groupByView(pipeline: Pipeline, persisted: readonly string[]): Group[] {
  const finishes = new Map<string, number>();
  pipeline.steps.forEach((step, i) => [...createsOf(step), ...writesOf(step)].forEach((t) => persisted.includes(t) && finishes.set(t, i)));
  const groups: Group[] = [];
  let pending: Step[] = [];
  pipeline.steps.forEach((step, i) => {
    pending.push(step);
    const view = persisted.find((t) => finishes.get(t) === i);
    if (view) {
      groups.push({ view, steps: pending });
      pending = [];
    }
  });
  return groups;
}

/**
 * The tables to persist: the `outputs`, and every table a group reads that another group creates (rejected_rows
 * aside: nothing reads it). Persisting one cuts its group in two, which can make more tables cross a cut, so this
 * repeats until nothing new crosses. The reads are the ones the models declare (see ModelContext.ref).
 */
export function persistedTables(pipeline: Pipeline, outputs: readonly string[]): string[] {
  const persisted = [...outputs];
  for (;;) {
    const groups = groupByView(pipeline, persisted);
    const madeBy = new Map(groups.flatMap((g) => g.steps.flatMap(createsOf).map((t) => [t, g.view] as const)));
    const crossing = new Set<string>();
    for (const g of groups) {
      const reads = new Set(g.steps.flatMap(readsOf));
      for (const [table, maker] of madeBy) if (maker !== g.view && !persisted.includes(table) && reads.has(table)) crossing.add(table);
    }
    if (crossing.size === 0) return persisted;
    persisted.push(...[...madeBy.keys()].filter((t) => crossing.has(t)));
  }
}

/**
 * `sql_step`s per persisted view, from a pipeline built with `viewTableRef` for the persisted tables, the scratch
 * ref for rejected_rows and TEMP tables for every other table: one script per view (one statement where it is one).
 */
export function pdtProcesses(pipeline: Pipeline, persisted: readonly string[]): Map<string, string[]> {
  const result = new Map<string, string[]>();
  for (const g of groupByView(pipeline, persisted)) {
    const single = g.steps.length === 1 && g.steps[0].kind === 'sql';
    const script = single ? sqlOf(g.steps[0]) : toScript({ steps: g.steps, outputs: [g.view], scratch: [] }, bq, { noHeader: true });
    result.set(g.view, [script.split(viewTableRef(g.view)).join('${SQL_TABLE_NAME}').trim()]);
  }
  for (const view of persisted) if (!result.has(view)) throw new PdtPlanError(`the pipeline has no step creating '${view}'`);
  return result;
}

/** The stitching pipeline for BigQuery with Looker references, built with `out` and the TEMP tables it implies. */
function stitchingPipeline(config: Config, out: (table: string) => string, temporary: (table: string) => boolean): Pipeline {
  return buildPipeline({ config, dialect: bq, raw: { ref: (t) => rawRef(config, t), columns: () => undefined }, out, temporaryScratch: temporary, hashKey: HASH_KEY_SQL });
}

export interface StitchingPdts {
  /** create_process steps by view: the stitched views', then the hidden intermediate views'. */
  processes: Map<string, string[]>;
  /** The intermediate tables persisted as hidden views, in build order. */
  intermediates: string[];
}

/**
 * The stitching pipeline for BigQuery as the PDTs run it: the persisted tables (the outputs first, then the
 * intermediate ones) as `${<view>.SQL_TABLE_NAME}`, rejected_rows in @{SCRATCH}, every other table a TEMP table.
 */
export function stitchingPdtPipeline(config: Config, outputs: readonly string[]): { pipeline: Pipeline; persisted: string[] } {
  // The graph is the same whatever the tables are called: the cuts come from a first build's declared reads.
  const persisted = persistedTables(stitchingPipeline(config, tempRef, () => false), outputs);
  const out = (t: string) => (persisted.includes(t) ? viewTableRef(t) : t === REJECTS_TABLE ? scratchRef(t) : tempRef(t));
  return { pipeline: stitchingPipeline(config, out, (t) => !persisted.includes(t)), persisted };
}

/** The stitching pipeline compiled for BigQuery with Looker references, split into one create_process per view. */
export function stitchingPdts(config: Config, outputs: readonly string[]): StitchingPdts {
  const { pipeline, persisted } = stitchingPdtPipeline(config, outputs);
  const processes = pdtProcesses(pipeline, persisted);
  return { processes, intermediates: [...processes.keys()].filter((t) => !outputs.includes(t)) };
}
