/**
 * The raw tables a BigQuery config reads: where each lives, which logical columns the models expect of it
 * (and under which physical names), and RawSources for the models built from what INFORMATION_SCHEMA says.
 */
import {
  OFFSITE_COLUMNS,
  OFFSITE_REQUIRED,
  SEGMENT_COLUMNS,
  SEGMENT_REQUIRED,
  SNOWPLOW_COLUMNS,
  SNOWPLOW_REQUIRED,
  type Config,
} from '../../config/schema';
import type { RawSources, RawTable } from '../../models/types';
import { BigQueryDialect } from '../../sql/dialects/bigquery';
import type { ColumnInfo } from './client';

const bq = new BigQueryDialect();

export interface ExpectedColumn {
  logical: string;
  /** The column name in the warehouse (the config's mapping, else the logical name). */
  physical: string;
  required: boolean;
}

export interface RawTableSpec {
  /** The models' name for it: pages, tracks, identifies, events, offsite:<name>. */
  logical: RawTable;
  /** Table name in the raw dataset. */
  table: string;
  /** Where the mapping for its columns goes in the config, e.g. source.columns.pages or offsite[0].columns. */
  configKey: string;
  columns: ExpectedColumn[];
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

const unique = (names: readonly string[]) => [...new Set(names)];

function expected(logical: readonly string[], required: readonly string[], mapping: Record<string, string | undefined>): ExpectedColumn[] {
  return unique(logical).map((name) => ({ logical: name, physical: mapping[name] ?? name, required: required.includes(name) }));
}

/** Every raw table of the config with the columns the models read from it. */
export function rawTableSpecs(config: Config): RawTableSpec[] {
  const specs: RawTableSpec[] = [];
  const source = config.source;
  if (source.type === 'snowplow') {
    specs.push({ logical: 'events', table: source.tables.events, configKey: 'source.columns', columns: expected(SNOWPLOW_COLUMNS, SNOWPLOW_REQUIRED, source.columns) });
  } else {
    const carried = config.identity.carried_anonymous_id_column;
    const crm = config.identity.crm_ids.map((c) => c.column);
    const logical = {
      pages: [...SEGMENT_COLUMNS.common],
      tracks: [...SEGMENT_COLUMNS.common, ...SEGMENT_COLUMNS.tracks],
      identifies: [...SEGMENT_COLUMNS.common, ...SEGMENT_COLUMNS.identifies, ...crm],
    };
    for (const kind of ['pages', 'tracks', 'identifies'] as const) {
      const columns = carried ? [...logical[kind], carried] : logical[kind];
      specs.push({ logical: kind, table: source.tables[kind], configKey: `source.columns.${kind}`, columns: expected(columns, SEGMENT_REQUIRED[kind], source.columns[kind]) });
    }
  }
  config.offsite.forEach((o, i) => {
    specs.push({ logical: `offsite:${o.name}`, table: o.table ?? o.name, configKey: `offsite[${i}].columns`, columns: expected(OFFSITE_COLUMNS, OFFSITE_REQUIRED, o.columns) });
  });
  return specs;
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
        throw new Error(
          `raw table ${project}.${dataset}.${name} does not exist (needed for '${table}'); ` +
            `run 'journey-stitch introspect' to see the tables and columns the config expects`,
        );
      }
      return new Set(found.map((c) => c.column));
    },
  };
}
