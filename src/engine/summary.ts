/** What a DuckDB stitch run reports: a progress line per model, then a summary of what came in and out. */
import path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { IDENTITY_STATUSES, REJECTS_TABLE } from '../contract/tables';
import { DuckDBDialect } from '../sql/dialects/duckdb';
import type { LoadedSources, LoadedTable } from './load';
import type { RunReport, StepReport } from './run';

const duck = new DuckDBDialect();

export interface StitchSummary {
  /** Rows read from every source file, readable or not. */
  eventsIn: number;
  duplicatesRemoved: number;
  /** Rows incremental runs since the last full one did not read (they arrived late: RunRow.late_rows). */
  lateRows: number;
  eventsOut: number;
  persons: number;
  /** Events per identity status (confirmed, inferred, anonymous, unmatched). */
  eventsByStatus: Record<string, number>;
  /** Rejected rows by reason ("on line N" left out). */
  rejectedByReason: Record<string, number>;
  /** Label-propagation iterations per loop. */
  iterations: Record<string, number>;
}

const fmt = (n: number) => n.toLocaleString('en-US');

/** What was read from one source file. */
export function loadLine(t: LoadedTable): string {
  return `read ${path.basename(t.file)}: ${fmt(t.rows)} rows${t.rejected ? `, ${fmt(t.rejected)} unreadable line(s) kept in ${REJECTS_TABLE}` : ''} (${Math.round(t.ms)} ms)`;
}

/** One model: name, rows written (or loop iterations), time. */
export function progressLine(step: StepReport): string {
  const what = step.kind === 'loop' ? `${step.iterations} iteration(s)` : step.rows !== undefined ? `${fmt(step.rows)} rows` : '';
  return `  ${step.name.padEnd(28)} ${what.padStart(16)} ${`${Math.round(step.ms)} ms`.padStart(9)}`;
}

async function countRows(conn: DuckDBConnection, sql: string): Promise<Array<[string, number]>> {
  return (await conn.runAndReadAll(sql)).getRows().map(([k, n]) => [String(k), Number(n)]);
}

export async function collectSummary(conn: DuckDBConnection, loaded: LoadedSources, run: RunReport, lateRows = 0): Promise<StitchSummary> {
  const one = async (sql: string) => (await countRows(conn, `SELECT 'n', (${sql})`))[0][1];
  const eventsIn = loaded.tables.reduce((n, t) => n + t.rows + t.rejected, 0);
  const eventsOut = await one(`SELECT count(*) FROM ${duck.quoteIdent('stitched_events')}`);
  const rejectedByReason = Object.fromEntries(
    await countRows(conn, `SELECT regexp_replace(reason, ' on line \\d+.*$', ''), count(*) FROM ${duck.quoteIdent(REJECTS_TABLE)} GROUP BY 1 ORDER BY 2 DESC, 1`),
  );
  const rejected = Object.values(rejectedByReason).reduce((a, b) => a + b, 0);
  const byStatus = Object.fromEntries(await countRows(conn, `SELECT identity_status, count(*) FROM ${duck.quoteIdent('stitched_events')} GROUP BY 1`));
  return {
    eventsIn,
    // Every row read is rejected, dropped as a duplicate event id, stitched, or (incremental) arrived too late to be read.
    duplicatesRemoved: eventsIn - rejected - eventsOut - lateRows,
    lateRows,
    eventsOut,
    persons: await one(`SELECT count(*) FROM ${duck.quoteIdent('persons')}`),
    eventsByStatus: Object.fromEntries(IDENTITY_STATUSES.map((s) => [s, byStatus[s] ?? 0])),
    rejectedByReason,
    iterations: run.iterations,
  };
}

export function formatSummary(s: StitchSummary): string[] {
  const pct = (n: number) => (s.eventsOut ? `${((100 * n) / s.eventsOut).toFixed(1)}%` : '0%');
  const rejected = Object.values(s.rejectedByReason).reduce((a, b) => a + b, 0);
  return [
    `events in:          ${fmt(s.eventsIn)}`,
    `rejected rows:      ${fmt(rejected)}${rejected ? ` (${Object.entries(s.rejectedByReason).map(([r, n]) => `${r}: ${fmt(n)}`).join(', ')}; see ${REJECTS_TABLE})` : ''}`,
    `duplicates removed: ${fmt(s.duplicatesRemoved)}`,
    ...(s.lateRows ? [`late rows:          ${fmt(s.lateRows)} (not read by the incremental runs since the last full stitch, which would include them)`] : []),
    `events out:         ${fmt(s.eventsOut)}`,
    `persons:            ${fmt(s.persons)}`,
    `events by identity: ${Object.entries(s.eventsByStatus).map(([k, n]) => `${k} ${pct(n)}`).join(', ')}`,
    `label propagation:  ${Object.entries(s.iterations).map(([loop, n]) => `${loop} ${n} iteration(s)`).join(', ') || 'no loops'}`,
  ];
}
