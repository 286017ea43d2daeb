/**
 * A local stand-in for BigQuery, for tests and offline demos. It keeps datasets and tables (with sizes),
 * records every job it is sent, and answers with BigQuery's REST shapes:
 * - a statement reading a table that does not exist fails with reason notFound and BigQuery's message;
 * - CREATE [OR REPLACE] TABLE [IF NOT EXISTS] creates (or replaces, or keeps) its table, as big as the
 *   largest table it reads (a COPY scans nothing); a plain CREATE TABLE of a table that exists fails with reason
 *   duplicate, as BigQuery's does; DROP TABLE removes it; ALTER TABLE needs it to exist;
 * - a CREATE TABLE … AS SELECT of literals only ('text' or integer AS name, …) keeps that one row, and
 *   `SELECT col, … FROM table` of such a table answers with it (the fake evaluates no other SQL);
 * - bytes processed = the size of the tables a statement reads; bytes billed rounds up to whole MiB with
 *   BigQuery's 10 MiB minimum per table read; slot time grows with the bytes;
 * - dry runs create nothing, carry no slot time and come back as PRECISE estimates, and a dry run that fails
 *   is refused outright (no job), as jobs.insert does.
 * `answer` overrides any of that per statement (result rows, sizes, failures), and `pauseBefore` holds a statement
 * back so that a second run can go meanwhile.
 */
import { BigQueryJobError, type BigQueryClient, type ColumnInfo, type ErrorProto, type JobResource, type QueryResult } from './client';
import { readRefs, targetOf, type TableRef } from './statements';

export interface FakeTable {
  /** `partitioning`: the table is partitioned on it (INFORMATION_SCHEMA's is_partitioning_column). */
  columns: { name: string; type: string; partitioning?: boolean }[];
  /** Logical bytes of the table (what a full scan processes). */
  bytes: number;
  /** Its rows, for a table created from literals (see the header). */
  rows?: Record<string, unknown>[];
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

/** CREATE TABLE … COPY: a table copy, which scans (and bills) nothing. */
const COPY = /^\s*CREATE(?:\s+OR\s+REPLACE)?\s+TABLE\s+`[^`]+`\.`[^`]+`\.`[^`]+`\s+COPY\s+`[^`]+`\.`[^`]+`\.`[^`]+`\s*$/i;

/** A literal the fake can evaluate: a BigQuery string literal (backslash escapes) or an integer. */
const LITERAL = String.raw`'(?:[^'\\]|\\.)*'|-?\d+`;
const LITERAL_COLUMN = new RegExp(String.raw`(${LITERAL})\s+AS\s+(\w+)`, 'g');
const LITERAL_ROW = new RegExp(
  String.raw`^\s*CREATE\s+TABLE\s+\S+\s+AS\s+SELECT\s+((?:${LITERAL})\s+AS\s+\w+(?:\s*,\s*(?:${LITERAL})\s+AS\s+\w+)*)\s*$`,
  'i',
);
/** SELECT of named columns from one table, nothing else. */
const SELECT_COLUMNS = /^\s*SELECT\s+(\w+(?:\s*,\s*\w+)*)\s+FROM\s+`[^`]+`\.`[^`]+`\.`[^`]+`\s*$/i;

const literalValue = (text: string): unknown =>
  text.startsWith("'") ? text.slice(1, -1).replace(/\\(.)/g, (_, c: string) => ({ n: '\n', r: '\r' })[c] ?? c) : Number(text);

/** The one row a CREATE TABLE … AS SELECT of literals writes, if the statement is one. */
function literalRow(sql: string): Record<string, unknown> | undefined {
  const m = LITERAL_ROW.exec(sql);
  return m ? Object.fromEntries([...m[1].matchAll(LITERAL_COLUMN)].map((c) => [c[2], literalValue(c[1])])) : undefined;
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
  private pause?: { at: (sql: string) => boolean; resumed: Promise<void>; reached(): void };

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
      throw new BigQueryJobError({
        reason: 'notFound',
        message: `Not found: Dataset ${this.project}:${dataset} was not found in location ${this.location}`,
      });
    }
    // A table the fake created from SQL has columns it does not know; BigQuery lists every table's, so list one.
    const columnsOf = (t: FakeTable) => (t.columns.length ? t.columns : [{ name: '(not known to the fake)', type: 'STRING' }]);
    return [...this.tables.entries()]
      .filter(([key]) => key.startsWith(`${dataset}.`))
      .flatMap(([key, t]) =>
        columnsOf(t).map((c) => ({
          table: key.slice(dataset.length + 1),
          column: c.name,
          dataType: c.type,
          ...('partitioning' in c && c.partitioning && { partitioning: true }),
        })),
      );
  }

  /**
   * Hold back the next statement `at` matches until `resume()`: it is sent (recorded, run) only then. `reached`
   * settles once it is held, so a test can start a second run while the first waits there.
   */
  pauseBefore(at: (sql: string) => boolean): { reached: Promise<void>; resume(): void } {
    let reached!: () => void;
    let resume!: () => void;
    const held = new Promise<void>((r) => (reached = r));
    this.pause = { at, resumed: new Promise<void>((r) => (resume = r)), reached };
    return { reached: held, resume };
  }

  async query(sql: string, options: { dryRun?: boolean } = {}): Promise<QueryResult> {
    const pause = this.pause;
    if (pause?.at(sql)) {
      this.pause = undefined;
      pause.reached();
      await pause.resumed;
    }
    const dryRun = options.dryRun ?? false;
    this.requests.push({ sql, dryRun });
    const custom = this.answer?.(sql, { dryRun }) ?? {};
    const target = targetOf(sql);
    const reads = readRefs(sql);
    const mustExist = (target?.kind === 'drop' && !target.ifExists) || target?.kind === 'alter' ? [...reads, target.ref] : reads;
    const created = target?.kind === 'create' ? target.ref : undefined;
    const plainCreate = created && !target!.ifNotExists && !/^\s*CREATE\s+OR\s+REPLACE\b/i.test(sql);
    const error = custom.error ?? this.notFound(mustExist, created) ?? (plainCreate ? this.duplicate(created) : undefined);
    if (error && dryRun) throw new BigQueryJobError(error); // jobs.insert refuses an invalid dry run outright: no job
    const copy = COPY.test(sql);
    const bytes =
      custom.bytesProcessed ?? (copy ? 0 : reads.reduce((sum, r) => sum + (this.tables.get(`${r.dataset}.${r.table}`)?.bytes ?? 0), 0));
    const tablesRead = new Set(reads.map((r) => `${r.dataset}.${r.table}`)).size;
    const job = this.record(sql, dryRun, error, bytes, custom.slotMs ?? Math.round(bytes / MiB) * 40 + 25, tablesRead);
    if (error) throw new BigQueryJobError(error, job);
    if (!dryRun && target && target.kind !== 'alter') {
      const key = `${target.ref.dataset}.${target.ref.table}`;
      const largestRead = Math.max(MiB, ...reads.map((r) => this.tables.get(`${r.dataset}.${r.table}`)?.bytes ?? 0));
      if (target.kind === 'create') {
        const row = literalRow(sql);
        if (!(target.ifNotExists && this.tables.has(key)))
          this.tables.set(key, { columns: [], bytes: custom.createdBytes ?? largestRead, ...(row ? { rows: [row] } : {}) });
      } else this.tables.delete(key);
    }
    return { job, rows: dryRun ? [] : (custom.rows ?? this.storedRows(sql, reads) ?? []) };
  }

  /** The rows a SELECT of named columns reads from a table that keeps rows (see the header). */
  private storedRows(sql: string, reads: TableRef[]): Record<string, unknown>[] | undefined {
    const columns = SELECT_COLUMNS.exec(sql)?.[1]
      .split(',')
      .map((c) => c.trim());
    const rows = columns && this.tables.get(`${reads[0].dataset}.${reads[0].table}`)?.rows;
    return rows?.map((row) => Object.fromEntries(columns!.map((c) => [c, row[c] ?? null])));
  }

  /** BigQuery's error for a CREATE TABLE (without OR REPLACE or IF NOT EXISTS) of a table that exists. */
  private duplicate(ref: TableRef): ErrorProto | undefined {
    if (!this.tables.has(`${ref.dataset}.${ref.table}`)) return undefined;
    const name = `${ref.project}:${ref.dataset}.${ref.table}`;
    return { reason: 'duplicate', location: name, message: `Already Exists: Table ${name}` };
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

  private record(
    sql: string,
    dryRun: boolean,
    error: ErrorProto | undefined,
    bytes: number,
    slotMs: number,
    tablesRead: number,
  ): JobResource {
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
            query: {
              totalBytesProcessed: String(bytes),
              totalBytesBilled: '0',
              totalBytesProcessedAccuracy: 'PRECISE',
              statementType: type,
              cacheHit: false,
            },
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
