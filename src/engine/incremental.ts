/**
 * Incremental refresh on a DuckDB connection holding the raw tables and the output + state tables of earlier
 * runs. Falls back to a full build (that leaves state) when there is no state yet or the config changed.
 * The replacement of rows runs in one transaction: a failure leaves the previous tables as they were.
 */
import { createHash } from 'node:crypto';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Config } from '../config/schema';
import {
  buildFullPipeline,
  buildIncrementalPlan,
  lastRunSql,
  STATE_TABLES,
  subtractHours,
  type IncrementalConfig,
  type RunRecord,
} from '../models/incremental';
import type { RawSources } from '../models/types';
import type { Pipeline } from '../sql/pipeline';
import { runPipeline, type RunHooks, type StepReport } from './run';
import { dialects } from '../sql/dialects';

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

export interface RunRow {
  run_id: string;
  mode: 'full' | 'incremental';
  refreshed_at: string;
  watermark: string | null;
  cutoff: string | null;
  new_events: number;
  affected_persons: number;
  rows_rewritten: number;
  /**
   * Raw rows that arrived after the run that covered their time (before this run's cutoff, so not read; a full
   * stitch includes them); negative when rows were removed from the source. 0 for a full run.
   */
  late_rows: number;
}

/** What a run says about its late rows (RunRow.late_rows), or nothing when there are none. */
export function lateRowsNote(lateRows: number): string | undefined {
  const n = Math.abs(lateRows).toLocaleString('en-US');
  if (lateRows > 0) {
    return `${n} raw row(s) arrived after the run that covered their time, older than this run's cutoff: not read. A full stitch (without --incremental) includes them; a longer incremental.lookback_hours catches such rows in later runs.`;
  }
  if (lateRows < 0)
    return `${n} raw row(s) older than this run's cutoff are no longer in the source: their events stay in the output until a full stitch.`;
  return undefined;
}

export interface RefreshResult {
  run: RunRow;
  /** Why a full build ran instead of an incremental one. */
  fullReason?: string;
  steps: StepReport[];
  totalMs: number;
}

/**
 * Fingerprint of what the models compute: the config (not where files are, nor DuckDB's resources), the SQL of the
 * full build with its state itself and the state tables kept, so a changed setting or a new journey-stitch version
 * rebuilds the state with a full run instead of mixing versions (or reading a state table, or a column, an older
 * version never wrote). The SQL of both dialects: a change only BigQuery's SQL shows (a table's partitioning, a
 * BigQuery function) must rebuild a BigQuery state too.
 */
export function configHash(config: Config): string {
  const { output: _output, lookml: _lookml, $schema: _schema, key_file: _key, location: _location, duckdb: _duckdb, ...models } = config;
  const json = JSON.stringify(models, (key, value) => (key === 'path' ? undefined : value));
  // A fixed run record: the fingerprint is the same for every run of the same version and config.
  const record = { runId: '', refreshedAt: '1970-01-01 00:00:00', configHash: '', lookbackHours: config.incremental.lookback_hours };
  const hash = createHash('md5').update(json);
  for (const dialect of [duck, dialects.bigquery]) {
    const full = buildFullPipeline({
      config,
      dialect,
      raw: { ref: (t) => t, columns: () => undefined },
      out: (t) => dialect.quoteIdent(t),
      ...record,
    });
    hash.update(JSON.stringify(full.steps));
  }
  return hash.update(JSON.stringify(STATE_TABLES)).digest('hex');
}

function utc(date: Date): string {
  return date.toISOString().replace('T', ' ').replace('Z', '');
}

/** A new run's id, time, config fingerprint and the next run's lookback (shared by the DuckDB and BigQuery refreshes). */
export function runRecord(
  config: Config,
  now: Date,
  incremental: Pick<IncrementalConfig, 'lookback_hours'> = config.incremental,
): RunRecord {
  return {
    runId: `${utc(now)}#${Math.random().toString(36).slice(2, 8)}`,
    refreshedAt: utc(now),
    configHash: configHash(config),
    lookbackHours: incremental.lookback_hours,
  };
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

/** A row of journey_stitch_runs as read from either warehouse, its counts as numbers (both return BIGINT as text). */
export function runRowFrom(row: Record<string, unknown>): RunRow {
  const n = (k: 'new_events' | 'affected_persons' | 'rows_rewritten' | 'late_rows') => Number(row[k]);
  return {
    ...(row as unknown as RunRow),
    new_events: n('new_events'),
    affected_persons: n('affected_persons'),
    rows_rewritten: n('rows_rewritten'),
    late_rows: n('late_rows'),
  };
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
