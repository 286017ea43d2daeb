/**
 * Where a BigQuery config's raw tables live, and RawSources for the models built from what INFORMATION_SCHEMA says
 * (the tables and columns expected of any warehouse are in src/models/raw-tables.ts).
 */
import type { Config } from '../../config/schema';
import { rawTableSpecs } from '../../models/raw-tables';
import { rawTimestampColumn } from '../../models/incremental';
import type { PartitionColumn, RawSources, RawTable } from '../../models/types';
import type { ColumnInfo } from './client';
import { dialects } from '../../sql/dialects';
import { JourneyStitchError } from '../../contract/errors';

const bq = dialects.bigquery;

/** The pseudo column of an ingestion-time partitioned table (Segment's warehouse tables): each row's load time. */
export const LOAD_TIME_PSEUDO_COLUMN = '_PARTITIONTIME';

const DAY_TYPES = new Set(['TIMESTAMP', 'DATE', 'DATETIME']);

/**
 * The column a raw table is partitioned on, from its INFORMATION_SCHEMA rows, when it is a time other than
 * `eventTime` (the column staging reads the event's time from, which prunes by itself). An ingestion-time
 * partitioned table lists _PARTITIONTIME (and _PARTITIONDATE) as pseudo columns; integer ranges are no time.
 */
export function partitionColumnOf(columns: readonly ColumnInfo[], eventTime: string): PartitionColumn | undefined {
  const partitioning = columns.filter((c) => c.partitioning);
  const pseudo = partitioning.find((c) => c.column.toUpperCase() === LOAD_TIME_PSEUDO_COLUMN);
  if (pseudo) return { name: LOAD_TIME_PSEUDO_COLUMN, type: 'TIMESTAMP', pseudo: true };
  const column = partitioning.find((c) => DAY_TYPES.has(c.dataType));
  if (!column || column.column === eventTime) return undefined;
  return { name: column.column, type: column.dataType as PartitionColumn['type'] };
}

export interface BigQueryLocation {
  project: string;
  dataset: string;
  outputDataset: string;
}

export function bigQueryLocation(config: Config): BigQueryLocation {
  if (config.warehouse !== 'bigquery' || !config.project || !config.dataset) {
    throw new Error('this needs warehouse: bigquery with project and dataset set in the config');
  }
  return { project: config.project, dataset: config.dataset, outputDataset: config.output.dataset };
}

/** INFORMATION_SCHEMA rows grouped by table name. */
export function columnsByTable(columns: ColumnInfo[]): Map<string, ColumnInfo[]> {
  const byTable = new Map<string, ColumnInfo[]>();
  for (const c of columns) byTable.set(c.table, [...(byTable.get(c.table) ?? []), c]);
  return byTable;
}

/**
 * RawSources over the raw dataset. With `columns` (from INFORMATION_SCHEMA) the models see the columns that
 * really exist: missing optional ones become NULL, missing required ones raise a SourceColumnError.
 */
export function bigQueryRawSources(config: Config, columns?: ColumnInfo[]): RawSources {
  const { project, dataset } = bigQueryLocation(config);
  const specs = new Map(rawTableSpecs(config).map((s) => [s.logical, s]));
  const present = columns && columnsByTable(columns);
  const spec = (table: RawTable) => {
    const s = specs.get(table);
    if (!s) throw new Error(`unknown raw table '${table}'`);
    return s;
  };
  return {
    ref: (table) => bq.tableRef(project, dataset, spec(table).table),
    columns: (table) => {
      if (!present) return undefined;
      const name = spec(table).table;
      const found = present.get(name);
      if (!found) {
        throw new JourneyStitchError(
          `raw table ${project}.${dataset}.${name} does not exist (needed for '${table}'); ` +
            `run 'journey-stitch introspect' to see the tables and columns the config expects`,
        );
      }
      return new Set(found.map((c) => c.column));
    },
    isTimestamp: (table, column) =>
      present?.get(spec(table).table)?.some((c) => c.column === column && c.dataType === 'TIMESTAMP') ?? false,
    partitionColumn: (table) => partitionColumnOf(present?.get(spec(table).table) ?? [], rawTimestampColumn(config, table)),
  };
}
