import type { Dialect, WarehouseName } from '../dialect';
import { BigQueryDialect } from './bigquery';
import { DuckDBDialect } from './duckdb';

const DIALECTS: Record<WarehouseName, () => Dialect> = {
  duckdb: () => new DuckDBDialect(),
  bigquery: () => new BigQueryDialect(),
};

export function getDialect(name: WarehouseName): Dialect {
  const make = DIALECTS[name];
  if (!make) throw new Error(`unknown warehouse '${name}': use one of ${Object.keys(DIALECTS).join(', ')}`);
  return make();
}

export { BigQueryDialect, DuckDBDialect };
