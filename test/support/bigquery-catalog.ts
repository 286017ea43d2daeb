/**
 * The ZetaSQL catalog a BigQuery deployment of journey-stitch sees: the raw source tables of a config (with
 * its column mapping applied) and the output contract tables, as `project.dataset.table` with BigQuery types.
 */
import { outputTables, type ColumnType } from '../../src/contract/tables';
import { OFFSITE_COLUMNS, SEGMENT_COLUMNS, SNOWPLOW_COLUMNS, type Config, type ConfigInput } from '../../src/config/schema';
import { STATE_TABLES } from '../../src/models/incremental';
import type { BigQueryType, CatalogColumn, CatalogTable } from './zetasql';

const CONTRACT_TYPES: Record<ColumnType, BigQueryType> = {
  string: 'STRING',
  int: 'INT64',
  float: 'FLOAT64',
  bool: 'BOOL',
  timestamp: 'TIMESTAMP',
};

/** Logical timestamp columns of the raw sources (as loaded by Segment, Snowplow and offsite exports); all else is STRING. */
const TIMESTAMP_COLUMNS = new Set(['timestamp', 'derived_tstamp']);

const rawColumns = (logical: readonly string[], mapping: Record<string, string | undefined> = {}): CatalogColumn[] =>
  logical.map((name) => ({ name: mapping[name] ?? name, type: TIMESTAMP_COLUMNS.has(name) ? 'TIMESTAMP' : 'STRING' }));

function requireBigQuery(config: Config): { project: string; dataset: string } {
  if (!config.project || !config.dataset) throw new Error('bigQueryCatalog needs a config with warehouse: bigquery, project and dataset');
  return { project: config.project, dataset: config.dataset };
}

/** What an ingestion-time partitioned table (Segment's warehouse tables) has besides its columns. */
const LOAD_TIME_PSEUDO_COLUMNS: CatalogColumn[] = [
  { name: '_PARTITIONTIME', type: 'TIMESTAMP', pseudo: true },
  { name: '_PARTITIONDATE', type: 'DATE', pseudo: true },
];

/**
 * The raw tables the config reads, with every logical column under its physical (mapped) name; `loadTime`: as
 * ingestion-time partitioned tables, with their pseudo columns.
 */
export function rawSourceTables(config: Config, { loadTime = false } = {}): CatalogTable[] {
  const { project, dataset } = requireBigQuery(config);
  const at = (table: string) => [project, dataset, table];
  const tables: CatalogTable[] = [];
  const source = config.source;
  if (source.type === 'snowplow') {
    // User-trait columns as STRING (a JSON context column held as JSON text).
    const traits = Object.values(source.user_traits).flatMap((t) => (t === undefined ? [] : [typeof t === 'string' ? t : t.column]));
    tables.push({ path: at(source.tables.events), columns: rawColumns([...SNOWPLOW_COLUMNS, ...traits], source.columns) });
  } else {
    const crmColumns = config.identity.crm_ids.map((c) => c.column);
    const segment = {
      pages: SEGMENT_COLUMNS.common,
      tracks: [...SEGMENT_COLUMNS.common, ...SEGMENT_COLUMNS.tracks],
      identifies: [...SEGMENT_COLUMNS.common, ...SEGMENT_COLUMNS.identifies, ...crmColumns],
    };
    for (const table of ['pages', 'tracks', 'identifies'] as const) {
      tables.push({ path: at(source.tables[table]), columns: rawColumns(segment[table], source.columns[table]) });
    }
  }
  for (const o of config.offsite) {
    tables.push({ path: at(o.table ?? o.name), columns: rawColumns(OFFSITE_COLUMNS, o.columns) });
  }
  return loadTime ? tables.map((t) => ({ ...t, columns: [...t.columns, ...LOAD_TIME_PSEUDO_COLUMNS] })) : tables;
}

/** The output contract tables in `project.output.dataset`. */
export function outputCatalogTables(config: Config): CatalogTable[] {
  const { project } = requireBigQuery(config);
  return outputTables(config.journeys.steps).map((t) => ({
    path: [project, config.output.dataset, t.name],
    columns: t.columns.map((c) => ({ name: c.name, type: CONTRACT_TYPES[c.type] })),
  }));
}

/** `project.dataset.INFORMATION_SCHEMA.COLUMNS` (the columns introspection reads) for the given datasets. */
export function informationSchemaColumns(project: string, ...datasets: string[]): CatalogTable[] {
  const columns: CatalogColumn[] = [
    { name: 'table_catalog', type: 'STRING' },
    { name: 'table_schema', type: 'STRING' },
    { name: 'table_name', type: 'STRING' },
    { name: 'column_name', type: 'STRING' },
    { name: 'ordinal_position', type: 'INT64' },
    { name: 'is_nullable', type: 'STRING' },
    { name: 'data_type', type: 'STRING' },
    { name: 'is_partitioning_column', type: 'STRING' },
    { name: 'clustering_ordinal_position', type: 'INT64' },
  ];
  return datasets.map((dataset) => ({ path: [project, dataset, 'INFORMATION_SCHEMA', 'COLUMNS'], columns }));
}

/** `dataset.__TABLES__`, BigQuery's legacy table metadata (the refresh triggers read last_modified_time), per dataset path. */
export function tablesMetadata(...datasets: string[][]): CatalogTable[] {
  const columns: CatalogColumn[] = [
    { name: 'project_id', type: 'STRING' },
    { name: 'dataset_id', type: 'STRING' },
    { name: 'table_id', type: 'STRING' },
    { name: 'creation_time', type: 'INT64' },
    { name: 'last_modified_time', type: 'INT64' },
    { name: 'row_count', type: 'INT64' },
    { name: 'size_bytes', type: 'INT64' },
    { name: 'type', type: 'INT64' },
  ];
  return datasets.map((dataset) => ({ path: [...dataset, '__TABLES__'], columns }));
}

/** Everything a BigQuery run of `config` can reference: raw tables, output tables, INFORMATION_SCHEMA. */
export function bigQueryCatalog(config: Config): CatalogTable[] {
  const { project, dataset } = requireBigQuery(config);
  const datasets = dataset === config.output.dataset ? [dataset] : [dataset, config.output.dataset];
  return [...rawSourceTables(config), ...outputCatalogTables(config), ...informationSchemaColumns(project, ...datasets)];
}

/** The smallest BigQuery config the SQL tests start from (Segment + a LinkedIn export in acme-analytics.segment_raw). */
export const BIGQUERY_TEST_CONFIG: ConfigInput = {
  warehouse: 'bigquery',
  project: 'acme-analytics',
  dataset: 'segment_raw',
  source: { type: 'segment' },
  offsite: [{ name: 'linkedin', label: 'LinkedIn' }],
};

/**
 * journey_stitch_runs as the incremental state creates it: a CREATE TABLE with a column list, which the harness
 * does not learn tables from (only CREATE … AS SELECT).
 */
export function runsCatalogTable(project: string, dataset: string): CatalogTable {
  return {
    path: [project, dataset, STATE_TABLES.runs],
    columns: [
      { name: 'run_id', type: 'STRING' },
      { name: 'mode', type: 'STRING' },
      { name: 'refreshed_at', type: 'TIMESTAMP' },
      { name: 'watermark', type: 'TIMESTAMP' },
      { name: 'cutoff', type: 'TIMESTAMP' },
      { name: 'config_hash', type: 'STRING' },
      { name: 'new_events', type: 'INT64' },
      { name: 'affected_persons', type: 'INT64' },
      { name: 'rows_rewritten', type: 'INT64' },
      { name: 'next_cutoff', type: 'TIMESTAMP' },
      { name: 'rows_before_next_cutoff', type: 'INT64' },
      { name: 'late_rows', type: 'INT64' },
    ],
  };
}
