/**
 * `stitch --incremental` on BigQuery: reads the last run from the output dataset; without state, or with a
 * changed config, it runs the full build that leaves state (through the staged, published runner). Otherwise
 * it runs the incremental plan in place: `prepare` only writes scratch tables (dropped at the end), and `apply`
 * is sent as one script, so its DELETE/INSERT statements commit together or not at all (a BigQuery transaction
 * spans the statements of one script, never separate jobs).
 */
import type { Config } from '../../config/schema';
import { configHash, runRecord, runRowFrom, type RunRow } from '../runRecord';
import { buildIncrementalPlan, lastRunSql, STATE_TABLES, subtractHours } from '../../models/incremental';
import type { SqlStep } from '../../sql/pipeline';
import { BigQueryJobError, type BigQueryClient } from './client';
import { missingObject, runPipelineOnBigQuery, type BigQueryRunReport, type RunOptions } from './run';
import { dialects } from '../../sql/dialects';

const bq = dialects.bigquery;
/** Before any possible event: the cutoff when the last run saw no event at all. */
const BEGINNING = '0001-01-01 00:00:00';
/** 'YYYY-MM-DD HH:MM:SS.ffffff' UTC, the form the incremental plan reads timestamps in. */
const utcText = (column: string) => `FORMAT_TIMESTAMP('%F %H:%M:%E6S', ${column}) AS ${column}`;

export interface LastRun {
  watermark: string | null;
  config_hash: string;
}

/** The last run's watermark (as UTC text) and config fingerprint. */
export function lastRunQuery(out: (table: string) => string): string {
  return `SELECT ${utcText('watermark')}, config_hash FROM (${lastRunSql({ out })})`;
}

/** One row of journey_stitch_runs, timestamps as UTC text. */
export function runRowQuery(out: (table: string) => string, runId: string): string {
  const times = ['refreshed_at', 'watermark', 'cutoff'].map(utcText).join(', ');
  return `SELECT run_id, mode, ${times}, new_events, affected_persons, rows_rewritten, late_rows FROM ${out(STATE_TABLES.runs)} WHERE run_id = ${bq.stringLiteral(runId)}`;
}

/**
 * The apply statements as one script: one transaction, rolled back (and the error raised again) when any
 * statement fails, so the published tables are either all replaced or all as before.
 */
export function transactionScript(apply: SqlStep[]): string {
  const body = apply.map((s) => `${s.sql};\n`).join('');
  return `BEGIN\nBEGIN TRANSACTION;\n${body}COMMIT TRANSACTION;\nEXCEPTION WHEN ERROR THEN\nROLLBACK TRANSACTION;\nRAISE USING MESSAGE = @@error.message;\nEND`;
}

/** The last run, or undefined when the output dataset or its run log does not exist yet. */
export async function readLastRun(
  client: BigQueryClient,
  outputDataset: string,
  out: (table: string) => string,
): Promise<LastRun | undefined> {
  if (!(await client.datasetExists(outputDataset))) return undefined;
  try {
    const { rows } = await client.query(lastRunQuery(out));
    return rows[0] as unknown as LastRun | undefined;
  } catch (err) {
    const missing = err instanceof BigQueryJobError ? missingObject(err) : undefined;
    if (missing?.dataset === outputDataset && missing.table === STATE_TABLES.runs) return undefined;
    throw err;
  }
}

/** The row this run wrote to journey_stitch_runs. */
export async function readRunRow(client: BigQueryClient, out: (table: string) => string, runId: string): Promise<RunRow> {
  const { rows } = await client.query(runRowQuery(out, runId));
  if (rows.length !== 1) throw new Error(`${STATE_TABLES.runs}: expected one row for run '${runId}', found ${rows.length}`);
  return runRowFrom(rows[0]);
}

/** Why the last run does not allow an incremental one (undefined: it does). */
export function fullRunReason(config: Config, last: LastRun | undefined): string | undefined {
  if (!last) return `no earlier run found (table ${STATE_TABLES.runs})`;
  if (last.config_hash !== configHash(config)) return 'the config changed since the last run';
  return undefined;
}

export interface IncrementalTarget {
  outputDataset: string;
  createDataset: boolean;
  /** The raw tables, as the full models read them. */
  raw: Parameters<typeof buildIncrementalPlan>[0]['raw'];
  /** Published tables (the plan rewrites them in place). */
  out(table: string): string;
}

/** Run the incremental plan from the last run's watermark; scratch tables are dropped even after a failure. */
export async function runIncrementalOnBigQuery(
  client: BigQueryClient,
  config: Config,
  last: LastRun,
  target: IncrementalTarget,
  options: RunOptions & { now?: Date } = {},
): Promise<{ report: BigQueryRunReport; run: RunRow }> {
  const record = runRecord(config, options.now ?? new Date());
  const cutoff = last.watermark ? subtractHours(last.watermark, config.incremental.lookback_hours) : BEGINNING;
  const plan = buildIncrementalPlan({ config, dialect: bq, raw: target.raw, out: target.out, cutoff, ...record });
  const apply: SqlStep = {
    kind: 'sql',
    name: `apply (one transaction, ${plan.apply.length} statements)`,
    sql: transactionScript(plan.apply),
  };
  const dataset = { outputDataset: target.outputDataset, createDataset: target.createDataset, out: target.out };
  let report: BigQueryRunReport;
  try {
    report = await runPipelineOnBigQuery(client, { steps: [...plan.prepare, apply], outputs: [], scratch: [] }, dataset, options);
  } finally {
    for (const table of plan.scratch) await client.query(bq.dropTableIfExists(target.out(table)));
  }
  return { report, run: await readRunRow(client, target.out, record.runId) };
}
