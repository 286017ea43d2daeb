/**
 * The real BigQueryClient over @google-cloud/bigquery: application default credentials, or the service
 * account key file named in the config (`key_file`); jobs run in the config's project and location.
 */
import { BigQuery } from '@google-cloud/bigquery';
import type { Config } from '../../config/schema';
import {
  BigQueryJobError,
  jobFailure,
  type BigQueryClient,
  type ColumnInfo,
  type ErrorProto,
  type JobResource,
  type QueryResult,
} from './client';
import { dialects } from '../../sql/dialects';

const bq = dialects.bigquery;

/** The INFORMATION_SCHEMA query behind getColumns (analyzed by ZetaSQL in the tests). */
export function columnsQuery(project: string, dataset: string): string {
  return [
    // Pseudo columns (_PARTITIONTIME of an ingestion-time partitioned table) are listed too, without a position.
    'SELECT table_name, column_name, data_type, is_partitioning_column',
    `FROM ${bq.tableRef(project, dataset, 'INFORMATION_SCHEMA', 'COLUMNS')}`,
    'ORDER BY table_name, ordinal_position',
  ].join('\n');
}

/** What @google-cloud/common's ApiError carries: the errors list and, for job failures, the Job resource. */
interface ApiErrorLike {
  message?: string;
  errors?: ErrorProto[];
  response?: unknown;
}

/** Any error from the client library as a BigQueryJobError with BigQuery's own message and reason. */
export function toJobError(err: unknown, job?: JobResource): BigQueryJobError {
  if (err instanceof BigQueryJobError) return err;
  const api = (err ?? {}) as ApiErrorLike;
  const response = api.response as Partial<JobResource> | undefined;
  const failedJob = job ?? (response?.status && response.jobReference ? (response as JobResource) : undefined);
  const fromJob = failedJob && jobFailure(failedJob);
  if (fromJob) return fromJob;
  const first = api.errors?.[0];
  let message = first?.message ?? api.message ?? String(err);
  if (/default credentials/i.test(message)) {
    message += ': run `gcloud auth application-default login`, or name a service account key file as key_file in the config';
  }
  return new BigQueryJobError({ message, reason: first?.reason, location: first?.location }, failedJob);
}

export class GoogleBigQueryClient implements BigQueryClient {
  private readonly api: BigQuery;

  constructor(
    readonly project: string,
    readonly location: string,
    keyFile?: string,
  ) {
    this.api = new BigQuery({ projectId: project, location, ...(keyFile ? { keyFilename: keyFile } : {}) });
  }

  static fromConfig(config: Config): GoogleBigQueryClient {
    if (config.warehouse !== 'bigquery' || !config.project)
      throw new Error('warehouse: bigquery with a project is needed to connect to BigQuery');
    return new GoogleBigQueryClient(config.project, config.location, config.key_file);
  }

  async datasetExists(dataset: string): Promise<boolean> {
    try {
      const [exists] = await this.api.dataset(dataset).exists();
      return exists;
    } catch (err) {
      throw toJobError(err);
    }
  }

  async createDataset(dataset: string): Promise<void> {
    try {
      await this.api.createDataset(dataset, { location: this.location });
    } catch (err) {
      throw toJobError(err);
    }
  }

  async query(sql: string, options: { dryRun?: boolean } = {}): Promise<QueryResult> {
    const dryRun = options.dryRun ?? false;
    let job;
    try {
      [job] = await this.api.createQueryJob({
        query: sql,
        useLegacySql: false,
        dryRun,
        location: this.location,
        labels: { tool: 'journey-stitch' },
      });
    } catch (err) {
      throw toJobError(err);
    }
    if (dryRun) return { job: job.metadata as JobResource, rows: [] };
    try {
      const [rows] = await job.getQueryResults();
      const [metadata] = await job.getMetadata();
      return { job: metadata as JobResource, rows: rows as Record<string, unknown>[] };
    } catch (err) {
      const metadata = await job.getMetadata().then(
        ([m]) => m as JobResource,
        () => undefined,
      );
      throw toJobError(err, metadata?.status?.errorResult ? metadata : undefined);
    }
  }

  async getColumns(dataset: string): Promise<ColumnInfo[]> {
    const { rows } = await this.query(columnsQuery(this.project, dataset));
    return rows.map((r) => ({
      table: String(r.table_name),
      column: String(r.column_name),
      dataType: String(r.data_type),
      ...(r.is_partitioning_column === 'YES' && { partitioning: true }),
    }));
  }
}
