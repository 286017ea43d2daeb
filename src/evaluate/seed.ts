/**
 * The seed's SQL (bench/seed-baseline.sql) run on the same loaded raw tables as our pipeline, as the baseline
 * the evaluation and the benchmarks compare against.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Config } from '../config/schema';
import type { RawSources } from '../models/types';

export const SEED_SQL_FILE = path.resolve(__dirname, '../../bench/seed-baseline.sql');
export const SEED_TABLE = 'seed_stitched';

/** Why the seed's SQL cannot run on this config, or null when it can. */
export function seedUnsupported(config: Config): string | null {
  if (config.source.type !== 'segment' && config.source.type !== 'rudderstack')
    return "the seed's SQL reads Segment tables (pages, tracks, identifies), not Snowplow";
  const mapped = Object.values(config.source.columns).some((m) => Object.keys(m).length > 0);
  if (mapped || config.offsite.some((o) => Object.entries(o.columns).some(([k, v]) => v !== undefined && v !== k))) {
    return "the seed's SQL uses Segment's column names; this config maps columns to other names";
  }
  if (config.offsite.length !== 1) return `the seed's SQL matches one offsite source by name; this config has ${config.offsite.length}`;
  return null;
}

/** The seed's SQL with its raw table placeholders replaced by the loaded tables. */
export function seedSql(raw: RawSources, config: Config): string {
  const refs: Record<string, string> = {
    pages: raw.ref('pages'),
    tracks: raw.ref('tracks'),
    identifies: raw.ref('identifies'),
    offsite: raw.ref(`offsite:${config.offsite[0].name}`),
  };
  return readFileSync(SEED_SQL_FILE, 'utf8').replace(/\{\{(\w+)\}\}/g, (whole, name: string) => {
    const ref = refs[name];
    if (ref === undefined) throw new Error(`${SEED_SQL_FILE}: unknown placeholder ${whole}`);
    return ref;
  });
}

/** Runs the seed's SQL; returns the milliseconds it took. */
export async function runSeedBaseline(conn: DuckDBConnection, raw: RawSources, config: Config): Promise<number> {
  const why = seedUnsupported(config);
  if (why) throw new Error(`cannot run the seed baseline: ${why}`);
  const sql = seedSql(raw, config);
  const started = performance.now();
  await conn.run(sql);
  return performance.now() - started;
}

/** The seed's output as predictions: inferred = name-matched, confirmed = reached a user id, else anonymous. */
export const SEED_PREDICTIONS = `SELECT event_id, blended_user_id AS person_id,
  CASE WHEN is_inferred_identity THEN 'inferred' WHEN is_known THEN 'confirmed' ELSE 'anonymous' END AS category,
  is_known AS known, CAST(NULL AS DOUBLE) AS probability
FROM ${SEED_TABLE}`;
