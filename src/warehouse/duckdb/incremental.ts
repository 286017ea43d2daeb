/**
 * Incremental refresh on a DuckDB connection holding the raw tables and the output + state tables of earlier
 * runs. Falls back to a full build (that leaves state) when there is no state yet or the config changed.
 * The replacement of rows runs in one transaction: a failure leaves the previous tables as they were.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Config } from '../../config/schema';
import {
  buildFullPipeline,
  buildIncrementalPlan,
  lastRunSql,
  STATE_TABLES,
  subtractHours,
  type IncrementalConfig,
} from '../../models/incremental';
import type { RawSources } from '../../models/types';
import type { Pipeline } from '../../sql/pipeline';
import { configHash, runRecord, runRowFrom, type RunRow } from '../runRecord';
import { runPipeline, type RunHooks, type StepReport } from './run';
import { dialects } from '../../sql/dialects';

const duck = dialects.duckdb;
const out = (table: string) => duck.quoteIdent(table);
/** Before any possible event: the cutoff when the last run saw no event at all. */
const BEGINNING = '0001-01-01 00:00:00';

export interface RefreshOptions {
  config: Config;
  /** The lookback (tests vary it without a new config; the config's, when run from `stitch`). */
  incremental: Pick<IncrementalConfig, 'lookback_hours'>;
  raw: RawSources;
  /** Run time (tests pin it); default now. */
  now?: Date;
  hooks?: RunHooks;
}

export interface RefreshResult {
  run: RunRow;
  /** Why a full build ran instead of an incremental one. */
  fullReason?: string;
  steps: StepReport[];
  totalMs: number;
}

async function tableExists(conn: DuckDBConnection, table: string): Promise<boolean> {
  const reader = await conn.runAndReadAll(`SELECT COUNT(*) FROM information_schema.tables WHERE table_name = $1`, [table]);
  return Number(reader.getRows()[0][0]) > 0;
}

async function lastRun(conn: DuckDBConnection): Promise<{ watermark: string | null; config_hash: string } | undefined> {
  if (!(await tableExists(conn, STATE_TABLES.runs))) return undefined;
  const rows = (await conn.runAndReadAll(lastRunSql({ out }))).getRowObjectsJson();
  return rows[0] as { watermark: string | null; config_hash: string } | undefined;
}

/**
 * The late rows of the incremental runs since the last full run: raw rows not in the output because no run read
 * them (RunRow.late_rows; each counted once, by the run that found them).
 */
export async function outstandingLateRows(conn: DuckDBConnection): Promise<number> {
  if (!(await tableExists(conn, STATE_TABLES.runs))) return 0;
  const runs = out(STATE_TABLES.runs);
  const reader = await conn.runAndReadAll(
    `SELECT COALESCE(SUM(late_rows), 0) FROM ${runs} WHERE mode = 'incremental' AND refreshed_at > (SELECT MAX(refreshed_at) FROM ${runs} WHERE mode = 'full')`,
  );
  return Number(reader.getRows()[0][0]);
}

async function thisRun(conn: DuckDBConnection, runId: string): Promise<RunRow> {
  const reader = await conn.runAndReadAll(`SELECT * FROM ${out(STATE_TABLES.runs)} WHERE run_id = $1`, [runId]);
  return runRowFrom(reader.getRowObjectsJson()[0] as Record<string, unknown>);
}

async function dropAll(conn: DuckDBConnection, tables: string[]): Promise<void> {
  for (const table of tables) await conn.run(duck.dropTableIfExists(out(table)));
}

/** A full build that also writes the incremental state. */
export async function refreshFull(conn: DuckDBConnection, opts: RefreshOptions, fullReason?: string): Promise<RefreshResult> {
  const record = runRecord(opts.config, opts.now ?? new Date(), opts.incremental);
  const pipeline: Pipeline = buildFullPipeline({
    config: opts.config,
    dialect: duck,
    raw: opts.raw,
    out,
    temporaryScratch: true,
    inline: true,
    ...record,
  });
  const report = await runPipeline(conn, pipeline, { ...opts.hooks, dropScratchEarly: out });
  await dropAll(conn, pipeline.scratch);
  return { run: await thisRun(conn, record.runId), fullReason, steps: report.steps, totalMs: report.totalMs };
}

/** Only the rows newer than the last watermark minus the lookback; affected persons rewritten, the rest untouched. */
export async function refreshIncremental(conn: DuckDBConnection, opts: RefreshOptions): Promise<RefreshResult> {
  const last = await lastRun(conn);
  if (!last) return refreshFull(conn, opts, `no earlier run found (table ${STATE_TABLES.runs})`);
  if (last.config_hash !== configHash(opts.config)) return refreshFull(conn, opts, 'the config changed since the last run');

  const record = runRecord(opts.config, opts.now ?? new Date(), opts.incremental);
  const cutoff = last.watermark ? subtractHours(last.watermark, opts.incremental.lookback_hours) : BEGINNING;
  const plan = buildIncrementalPlan({ config: opts.config, dialect: duck, raw: opts.raw, out, cutoff, temporaryScratch: true, ...record });
  const started = performance.now();
  // The apply steps read what the prepare steps built: no early drops here, the finally block drops them.
  const hooks = { ...opts.hooks, dropScratchEarly: undefined };
  try {
    const prepared = await runPipeline(conn, { steps: plan.prepare, outputs: [], scratch: plan.scratch }, hooks);
    await conn.run('BEGIN TRANSACTION');
    let applied;
    try {
      applied = await runPipeline(conn, { steps: plan.apply, outputs: [], scratch: [] }, hooks);
      await conn.run('COMMIT');
    } catch (err) {
      await conn.run('ROLLBACK');
      throw err;
    }
    return { run: await thisRun(conn, record.runId), steps: [...prepared.steps, ...applied.steps], totalMs: performance.now() - started };
  } finally {
    await dropAll(conn, plan.scratch);
  }
}
