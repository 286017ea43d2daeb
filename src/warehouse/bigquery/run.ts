/**
 * Runs a compiled Pipeline on BigQuery, one query job per statement: the BigQuery executor of the step loop both
 * warehouses share (src/sql/runner.ts: statements in order, loops until their `changed` query answers 0 or the cap). Every job's bytes
 * and slot time are reported per model; the first failed job stops the run with BigQuery's message and the
 * model's name. After a successful run, outputs built under staging names are published (see PipelineTarget)
 * and scratch tables set to expire.
 *
 * `dryRunPipeline` asks BigQuery for dry runs instead. A statement that reads a table the pipeline itself
 * builds can only be estimated if that table exists already (from an earlier run; then the estimate uses
 * its current size); otherwise it is reported as not estimated, never guessed. (Dry-running the whole
 * pipeline as one script via toScript() does not help: BigQuery documents dry runs of multi-statement
 * queries as accurate only for SELECT-only scripts, with special handling of DDL, and one script-level
 * number could not say which model costs what.)
 */
import { createsOf, readsOf, sourcesOf, writesOf, type LoopStep, type Pipeline, type SqlStep, type Step } from '../../sql/pipeline';
import { runPipelineSteps, type LoopPosition, type PipelineExecutor } from '../../sql/runner';
import { BigQueryJobError, jobStatistics, type BigQueryClient, type JobStatistics } from './client';
import { JourneyStitchError } from '../../contract/errors';

export type { LoopPosition };

export interface JobReport extends JobStatistics {
  model: string;
  loop?: LoopPosition;
  jobId?: string;
  /** The table the statement (re)created. */
  table?: string;
}

export interface ModelTotals extends JobStatistics {
  model: string;
  jobs: number;
}

export interface BigQueryRunReport {
  datasetCreated: boolean;
  /** Every job in the order it ran. */
  jobs: JobReport[];
  /** Per model (statement name), summed over loop iterations, in first-run order. */
  models: ModelTotals[];
  iterations: Record<string, number>;
  totals: JobStatistics;
}

export interface RunOptions {
  /** Called after every job, for progress lines. */
  onJob?(report: JobReport): void;
}

/** A job failed: the model, where in a loop, and BigQuery's own error. */
export class BigQueryModelError extends JourneyStitchError {
  constructor(
    readonly model: string,
    override readonly cause: BigQueryJobError,
    readonly loop?: LoopPosition,
  ) {
    const where = loop ? ` (loop '${loop.name}', iteration ${loop.iteration})` : '';
    const job = cause.job?.jobReference.jobId ? `, job ${cause.job.jobReference.jobId}` : '';
    const reason = cause.reason ? ` [${cause.reason}${job}]` : job ? ` [${job.slice(2)}]` : '';
    super(`model '${model}'${where} failed on BigQuery: ${cause.message}${reason}`);
    this.name = 'BigQueryModelError';
  }
}

const ZERO: JobStatistics = { bytesProcessed: 0, bytesBilled: 0, slotMs: 0 };

function add(a: JobStatistics, b: JobStatistics): JobStatistics {
  return { bytesProcessed: a.bytesProcessed + b.bytesProcessed, bytesBilled: a.bytesBilled + b.bytesBilled, slotMs: a.slotMs + b.slotMs };
}

/** Per-model totals, in the order models first ran. */
export function totalsByModel(jobs: JobReport[]): ModelTotals[] {
  const byModel = new Map<string, ModelTotals>();
  for (const j of jobs) {
    const t = byModel.get(j.model) ?? { model: j.model, jobs: 0, ...ZERO };
    byModel.set(j.model, { model: j.model, jobs: t.jobs + 1, ...add(t, j) });
  }
  return [...byModel.values()];
}

const asModelError = (model: string, err: unknown, loop?: LoopPosition): Error =>
  err instanceof BigQueryJobError ? new BigQueryModelError(model, err, loop) : (err as Error);

/** Make sure the output dataset exists, creating it when the config allows. Returns whether it was created. */
export async function ensureDataset(client: BigQueryClient, dataset: string, create: boolean): Promise<boolean> {
  if (await client.datasetExists(dataset)) return false;
  if (!create) {
    throw new JourneyStitchError(
      `output dataset ${client.project}.${dataset} does not exist: create it (location ${client.location}), ` +
        `or set output.create_dataset: true in the config`,
    );
  }
  await client.createDataset(dataset);
  return true;
}

/** Statements as BigQuery query jobs, each reported with its bytes and slot time; answers the rows it returned. */
class Runner implements PipelineExecutor<Record<string, unknown>[]> {
  readonly jobs: JobReport[] = [];
  readonly iterations: Record<string, number> = {};

  constructor(
    private readonly client: BigQueryClient,
    private readonly options: RunOptions,
  ) {}

  async statement(step: SqlStep, loop?: LoopPosition): Promise<Record<string, unknown>[]> {
    let result;
    try {
      result = await this.client.query(step.sql);
    } catch (err) {
      throw asModelError(step.name, err, loop);
    }
    const report: JobReport = { model: step.name, ...jobStatistics(result.job) };
    if (loop) report.loop = loop;
    if (result.job.jobReference.jobId) report.jobId = result.job.jobReference.jobId;
    if (step.creates) report.table = step.creates;
    this.jobs.push(report);
    this.options.onJob?.(report);
    return result.rows;
  }

  /** The convergence check is a job of its own, reported like the loop's statements. */
  async changed(loop: LoopStep, at: LoopPosition): Promise<number> {
    const check = convergenceCheck(loop);
    return changedValue(await this.statement(check, at), check.name);
  }
}

/** A loop's `changed` query as a statement of its own, named after the loop. */
const convergenceCheck = (loop: LoopStep): SqlStep => ({
  kind: 'sql',
  name: `${loop.name} (convergence check)`,
  sql: loop.changedSql,
  reads: loop.changedReads ?? [],
});

/** The `changed` count of a convergence check; SUM over no rows is NULL, meaning nothing changed. */
function changedValue(rows: Record<string, unknown>[], model: string): number {
  if (rows.length !== 1 || !('changed' in rows[0])) {
    throw new Error(`model '${model}' must return one row with a column 'changed', got ${rows.length} row(s)`);
  }
  const value = rows[0].changed;
  const n = value === null ? 0 : Number(value);
  if (!Number.isFinite(n)) throw new Error(`model '${model}' returned a non-numeric 'changed': ${String(value)}`);
  return n;
}

/**
 * Scratch tables are kept this long after a run rather than dropped: until they expire, a dry run can
 * estimate every statement from their real sizes (a dropped table cannot be dry-run against).
 */
export const SCRATCH_RETENTION_DAYS = 7;

export interface PipelineTarget {
  outputDataset: string;
  createDataset: boolean;
  /** SQL reference of an output or scratch table, as the pipeline was compiled with. */
  out(table: string): string;
  /**
   * Where outputs are published, when `out` builds them under staging names: after every model succeeded,
   * each output is copied over its published table (CREATE OR REPLACE TABLE … COPY, no bytes scanned), so a
   * failed run leaves the published tables as they were instead of half old, half new.
   */
  publish?(table: string): string;
}

/** Execute the pipeline; throws BigQueryModelError on the first failed job (nothing after it runs). */
export async function runPipelineOnBigQuery(
  client: BigQueryClient,
  pipeline: Pipeline,
  target: PipelineTarget,
  options: RunOptions = {},
): Promise<BigQueryRunReport> {
  const datasetCreated = await ensureDataset(client, target.outputDataset, target.createDataset);
  const runner = new Runner(client, options);
  const { publish } = target;
  // An output built in place (like the appended run log) is already published.
  const staged = publish ? pipeline.outputs.filter((table) => target.out(table) !== publish(table)) : [];
  const inPlace = publish ? pipeline.outputs.filter((table) => target.out(table) === publish(table)) : [];
  // Statements writing in place wait until the staged outputs are published: the run log must never record a
  // run whose tables a failed copy left unpublished (the next incremental run would start from its watermark).
  // Writing, as declared: a statement that only reads an in-place table runs in its place.
  const writesInPlace = (step: Step) =>
    step.kind === 'sql' && [...createsOf(step), ...writesOf(step)].some((table) => inPlace.includes(table));
  const deferred = staged.length ? pipeline.steps.filter(writesInPlace) : [];
  await runPipelineSteps(
    runner,
    pipeline.steps.filter((s) => !deferred.includes(s)),
    {
      onStepEnd: (step, _index, outcome) => {
        if (outcome.kind === 'loop') runner.iterations[step.name] = outcome.iterations;
      },
    },
  );
  for (const table of staged) {
    await runner.statement({
      kind: 'sql',
      name: `publish ${table}`,
      sql: `CREATE OR REPLACE TABLE ${publish!(table)} COPY ${target.out(table)}`,
    });
  }
  for (const step of deferred) await runner.statement(step as SqlStep);
  for (const table of staged)
    await runner.statement({ kind: 'sql', name: `drop ${table}`, sql: `DROP TABLE IF EXISTS ${target.out(table)}` });
  for (const table of pipeline.scratch) {
    const expiry = `TIMESTAMP_ADD(CURRENT_TIMESTAMP(), INTERVAL ${SCRATCH_RETENTION_DAYS} DAY)`;
    await runner.statement({
      kind: 'sql',
      name: `expire ${table}`,
      sql: `ALTER TABLE ${target.out(table)} SET OPTIONS (expiration_timestamp = ${expiry})`,
    });
  }
  return {
    datasetCreated,
    jobs: runner.jobs,
    models: totalsByModel(runner.jobs),
    iterations: runner.iterations,
    totals: runner.jobs.reduce<JobStatistics>(add, ZERO),
  };
}

// ---- dry run ----------------------------------------------------------------------------------

export interface DryRunEstimate {
  model: string;
  /** Set for statements of a loop body (estimated for one iteration). */
  loop?: string;
  /** Bytes BigQuery says the statement would process; absent when it could not be estimated. */
  bytes?: number;
  /** What that bills on demand: whole MiB, at least 10 MiB per table the statement reads (see billedEstimate). */
  billedBytes?: number;
  accuracy?: string;
  /** Pipeline tables it reads that exist from an earlier run: the estimate uses their current size. */
  readsPreviousRun?: string[];
  /** Why there is no estimate. */
  notEstimated?: string;
}

export interface DryRunReport {
  estimates: DryRunEstimate[];
  /** Whole pipeline, every loop counted once (the least it can take). */
  bytes: number;
  /** Every loop counted at its iteration cap (the most it can take). */
  maxBytes: number;
  /** The same two as billed (the costs are of these). */
  billedBytes: number;
  maxBilledBytes: number;
  pricePerTibUsd: number;
  costUsd: number;
  maxCostUsd: number;
  /** Models without an estimate: the totals leave them out, so they are lower bounds. */
  notEstimated: string[];
  /** The output dataset does not exist yet (stitch would create it). */
  datasetMissing: boolean;
}

const TiB = 2 ** 40;

/** The table name of a quoted reference: `p`.`d`.`t` → t. */
const physicalName = (ref: string) => /`([^`]+)`$/.exec(ref)?.[1];

/** The dataset or table a notFound error names ("Not found: Table p:d.t was not found in location US"). */
export function missingObject(err: BigQueryJobError): { dataset: string; table?: string } | undefined {
  if (err.reason !== 'notFound') return undefined;
  const m = /Not found: (?:Table|Dataset) [^:\s]+:([^.\s]+)(?:\.([^\s]+))?/.exec(err.message);
  return m ? { dataset: m[1], ...(m[2] ? { table: m[2] } : {}) } : undefined;
}

const MiB = 2 ** 20;
/** BigQuery's least billed per table a query reads. */
export const MIN_BILLED_PER_TABLE = 10 * MiB;

/**
 * What a statement processing `bytes` bills on demand: rounded up to whole MiB, and at least 10 MiB for each table it
 * reads (a dry run gives no per-table figures, so a small table read beside a large one is not rounded up here).
 */
export function billedEstimate(bytes: number, tables: number): number {
  return Math.max(Math.ceil(bytes / MiB) * MiB, tables * MIN_BILLED_PER_TABLE);
}

/** On-demand cost of scanning `bytes` at `pricePerTib` dollars per TiB. */
export function costUsd(bytes: number, pricePerTib: number): number {
  return (bytes / TiB) * pricePerTib;
}

/**
 * Dry-run every statement (loop bodies once). Nothing is created or changed. A statement that fails for any
 * other reason than a pipeline table (or the output dataset) not existing yet is a real error: thrown as
 * BigQueryModelError, like a failed run.
 */
export async function dryRunPipeline(
  client: BigQueryClient,
  pipeline: Pipeline,
  target: Pick<PipelineTarget, 'outputDataset' | 'out' | 'publish'> & { pricePerTibUsd: number },
): Promise<DryRunReport> {
  const datasetMissing = !(await client.datasetExists(target.outputDataset));
  const { out, publish } = target;
  // Staged outputs are dropped once published, and hold the same data: estimate against the published tables.
  const asPublished = (sql: string) => (publish ? pipeline.outputs.reduce((text, t) => text.replaceAll(out(t), publish(t)), sql) : sql);
  const names = (t: string) => [physicalName(out(t)), ...(publish ? [physicalName(publish(t))] : [])];
  const built: string[] = [];
  const estimates: DryRunEstimate[] = [];
  const multipliers: number[] = [];

  const estimate = async (step: SqlStep, loop?: LoopStep): Promise<void> => {
    const declared = readsOf(step);
    const reads = built.filter((t) => declared.includes(t));
    const e: DryRunEstimate = { model: step.name };
    if (loop) e.loop = loop.name;
    try {
      const { job } = await client.query(asPublished(step.sql), { dryRun: true });
      const stats = jobStatistics(job);
      e.bytes = stats.bytesProcessed;
      e.billedBytes = billedEstimate(stats.bytesProcessed, declared.length + sourcesOf(step).length);
      if (stats.accuracy) e.accuracy = stats.accuracy;
      if (reads.length) e.readsPreviousRun = reads;
    } catch (err) {
      // Only "not there yet" is expected: a pipeline table not built yet, or the output dataset missing.
      const missing = err instanceof BigQueryJobError ? missingObject(err) : undefined;
      const ours = missing?.dataset === target.outputDataset;
      const pendingTable = ours && missing.table ? built.find((t) => names(t).includes(missing.table)) : undefined;
      if (pendingTable) e.notEstimated = `reads ${pendingTable}, which this run builds first`;
      else if (ours && datasetMissing) e.notEstimated = `output dataset ${target.outputDataset} does not exist yet`;
      else throw asModelError(step.name, err, loop && { name: loop.name, iteration: 1 });
    }
    if (step.creates && !built.includes(step.creates)) built.push(step.creates);
    estimates.push(e);
    multipliers.push(loop ? loop.maxIterations : 1);
  };

  for (const step of pipeline.steps) {
    if (step.kind === 'sql') {
      await estimate(step);
    } else {
      for (const s of step.body) await estimate(s, step);
      await estimate(convergenceCheck(step), step);
    }
  }
  const total = (of: (e: DryRunEstimate) => number | undefined, atCap: boolean) =>
    estimates.reduce((sum, e, i) => sum + (of(e) ?? 0) * (atCap ? multipliers[i] : 1), 0);
  const billedBytes = total((e) => e.billedBytes, false);
  const maxBilledBytes = total((e) => e.billedBytes, true);
  return {
    estimates,
    bytes: total((e) => e.bytes, false),
    maxBytes: total((e) => e.bytes, true),
    billedBytes,
    maxBilledBytes,
    pricePerTibUsd: target.pricePerTibUsd,
    costUsd: costUsd(billedBytes, target.pricePerTibUsd),
    maxCostUsd: costUsd(maxBilledBytes, target.pricePerTibUsd),
    notEstimated: estimates.filter((e) => e.notEstimated).map((e) => e.model),
    datasetMissing,
  };
}
