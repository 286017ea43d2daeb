/** The registry of warehouses, beside the registry of their dialects (src/sql/dialects). */
import type { WarehouseName } from '../sql/dialect';
import type { BigQueryClient } from './bigquery/client';
import { bigQueryWarehouse } from './bigquery/warehouse';
import { duckdbWarehouse } from './duckdb/warehouse';
import type { Warehouse } from './warehouse';

/** What a warehouse may be given instead of connecting itself (tests pass fakes). */
export interface WarehouseClients {
  bigquery?: BigQueryClient;
}

const factories: Record<WarehouseName, (clients: WarehouseClients) => Warehouse> = {
  duckdb: () => duckdbWarehouse,
  bigquery: (clients) => bigQueryWarehouse(clients.bigquery),
};

/** The warehouse a config names (or `journey-stitch sql --warehouse` asks for). */
export function getWarehouse(name: WarehouseName, clients: WarehouseClients = {}): Warehouse {
  const factory = (factories as Record<string, (clients: WarehouseClients) => Warehouse>)[name];
  if (!factory) throw new Error(`unknown warehouse '${name}': use one of ${Object.keys(factories).join(', ')}`);
  return factory(clients);
}

export type { OfflineTarget, SourceReport, StitchOption, StitchOutcome, StitchRequest, Warehouse } from './warehouse';
