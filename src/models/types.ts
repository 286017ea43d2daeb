import type { Config } from '../config/schema';
import type { Dialect } from '../sql/dialect';
import { JourneyStitchError } from '../contract/errors';

/**
 * Logical raw tables: Segment/RudderStack 'pages' | 'tracks' | 'identifies'; Snowplow 'events';
 * offsite sources 'offsite:<name>'.
 */
export type RawTable = string;

/** Where the raw tables are and which columns they really have. */
export interface RawSources {
  /** SQL reference (already quoted) of a raw table. */
  ref(table: RawTable): string;
  /**
   * Physical column names present in the raw table, or undefined to assume every mapped column exists
   * (offline SQL generation for BigQuery). Missing optional columns become NULL; missing required ones throw
   * a SourceColumnError.
   */
  columns(table: RawTable): ReadonlySet<string> | undefined;
  /**
   * Whether a column is stored as a (UTC, zone-less) TIMESTAMP already, so a filter on it can be written on the bare
   * column, which lets the warehouse skip partitions (BigQuery) or row groups (Parquet). Unknown: false.
   */
  isTimestamp?(table: RawTable, column: string): boolean;
  /**
   * The column the table is partitioned on by day, when it is not the event time staging reads (that one prunes
   * by itself): BigQuery's _PARTITIONTIME of an ingestion-time partitioned table (Segment's), a load or receive time
   * (RudderStack's received_at, Snowplow's collector_tstamp). Incremental runs prune on it. Unknown: undefined.
   */
  partitionColumn?(table: RawTable): PartitionColumn | undefined;
}

export interface PartitionColumn {
  name: string;
  type: 'TIMESTAMP' | 'DATE' | 'DATETIME';
  /** A pseudo column (_PARTITIONTIME): named bare, as BigQuery documents it. */
  pseudo?: boolean;
}

/** The names (as `out` takes them) of a name-matching model's tables (models/matching.ts). */
export interface MatchModel {
  params: string;
  nameTokens: string;
}

export interface BuildOptions {
  config: Config;
  dialect: Dialect;
  raw: RawSources;
  /** SQL reference (already quoted) of an output or scratch table. */
  out(table: string): string;
  /** Prefix of the model tables' names (`out` gets the prefixed name): an incremental run builds models again under other names. */
  namespace?: string;
  /**
   * The name (as `out` takes it, outside the namespace) of a table of (norm_name, candidate_id, on_web) rows that name uniqueness also counts: the persons an incremental
   * run does not recompute. Full runs leave it out.
   */
  nameCandidates?: string;
  /**
   * The trained name-matching model to score with instead of estimating one (incremental runs: the state's): the names
   * (as `out` takes them, outside the namespace) of a one-row table of parameters and a table of name word frequencies
   * (token, records).
   */
  matchModel?: MatchModel;
  /**
   * Build scratch tables (all, or those the function picks) as temporary tables (DuckDB: in memory, spilling to the
   * temp directory, never written to the database file; BigQuery: TEMP tables, which live as long as the script).
   * Only for runners that read the scratch tables on the same connection, or in the same script.
   */
  temporaryScratch?: boolean | ((table: string) => boolean);
  /** Build the output tables as temporary tables too (with temporaryScratch): they are an incremental run's scratch. */
  outputsAreScratch?: boolean;
  /** SQL string expression of the hash key (default: identity.hash_key as a literal; the pdt LookML: its constant). */
  hashKey?: string;
  /**
   * Choose the materialization per model (sql/pipeline.ts `inlinable`): an intermediate read by one later model
   * becomes a subquery of it instead of a table. Off by default: tests and the PDT LookML read the intermediates.
   */
  inline?: boolean;
  /** Tables a caller reads after the pipeline (an incremental state build's inputs): they stay tables. */
  keep?: readonly string[];
  /** js_sessionized also keeps each person's tail, for the incremental state (js_state_person_tail). */
  personTails?: boolean;
}

/** A required source column is missing: names the raw table, the physical column and the logical name. */
export class SourceColumnError extends JourneyStitchError {
  constructor(
    readonly table: RawTable,
    readonly column: string,
    readonly logical: string,
  ) {
    super(
      `raw table '${table}' has no column '${column}'` +
        (column !== logical ? ` (mapped from '${logical}')` : '') +
        `: add it, or map '${logical}' to an existing column in the config`,
    );
    this.name = 'SourceColumnError';
  }
}
