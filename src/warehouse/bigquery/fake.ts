/**
 * A local stand-in for BigQuery, for tests and offline demos. It keeps datasets and tables (with sizes),
 * records every job it is sent, and answers with BigQuery's REST shapes:
 * - a statement reading a table that does not exist fails with reason notFound and BigQuery's message;
 * - CREATE [OR REPLACE] TABLE [IF NOT EXISTS] creates (or replaces, or keeps) its table, as big as the
 *   largest table it reads (a COPY scans nothing); DROP TABLE removes it; ALTER TABLE needs it to exist;
 * - bytes processed = the size of the tables a statement reads; bytes billed rounds up to whole MiB with
 *   BigQuery's 10 MiB minimum per table read; slot time grows with the bytes;
 * - dry runs create nothing, carry no slot time and come back as PRECISE estimates, and a dry run that fails
 *   is refused outright (no job), as jobs.insert does.
 * `answer` overrides any of that per statement (result rows, sizes, failures).
 */
import { BigQueryJobError, type BigQueryClient, type ColumnInfo, type ErrorProto, type JobResource, type QueryResult } from './client';

export interface FakeTable {
  /** `partitioning`: the table is partitioned on it (INFORMATION_SCHEMA's is_partitioning_column). */
  columns: { name: string; type: string; partitioning?: boolean }[];
  /** Logical bytes of the table (what a full scan processes). */
  bytes: number;
}

/** What the fake should answer for one statement; every field is optional. */
export interface FakeAnswer {
  rows?: Record<string, unknown>[];
  bytesProcessed?: number;
  slotMs?: number;
  /** Size of the table a CREATE TABLE makes (default: as big as the largest table it reads, at least 1 MiB). */
  createdBytes?: number;
  error?: ErrorProto;
}

export interface FakeBigQueryOptions {
  project: string;
  location?: string;
  datasets?: string[];
  /** Tables by `dataset.table`. */
  tables?: Record<string, FakeTable>;
  answer?: (sql: string, request: { dryRun: boolean }) => FakeAnswer | undefined;
}

const MiB = 1024 * 1024;
const START = Date.UTC(2026, 0, 1);

/** A `project`.`dataset`.`table` reference (backtick-quoted parts, as the dialect writes them) in a statement. */
interface TableRef {
  project: string;
  dataset: string;
  table: string;
  at: number;
}
const TABLE_REF = /`([^`]+)`\.`([^`]+)`\.`([^`]+)`/g;
const TARGET = /^\s*(CREATE(?:\s+OR\s+REPLACE)?\s+TABLE(\s+IF\s+NOT\s+EXISTS)?|DROP\s+TABLE(\s+IF\s+EXISTS)?|ALTER\s+TABLE)\s+(?=`)/i;
/** CREATE TABLE … COPY: a table copy, which scans (and bills) nothing. */
const COPY = /^\s*CREATE(?:\s+OR\s+REPLACE)?\s+TABLE\s+`[^`]+`\.`[^`]+`\.`[^`]+`\s+COPY\s+`[^`]+`\.`[^`]+`\.`[^`]+`\s*$/i;

const tableRefs = (sql: string): TableRef[] => [...sql.matchAll(TABLE_REF)].map((m) => ({ project: m[1], dataset: m[2], table: m[3], at: m.index }));

/** The table a CREATE TABLE or DROP TABLE statement writes, if any. */
function targetOf(sql: string): { kind: 'create' | 'drop' | 'alter'; ifExists: boolean; ifNotExists: boolean; ref: TableRef } | undefined {
  const m = TARGET.exec(sql);
  const ref = m && tableRefs(sql).find((r) => r.at === m[0].length);
  if (!m || !ref) return undefined;
  const kind = ({ C: 'create', D: 'drop', A: 'alter' } as const)[m[1][0].toUpperCase() as 'C' | 'D' | 'A'];
  return { kind, ifExists: Boolean(m[3]), ifNotExists: Boolean(m[2]), ref };
}

function statementType(sql: string): string {
  const s = sql.trim().toUpperCase();
  if (COPY.test(sql)) return 'CREATE_TABLE';
  if (/^CREATE\s+(OR\s+REPLACE\s+)?TABLE\b[\s\S]*\bAS\b/.test(s)) return 'CREATE_TABLE_AS_SELECT';
  if (s.startsWith('DROP TABLE')) return 'DROP_TABLE';
  if (s.startsWith('ALTER TABLE')) return 'ALTER_TABLE';
  if (s.startsWith('SELECT') || s.startsWith('WITH')) return 'SELECT';
  return 'SCRIPT';
}

export class FakeBigQuery implements BigQueryClient {
  readonly project: string;
  readonly location: string;
  /** Every job created, in order (dry runs included), as BigQuery would describe it. */
  readonly jobs: JobResource[] = [];
  /** Every query sent, in order, including dry runs BigQuery refused (those create no job). */
  readonly requests: { sql: string; dryRun: boolean }[] = [];
  readonly datasets: Set<string>;
  readonly tables: Map<string, FakeTable>;
  private readonly answer: FakeBigQueryOptions['answer'];
  private clock = START;

  constructor(options: FakeBigQueryOptions) {
    this.project = options.project;
    this.location = options.location ?? 'US';
    this.datasets = new Set(options.datasets ?? []);
    this.tables = new Map(Object.entries(options.tables ?? {}));
    for (const key of this.tables.keys()) this.datasets.add(key.split('.')[0]);
    this.answer = options.answer;
  }

  /** The SQL of every query sent, in order; dry runs only or real runs only when asked. */
  sent(filter: { dryRun?: boolean } = {}): string[] {
    return this.requests.filter((r) => filter.dryRun === undefined || r.dryRun === filter.dryRun).map((r) => r.sql);
  }

  async datasetExists(dataset: string): Promise<boolean> {
    return this.datasets.has(dataset);
  }

  async createDataset(dataset: string): Promise<void> {
    if (this.datasets.has(dataset)) {
      throw new BigQueryJobError({ reason: 'duplicate', message: `Already Exists: Dataset ${this.project}:${dataset}` });
    }
    this.datasets.add(dataset);
  }

  async getColumns(dataset: string): Promise<ColumnInfo[]> {
    if (!this.datasets.has(dataset)) {
      throw new BigQueryJobError({ reason: 'notFound', message: `Not found: Dataset ${this.project}:${dataset} was not found in location ${this.location}` });
    }
    // A table the fake created from SQL has columns it does not know; BigQuery lists every table's, so list one.
    const columnsOf = (t: FakeTable) => (t.columns.length ? t.columns : [{ name: '(not known to the fake)', type: 'STRING' }]);
    return [...this.tables.entries()]
      .filter(([key]) => key.startsWith(`${dataset}.`))
      .flatMap(([key, t]) =>
        columnsOf(t).map((c) => ({ table: key.slice(dataset.length + 1), column: c.name, dataType: c.type, ...('partitioning' in c && c.partitioning && { partitioning: true }) })),
      );
  }

  async query(sql: string, options: { dryRun?: boolean } = {}): Promise<QueryResult> {
    const dryRun = options.dryRun ?? false;
    this.requests.push({ sql, dryRun });
    const custom = this.answer?.(sql, { dryRun }) ?? {};
    const target = targetOf(sql);
    const reads = tableRefs(sql).filter((r) => r.at !== target?.ref.at);
    const mustExist = (target?.kind === 'drop' && !target.ifExists) || target?.kind === 'alter' ? [...reads, target.ref] : reads;
    const error = custom.error ?? this.notFound(mustExist, target?.kind === 'create' ? target.ref : undefined);
    if (error && dryRun) throw new BigQueryJobError(error); // jobs.insert refuses an invalid dry run outright: no job
    const copy = COPY.test(sql);
    const bytes = custom.bytesProcessed ?? (copy ? 0 : reads.reduce((sum, r) => sum + (this.tables.get(`${r.dataset}.${r.table}`)?.bytes ?? 0), 0));
    const tablesRead = new Set(reads.map((r) => `${r.dataset}.${r.table}`)).size;
    const job = this.record(sql, dryRun, error, bytes, custom.slotMs ?? Math.round(bytes / MiB) * 40 + 25, tablesRead);
    if (error) throw new BigQueryJobError(error, job);
    if (!dryRun && target && target.kind !== 'alter') {
      const key = `${target.ref.dataset}.${target.ref.table}`;
      const largestRead = Math.max(MiB, ...reads.map((r) => this.tables.get(`${r.dataset}.${r.table}`)?.bytes ?? 0));
      if (target.kind === 'create') {
        if (!(target.ifNotExists && this.tables.has(key))) this.tables.set(key, { columns: [], bytes: custom.createdBytes ?? largestRead });
      }
      else this.tables.delete(key);
    }
    return { job, rows: dryRun ? [] : (custom.rows ?? []) };
  }

  /** BigQuery's notFound error for the first missing dataset or table (other projects are not checked). */
  private notFound(refs: TableRef[], target?: TableRef): ErrorProto | undefined {
    const ours = [...refs, ...(target ? [target] : [])].filter((r) => r.project === this.project);
    const noDataset = ours.find((r) => !this.datasets.has(r.dataset));
    if (noDataset) {
      const name = `${noDataset.project}:${noDataset.dataset}`;
      return { reason: 'notFound', location: name, message: `Not found: Dataset ${name} was not found in location ${this.location}` };
    }
    const missing = refs.find((r) => r.project === this.project && !this.tables.has(`${r.dataset}.${r.table}`));
    if (!missing) return undefined;
    const name = `${missing.project}:${missing.dataset}.${missing.table}`;
    return { reason: 'notFound', location: name, message: `Not found: Table ${name} was not found in location ${this.location}` };
  }

  private record(sql: string, dryRun: boolean, error: ErrorProto | undefined, bytes: number, slotMs: number, tablesRead: number): JobResource {
    const n = this.jobs.length + 1;
    const created = (this.clock += 1000);
    const type = statementType(sql);
    const billed = bytes > 0 ? Math.max(Math.ceil(bytes / MiB) * MiB, 10 * MiB * Math.max(tablesRead, 1)) : 0;
    const job: JobResource & { kind: string; id: string } = {
      kind: 'bigquery#job',
      id: `${this.project}:${this.location}.job_fake_${n}`,
      jobReference: { projectId: this.project, jobId: `job_fake_${n}`, location: this.location },
      configuration: { jobType: 'QUERY', ...(dryRun ? { dryRun: true } : {}), query: { query: sql, useLegacySql: false } },
      status: error ? { state: 'DONE', errorResult: error, errors: [error] } : { state: 'DONE' },
      statistics: dryRun
        ? {
            creationTime: String(created),
            totalBytesProcessed: String(bytes),
            query: { totalBytesProcessed: String(bytes), totalBytesBilled: '0', totalBytesProcessedAccuracy: 'PRECISE', statementType: type, cacheHit: false },
          }
        : {
            creationTime: String(created),
            startTime: String(created + 10),
            endTime: String(created + 10 + Math.round(slotMs / 4)),
            totalBytesProcessed: String(error ? 0 : bytes),
            totalSlotMs: String(error ? 0 : slotMs),
            query: {
              totalBytesProcessed: String(error ? 0 : bytes),
              totalBytesBilled: String(error ? 0 : billed),
              totalSlotMs: String(error ? 0 : slotMs),
              statementType: type,
              cacheHit: false,
            },
          },
    };
    this.jobs.push(job);
    return job;
  }
}
