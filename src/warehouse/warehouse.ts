/**
 * One interface per warehouse, so the CLI dispatches instead of branching on the warehouse's name: a new
 * warehouse is a Dialect class (src/sql/dialects) plus a Warehouse here, each with a registry entry
 * (./index.ts). DuckDB's in ./duckdb, BigQuery's in ./bigquery; what both share (the
 * Progress sink, the run record) sits here beside this file.
 */
import type { Config } from '../config/schema';
import type { Progress } from './progress';
import type { RawSources } from '../models/types';
import type { Dialect, WarehouseName } from '../sql/dialect';
import type { ScriptOptions } from '../sql/script';

/** Options of `stitch` that only some warehouses take (the others refuse them, naming the flag). */
export type StitchOption = 'exportDir' | 'dryRun' | 'json';

export interface StitchRequest {
  incremental?: boolean;
  /** Where the run's progress and warnings go. */
  progress: Progress;
  /** DuckDB: export every output table as CSV and Parquet into this folder. */
  exportDir?: string;
  /** Estimate every statement without running anything (BigQuery). */
  dryRun?: boolean;
  /** Fail on the warnings of the source checks before anything is written (where the warehouse checks its sources). */
  strict?: boolean;
}

export interface StitchOutcome {
  /** What the run says at its end, beyond its progress (BigQuery's job and byte report), for stderr. */
  report?: string;
  /** The run's summary as JSON (`--json`), where the warehouse has one. */
  summary?: object;
}

/** What `journey-stitch check`/`introspect` print, and whether stitch can run as configured. */
export interface SourceReport {
  text: string;
  ready: boolean;
}

/** Where `journey-stitch sql` reads and writes, without looking at data (every mapped column assumed to exist). */
export interface OfflineTarget {
  raw: RawSources;
  /** An output or scratch table's reference. */
  out(table: string): string;
  /** A note after the list of raw tables the SQL reads (how they get there). */
  readsNote?: string;
  /** A lock the script holds while it runs (the one `stitch` takes). */
  lock?: ScriptOptions['lock'];
}

export interface Warehouse {
  readonly name: WarehouseName;
  readonly dialect: Dialect;
  /** The stitch options it takes beyond the common ones. */
  readonly stitchOptions: ReadonlySet<StitchOption>;
  stitch(config: Config, request: StitchRequest): Promise<StitchOutcome>;
  /** The config `journey-stitch sql --warehouse <this>` writes for (`file` names it in errors); may refuse it. */
  offlineConfig(config: Config, file: string): Config;
  offline(config: Config): OfflineTarget;
  /** `journey-stitch check`: the source files against the config (a warehouse that reads files). */
  checkFiles?(config: Config, options: { strict: boolean }): Promise<SourceReport>;
  /** `journey-stitch introspect`: the raw tables' columns against the config (a warehouse with a catalog). */
  introspect?(config: Config): Promise<SourceReport>;
}
