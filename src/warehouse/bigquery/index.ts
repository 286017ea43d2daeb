/**
 * journey-stitch on BigQuery: `stitchBigQuery` (what `journey-stitch stitch` does with warehouse: bigquery)
 * reads the raw dataset's columns, compiles the models for BigQuery and runs them (or dry-runs them).
 * Outputs are built as js_next_<table> and copied over the published tables only once every model has
 * succeeded, so a failed model leaves the published tables as they were. The copies are one job per table: a run
 * that stops between two leaves a mix, and its staged tables, from which the next run knows to rebuild in full.
 * A run (full or incremental, not a dry run) holds the output dataset's lock table (./lock.ts): one at a time.
 */
import type { Config } from '../../config/schema';
import { OUTPUT_TABLES, REJECTS_TABLE } from '../../contract/tables';
import { lateRowsNote, runRecord, type RunRow } from '../runRecord';
import { buildPipeline, SourceColumnError } from '../../models';
import { buildFullPipeline, STATE_TABLES } from '../../models/incremental';
import type { RawSources } from '../../models/types';
import type { Pipeline } from '../../sql/pipeline';
import type { BigQueryClient } from './client';
import { fullRunReason, readLastRun, readRunRow, runIncrementalOnBigQuery } from './incremental';
import { runLock, withRunLock } from './lock';
import {
  dryRunPipeline,
  ensureDataset,
  runPipelineOnBigQuery,
  SCRATCH_RETENTION_DAYS,
  type BigQueryRunReport,
  type DryRunReport,
  type JobReport,
} from './run';
import { bigQueryLocation, bigQueryRawSources } from './sources';
import { dialects } from '../../sql/dialects';
import { JourneyStitchError } from '../../contract/errors';

const bq = dialects.bigquery;

export interface StitchBigQueryOptions {
  dryRun?: boolean;
  /** Process only raw rows newer than the last run's watermark minus incremental.lookback_hours. */
  incremental?: boolean;
  /** Default: the real client from the config (project, location, key_file or application default credentials). */
  client?: BigQueryClient;
  /** Progress: called after every job of a real run. */
  onJob?(report: JobReport): void;
}

export type StitchBigQueryResult =
  { dryRun: false; report: BigQueryRunReport; incremental?: IncrementalOutcome } | { dryRun: true; report: DryRunReport };

/** What an --incremental run did: its row of journey_stitch_runs, and why it ran in full if it did. */
export interface IncrementalOutcome {
  run: RunRow;
  fullReason?: string;
}

/** Outputs are built under this prefix and published at the end of a successful run. */
export const STAGING_PREFIX = 'js_next_';
const OUTPUTS: ReadonlySet<string> = new Set([...OUTPUT_TABLES, REJECTS_TABLE]);
/**
 * A full build that leaves incremental state also stages the state tables; the run log
 * (journey_stitch_runs) keeps its history, so it is appended to in place.
 */
const { runs: _appendedInPlace, ...stagedState } = STATE_TABLES;
const OUTPUTS_AND_STATE: ReadonlySet<string> = new Set([...OUTPUTS, ...Object.values(stagedState)]);

/** SQL reference of a published output table (or any table of the output dataset). */
export function publishedRef(config: Config): (table: string) => string {
  const { project, outputDataset } = bigQueryLocation(config);
  return (table) => bq.tableRef(project, outputDataset, table);
}

/** SQL reference the models build a table under: outputs (`staged`) get a staging name, scratch tables their own. */
export function buildRef(config: Config, staged: ReadonlySet<string> = OUTPUTS): (table: string) => string {
  const published = publishedRef(config);
  return (table) => published(staged.has(table) ? `${STAGING_PREFIX}${table}` : table);
}

/** The raw tables as they really are (their columns read from the raw dataset). */
async function rawSources(config: Config, client: BigQueryClient): Promise<RawSources> {
  return bigQueryRawSources(config, await client.getColumns(bigQueryLocation(config).dataset));
}

/** The models compiled for BigQuery against the raw columns that really exist. */
export async function bigQueryPipeline(config: Config, client: BigQueryClient): Promise<Pipeline> {
  return compiled(config, async () =>
    buildPipeline({ config, dialect: bq, raw: await rawSources(config, client), out: buildRef(config), inline: true }),
  );
}

/** Compile the models, naming the raw dataset when a source column is missing. */
async function compiled<T>(config: Config, build: () => Promise<T>): Promise<T> {
  const { project, dataset } = bigQueryLocation(config);
  try {
    return await build();
  } catch (err) {
    if (err instanceof SourceColumnError) {
      throw new JourneyStitchError(
        `${project}.${dataset}: ${err.message} (journey-stitch introspect lists what is there and suggests a mapping)`,
        {
          cause: err,
        },
      );
    }
    throw err;
  }
}

export async function stitchBigQuery(config: Config, options: StitchBigQueryOptions = {}): Promise<StitchBigQueryResult> {
  const { outputDataset } = bigQueryLocation(config);
  // The Google client (and its hundred modules) loads only when a run needs it: `sql` and tests pass none or a fake.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on use, as the CLI's commands are
  const client = options.client ?? (require('./google') as typeof import('./google')).GoogleBigQueryClient.fromConfig(config);
  if (options.incremental) {
    if (options.dryRun) throw new JourneyStitchError('--dry-run estimates a full stitch; run it without --incremental');
    return { dryRun: false, ...(await locked(config, client, () => stitchBigQueryIncremental(config, client, options))) };
  }
  const pipeline = await bigQueryPipeline(config, client);
  const out = buildRef(config);
  if (options.dryRun) {
    const target = { outputDataset, out, publish: publishedRef(config), pricePerTibUsd: config.output.price_per_tib_usd };
    return { dryRun: true, report: await dryRunPipeline(client, pipeline, target) };
  }
  const target = { outputDataset, createDataset: config.output.create_dataset, out, publish: publishedRef(config) };
  const { report } = await locked(config, client, async () => ({
    report: await runPipelineOnBigQuery(client, pipeline, target, { onJob: options.onJob }),
  }));
  return { dryRun: false, report };
}

/** Run `work` holding the output dataset's run lock; the dataset is created first (when allowed) to hold it. */
async function locked<T extends { report: BigQueryRunReport }>(config: Config, client: BigQueryClient, work: () => Promise<T>): Promise<T> {
  const { project, outputDataset } = bigQueryLocation(config);
  const created = await ensureDataset(client, outputDataset, config.output.create_dataset);
  const result = await withRunLock(client, runLock(project, outputDataset), work);
  return created ? { ...result, report: { ...result.report, datasetCreated: true } } : result;
}

/**
 * An incremental run (see ./incremental.ts), or, without state or after a config change, the full build that
 * leaves state, staged and published like any full run.
 */
async function stitchBigQueryIncremental(
  config: Config,
  client: BigQueryClient,
  options: StitchBigQueryOptions,
): Promise<{ report: BigQueryRunReport; incremental: IncrementalOutcome }> {
  const { outputDataset } = bigQueryLocation(config);
  const published = publishedRef(config);
  const raw = await compiled(config, () => rawSources(config, client));
  const last = await readLastRun(client, outputDataset, published);
  const fullReason = fullRunReason(config, last) ?? (await unpublishedRun(client, outputDataset));
  const createDataset = config.output.create_dataset;
  if (last && !fullReason) {
    const target = { outputDataset, createDataset, raw, out: published };
    const { report, run } = await compiled(config, () => runIncrementalOnBigQuery(client, config, last, target, { onJob: options.onJob }));
    return { report, incremental: { run } };
  }
  const record = runRecord(config, new Date());
  const out = buildRef(config, OUTPUTS_AND_STATE);
  const pipeline = await compiled(config, async () => buildFullPipeline({ config, dialect: bq, raw, out, inline: true, ...record }));
  const report = await runPipelineOnBigQuery(
    client,
    pipeline,
    { outputDataset, createDataset, out, publish: published },
    { onJob: options.onJob },
  );
  return { report, incremental: { run: await readRunRow(client, published, record.runId), ...(fullReason ? { fullReason } : {}) } };
}

/**
 * Why the published tables may not be one run's: a full run's staged outputs are copied over the published ones
 * one job at a time and dropped only after the last copy, so staged tables left in the dataset mean a run stopped
 * while publishing (some tables new, some old; its log row not written): none can be publishing now, as this run
 * holds the lock. An incremental run on such tables would mix two states; a full run rebuilds them all.
 */
async function unpublishedRun(client: BigQueryClient, outputDataset: string): Promise<string | undefined> {
  const staged = [
    ...new Set((await client.getColumns(outputDataset)).map((c) => c.table).filter((t) => t.startsWith(STAGING_PREFIX))),
  ].sort();
  if (staged.length === 0) return undefined;
  return `staged tables of an unfinished run are in ${outputDataset} (${staged.join(', ')}): a run stopped while publishing`;
}

/** The run row of an --incremental run, for the end of the report. */
export function formatIncrementalOutcome({ run, fullReason }: IncrementalOutcome): string {
  const mode =
    run.mode === 'full'
      ? `full build (${fullReason ?? 'requested'}), state kept for the next incremental run`
      : `incremental from ${run.cutoff}`;
  const late = lateRowsNote(run.late_rows);
  return `${mode}: ${run.new_events} new event(s), ${run.affected_persons} affected person(s), ${run.rows_rewritten} row(s) rewritten\n${late ? `warning: ${late}\n` : ''}`;
}

// ---- reports --------------------------------------------------------------------------------------

/** 1536 → "1.50 KiB" (BigQuery bills in binary units). */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(2)} ${units[unit]}`;
}

const usd = (n: number) => `$${n < 0.01 && n > 0 ? n.toFixed(4) : n.toFixed(2)}`;
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} slot-s`;

export function formatRunReport(report: BigQueryRunReport): string {
  const width = Math.max(...report.models.map((m) => m.model.length), 5);
  const lines = report.datasetCreated ? ['created the output dataset'] : [];
  for (const m of report.models) {
    const jobs = m.jobs > 1 ? ` (${m.jobs} jobs)` : '';
    lines.push(`${m.model.padEnd(width)}  ${formatBytes(m.bytesProcessed).padStart(11)}  ${seconds(m.slotMs).padStart(12)}${jobs}`);
  }
  for (const [loop, n] of Object.entries(report.iterations)) lines.push(`loop ${loop}: converged after ${n} iteration(s)`);
  const t = report.totals;
  lines.push(`total: ${formatBytes(t.bytesProcessed)} processed, ${formatBytes(t.bytesBilled)} billed, ${seconds(t.slotMs)}`);
  return `${lines.join('\n')}\n`;
}

export function formatDryRun(report: DryRunReport): string {
  const width = Math.max(...report.estimates.map((e) => e.model.length), 5);
  const lines = report.datasetMissing ? ['output dataset does not exist yet (stitch creates it with output.create_dataset: true)'] : [];
  for (const e of report.estimates) {
    const what = e.bytes === undefined ? `not estimated: ${e.notEstimated}` : formatBytes(e.bytes).padStart(11);
    const notes = [
      e.loop ? `per iteration of ${e.loop}` : '',
      e.readsPreviousRun ? `sizes from the last run of ${e.readsPreviousRun.join(', ')}` : '',
    ].filter(Boolean);
    lines.push(`${e.model.padEnd(width)}  ${what}${notes.length ? `  (${notes.join('; ')})` : ''}`);
  }
  const price = `at ${usd(report.pricePerTibUsd)}/TiB`;
  lines.push(
    `estimate: ${formatBytes(report.bytes)} processed, ${formatBytes(report.billedBytes)} billed, ${usd(report.costUsd)} ${price} (loops once); ` +
      `up to ${formatBytes(report.maxBytes)} processed, ${formatBytes(report.maxBilledBytes)} billed, ${usd(report.maxCostUsd)} at the iteration caps ` +
      `(billed: whole MiB, at least 10 MiB per table a statement reads)`,
  );
  if (report.notEstimated.length) {
    lines.push(
      `${report.notEstimated.length} statement(s) could not be estimated before their input tables exist; the totals leave them out (lower bounds). ` +
        `After a stitch, dry runs estimate them all (scratch tables are kept ${SCRATCH_RETENTION_DAYS} days).`,
    );
  }
  return `${lines.join('\n')}\n`;
}

export { BigQueryJobError, type BigQueryClient, type ColumnInfo, type JobResource } from './client';
export { FakeBigQuery } from './fake';
export { formatIntrospection, introspect, suggestedConfig } from './introspect';
export { BigQueryModelError, costUsd, type BigQueryRunReport, type DryRunReport } from './run';
