/**
 * ZetaSQL analyzer harness: checks BigQuery SQL (names, types, syntax) without a BigQuery project.
 *
 * @fivetrandevelopers/zetasql ships Google's ZetaSQL `remote_server` (a gRPC service) and a client.
 * We start one server per jest file on a free localhost port, register a catalog of typed tables, and
 * analyze statements with BigQuery's language options. Usage in a test file:
 *
 *   const zetasql = useZetaSQL(() => bigQueryCatalog(config));      // beforeAll / afterAll wired in
 *   it('...', async () => { await zetasql().expectValid(sql); });
 *
 * What it can and cannot check:
 * - One statement at a time (`analyze`). BigQuery scripting (DECLARE, WHILE, IF, BEGIN … END) is not an
 *   analyzable statement: `parseScript` checks a script's syntax, and the statements inside it are analyzed
 *   one by one with `analyze`.
 * - The analyzer is stricter than BigQuery in one known place: it rejects QUALIFY without WHERE, GROUP BY
 *   or HAVING (BigQuery accepts it). Write `WHERE TRUE QUALIFY …`, which is valid on both.
 */
import { spawn, type ChildProcess } from 'child_process';
import { createServer } from 'net';
import * as path from 'path';
import { promisify } from 'util';
import { TypeKind, ZetaSQLClient } from '@fivetrandevelopers/zetasql';

// ---- catalog description -------------------------------------------------------------------------

/** BigQuery column types the catalog understands. */
export type BigQueryType = 'STRING' | 'INT64' | 'FLOAT64' | 'NUMERIC' | 'BOOL' | 'TIMESTAMP' | 'DATE' | 'DATETIME' | 'BYTES' | 'JSON';

export interface CatalogColumn {
  name: string;
  type: BigQueryType;
  /** A pseudo column (BigQuery's _PARTITIONTIME): it can be named, but SELECT * leaves it out. */
  pseudo?: boolean;
}

/** A table at a path of catalog names, e.g. ['my-project', 'raw', 'pages'] for `my-project.raw.pages`. */
export interface CatalogTable {
  path: string[];
  columns: CatalogColumn[];
}

/**
 * The outcome of analyzing or parsing SQL: OK, or the analyzer's message with its 1-based position.
 * For a query or CREATE TABLE … AS SELECT, OK carries the result columns with their types, and for the
 * latter the created table (so a pipeline can be analyzed statement by statement: see `addTables`).
 */
export type Analysis =
  { ok: true; columns?: CatalogColumn[]; creates?: CatalogTable } | { ok: false; message: string; line?: number; column?: number };

// ---- BigQuery language options -----------------------------------------------------------------

/**
 * ZetaSQL features BigQuery has (GoogleSQL for BigQuery), and only those: features BigQuery lacks stay
 * off so that SQL which would fail on BigQuery fails here too (nanosecond timestamps, protos, anonymization…).
 */
const BIGQUERY_FEATURES = [
  'FEATURE_ANALYTIC_FUNCTIONS',
  'FEATURE_NUMERIC_TYPE',
  'FEATURE_BIGNUMERIC_TYPE',
  'FEATURE_JSON_TYPE',
  'FEATURE_JSON_ARRAY_FUNCTIONS',
  'FEATURE_JSON_CONSTRUCTOR_FUNCTIONS',
  'FEATURE_JSON_VALUE_EXTRACTION_FUNCTIONS',
  'FEATURE_JSON_LAX_VALUE_EXTRACTION_FUNCTIONS',
  'FEATURE_JSON_MUTATOR_FUNCTIONS',
  'FEATURE_INTERVAL_TYPE',
  'FEATURE_RANGE_TYPE',
  'FEATURE_GEOGRAPHY',
  'FEATURE_PARAMETERIZED_TYPES',
  'FEATURE_TABLESAMPLE',
  'FEATURE_TABLE_VALUED_FUNCTIONS',
  'FEATURE_NAMED_ARGUMENTS',
  'FEATURE_GROUP_BY_ROLLUP',
  'FEATURE_CBRT_FUNCTIONS',
  'FEATURE_INVERSE_TRIG_FUNCTIONS',
  'FEATURE_ROUND_WITH_ROUNDING_MODE',
  'FEATURE_TIME_BUCKET_FUNCTIONS',
  'FEATURE_CREATE_TABLE_PARTITION_BY',
  'FEATURE_CREATE_TABLE_CLUSTER_BY',
  'FEATURE_CREATE_TABLE_AS_SELECT_COLUMN_LIST',
  'FEATURE_CREATE_TABLE_LIKE',
  'FEATURE_CREATE_TABLE_COPY',
  'FEATURE_CREATE_TABLE_CLONE',
  'FEATURE_CREATE_SNAPSHOT_TABLE',
  'FEATURE_CREATE_TABLE_NOT_NULL',
  'FEATURE_CREATE_TABLE_FIELD_ANNOTATIONS',
  'FEATURE_CREATE_TABLE_FUNCTION',
  'FEATURE_CREATE_MATERIALIZED_VIEW_PARTITION_BY',
  'FEATURE_CREATE_MATERIALIZED_VIEW_CLUSTER_BY',
  'FEATURE_CREATE_VIEW_WITH_COLUMN_LIST',
  'FEATURE_CREATE_EXTERNAL_TABLE_WITH_PARTITION_COLUMNS',
  'FEATURE_CREATE_EXTERNAL_TABLE_WITH_CONNECTION',
  'FEATURE_CREATE_EXTERNAL_TABLE_WITH_TABLE_ELEMENT_LIST',
  'FEATURE_ALTER_COLUMN_SET_DATA_TYPE',
  'FEATURE_ALTER_TABLE_RENAME_COLUMN',
  'FEATURE_DML_UPDATE_WITH_JOIN',
  'FEATURE_UNENFORCED_PRIMARY_KEYS',
  'FEATURE_FOREIGN_KEYS',
  'FEATURE_V_1_1_ORDER_BY_COLLATE',
  'FEATURE_V_1_1_WITH_ON_SUBQUERY',
  'FEATURE_V_1_1_SELECT_STAR_EXCEPT_REPLACE',
  'FEATURE_V_1_1_ORDER_BY_IN_AGGREGATE',
  'FEATURE_V_1_1_CAST_DIFFERENT_ARRAY_TYPES',
  'FEATURE_V_1_1_LIMIT_IN_AGGREGATE',
  'FEATURE_V_1_1_HAVING_IN_AGGREGATE',
  'FEATURE_V_1_1_NULL_HANDLING_MODIFIER_IN_AGGREGATE',
  'FEATURE_V_1_1_NULL_HANDLING_MODIFIER_IN_ANALYTIC',
  'FEATURE_V_1_1_FOR_SYSTEM_TIME_AS_OF',
  'FEATURE_V_1_2_CIVIL_TIME',
  'FEATURE_V_1_2_SAFE_FUNCTION_CALL',
  'FEATURE_V_1_2_GROUP_BY_STRUCT',
  'FEATURE_V_1_2_GROUP_BY_ARRAY',
  'FEATURE_V_1_2_WEEK_WITH_WEEKDAY',
  'FEATURE_V_1_2_GENERATED_COLUMNS',
  'FEATURE_V_1_3_ADDITIONAL_STRING_FUNCTIONS',
  'FEATURE_V_1_3_ALLOW_DASHES_IN_TABLE_NAME',
  'FEATURE_V_1_3_ALLOW_REGEXP_EXTRACT_OPTIONALS',
  'FEATURE_V_1_3_CASE_STMT',
  'FEATURE_V_1_3_COLLATION_SUPPORT',
  'FEATURE_V_1_3_ANNOTATION_FRAMEWORK',
  'FEATURE_V_1_3_COLUMN_DEFAULT_VALUE',
  'FEATURE_V_1_3_CONCAT_MIXED_TYPES',
  'FEATURE_V_1_3_DATE_ARITHMETICS',
  'FEATURE_V_1_3_DATE_TIME_CONSTRUCTORS',
  'FEATURE_V_1_3_DECIMAL_ALIAS',
  'FEATURE_V_1_3_EXTENDED_DATE_TIME_SIGNATURES',
  'FEATURE_V_1_3_EXTENDED_GEOGRAPHY_PARSERS',
  'FEATURE_V_1_3_FORMAT_IN_CAST',
  'FEATURE_V_1_3_FOR_IN',
  'FEATURE_V_1_3_INLINE_LAMBDA_ARGUMENT',
  'FEATURE_V_1_3_IS_DISTINCT',
  'FEATURE_V_1_3_LIKE_ANY_SOME_ALL',
  'FEATURE_V_1_3_NULLS_FIRST_LAST_IN_ORDER_BY',
  'FEATURE_V_1_3_OMIT_INSERT_COLUMN_LIST',
  'FEATURE_V_1_3_PIVOT',
  'FEATURE_V_1_3_UNPIVOT',
  'FEATURE_V_1_3_QUALIFY',
  'FEATURE_V_1_3_REMOTE_FUNCTION',
  'FEATURE_V_1_3_REPEAT',
  'FEATURE_V_1_3_SCRIPT_LABEL',
  'FEATURE_V_1_3_TYPEOF_FUNCTION',
  'FEATURE_V_1_3_UNNEST_AND_FLATTEN_ARRAYS',
  'FEATURE_V_1_3_WITH_RECURSIVE',
  'FEATURE_V_1_3_DML_RETURNING',
  'FEATURE_V_1_4_ARRAY_AGGREGATION_FUNCTIONS',
  'FEATURE_V_1_4_ARRAY_FIND_FUNCTIONS',
  'FEATURE_V_1_4_GROUPING_BUILTIN',
  'FEATURE_V_1_4_GROUPING_SETS',
  'FEATURE_V_1_4_LIKE_ANY_SOME_ALL_ARRAY',
  'FEATURE_V_1_4_LOAD_DATA_PARTITIONS',
  'FEATURE_V_1_4_LOAD_DATA_TEMP_TABLE',
  'FEATURE_V_1_4_NULLIFZERO_ZEROIFNULL',
  'FEATURE_V_1_4_PI_FUNCTIONS',
  'FEATURE_V_1_4_REMOTE_MODEL',
  'FEATURE_V_1_4_SAFE_FUNCTION_CALL_WITH_LAMBDA_ARGS',
] as const;

const BIGQUERY_LANGUAGE_OPTIONS = {
  productMode: 'PRODUCT_EXTERNAL',
  nameResolutionMode: 'NAME_RESOLUTION_DEFAULT',
  enabledLanguageFeatures: [...BIGQUERY_FEATURES],
  // No supportedStatementKinds: an empty list means every statement kind (queries, DDL, DML).
};

const ANALYZER_OPTIONS = {
  languageOptions: BIGQUERY_LANGUAGE_OPTIONS,
  // Messages end in " [at line:column]", which we turn into fields.
  errorMessageMode: 'ERROR_MESSAGE_ONE_LINE',
  defaultTimezone: 'UTC',
};

const TYPE_KINDS: Record<BigQueryType, string> = {
  STRING: 'TYPE_STRING',
  INT64: 'TYPE_INT64',
  FLOAT64: 'TYPE_DOUBLE',
  NUMERIC: 'TYPE_NUMERIC',
  BOOL: 'TYPE_BOOL',
  TIMESTAMP: 'TYPE_TIMESTAMP',
  DATE: 'TYPE_DATE',
  DATETIME: 'TYPE_DATETIME',
  BYTES: 'TYPE_BYTES',
  JSON: 'TYPE_JSON',
};

// ---- pure helpers --------------------------------------------------------------------------------

interface CatalogProto {
  name: string;
  table: { name: string; column: { name: string; type: { typeKind: string } }[] }[];
  catalog: CatalogProto[];
}

/**
 * Nest tables into sub-catalogs by path (project → dataset → table). Each table is also registered under its
 * whole dotted name at the root, so both `p`.`d`.`t` and `p.d.t` resolve, as on BigQuery.
 */
export function catalogProto(tables: CatalogTable[]): CatalogProto {
  const root: CatalogProto = { name: 'bigquery', table: [], catalog: [] };
  const seen = new Set<string>();
  for (const t of tables) {
    if (t.path.length === 0) throw new Error('catalog table has an empty path');
    const key = t.path.join('.').toLowerCase();
    if (seen.has(key)) throw new Error(`catalog table ${t.path.join('.')} is defined twice`);
    seen.add(key);
    const column = t.columns.map((c) => ({
      name: c.name,
      type: { typeKind: TYPE_KINDS[c.type] },
      ...(c.pseudo && { isPseudoColumn: true }),
    }));
    let node = root;
    for (const name of t.path.slice(0, -1)) {
      let child = node.catalog.find((c) => c.name.toLowerCase() === name.toLowerCase());
      if (!child) node.catalog.push((child = { name, table: [], catalog: [] }));
      node = child;
    }
    node.table.push({ name: t.path[t.path.length - 1], column });
    if (t.path.length > 1) root.table.push({ name: t.path.join('.'), column });
  }
  return root;
}

const BIGQUERY_TYPES = new Map<number, BigQueryType>(
  Object.entries(TYPE_KINDS).map(([bq, kind]) => [TypeKind[kind as keyof typeof TypeKind] as number, bq as BigQueryType]),
);

interface OutputColumnProto {
  name: string;
  column: { type: { typeKind: number } };
}

function columnsOf(list: OutputColumnProto[]): CatalogColumn[] {
  return list.map(({ name, column }) => {
    const type = BIGQUERY_TYPES.get(column.type.typeKind);
    if (!type) throw new Error(`column ${name} has a type (ZetaSQL kind ${column.type.typeKind}) the test catalog cannot represent`);
    return { name, type };
  });
}

/** Result columns of a query, and the table a CREATE TABLE … AS SELECT creates, from the resolved AST. */
export function describeResolved(resolved: unknown): { columns?: CatalogColumn[]; creates?: CatalogTable } {
  const stmt = resolved as {
    resolvedQueryStmtNode?: { outputColumnList: OutputColumnProto[] };
    resolvedCreateStatementNode?: {
      resolvedCreateTableStmtBaseNode?: {
        resolvedCreateTableAsSelectStmtNode?: { outputColumnList: OutputColumnProto[]; parent: { parent: { namePath: string[] } } };
      };
    };
  };
  const query = stmt.resolvedQueryStmtNode;
  if (query) return { columns: columnsOf(query.outputColumnList) };
  const ctas = stmt.resolvedCreateStatementNode?.resolvedCreateTableStmtBaseNode?.resolvedCreateTableAsSelectStmtNode;
  if (ctas) {
    const columns = columnsOf(ctas.outputColumnList);
    return { columns, creates: { path: ctas.parent.parent.namePath, columns } };
  }
  return {};
}

/** A value computed by ZetaSQL's reference evaluator, as JS: INT64 → number (bigint beyond 2^53), TIMESTAMP → Date (ms). */
export type EvaluatedValue = string | number | bigint | boolean | Date | null | EvaluatedValue[];

interface LongProto {
  low: number;
  high: number;
  unsigned: boolean;
}
interface ValueProto {
  value?: string;
  stringValue?: string;
  boolValue?: boolean;
  doubleValue?: number;
  int64Value?: LongProto;
  timestampValue?: { seconds: LongProto; nanos: number };
  arrayValue?: { element: ValueProto[] };
}

const longValue = (l: LongProto): bigint => (BigInt(l.high) << 32n) + BigInt(l.low >>> 0);
const jsInt = (n: bigint): number | bigint =>
  n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n;

export function jsValue(v: ValueProto | null | undefined): EvaluatedValue {
  if (!v?.value) return null; // an empty ValueProto is NULL
  switch (v.value) {
    case 'stringValue':
      return v.stringValue!;
    case 'boolValue':
      return v.boolValue!;
    case 'doubleValue':
      return v.doubleValue!;
    case 'int64Value':
      return jsInt(longValue(v.int64Value!));
    case 'timestampValue':
      return new Date(Number(longValue(v.timestampValue!.seconds)) * 1000 + Math.floor(v.timestampValue!.nanos / 1e6));
    case 'arrayValue':
      return v.arrayValue!.element.map(jsValue);
    default:
      throw new Error(`the harness cannot convert a ZetaSQL ${v.value} to JS yet`);
  }
}

/** Turn "message [at 3:14]" into its parts. */
export function parseAnalyzerError(details: string): Extract<Analysis, { ok: false }> {
  const m = /^(.*?)\s*\[at (\d+):(\d+)\]\s*$/s.exec(details);
  return m ? { ok: false, message: m[1], line: Number(m[2]), column: Number(m[3]) } : { ok: false, message: details };
}

/** The failing line of `sql` with a caret under the column, for readable test failures. */
export function pointAt(sql: string, line?: number, column?: number): string {
  if (!line) return sql;
  const text = sql.split(/\r\n|\r|\n/)[line - 1] ?? '';
  return `${line}| ${text}\n${' '.repeat(String(line).length + 2 + Math.max(0, (column ?? 1) - 1))}^`;
}

// ---- the server ----------------------------------------------------------------------------------

const SERVER_BINARY = path.join(
  path.dirname(require.resolve('@fivetrandevelopers/zetasql')),
  'zetasql',
  `remote_server${process.arch.startsWith('arm') ? '_arm' : ''}${process.platform === 'darwin' ? '' : '.so'}`,
);
const START_TIMEOUT_MS = 30_000;
const GRPC_INVALID_ARGUMENT = 3;
const GRPC_UNAVAILABLE = 14;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

type GrpcError = Error & { code?: number; details?: string };

export class ZetaSQL {
  private catalogId?: unknown;
  private tables: CatalogTable[] = [];

  private constructor(
    private readonly child: ChildProcess,
    private readonly client: ZetaSQLClient,
  ) {}

  /**
   * Start a server on a free port and wait until it answers. The package's client is a per-module singleton,
   * so one ZetaSQL per jest file (jest gives every file its own module registry).
   */
  static async start(): Promise<ZetaSQL> {
    const port = await freePort();
    const child = spawn(SERVER_BINARY, ['localhost', String(port)], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<never>((_, reject) => {
      child.once('error', (e) => reject(new Error(`cannot start ZetaSQL server ${SERVER_BINARY}: ${e.message}`)));
      child.once('exit', (code, signal) =>
        reject(new Error(`ZetaSQL server exited (${code ?? signal}) on port ${port}: ${stderr.trim()}`)),
      );
    });
    exited.catch(() => undefined); // observed below; never an unhandled rejection after a clean stop
    ZetaSQLClient.init(port);
    const zs = new ZetaSQL(child, ZetaSQLClient.getInstance());
    try {
      await Promise.race([zs.waitUntilReady(), exited]);
    } catch (e) {
      await zs.stop();
      throw e;
    }
    return zs;
  }

  private async waitUntilReady(): Promise<void> {
    const deadline = Date.now() + START_TIMEOUT_MS;
    for (;;) {
      try {
        await this.client.formatSql({ sql: 'SELECT 1' });
        return;
      } catch (e) {
        const err = e as GrpcError;
        if (err.code !== GRPC_UNAVAILABLE || Date.now() > deadline) throw new Error(`ZetaSQL server did not answer: ${err.message}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  }

  /** Register the catalog every later `analyze` resolves names against (replaces any earlier one). */
  async registerCatalog(tables: CatalogTable[]): Promise<void> {
    const simpleCatalog = { ...catalogProto(tables), builtinFunctionOptions: { languageOptions: BIGQUERY_LANGUAGE_OPTIONS } };
    const res = await this.client.registerCatalog({ simpleCatalog } as never);
    if (this.catalogId !== undefined) await this.client.unRegisterCatalog({ registeredId: this.catalogId as number });
    this.catalogId = res?.registeredId;
    this.tables = tables;
  }

  /** Add tables to the registered catalog, replacing tables at the same paths (CREATE OR REPLACE semantics). */
  async addTables(...tables: CatalogTable[]): Promise<void> {
    const key = (t: CatalogTable) => t.path.join('.').toLowerCase();
    const replaced = new Set(tables.map(key));
    await this.registerCatalog([...this.tables.filter((t) => !replaced.has(key(t))), ...tables]);
  }

  /** Analyze one BigQuery statement (query, DDL or DML) against the registered catalog. */
  async analyze(sql: string): Promise<Analysis> {
    if (this.catalogId === undefined) await this.registerCatalog([]);
    return this.call(async () => {
      const res = await this.client.analyze({ sqlStatement: sql, registeredCatalogId: this.catalogId, options: ANALYZER_OPTIONS } as never);
      return describeResolved(res?.resolvedStatement);
    });
  }

  /** Check the syntax of a BigQuery script (DECLARE, WHILE, IF, several statements). Names are not resolved. */
  async parseScript(sql: string): Promise<Analysis> {
    const api = ZetaSQLClient.API as unknown as { parse: (req: unknown, cb: (err: unknown, res: unknown) => void) => unknown };
    const parse = promisify((req: unknown, cb: (err: unknown, res: unknown) => void) => api.parse(req, cb));
    return this.call(async () => void (await parse({ sqlStatement: sql, allowScript: true, options: BIGQUERY_LANGUAGE_OPTIONS })));
  }

  /**
   * Evaluate a BigQuery expression with ZetaSQL's reference implementation (no tables), e.g. to check that a
   * dialect function computes what its DuckDB twin computes. Throws with the analyzer's message if invalid.
   */
  async evaluate(expression: string): Promise<EvaluatedValue> {
    const res = (await this.rpc('evaluate', { sql: expression, options: ANALYZER_OPTIONS }, expression)) as { value?: ValueProto };
    return jsValue(res.value);
  }

  /** Run a BigQuery query (over inline data: no catalog tables) with the reference implementation; rows as objects. */
  async evaluateQuery(sql: string): Promise<Record<string, EvaluatedValue>[]> {
    const res = (await this.rpc(
      'evaluateQuery',
      { sql, options: ANALYZER_OPTIONS, simpleCatalog: { builtinFunctionOptions: { languageOptions: BIGQUERY_LANGUAGE_OPTIONS } } },
      sql,
    )) as {
      content?: { tableData?: { row: { cell: ValueProto[] }[] } };
      prepared?: { columns: { name: string }[] };
    };
    const names = res.prepared?.columns.map((c) => c.name) ?? [];
    return (res.content?.tableData?.row ?? []).map((r) => Object.fromEntries(r.cell.map((cell, i) => [names[i], jsValue(cell)])));
  }

  private async rpc(method: 'evaluate' | 'evaluateQuery', request: unknown, sql: string): Promise<unknown> {
    const api = ZetaSQLClient.API as unknown as Record<string, (req: unknown, cb: (err: unknown, res: unknown) => void) => unknown>;
    try {
      return await promisify((req: unknown, cb: (err: unknown, res: unknown) => void) => api[method](req, cb))(request);
    } catch (e) {
      const err = e as GrpcError;
      if (err.code !== GRPC_INVALID_ARGUMENT) throw err;
      const res = parseAnalyzerError(err.details ?? err.message);
      throw new Error(`ZetaSQL could not ${method}: ${res.message}\n${pointAt(sql, res.line, res.column)}`);
    }
  }

  /** Throw a readable error (message, position, the offending line) unless `sql` analyzes; else its analysis. */
  async expectValid(sql: string, what = 'the statement'): Promise<Extract<Analysis, { ok: true }>> {
    const res = await this.analyze(sql);
    if (!res.ok)
      throw new Error(`ZetaSQL rejected ${what}: ${res.message}\n${pointAt(sql, res.line, res.column)}\n--- statement ---\n${sql}`);
    return res;
  }

  private async call(rpc: () => Promise<object | void>): Promise<Analysis> {
    try {
      return { ok: true, ...(await rpc()) };
    } catch (e) {
      const err = e as GrpcError;
      // INVALID_ARGUMENT is the analyzer's verdict on the SQL; anything else is a harness failure.
      if (err.code !== GRPC_INVALID_ARGUMENT) throw err;
      return parseAnalyzerError(err.details ?? err.message);
    }
  }

  /** Kill the server and close the channel so jest can exit. */
  async stop(): Promise<void> {
    (ZetaSQLClient.API as unknown as { close(): void } | undefined)?.close();
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const gone = new Promise((r) => this.child.once('exit', r));
      this.child.kill('SIGKILL');
      await gone;
    }
  }
}

/**
 * Jest wiring: start the server in beforeAll (registering `tables()` if given), stop it in afterAll.
 * Returns an accessor, since the server exists only once beforeAll has run.
 */
export function useZetaSQL(tables?: () => CatalogTable[]): () => ZetaSQL {
  let zs: ZetaSQL | undefined;
  beforeAll(async () => {
    zs = await ZetaSQL.start();
    if (tables) await zs.registerCatalog(tables());
  }, START_TIMEOUT_MS + 5_000);
  afterAll(async () => {
    await zs?.stop();
  });
  return () => {
    if (!zs) throw new Error('ZetaSQL is not running: call useZetaSQL() at the top level of the test file');
    return zs;
  };
}
