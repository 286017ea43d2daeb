/**
 * The raw tables a config reads, on any warehouse: the models' name for each, its table (or file) name, and the
 * logical columns the models expect of it under their physical (mapped) names.
 */
import {
  OFFSITE_COLUMNS,
  SEGMENT_COLUMNS,
  SEGMENT_REQUIRED,
  SNOWPLOW_COLUMNS,
  SNOWPLOW_REQUIRED,
  offsiteRequired,
  type Config,
} from '../config/schema';
import type { RawTable } from './types';

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

const unique = (names: readonly string[]) => [...new Set(names)];

function expected(logical: readonly string[], required: readonly string[], mapping: Record<string, string | undefined>): ExpectedColumn[] {
  return unique(logical).map((name) => ({ logical: name, physical: mapping[name] ?? name, required: required.includes(name) }));
}

/** Every raw table of the config with the columns the models read from it. */
export function rawTableSpecs(config: Config): RawTableSpec[] {
  const specs: RawTableSpec[] = [];
  const source = config.source;
  if (source.type === 'snowplow') {
    // User traits name their columns directly (source.user_traits): expected under those names.
    const traits = Object.values(source.user_traits).flatMap((t) => (t === undefined ? [] : [typeof t === 'string' ? t : t.column]));
    specs.push({
      logical: 'events',
      table: source.tables.events,
      configKey: 'source.columns',
      columns: expected([...SNOWPLOW_COLUMNS, ...traits], SNOWPLOW_REQUIRED, source.columns),
    });
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
      specs.push({
        logical: kind,
        table: source.tables[kind],
        configKey: `source.columns.${kind}`,
        columns: expected(columns, SEGMENT_REQUIRED[kind], source.columns[kind]),
      });
    }
  }
  config.offsite.forEach((o, i) => {
    specs.push({
      logical: `offsite:${o.name}`,
      table: o.table ?? o.name,
      configKey: `offsite[${i}].columns`,
      columns: expected(OFFSITE_COLUMNS, offsiteRequired(o), o.columns),
    });
  });
  return specs;
}

/** The table (or file base) name of a raw table, by the models' name for it. */
export function rawTableName(config: Config, table: RawTable): string {
  const spec = rawTableSpecs(config).find((s) => s.logical === table);
  if (!spec)
    throw new Error(
      `the config reads no raw table '${table}' (tables: ${rawTableSpecs(config)
        .map((s) => s.logical)
        .join(', ')})`,
    );
  return spec.table;
}
