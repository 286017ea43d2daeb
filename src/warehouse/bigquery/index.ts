/**
 * journey-stitch on BigQuery: `stitchBigQuery` (what `journey-stitch stitch` does with warehouse: bigquery)
 * reads the raw dataset's columns, compiles the models for BigQuery and runs them (or dry-runs them).
 * Outputs are built as js_next_<table> and copied over the published tables only once every model has
 * succeeded, so Looker never sees a mix of old and new tables after a failed run.
 */
import type { Config } from '../../config/schema';
import { OUTPUT_TABLES, REJECTS_TABLE } from '../../contract/tables';
import { buildPipeline, SourceColumnError } from '../../models';
import type { Pipeline } from '../../sql/pipeline';
import { BigQueryDialect } from '../../sql/dialects/bigquery';
import type { BigQueryClient } from './client';
import { GoogleBigQueryClient } from './google';
import { dryRunPipeline, runPipelineOnBigQuery, SCRATCH_RETENTION_DAYS, type BigQueryRunReport, type DryRunReport, type JobReport } from './run';
import { bigQueryLocation, bigQueryRawSources } from './sources';

const bq = new BigQueryDialect();

export interface StitchBigQueryOptions {
  dryRun?: boolean;
  /** Default: the real client from the config (project, location, key_file or application default credentials). */
  client?: BigQueryClient;
  /** Progress: called after every job of a real run. */
  onJob?(report: JobReport): void;
}

export type StitchBigQueryResult = { dryRun: false; report: BigQueryRunReport } | { dryRun: true; report: DryRunReport };

/** Outputs are built under this prefix and published at the end of a successful run. */
export const STAGING_PREFIX = 'js_next_';
const OUTPUTS: ReadonlySet<string> = new Set([...OUTPUT_TABLES, REJECTS_TABLE]);

/** SQL reference of a published output table (or any table of the output dataset). */
export function publishedRef(config: Config): (table: string) => string {
  const { project, outputDataset } = bigQueryLocation(config);
  return (table) => bq.tableRef(project, outputDataset, table);
}

/** SQL reference the models build a table under: outputs get a staging name, scratch tables their own. */
export function buildRef(config: Config): (table: string) => string {
  const published = publishedRef(config);
  return (table) => published(OUTPUTS.has(table) ? `${STAGING_PREFIX}${table}` : table);
}

/** The models compiled for BigQuery against the raw columns that really exist. */
export async function bigQueryPipeline(config: Config, client: BigQueryClient): Promise<Pipeline> {
  const { project, dataset } = bigQueryLocation(config);
  const columns = await client.getColumns(dataset);
  try {
    return buildPipeline({ config, dialect: bq, raw: bigQueryRawSources(config, columns), out: buildRef(config) });
  } catch (err) {
    if (err instanceof SourceColumnError) {
      throw new Error(`${project}.${dataset}: ${err.message} (journey-stitch introspect lists what is there and suggests a mapping)`);
    }
    throw err;
  }
}

export async function stitchBigQuery(config: Config, options: StitchBigQueryOptions = {}): Promise<StitchBigQueryResult> {
  const { outputDataset } = bigQueryLocation(config);
  const client = options.client ?? GoogleBigQueryClient.fromConfig(config);
  const pipeline = await bigQueryPipeline(config, client);
  const out = buildRef(config);
  if (options.dryRun) {
    const target = { outputDataset, out, publish: publishedRef(config), pricePerTibUsd: config.output.price_per_tib_usd };
    return { dryRun: true, report: await dryRunPipeline(client, pipeline, target) };
  }
  const target = { outputDataset, createDataset: config.output.create_dataset, out, publish: publishedRef(config) };
  const report = await runPipelineOnBigQuery(client, pipeline, target, { onJob: options.onJob });
  return { dryRun: false, report };
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
    const notes = [e.loop ? `per iteration of ${e.loop}` : '', e.readsPreviousRun ? `sizes from the last run of ${e.readsPreviousRun.join(', ')}` : ''].filter(Boolean);
    lines.push(`${e.model.padEnd(width)}  ${what}${notes.length ? `  (${notes.join('; ')})` : ''}`);
  }
  const price = `at ${usd(report.pricePerTibUsd)}/TiB`;
  lines.push(`estimate: ${formatBytes(report.bytes)}, ${usd(report.costUsd)} ${price} (loops once); up to ${formatBytes(report.maxBytes)}, ${usd(report.maxCostUsd)} at the iteration caps`);
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
export { GoogleBigQueryClient } from './google';
export { formatIntrospection, introspect, suggestedConfig } from './introspect';
export { BigQueryModelError, costUsd, type BigQueryRunReport, type DryRunReport } from './run';
