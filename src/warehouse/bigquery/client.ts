/**
 * The small surface of BigQuery that journey-stitch uses, behind an interface so the runner can be tested
 * against a local fake (./fake.ts) and run for real over @google-cloud/bigquery (./google.ts).
 *
 * Job resources keep BigQuery's REST shape (https://cloud.google.com/bigquery/docs/reference/rest/v2/Job):
 * int64 statistics arrive as decimal strings, and failures are `status.errorResult` ErrorProtos.
 */

import { JourneyStitchError } from '../../contract/errors';

/** BigQuery's ErrorProto. */
export interface ErrorProto {
  reason?: string;
  location?: string;
  message: string;
}

/** The parts of BigQuery's Job resource journey-stitch reads. */
export interface JobResource {
  jobReference: { projectId: string; jobId?: string; location?: string };
  configuration?: { dryRun?: boolean; jobType?: string; query?: { query: string; useLegacySql?: boolean } };
  status: { state: 'PENDING' | 'RUNNING' | 'DONE'; errorResult?: ErrorProto; errors?: ErrorProto[] };
  statistics?: {
    creationTime?: string;
    startTime?: string;
    endTime?: string;
    totalBytesProcessed?: string;
    totalSlotMs?: string;
    query?: {
      totalBytesProcessed?: string;
      totalBytesBilled?: string;
      totalSlotMs?: string;
      /** Dry runs: PRECISE, LOWER_BOUND, UPPER_BOUND or UNKNOWN. */
      totalBytesProcessedAccuracy?: string;
      statementType?: string;
      cacheHit?: boolean;
    };
  };
}

/** A column as INFORMATION_SCHEMA.COLUMNS describes it. */
export interface ColumnInfo {
  table: string;
  column: string;
  /** BigQuery type, e.g. STRING, TIMESTAMP, INT64. */
  dataType: string;
  /** The table is partitioned on it (on an ingestion-time partitioned table: the pseudo column _PARTITIONTIME). */
  partitioning?: boolean;
}

export interface QueryResult {
  job: JobResource;
  /** Result rows of a finished (not dry-run) query; empty for DDL. */
  rows: Record<string, unknown>[];
}

export interface BigQueryClient {
  readonly project: string;
  readonly location: string;
  datasetExists(dataset: string): Promise<boolean>;
  createDataset(dataset: string): Promise<void>;
  /** Run a standard-SQL query job to completion, or dry-run it. Rejects with a BigQueryJobError. */
  query(sql: string, options?: { dryRun?: boolean }): Promise<QueryResult>;
  /** Every column of every table in a dataset (INFORMATION_SCHEMA.COLUMNS). */
  getColumns(dataset: string): Promise<ColumnInfo[]>;
}

/** A job (or the request creating it) failed: BigQuery's message and reason, and the job when there is one. */
export class BigQueryJobError extends JourneyStitchError {
  constructor(
    readonly error: ErrorProto,
    readonly job?: JobResource,
  ) {
    super(error.message);
    this.name = 'BigQueryJobError';
  }

  /** notFound, invalidQuery, accessDenied, quotaExceeded, … (BigQuery's error reasons). */
  get reason(): string | undefined {
    return this.error.reason;
  }
}

/** The job's own failure, if it failed. */
export function jobFailure(job: JobResource): BigQueryJobError | undefined {
  return job.status.errorResult ? new BigQueryJobError(job.status.errorResult, job) : undefined;
}

export interface JobStatistics {
  bytesProcessed: number;
  bytesBilled: number;
  slotMs: number;
  /** Dry runs only: how exact bytesProcessed is. */
  accuracy?: string;
}

const int64 = (value: string | undefined): number => {
  if (value === undefined || value === '') return 0;
  if (!/^\d+$/.test(value)) throw new Error(`BigQuery returned a malformed int64 statistic: ${JSON.stringify(value)}`);
  return Number(value);
};

/** Bytes and slot time of a job, from `statistics.query` (falling back to the job-level totals). */
export function jobStatistics(job: JobResource): JobStatistics {
  const s = job.statistics ?? {};
  const q = s.query ?? {};
  const stats: JobStatistics = {
    bytesProcessed: int64(q.totalBytesProcessed ?? s.totalBytesProcessed),
    bytesBilled: int64(q.totalBytesBilled),
    slotMs: int64(q.totalSlotMs ?? s.totalSlotMs),
  };
  if (q.totalBytesProcessedAccuracy) stats.accuracy = q.totalBytesProcessedAccuracy;
  return stats;
}
