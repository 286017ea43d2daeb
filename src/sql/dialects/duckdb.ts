import type { CreateTableOptions, Dialect } from '../dialect';
import { assertFiniteNumber, assertQuotable } from './common';

export class DuckDBDialect implements Dialect {
  readonly name = 'duckdb' as const;

  quoteIdent(name: string): string {
    assertQuotable(name);
    return `"${name}"`;
  }
  tableRef(...parts: string[]): string {
    return parts.map((p) => this.quoteIdent(p)).join('.');
  }
  stringLiteral(value: string): string {
    if (value.includes('\0')) throw new Error('string literal contains a NUL character');
    // Standard SQL strings: no backslash escapes, quotes doubled.
    return `'${value.replace(/'/g, "''")}'`;
  }
  numberLiteral(value: number): string {
    return assertFiniteNumber(value);
  }
  boolLiteral(value: boolean): string {
    return value ? 'TRUE' : 'FALSE';
  }

  stringType = 'VARCHAR';
  intType = 'BIGINT';
  floatType = 'DOUBLE';
  boolType = 'BOOLEAN';
  timestampType = 'TIMESTAMP';
  castString(expr: string): string {
    return `CAST(${expr} AS VARCHAR)`;
  }
  safeTimestamp(expr: string): string {
    // Parse offsets ("Z", "+02:00") and express the instant as a UTC wall-clock TIMESTAMP, whatever the session zone.
    return `timezone('UTC', TRY_CAST(${expr} AS TIMESTAMPTZ))`;
  }
  nullOf(type: 'string' | 'int' | 'float' | 'bool' | 'timestamp'): string {
    const t = { string: this.stringType, int: this.intType, float: this.floatType, bool: this.boolType, timestamp: this.timestampType }[type];
    return `CAST(NULL AS ${t})`;
  }

  concat(...exprs: string[]): string {
    return `(${exprs.join(' || ')})`;
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
  secondsBetween(a: string, b: string): string {
    return `((epoch_us(${b}) - epoch_us(${a})) / 1000000.0)`;
  }
  lastValueIgnoreNulls(expr: string, windowSpec: string): string {
    return `last_value(${expr} IGNORE NULLS) OVER (${windowSpec})`;
  }
  least(...exprs: string[]): string {
    return `least(${exprs.join(', ')})`;
  }
  greatest(...exprs: string[]): string {
    return `greatest(${exprs.join(', ')})`;
  }
  boolOr(expr: string): string {
    return `bool_or(${expr})`;
  }
  countIf(cond: string): string {
    return `COUNT(CASE WHEN ${cond} THEN 1 END)`;
  }
  anyValue(expr: string): string {
    return `any_value(${expr})`;
  }

  rowToJson(alias: string): string {
    return `CAST(to_json(${alias}) AS VARCHAR)`;
  }

  createTableAs(table: string, select: string, _options?: CreateTableOptions): string {
    // DuckDB has no partitions or clustering; row groups are ordered by insertion.
    return `CREATE OR REPLACE TABLE ${table} AS\n${select}`;
  }
  dropTableIfExists(table: string): string {
    return `DROP TABLE IF EXISTS ${table}`;
  }
}
