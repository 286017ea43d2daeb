/**
 * The one registry of dialects: a stateless instance per warehouse, shared by every module (lint forbids
 * constructing them elsewhere), and the lookup by a config's warehouse name.
 */
import type { Dialect, WarehouseName } from '../dialect';
import { BigQueryDialect } from './bigquery';
import { DuckDBDialect } from './duckdb';

export const dialects = {
  duckdb: new DuckDBDialect(),
  bigquery: new BigQueryDialect(),
} as const satisfies Record<WarehouseName, Dialect>;

export function getDialect(name: WarehouseName): Dialect {
  const dialect = (dialects as Record<string, Dialect>)[name];
  if (!dialect) throw new Error(`unknown warehouse '${name}': use one of ${Object.keys(dialects).join(', ')}`);
  return dialect;
}

export { BigQueryDialect, DuckDBDialect };
