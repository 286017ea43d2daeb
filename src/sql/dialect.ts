/**
 * One Dialect interface, a class per warehouse, a map from name to dialect (after malloy's dialect/).
 * Models are written once against this interface; everything warehouse-specific lives in the classes.
 * Every method takes SQL expressions (already safe) and returns a SQL expression, except the
 * `quote*`/`literal` methods, which are the only way config values reach SQL.
 */
import type { ColumnType } from '../contract/tables';

export type WarehouseName = 'duckdb' | 'bigquery';

/** Units a timestamp is truncated to, or moved by. Weeks start on Monday (ISO weeks, Looker's default). */
export type TimeUnit = 'second' | 'minute' | 'hour' | 'day' | 'week' | 'month' | 'quarter' | 'year';
/** Parts of a timestamp read as an integer. */
export type TimePart = 'year' | 'quarter' | 'month' | 'day' | 'hour' | 'minute';
/**
 * The strftime directives both warehouses format alike (%Y %m %d %H %M %S; %A and %B as English day and month
 * names); a dialect translates nothing else.
 */
export type TimeFormat = string;

export interface CreateTableOptions {
  /** Partition by DATE(<column>) where the warehouse supports it. */
  partitionByDate?: string;
  clusterBy?: string[];
  /** A temporary table: DuckDB keeps it apart from the database file; BigQuery for the length of its script. */
  temporary?: boolean;
}

/**
 * A warehouse's procedural SQL (scripts with variables, loops and exception blocks). A dialect without it
 * (`Dialect.scripting` null) gets loops unrolled and cannot hold a lock in its script (src/sql/script.ts).
 * Each method returns complete statements; `body` is statements already ended with semicolons.
 */
export interface Scripting {
  /** An integer variable; declarations come before any other statement of a script. */
  declareInt(name: string, initial: number): string;
  setVariable(name: string, expr: string): string;
  whileLoop(condition: string, body: string): string;
  ifThen(condition: string, body: string): string;
  /** A statement that fails the script with `message`. */
  raise(message: string): string;
  /** `body`; when one of its statements fails, `onError` runs and the error is raised again. */
  guarded(body: string, onError: string): string;
}

export interface Dialect {
  readonly name: WarehouseName;
  /** The warehouse's name in messages and comments ('DuckDB'). */
  readonly displayName: string;
  /** What Looker calls this dialect in Liquid's `_dialect._name` (the generated LookML switches on it). */
  readonly lookerName: string;
  /** Procedural SQL, or null when the warehouse runs plain statements only (see `Scripting`). */
  readonly scripting: Scripting | null;
  /**
   * Statements a session runs before the models. DuckDB reads a timestamp without a zone (a Parquet TIMESTAMP,
   * '2024-01-01 10:00:00') in the session's time zone; pinned to UTC it means UTC, as on BigQuery.
   */
  readonly sessionSetup: readonly string[];

  // ---- names and values ----
  /** Quote an identifier (column, table). Throws on characters that cannot be quoted safely. */
  quoteIdent(name: string): string;
  /** A table reference from dot-separated parts, each quoted (project.dataset.table / schema.table). */
  tableRef(...parts: string[]): string;
  /** A string literal with the dialect's escaping. */
  stringLiteral(value: string): string;
  numberLiteral(value: number): string;
  boolLiteral(value: boolean): string;

  // ---- types ----
  stringType: string;
  intType: string;
  floatType: string;
  boolType: string;
  timestampType: string;
  castString(expr: string): string;
  /** NULL instead of an error when the value cannot be a timestamp. */
  safeTimestamp(expr: string): string;
  /** Text in a strftime `format` (e.g. '%d %b %Y' for 05 Dec 2024) as a UTC TIMESTAMP; NULL when it does not parse. */
  safeTimestampFormat(expr: string, format: string): string;
  /** The scalar at a JSON path ('$[0].email') of JSON text (or a JSON value) as a string; NULL when absent. */
  jsonValue(expr: string, path: string): string;
  nullOf(type: ColumnType): string;

  // ---- functions ----
  /** Leading and trailing spaces removed. `expr` may appear more than once: pass a column, not a computation. */
  trim(expr: string): string;
  concat(...exprs: string[]): string;
  /** Regex match; `pattern` is a plain regex string (RE2 syntax) that the dialect turns into a literal. */
  regexpContains(expr: string, pattern: string): string;
  /** First capture group of `pattern`, NULL when no match. */
  regexpExtract(expr: string, pattern: string): string;
  regexpReplace(expr: string, pattern: string, replacement: string): string;
  /** Lower-case hex md5 of a string. */
  md5Hex(expr: string): string;
  /** Strip diacritics (é → e). */
  stripAccents(expr: string): string;
  /** Microseconds since the epoch as an integer. */
  unixMicros(expr: string): string;
  /** Seconds between two timestamps (b - a) as a number. */
  secondsBetween(a: string, b: string): string;
  /** The time the statement runs, as a UTC timestamp comparable with occurred_at. */
  currentTimestamp(): string;
  /** A timestamp `hours` (a whole number) earlier. */
  minusHours(expr: string, hours: number): string;
  /** Any time value (timestamp, date, or text a warehouse casts) as a TIMESTAMP. */
  castTimestamp(expr: string): string;
  /** A UTC timestamp truncated to the start of its `unit` (a TIMESTAMP). */
  timeTrunc(expr: string, unit: TimeUnit): string;
  /** A timestamp `count` (a whole number, may be negative) `unit`s later. */
  timeAdd(expr: string, count: number, unit: TimeUnit): string;
  /** A part of a UTC timestamp as an integer (quarter: 1 to 4). */
  timeExtract(expr: string, part: TimePart): string;
  /** A UTC timestamp as text in `format` (see TimeFormat). */
  timeFormat(expr: string, format: TimeFormat): string;
  /** Case-sensitive substring tests of a string with a string (both SQL expressions). */
  containsText(expr: string, part: string): string;
  startsWith(expr: string, prefix: string): string;
  endsWith(expr: string, suffix: string): string;
  /**
   * A LIKE test of a string with a pattern (an SQL string expression) as Looker's string filters write one: `%` any
   * run of characters, `_` one character, a backslash before either (or itself) makes it literal.
   */
  likePattern(expr: string, pattern: string): string;
  least(...exprs: string[]): string;
  greatest(...exprs: string[]): string;
  /** An expression that fails the statement with `message` when evaluated (in a CASE branch: when reached). */
  raiseError(message: string): string;
  /** Boolean aggregate OR. */
  boolOr(expr: string): string;
  /**
   * Aggregate: `value` (NULL kept) of the group's first row by `orderBy`, among the rows where `where` holds (NULL
   * when none does). The order keys (ascending expressions) must not tie. An aggregate, not a window: no sort of the whole table.
   */
  firstBy(value: string, orderBy: string[], where?: string): string;
  /**
   * Aggregate: an array of the non-NULL `value`s of the group's first `n` rows by `orderBy` (one key that does not
   * tie), among the rows where `where` holds; NULL when there are none. Read it with `arrayItem`.
   */
  firstValues(value: string, orderBy: string, n: number, where?: string): string;
  /** Item `index` (from 1) of an array, NULL past its end or when the array is NULL. */
  arrayItem(array: string, index: number): string;
  /** Aggregate: the median of `expr` (exact where the warehouse has it, else its approximate quantile). */
  median(expr: string): string;
  /**
   * Aggregate over distinct keys (a symmetric aggregate: each `key` counts once however often joins repeat its
   * row): the sum or average of `value` over the distinct (`key`, `value`) pairs where `value` is not NULL and
   * `where` holds. `key` must be unique per row of the view the value belongs to.
   */
  distinctKeyAggregate(fn: 'sum' | 'average', key: string, value: string, where?: string): string;
  /** Integer division-free count-if. */
  countIf(cond: string): string;
  /** A row (a table alias or a STRUCT column holding one) as a JSON string (kept with rejected rows). */
  rowToJson(alias: string): string;
  /** A struct (record) of named values, in order; rowToJson of it is a JSON object with those keys. */
  structOf(fields: [name: string, expr: string][]): string;

  // ---- statements ----
  createTableAs(table: string, select: string, options?: CreateTableOptions): string;
  dropTableIfExists(table: string): string;
}
