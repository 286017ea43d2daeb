/** The logical raw tables a config reads (see RawSources in src/models/types.ts) and their physical names. */
import type { Config } from './schema';

/** 'pages' | 'tracks' | 'identifies' (Segment, RudderStack), 'events' (Snowplow), then 'offsite:<name>' per offsite source. */
export function rawTableNames(config: Config): string[] {
  const firstParty = config.source.type === 'snowplow' ? ['events'] : ['pages', 'tracks', 'identifies'];
  return [...firstParty, ...config.offsite.map((o) => `offsite:${o.name}`)];
}

/** Table name (warehouse) or file base name (duckdb files) of a logical raw table. */
export function physicalTableName(config: Config, table: string): string {
  if (table.startsWith('offsite:')) {
    const o = config.offsite.find((x) => `offsite:${x.name}` === table);
    if (!o) throw new Error(`no offsite source named '${table.slice('offsite:'.length)}' in the config`);
    return o.table ?? o.name;
  }
  const tables = config.source.tables as Record<string, string>;
  if (!(table in tables)) throw new Error(`the ${config.source.type} source has no table '${table}'`);
  return tables[table];
}
