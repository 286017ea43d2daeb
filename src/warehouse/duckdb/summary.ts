/** What a DuckDB stitch run reports: a progress line per model, then a summary of what came in and out. */
import path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { IDENTITY_STATUSES, REJECTS_TABLE } from '../../contract/tables';
import { describeMatches, type HeaderMatching } from '../../models/headers';
import type { RawTableSpec } from '../../models/raw-tables';
import { DUPLICATE_REASON, REJECT_REASON_COLUMNS, type RejectReason } from '../../models/staging';
import type { LoadedSources, LoadedTable } from './load';
import type { RunReport, StepReport } from './run';
import { dialects } from '../../sql/dialects';

const duck = dialects.duckdb;

export interface StitchSummary {
  /** What the checks found (`journey-stitch check`): columns that matter missing, config values that match nothing. */
  warnings: string[];
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
  /** Source files of which REJECTED_SHARE_WARNING or more of the rows were rejected: most likely a wrong mapping. */
  mostlyRejected: MostlyRejected[];
}

export interface MostlyRejected {
  file: string;
  /** Rows read from the file, readable or not. */
  rows: number;
  rejected: number;
  /** The most frequent reject reason, and its rows. */
  reason: string;
  reasonRows: number;
  /** What to check: the config keys mapping the columns behind that reason, or the file itself. */
  fix: string;
}

/** Share of a file's rows rejected from which the summary warns (the run itself still succeeds). */
export const REJECTED_SHARE_WARNING = 0.5;

/** What to check when most rows of a table were rejected for `reason`. */
export function rejectFix(reason: string, spec: RawTableSpec): string {
  const decisive: readonly string[] = REJECT_REASON_COLUMNS[reason as RejectReason] ?? [];
  const columns = spec.columns.filter((c) => decisive.includes(c.logical));
  if (columns.length === 0) return `check the file itself (${REJECTS_TABLE}.reason gives the line numbers)`;
  return `check the column mapping ${columns.map((c) => `${spec.configKey}.${c.logical} (reads column '${c.physical}')`).join(' and ')} in the config`;
}

/**
 * The warning for a file most of whose rows were rejected, if so. `rejects` are [source_table, reason, rows] of
 * rejected_rows: the models name the table (spec.table), the file reader the file.
 */
export function mostlyRejected(
  t: LoadedTable,
  spec: RawTableSpec,
  rejects: ReadonlyArray<[string, string, number]>,
): MostlyRejected | undefined {
  const file = path.basename(t.file);
  const mine = rejects.filter(([table]) => table === spec.table || table === file).sort((a, b) => b[2] - a[2]);
  const rows = t.rows + t.rejected;
  const rejected = mine.reduce((n, [, , k]) => n + k, 0);
  if (rows === 0 || rejected / rows < REJECTED_SHARE_WARNING) return undefined;
  const [, reason, reasonRows] = mine[0];
  return { file, rows, rejected, reason, reasonRows, fix: rejectFix(reason, spec) };
}

const fmt = (n: number) => n.toLocaleString('en-US');

/** What was read from one source file. */
export function loadLine(t: LoadedTable, progress?: { doneBytes: number; totalBytes: number }): string {
  const share = progress && progress.totalBytes > 0 ? ` [${size(progress.doneBytes)} of ${size(progress.totalBytes)}]` : '';
  return `read ${path.basename(t.file)}: ${fmt(t.rows)} rows${t.rejected ? `, ${fmt(t.rejected)} unreadable line(s) kept in ${REJECTS_TABLE}` : ''} (${Math.round(t.ms)} ms)${share}`;
}

/** 1.2 kB, 34.5 MB, 1.2 GB. */
const size = (bytes: number) => {
  const [unit, scale] = bytes < 1e6 ? ['kB', 1e3] : bytes < 1e9 ? ['MB', 1e6] : ['GB', 1e9];
  return `${(bytes / scale).toFixed(1)} ${unit}`;
};

/** What was found by header in each file (`columns found by header in x.csv: First Name → first_name, ...`) and what was not. */
export function headerLines(loaded: LoadedSources, headers: HeaderMatching): string[] {
  const file = (table: string) => path.basename(loaded.tables.find((t) => t.table === table)?.file ?? table);
  const tables = [...new Set(headers.matches.map((m) => m.table))];
  return [
    ...tables.map((t) => `columns found by header in ${file(t)}: ${describeMatches(headers.matches.filter((m) => m.table === t))}`),
    ...headers.ambiguous.map(
      (a) =>
        `warning: ${file(a.table)}: ${a.columns.map((c) => `'${c}'`).join(' and ')} could each be ${a.logical}; none is read as it: map ${a.logical} in the config`,
    ),
  ];
}

/** One model: name, rows written (or loop iterations), time; with `of`, its place among the models ([3/25]). */
export function progressLine(step: StepReport, of?: { n: number; total: number }): string {
  const what = step.kind === 'loop' ? `${step.iterations} iteration(s)` : step.rows !== undefined ? `${fmt(step.rows)} rows` : '';
  return `  ${step.name.padEnd(28)} ${what.padStart(16)} ${`${Math.round(step.ms)} ms`.padStart(9)}${of ? `  [${of.n}/${of.total}]` : ''}`;
}

async function countRows(conn: DuckDBConnection, sql: string): Promise<Array<[string, number]>> {
  return (await conn.runAndReadAll(sql)).getRows().map(([k, n]) => [String(k), Number(n)]);
}

export async function collectSummary(
  conn: DuckDBConnection,
  loaded: LoadedSources,
  specs: readonly RawTableSpec[],
  run: RunReport,
  lateRows = 0,
  warnings: string[] = [],
): Promise<StitchSummary> {
  const one = async (sql: string) => (await countRows(conn, `SELECT 'n', (${sql})`))[0][1];
  const eventsIn = loaded.tables.reduce((n, t) => n + t.rows + t.rejected, 0);
  const eventsOut = await one(`SELECT count(*) FROM ${duck.quoteIdent('stitched_events')}`);
  // Rejected rows by table and reason ("on line N" left out): the summary's reasons and the per-file warnings.
  // Copies that lost to another copy of their event id are counted as duplicates, not as rejected rows.
  const all = (
    await conn.runAndReadAll(
      `SELECT source_table, regexp_replace(reason, ' on line \\d+.*$', ''), count(*) FROM ${duck.quoteIdent(REJECTS_TABLE)} GROUP BY ALL`,
    )
  )
    .getRows()
    .map(([table, reason, n]): [string, string, number] => [String(table), String(reason), Number(n)]);
  const rejects = all.filter(([, reason]) => reason !== DUPLICATE_REASON);
  const duplicates = all.filter(([, reason]) => reason === DUPLICATE_REASON).reduce((sum, [, , n]) => sum + n, 0);
  const byReason = new Map<string, number>();
  for (const [, reason, n] of rejects) byReason.set(reason, (byReason.get(reason) ?? 0) + n);
  const rejectedByReason = Object.fromEntries([...byReason].sort(([a, m], [b, n]) => n - m || a.localeCompare(b)));
  const byStatus = Object.fromEntries(
    await countRows(conn, `SELECT identity_status, count(*) FROM ${duck.quoteIdent('stitched_events')} GROUP BY 1`),
  );
  return {
    warnings,
    eventsIn,
    // Every row read is rejected, dropped as a duplicate event id (kept in rejected_rows too), stitched, or
    // (incremental) arrived too late to be read.
    duplicatesRemoved: duplicates,
    lateRows,
    eventsOut,
    persons: await one(`SELECT count(*) FROM ${duck.quoteIdent('persons')}`),
    eventsByStatus: Object.fromEntries(IDENTITY_STATUSES.map((s) => [s, byStatus[s] ?? 0])),
    rejectedByReason,
    iterations: run.iterations,
    mostlyRejected: loaded.tables.flatMap((t) => {
      const spec = specs.find((s) => s.logical === t.table);
      const warning = spec && mostlyRejected(t, spec, rejects);
      return warning ? [warning] : [];
    }),
  };
}

export function formatSummary(s: StitchSummary): string[] {
  const pct = (n: number) => (s.eventsOut ? `${((100 * n) / s.eventsOut).toFixed(1)}%` : '0%');
  const rejected = Object.values(s.rejectedByReason).reduce((a, b) => a + b, 0);
  return [
    `events in:          ${fmt(s.eventsIn)}`,
    `rejected rows:      ${fmt(rejected)}${
      rejected
        ? ` (${Object.entries(s.rejectedByReason)
            .map(([r, n]) => `${r}: ${fmt(n)}`)
            .join(', ')}; see ${REJECTS_TABLE})`
        : ''
    }`,
    ...s.mostlyRejected.map(
      (m) =>
        // Rounded down: 100% only when every row was rejected.
        `warning: ${m.file}: ${fmt(m.rejected)} of its ${fmt(m.rows)} rows (${Math.floor((1000 * m.rejected) / m.rows) / 10}%) were rejected, ` +
        `mostly ${m.reason} (${fmt(m.reasonRows)}); ${m.fix}`,
    ),
    `duplicates removed: ${fmt(s.duplicatesRemoved)}${s.duplicatesRemoved ? ` (in ${REJECTS_TABLE} as reason '${DUPLICATE_REASON}', with the table of the copy kept)` : ''}`,
    ...(s.lateRows
      ? [`late rows:          ${fmt(s.lateRows)} (not read by the incremental runs since the last full stitch, which would include them)`]
      : []),
    `events out:         ${fmt(s.eventsOut)}`,
    `persons:            ${fmt(s.persons)}`,
    `events by identity: ${Object.entries(s.eventsByStatus)
      .map(([k, n]) => `${k} ${pct(n)}`)
      .join(', ')}`,
    `label propagation:  ${
      Object.entries(s.iterations)
        .map(([loop, n]) => `${loop} ${n} iteration(s)`)
        .join(', ') || 'no loops'
    }`,
    `warnings:           ${s.warnings.length}${s.warnings.length ? ' (above; stitch --strict stops on them)' : ''}`,
  ];
}
