import type { CreateTableOptions, Scripting, TimeFormat, TimeUnit } from '../dialect';
import { StandardDialect } from './standard';
import { JourneyStitchError } from '../../contract/errors';

/** Every non-empty line two spaces in. */
const indent = (text: string) => text.replace(/^(?=.)/gm, '  ');

/** GoogleSQL procedural language: DECLARE, SET, WHILE, IF, RAISE, BEGIN … EXCEPTION … END. */
class BigQueryScripting implements Scripting {
  constructor(private readonly dialect: BigQueryDialect) {}
  declareInt(name: string, initial: number): string {
    return `DECLARE ${name} INT64 DEFAULT ${this.dialect.numberLiteral(initial)};`;
  }
  setVariable(name: string, expr: string): string {
    return `SET ${name} = ${expr};`;
  }
  whileLoop(condition: string, body: string): string {
    return `WHILE ${condition} DO\n${indent(body)}\nEND WHILE;`;
  }
  ifThen(condition: string, body: string): string {
    return `IF ${condition} THEN\n${indent(body)}\nEND IF;`;
  }
  raise(message: string): string {
    return `RAISE USING MESSAGE = ${this.dialect.stringLiteral(message)};`;
  }
  guarded(body: string, onError: string): string {
    return [
      'BEGIN',
      indent(body),
      'EXCEPTION WHEN ERROR THEN',
      indent(onError),
      indent('RAISE USING MESSAGE = @@error.message;'),
      'END;',
    ].join('\n');
  }
}

export class BigQueryDialect extends StandardDialect {
  readonly name = 'bigquery' as const;
  readonly displayName = 'BigQuery';
  readonly lookerName = 'bigquery_standard_sql';
  readonly scripting: Scripting | null = new BigQueryScripting(this);
  protected readonly identifierQuote = '`';
  /** Quoted identifiers take the escape sequences of string literals: a backslash or backtick is escaped. */
  protected escapeIdent(name: string): string {
    return name.replace(/[\\`]/g, (c) => `\\${c}`);
  }
  readonly stringType = 'STRING';
  readonly intType = 'INT64';
  readonly floatType = 'FLOAT64';
  readonly boolType = 'BOOL';

  stringLiteral(value: string): string {
    if (value.includes('\0'))
      throw new JourneyStitchError(
        `a text value holds a NUL character (\\0), which SQL text cannot: remove it (from the config or the filter value)`,
      );
    const escaped = value.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n').replace(/\r/g, '\\r');
    return `'${escaped}'`;
  }
  safeTimestamp(expr: string): string {
    return `SAFE_CAST(${expr} AS TIMESTAMP)`;
  }
  jsonValue(expr: string, path: string): string {
    return `JSON_VALUE(${expr}, ${this.stringLiteral(path)})`;
  }
  safeTimestampFormat(expr: string, format: string): string {
    return `SAFE.PARSE_TIMESTAMP(${this.stringLiteral(format)}, ${expr})`;
  }
  regexpContains(expr: string, pattern: string): string {
    return `REGEXP_CONTAINS(${expr}, ${this.stringLiteral(pattern)})`;
  }
  regexpExtract(expr: string, pattern: string): string {
    return `NULLIF(REGEXP_EXTRACT(${expr}, ${this.stringLiteral(pattern)}), '')`;
  }
  regexpReplace(expr: string, pattern: string, replacement: string): string {
    return `REGEXP_REPLACE(${expr}, ${this.stringLiteral(pattern)}, ${this.stringLiteral(replacement)})`;
  }
  md5Hex(expr: string): string {
    return `TO_HEX(MD5(${expr}))`;
  }
  stripAccents(expr: string): string {
    return `REGEXP_REPLACE(NORMALIZE(${expr}, NFD), ${this.stringLiteral('\\p{M}')}, '')`;
  }
  unixMicros(expr: string): string {
    return `UNIX_MICROS(${expr})`;
  }
  currentTimestamp(): string {
    return 'CURRENT_TIMESTAMP()';
  }
  minusHours(expr: string, hours: number): string {
    return `TIMESTAMP_SUB(${expr}, INTERVAL ${Math.trunc(hours)} HOUR)`;
  }
  timeTrunc(expr: string, unit: TimeUnit): string {
    return `TIMESTAMP_TRUNC(${expr}, ${unit === 'week' ? 'WEEK(MONDAY)' : unit.toUpperCase()})`;
  }
  timeAdd(expr: string, count: number, unit: TimeUnit): string {
    // TIMESTAMP_ADD stops at days; longer units move the UTC calendar date (a DATETIME).
    const n = Math.trunc(count);
    if (['second', 'minute', 'hour', 'day'].includes(unit)) return `TIMESTAMP_ADD(${expr}, INTERVAL ${n} ${unit.toUpperCase()})`;
    return `TIMESTAMP(DATETIME_ADD(DATETIME(${expr}), INTERVAL ${n} ${unit.toUpperCase()}))`;
  }
  timeFormat(expr: string, format: TimeFormat): string {
    return `FORMAT_TIMESTAMP(${this.stringLiteral(format)}, ${expr})`;
  }
  containsText(expr: string, part: string): string {
    return `(STRPOS(${expr}, ${part}) > 0)`;
  }
  override likePattern(expr: string, pattern: string): string {
    // BigQuery's LIKE takes no ESCAPE clause: a backslash escapes by default.
    return `${expr} LIKE ${pattern}`;
  }
  median(expr: string): string {
    // No exact median aggregate in BigQuery (PERCENTILE_CONT is analytic): the middle of 2 quantiles, as Looker does.
    return `APPROX_QUANTILES(${expr}, 2)[OFFSET(1)]`;
  }
  distinctKeyAggregate(fn: 'sum' | 'average', key: string, value: string, where?: string): string {
    // An aggregate of an array cannot be unnested in the same query, so Looker's symmetric aggregate instead: each
    // key becomes a large number from its hash (60 bits); the distinct sums of hash + value and of hash alone
    // differ by the sum of one value per key. NUMERIC keeps it exact (to 9 decimals) where FLOAT64 would not.
    const keep = [`(${value}) IS NOT NULL`, ...(where ? [where] : [])].join(' AND ');
    const hash = `CAST(CAST(CONCAT('0x', SUBSTR(TO_HEX(MD5(CAST(${key} AS STRING))), 1, 15)) AS INT64) AS NUMERIC)`;
    const sum = `CAST(SUM(DISTINCT IF(${keep}, ${hash} + CAST(${value} AS NUMERIC), NULL)) - SUM(DISTINCT IF(${keep}, ${hash}, NULL)) AS FLOAT64)`;
    return fn === 'sum' ? sum : `SAFE_DIVIDE(${sum}, COUNT(DISTINCT IF(${keep}, ${key}, NULL)))`;
  }
  raiseError(message: string): string {
    return `ERROR(${this.stringLiteral(message)})`;
  }
  boolOr(expr: string): string {
    return `LOGICAL_OR(${expr})`;
  }
  override countIf(cond: string): string {
    return `COUNTIF(${cond})`;
  }
  firstBy(value: string, orderBy: string[], where?: string): string {
    // ARRAY_AGG refuses NULL elements, so the value travels in a struct; rows outside `where` become NULL structs.
    const item = where ? `IF(${where}, STRUCT(${value} AS v), NULL)` : `STRUCT(${value} AS v)`;
    return `ARRAY_AGG(${item} IGNORE NULLS ORDER BY ${orderBy.join(', ')} LIMIT 1)[SAFE_OFFSET(0)].v`;
  }
  firstValues(value: string, orderBy: string, n: number, where?: string): string {
    const item = where ? `IF(${where}, ${value}, NULL)` : value;
    return `ARRAY_AGG(${item} IGNORE NULLS ORDER BY ${orderBy} LIMIT ${this.numberLiteral(n)})`;
  }
  arrayItem(array: string, index: number): string {
    return `${array}[SAFE_ORDINAL(${this.numberLiteral(index)})]`;
  }
  rowToJson(alias: string): string {
    return `TO_JSON_STRING(${alias})`;
  }
  structOf(fields: [name: string, expr: string][]): string {
    return `STRUCT(${fields.map(([name, expr]) => `${expr} AS ${this.quoteIdent(name)}`).join(', ')})`;
  }
  createTableAs(table: string, select: string, options: CreateTableOptions = {}): string {
    // A TEMP table lives as long as its script (one multi-statement job); its name is not qualified.
    const parts = [`CREATE OR REPLACE ${options.temporary ? 'TEMP ' : ''}TABLE ${table}`];
    if (options.partitionByDate) parts.push(`PARTITION BY DATE(${options.partitionByDate})`);
    if (options.clusterBy?.length) parts.push(`CLUSTER BY ${options.clusterBy.join(', ')}`);
    return `${parts.join('\n')}\nAS\n${select}`;
  }
}
