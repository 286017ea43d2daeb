/**
 * One stitch at a time per output dataset. Runs use fixed table names there (js_* scratch tables, the js_next_*
 * staged outputs, the incremental state), so two runs that overlap would build over each other's tables and could
 * publish a mix of both. A run holds the lock table js_run_lock while it runs: it takes it with a plain CREATE TABLE,
 * which BigQuery refuses (reason duplicate) while the table exists, and drops it at the end, failed or not. A second
 * run is refused before it sends anything else, with the holder's run id, host, pid and start time.
 *
 * No stale-lock rule: a run stopped before its end (Ctrl-C, a killed process or machine) leaves the table behind,
 * and its last job may still be running in BigQuery. Neither the time (a long run) nor the pid (another container
 * on the same host name) tells safely that it is over, so the error says how to drop the table once it is.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { BigQueryJobError, type BigQueryClient } from './client';
import { dialects } from '../../sql/dialects';
import { JourneyStitchError } from '../../contract/errors';

const bq = dialects.bigquery;

export const LOCK_TABLE = 'js_run_lock';

export interface RunLock {
  /** SQL reference of the lock table. */
  ref: string;
  /** project.dataset.table, for messages. */
  name: string;
}

/** Who holds the lock: its one row. started_at is ISO text, so every client reads it back the same. */
export interface LockHolder {
  run_id: string;
  host: string;
  pid: number;
  started_at: string;
}

export function runLock(project: string, dataset: string): RunLock {
  return { ref: bq.tableRef(project, dataset, LOCK_TABLE), name: `${project}.${dataset}.${LOCK_TABLE}` };
}

/** This process as a lock holder. */
export function thisRun(now: Date = new Date()): LockHolder {
  return { run_id: randomUUID(), host: hostname(), pid: process.pid, started_at: now.toISOString() };
}

/**
 * Takes the lock with the holder's columns given as SQL, or fails with reason duplicate when another run holds it
 * (no OR REPLACE, no IF NOT EXISTS). The one writer of the lock's row, which holderSql reads back.
 */
function createLockSql(lock: RunLock, holder: Record<keyof LockHolder, string>): string {
  return `CREATE TABLE ${lock.ref} AS SELECT ${holder.run_id} AS run_id, ${holder.host} AS host, ${holder.pid} AS pid, ${holder.started_at} AS started_at`;
}

/** Takes the lock for this process. */
export function acquireSql(lock: RunLock, holder: LockHolder): string {
  const s = (v: string) => bq.stringLiteral(v);
  return createLockSql(lock, {
    run_id: s(holder.run_id),
    host: s(holder.host),
    pid: bq.numberLiteral(holder.pid),
    started_at: s(holder.started_at),
  });
}

export const holderSql = (lock: RunLock): string => `SELECT run_id, host, pid, started_at FROM ${lock.ref}`;

const dropSql = (lock: RunLock): string => `DROP TABLE ${lock.ref}`;

/**
 * The lock as a BigQuery script (`journey-stitch sql`, run as a scheduled query) takes and releases it: the same
 * table, its holder named by the script's job (run id and start time from BigQuery; no host or pid).
 */
export function scriptLock(lock: RunLock): { take: string; release: string; note: string } {
  return {
    take: createLockSql(lock, {
      run_id: 'GENERATE_UUID()',
      host: bq.stringLiteral('a BigQuery script (journey-stitch sql)'),
      pid: '0',
      started_at: "FORMAT_TIMESTAMP('%FT%H:%M:%E3SZ', CURRENT_TIMESTAMP())",
    }),
    release: `DROP TABLE IF EXISTS ${lock.ref}`,
    note: `One stitch at a time per output dataset: this script holds ${lock.name} while it runs (it stops if another run holds it).`,
  };
}

const holderText = (h: LockHolder): string => `run ${h.run_id} on host ${h.host} (pid ${h.pid}), started ${h.started_at}`;

/** The refusal: which table, who holds it since when, and what to do. */
export function lockHeldMessage(lock: RunLock, holder: LockHolder | undefined): string {
  const who = holder ? holderText(holder) : 'a run whose details could not be read';
  return (
    `another journey-stitch run holds ${lock.name}: ${who}. Runs share their tables in this dataset, so only one may run at a time. ` +
    `Wait for it to end; if it is no longer running (stopped, killed, or its machine gone) and none of its BigQuery jobs is, ` +
    `drop the lock: DROP TABLE ${lock.ref}`
  );
}

const isReason = (err: unknown, reason: string) => err instanceof BigQueryJobError && err.reason === reason;

/** The holder's row, or undefined when the table is gone (or has no row). */
async function readHolder(client: BigQueryClient, lock: RunLock): Promise<LockHolder | undefined> {
  try {
    const [row] = (await client.query(holderSql(lock))).rows;
    return row && { run_id: String(row.run_id), host: String(row.host), pid: Number(row.pid), started_at: String(row.started_at) };
  } catch (err) {
    if (isReason(err, 'notFound')) return undefined;
    throw err;
  }
}

async function acquire(client: BigQueryClient, lock: RunLock, holder: LockHolder): Promise<void> {
  try {
    await client.query(acquireSql(lock, holder));
  } catch (err) {
    if (!isReason(err, 'duplicate')) throw err;
    // The refusal matters, not a failure to read who holds the lock.
    throw new JourneyStitchError(lockHeldMessage(lock, await readHolder(client, lock).catch(() => undefined)));
  }
}

/** Drops the lock only if it is still this run's: one dropped by hand while it ran may now be another run's. */
async function release(client: BigQueryClient, lock: RunLock, holder: LockHolder): Promise<void> {
  const now = await readHolder(client, lock);
  if (now?.run_id !== holder.run_id) {
    throw new JourneyStitchError(
      `${lock.name}: this run's lock (run ${holder.run_id}) was dropped while it ran${now ? `, and ${holderText(now)} holds it now` : ''}: ` +
        `another run may have used the same tables at the same time; once no run is going, run a full stitch`,
    );
  }
  try {
    await client.query(dropSql(lock));
  } catch (err) {
    throw new JourneyStitchError(
      `${lock.name}: the run ended but its lock could not be dropped (${(err as Error).message}); drop it: DROP TABLE ${lock.ref}`,
      { cause: err },
    );
  }
}

/** Run `work` holding the lock; it is released after a failure too, and the run's own error is the one thrown. */
export async function withRunLock<T>(
  client: BigQueryClient,
  lock: RunLock,
  work: () => Promise<T>,
  holder: LockHolder = thisRun(),
): Promise<T> {
  await acquire(client, lock, holder);
  let result: T;
  try {
    result = await work();
  } catch (err) {
    // A lock that cannot be released now names itself to the next run.
    await release(client, lock, holder).catch(() => undefined);
    throw err;
  }
  await release(client, lock, holder);
  return result;
}
