import type { CreateTableOptions, Dialect, Scripting, TimeFormat, TimePart, TimeUnit, WarehouseName } from '../dialect';
import type { ColumnType } from '../../contract/tables';
import { assertFiniteNumber, assertQuotable } from './common';

/**
 * What standard SQL spells the same on every warehouse we support; a dialect class overrides the rest
 * (quoting, literals, type names, functions with warehouse-specific names).
 */
export abstract class StandardDialect implements Dialect {
  abstract readonly name: WarehouseName;
  abstract readonly displayName: string;
  abstract readonly lookerName: string;
  abstract readonly scripting: Scripting | null;
  protected abstract readonly identifierQuote: string;
  abstract readonly stringType: string;
  abstract readonly intType: string;
  abstract readonly floatType: string;
  abstract readonly boolType: string;
  readonly timestampType: string = 'TIMESTAMP';
  readonly sessionSetup: readonly string[] = [];

  abstract stringLiteral(value: string): string;
  abstract safeTimestamp(expr: string): string;
  abstract safeTimestampFormat(expr: string, format: string): string;
  abstract jsonValue(expr: string, path: string): string;
  abstract regexpContains(expr: string, pattern: string): string;
  abstract regexpExtract(expr: string, pattern: string): string;
  abstract regexpReplace(expr: string, pattern: string, replacement: string): string;
  abstract md5Hex(expr: string): string;
  abstract stripAccents(expr: string): string;
  abstract unixMicros(expr: string): string;
  abstract minusHours(expr: string, hours: number): string;
  abstract currentTimestamp(): string;
  abstract raiseError(message: string): string;
  abstract timeTrunc(expr: string, unit: TimeUnit): string;
  abstract timeAdd(expr: string, count: number, unit: TimeUnit): string;
  abstract timeFormat(expr: string, format: TimeFormat): string;
  abstract containsText(expr: string, part: string): string;
  abstract median(expr: string): string;
  abstract distinctKeyAggregate(fn: 'sum' | 'average', key: string, value: string, where?: string): string;
  abstract boolOr(expr: string): string;
  abstract rowToJson(alias: string): string;
  abstract structOf(fields: [name: string, expr: string][]): string;
  abstract firstBy(value: string, orderBy: string[], where?: string): string;
  abstract firstValues(value: string, orderBy: string, n: number, where?: string): string;
  abstract arrayItem(array: string, index: number): string;
  abstract createTableAs(table: string, select: string, options?: CreateTableOptions): string;

  quoteIdent(name: string): string {
    assertQuotable(name);
    return `${this.identifierQuote}${this.escapeIdent(name)}${this.identifierQuote}`;
  }
  /** The name's characters inside the dialect's identifier quotes. */
  protected abstract escapeIdent(name: string): string;
  tableRef(...parts: string[]): string {
    return parts.map((p) => this.quoteIdent(p)).join('.');
  }
  numberLiteral(value: number): string {
    return assertFiniteNumber(value);
  }
  boolLiteral(value: boolean): string {
    return value ? 'TRUE' : 'FALSE';
  }
  castString(expr: string): string {
    return `CAST(${expr} AS ${this.stringType})`;
  }
  nullOf(type: ColumnType): string {
    const t = { string: this.stringType, int: this.intType, float: this.floatType, bool: this.boolType, timestamp: this.timestampType }[
      type
    ];
    return `CAST(NULL AS ${t})`;
  }
  trim(expr: string): string {
    return `TRIM(${expr})`;
  }
  /** `||` is NULL when any part is NULL on both warehouses (DuckDB's concat() is not). */
  concat(...exprs: string[]): string {
    return `(${exprs.join(' || ')})`;
  }
  secondsBetween(a: string, b: string): string {
    return `((${this.unixMicros(b)} - ${this.unixMicros(a)}) / 1000000.0)`;
  }
  least(...exprs: string[]): string {
    return `LEAST(${exprs.join(', ')})`;
  }
  greatest(...exprs: string[]): string {
    return `GREATEST(${exprs.join(', ')})`;
  }
  castTimestamp(expr: string): string {
    return `CAST(${expr} AS ${this.timestampType})`;
  }
  timeExtract(expr: string, part: TimePart): string {
    return `EXTRACT(${part.toUpperCase()} FROM ${expr})`;
  }
  startsWith(expr: string, prefix: string): string {
    return `STARTS_WITH(${expr}, ${prefix})`;
  }
  endsWith(expr: string, suffix: string): string {
    return `ENDS_WITH(${expr}, ${suffix})`;
  }
  likePattern(expr: string, pattern: string): string {
    return `${expr} LIKE ${pattern} ESCAPE '\\'`;
  }
  countIf(cond: string): string {
    return `COUNT(CASE WHEN ${cond} THEN 1 END)`;
  }
  dropTableIfExists(table: string): string {
    return `DROP TABLE IF EXISTS ${table}`;
  }
}
