/**
 * The run record both warehouses keep in journey_stitch_runs: a run's id, time and config fingerprint (a changed
 * config or journey-stitch version rebuilds the incremental state in full), its row as read back, and what it says
 * about late rows. Warehouse-neutral: DuckDB's (./duckdb) and BigQuery's (./bigquery) refreshes both import it.
 */
import { createHash } from 'node:crypto';
import type { Config } from '../config/schema';
import { buildFullPipeline, STATE_TABLES, type IncrementalConfig, type RunRecord } from '../models/incremental';
import { dialects } from '../sql/dialects';

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
  for (const dialect of [dialects.duckdb, dialects.bigquery]) {
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
