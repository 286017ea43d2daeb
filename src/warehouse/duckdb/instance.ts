/**
 * The embedded DuckDB a run uses, opened with the resources of the config's `duckdb:` section. They are instance
 * options, not SQL: nothing from the config is pasted into a statement (and the schema validated them).
 */
import { DuckDBInstance } from '@duckdb/node-api';
import type { Config } from '../../config/schema';
import { JourneyStitchError } from '../../contract/errors';
import { messageOf } from './run';

export function duckdbOptions(config: Config): Record<string, string> {
  const { memory_limit, threads } = config.duckdb;
  return { ...(memory_limit !== undefined && { memory_limit }), ...(threads !== undefined && { threads: String(threads) }) };
}

/** `file` (a database path, or ':memory:') opened with the config's memory limit and threads. */
export function openDuckDB(file: string, config: Config): Promise<DuckDBInstance> {
  return DuckDBInstance.create(file, duckdbOptions(config));
}

/** A failure to rethrow: DuckDB's out-of-memory error gets the config key to change (its own hint names a SQL setting). */
export function withMemoryHint(config: Config, err: unknown): unknown {
  const message = messageOf(err);
  if (!/Out of Memory Error/i.test(message)) return err;
  const hint =
    config.duckdb.memory_limit !== undefined
      ? `raise duckdb.memory_limit in the config (now '${config.duckdb.memory_limit}'), or leave it out for DuckDB's default of 80% of RAM`
      : 'free memory on this machine, or lower duckdb.threads in the config';
  return new JourneyStitchError(`${message}\n${hint}`, { cause: err });
}
