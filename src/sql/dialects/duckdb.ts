import type { CreateTableOptions, Scripting, TimeFormat, TimeUnit } from '../dialect';
import { StandardDialect } from './standard';
import { JourneyStitchError } from '../../contract/errors';

export class DuckDBDialect extends StandardDialect {
  readonly name = 'duckdb' as const;
  readonly displayName = 'DuckDB';
  readonly lookerName = 'duckdb';
  /** DuckDB SQL has no procedural statements: loops are unrolled, scripts hold no lock. */
  readonly scripting: Scripting | null = null;
  protected readonly identifierQuote = '"';
  /** A double quote inside a quoted identifier is written twice. */
  protected escapeIdent(name: string): string {
    return name.replace(/"/g, '""');
  }
  readonly stringType = 'VARCHAR';
  readonly intType = 'BIGINT';
  readonly floatType = 'DOUBLE';
  readonly boolType = 'BOOLEAN';
  override readonly sessionSetup = [`SET TimeZone = 'UTC'`];

  stringLiteral(value: string): string {
    if (value.includes('\0'))
      throw new JourneyStitchError(
        `a text value holds a NUL character (\\0), which SQL text cannot: remove it (from the config or the filter value)`,
      );
    // Standard SQL strings: no backslash escapes, quotes doubled.
    return `'${value.replace(/'/g, "''")}'`;
  }
  safeTimestamp(expr: string): string {
    // Parse offsets ("Z", "+02:00") and express the instant as a UTC wall-clock TIMESTAMP, whatever the session zone.
    // Through epoch microseconds rather than timezone('UTC', …): the same instant, without a time zone lookup per row.
    return `make_timestamp(epoch_us(TRY_CAST(${expr} AS TIMESTAMPTZ)))`;
  }
  jsonValue(expr: string, path: string): string {
    return `json_extract_string(${expr}, ${this.stringLiteral(path)})`;
  }
  safeTimestampFormat(expr: string, format: string): string {
    return `CAST(try_strptime(${expr}, ${this.stringLiteral(format)}) AS TIMESTAMP)`;
  }
  override trim(expr: string): string {
    // DuckDB's TRIM is Unicode-aware and costs about five plain copies; it strips only space separators (Zs), so a
    // value without an edge space whose bytes are all ASCII (strlen = length) is returned as it is, untouched.
    return `CASE WHEN NOT (${expr} ^@ ' ' OR suffix(${expr}, ' ')) AND strlen(${expr}) = length(${expr}) THEN ${expr} ELSE TRIM(${expr}) END`;
  }
  regexpContains(expr: string, pattern: string): string {
    return `regexp_matches(${expr}, ${this.stringLiteral(pattern)})`;
  }
  regexpExtract(expr: string, pattern: string): string {
    // DuckDB returns '' when nothing matches; BigQuery returns NULL. Make it NULL.
    return `NULLIF(regexp_extract(${expr}, ${this.stringLiteral(pattern)}, 1), '')`;
  }
  regexpReplace(expr: string, pattern: string, replacement: string): string {
    return `regexp_replace(${expr}, ${this.stringLiteral(pattern)}, ${this.stringLiteral(replacement)}, 'g')`;
  }
  md5Hex(expr: string): string {
    return `md5(${expr})`;
  }
  stripAccents(expr: string): string {
    return `strip_accents(${expr})`;
  }
  unixMicros(expr: string): string {
    return `epoch_us(${expr})`;
  }
  currentTimestamp(): string {
    // occurred_at is a zone-less UTC TIMESTAMP; the session's TimeZone is UTC (sessionSetup).
    return 'CAST(current_timestamp AS TIMESTAMP)';
  }
  minusHours(expr: string, hours: number): string {
    return `(${expr} - INTERVAL (${Math.trunc(hours)}) HOUR)`;
  }
  timeTrunc(expr: string, unit: TimeUnit): string {
    // DuckDB's weeks start on Monday (ISO), as Looker's do by default.
    return `date_trunc(${this.stringLiteral(unit)}, ${expr})`;
  }
  timeAdd(expr: string, count: number, unit: TimeUnit): string {
    return `(${expr} + INTERVAL (${Math.trunc(count)}) ${unit.toUpperCase()})`;
  }
  timeFormat(expr: string, format: TimeFormat): string {
    return `strftime(${expr}, ${this.stringLiteral(format)})`;
  }
  containsText(expr: string, part: string): string {
    return `contains(${expr}, ${part})`;
  }
  median(expr: string): string {
    return `MEDIAN(${expr})`;
  }
  distinctKeyAggregate(fn: 'sum' | 'average', key: string, value: string, where?: string): string {
    const keep = [`(${value}) IS NOT NULL`, ...(where ? [where] : [])].join(' AND ');
    const pairs = `list(DISTINCT struct_pack(k := ${key}, v := ${value})) FILTER (WHERE ${keep})`;
    return `${fn === 'sum' ? 'list_sum' : 'list_avg'}(list_transform(${pairs}, x -> x.v))`;
  }
  raiseError(message: string): string {
    return `error(${this.stringLiteral(message)})`;
  }
  boolOr(expr: string): string {
    return `bool_or(${expr})`;
  }
  firstBy(value: string, orderBy: string[], where?: string): string {
    // arg_min would skip a NULL value; arg_min_null keeps it. The keys compare as one struct, in order.
    return `arg_min_null(${value}, (${orderBy.join(', ')}))${where ? ` FILTER (WHERE ${where})` : ''}`;
  }
  firstValues(value: string, orderBy: string, n: number, where?: string): string {
    // arg_min with a count keeps the n smallest keys and lists their values in key order.
    return `arg_min(${value}, ${orderBy}, ${this.numberLiteral(n)}) FILTER (WHERE ${value} IS NOT NULL${where ? ` AND (${where})` : ''})`;
  }
  arrayItem(array: string, index: number): string {
    return `(${array})[${this.numberLiteral(index)}]`;
  }
  rowToJson(alias: string): string {
    return `CAST(to_json(${alias}) AS VARCHAR)`;
  }
  structOf(fields: [name: string, expr: string][]): string {
    return `struct_pack(${fields.map(([name, expr]) => `${this.quoteIdent(name)} := ${expr}`).join(', ')})`;
  }
  createTableAs(table: string, select: string, options: CreateTableOptions = {}): string {
    // DuckDB has no partitions or clustering; row groups are ordered by insertion.
    return `CREATE OR REPLACE ${options.temporary ? 'TEMP ' : ''}TABLE ${table} AS\n${select}`;
  }
}
