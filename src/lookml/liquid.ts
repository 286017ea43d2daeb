/**
 * SQL that differs between BigQuery (Looker) and DuckDB (the local preview), written once with Looker's
 * Liquid dialect switch. The preview renders `_dialect._name` as `duckdb`. Keep these few: everything
 * else in the generated LookML is written in SQL both warehouses accept.
 */

import { dialects } from '../sql/dialects';

export const BIGQUERY_DIALECT_NAME = dialects.bigquery.lookerName;

export function dialectSwitch(bigquery: string, other: string): string {
  return `{% if _dialect._name == '${BIGQUERY_DIALECT_NAME}' %}${bigquery}{% else %}${other}{% endif %}`;
}

/** Lower-case hex md5 of a string expression. */
export const md5Hex = (expr: string) => dialectSwitch(`TO_HEX(MD5(${expr}))`, `md5(${expr})`);

/** The seed's obfuscated IPv4 address `a.***.***.d`; NULL for anything that is not dotted-quad shaped. */
export const obfuscatedIp = (expr: string) =>
  `CASE WHEN ${expr} LIKE '%.%.%.%' THEN ` +
  dialectSwitch(
    `SPLIT(${expr}, '.')[SAFE_OFFSET(0)] || '.***.***.' || SPLIT(${expr}, '.')[SAFE_OFFSET(3)]`,
    `split_part(${expr}, '.', 1) || '.***.***.' || split_part(${expr}, '.', 4)`,
  ) +
  ' END';

const { bigquery, duckdb } = dialects;

/** Seconds from timestamp a to b, as each dialect writes it. */
export const secondsBetween = (a: string, b: string) => dialectSwitch(bigquery.secondsBetween(a, b), duckdb.secondsBetween(a, b));
