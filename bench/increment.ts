/**
 * How the benchmarks cut a sample into "before" and "the increment": shared by bench/incremental.ts (time) and
 * bench/measure.ts (BigQuery bytes), so that both measure the same increment.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Config } from '../src/config/schema';
import { rawTimestampColumn } from '../src/models/incremental';
import type { RawSources, RawTable } from '../src/models';
import { DuckDBDialect } from '../src/sql/dialects/duckdb';

const duck = new DuckDBDialect();

export const rawTables = (config: Config): RawTable[] => [
  ...(config.source.type === 'snowplow' ? ['events'] : ['pages', 'tracks', 'identifies']),
  ...config.offsite.map((o) => `offsite:${o.name}`),
];

/** Every raw row's event time, as one query (`ts`; NULL where it does not parse). */
export function rawTimes(config: Config, raw: RawSources): string {
  return rawTables(config)
    .map((t) => `SELECT ${duck.safeTimestamp(duck.quoteIdent(rawTimestampColumn(config, t)))} AS ts FROM ${raw.ref(t)}`)
    .join(' UNION ALL ');
}

/** The time after which `share` of the raw rows arrive ('YYYY-MM-DD HH:MM:SS'). */
export async function shareCut(conn: DuckDBConnection, config: Config, raw: RawSources, share: number): Promise<string> {
  const sql = `SELECT strftime(quantile_disc(ts, ${1 - share}), '%Y-%m-%d %H:%M:%S') FROM (${rawTimes(config, raw)}) WHERE ts IS NOT NULL`;
  return String((await conn.runAndReadAll(sql)).getRows()[0][0]);
}

/** The raw tables narrowed to rows before `until` (rows without a readable timestamp arrive with the increment). */
export function rawBefore(config: Config, raw: RawSources, until: string): RawSources {
  return {
    columns: (t) => raw.columns(t),
    ref: (t) => {
      const ts = duck.safeTimestamp(`r.${duck.quoteIdent(rawTimestampColumn(config, t))}`);
      return `(SELECT * FROM ${raw.ref(t)} AS r WHERE ${ts} < CAST(${duck.stringLiteral(until)} AS TIMESTAMP))`;
    },
  };
}
