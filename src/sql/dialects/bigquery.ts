import type { CreateTableOptions, Dialect } from '../dialect';
import { assertFiniteNumber, assertQuotable } from './common';

export class BigQueryDialect implements Dialect {
  readonly name = 'bigquery' as const;

  quoteIdent(name: string): string {
    assertQuotable(name);
    return `\`${name}\``;
  }
  tableRef(...parts: string[]): string {
    return parts.map((p) => this.quoteIdent(p)).join('.');
  }
  stringLiteral(value: string): string {
    if (value.includes('\0')) throw new Error('string literal contains a NUL character');
    const escaped = value
      .replace(/\\/g, '\\\\')
      .replace(/'/g, "\\'")
      .replace(/\n/g, '\\n')
      .replace(/\r/g, '\\r');
    return `'${escaped}'`;
  }
  numberLiteral(value: number): string {
    return assertFiniteNumber(value);
  }
  boolLiteral(value: boolean): string {
    return value ? 'TRUE' : 'FALSE';
  }

  stringType = 'STRING';
  intType = 'INT64';
  floatType = 'FLOAT64';
  boolType = 'BOOL';
  timestampType = 'TIMESTAMP';
  castString(expr: string): string {
    return `CAST(${expr} AS STRING)`;
  }
  safeTimestamp(expr: string): string {
    return `SAFE_CAST(${expr} AS TIMESTAMP)`;
  }
  nullOf(type: 'string' | 'int' | 'float' | 'bool' | 'timestamp'): string {
    const t = { string: this.stringType, int: this.intType, float: this.floatType, bool: this.boolType, timestamp: this.timestampType }[type];
    return `CAST(NULL AS ${t})`;
  }

  concat(...exprs: string[]): string {
    return `(${exprs.join(' || ')})`;
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
  secondsBetween(a: string, b: string): string {
    return `((UNIX_MICROS(${b}) - UNIX_MICROS(${a})) / 1000000.0)`;
  }
  lastValueIgnoreNulls(expr: string, windowSpec: string): string {
    return `LAST_VALUE(${expr} IGNORE NULLS) OVER (${windowSpec})`;
  }
  least(...exprs: string[]): string {
    return `LEAST(${exprs.join(', ')})`;
  }
  greatest(...exprs: string[]): string {
    return `GREATEST(${exprs.join(', ')})`;
  }
  boolOr(expr: string): string {
    return `LOGICAL_OR(${expr})`;
  }
  countIf(cond: string): string {
    return `COUNTIF(${cond})`;
  }
  anyValue(expr: string): string {
    return `ANY_VALUE(${expr})`;
  }

  rowToJson(alias: string): string {
    return `TO_JSON_STRING(${alias})`;
  }

  createTableAs(table: string, select: string, options: CreateTableOptions = {}): string {
    const parts = [`CREATE OR REPLACE TABLE ${table}`];
    if (options.partitionByDate) parts.push(`PARTITION BY DATE(${options.partitionByDate})`);
    if (options.clusterBy?.length) parts.push(`CLUSTER BY ${options.clusterBy.join(', ')}`);
    return `${parts.join('\n')}\nAS\n${select}`;
  }
  dropTableIfExists(table: string): string {
    return `DROP TABLE IF EXISTS ${table}`;
  }
}
