/**
 * The cutoff: an incremental run re-reads the raw rows at or after it (the last run's watermark minus the lookback),
 * and rows without a usable timestamp. The helpers here narrow the raw tables to those rows, and count the raw rows
 * before an instant (the run log's late-row accounting). See docs/incremental.md.
 */
import type { Config } from '../../config/schema';
import type { Dialect } from '../../sql/dialect';
import type { ModelContext } from '../context';
import { rawTableSpecs } from '../raw-tables';
import type { RawSources, RawTable } from '../types';
import { JourneyStitchError } from '../../contract/errors';

/** The physical timestamp column of a raw table, through the config's column mapping. */
export function rawTimestampColumn(config: Config, table: RawTable): string {
  const source = config.source;
  if (table.startsWith('offsite:')) {
    const o = config.offsite.find((x) => `offsite:${x.name}` === table);
    if (!o) throw new Error(`incremental: unknown raw table '${table}'`);
    return o.columns.timestamp ?? 'timestamp';
  }
  if (source.type === 'snowplow') return source.columns.derived_tstamp ?? 'derived_tstamp';
  const kind = table as 'pages' | 'tracks' | 'identifies';
  return source.columns[kind]?.timestamp ?? 'timestamp';
}

export function timestampLiteral(d: Dialect, value: string): string {
  if (!/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?$/.test(value)) {
    throw new JourneyStitchError(
      `incremental: the cutoff '${value}' is not a UTC timestamp 'YYYY-MM-DD HH:MM:SS[.ffffff]'; run a full stitch (without --incremental), which writes a fresh one`,
    );
  }
  return `CAST(${d.stringLiteral(value)} AS ${d.timestampType})`;
}

/**
 * Raw tables narrowed to the rows at or after the cutoff, and rows without a usable timestamp (rejected again).
 * A column stored as TIMESTAMP is compared bare (parsing it is the identity): BigQuery then prunes the date
 * partitions before the cutoff, and DuckDB skips Parquet row groups. The test is on the expression staging turns
 * into occurred_at, so every new event is at or after the cutoff: js_inc_changed relies on that. A table
 * partitioned on a load or receive time (where the event's own time prunes nothing) is also narrowed to the
 * partitions since loadedSince.
 */
export function rawSince(config: Config, d: Dialect, raw: RawSources, cutoff: string): RawSources {
  return {
    columns: (table) => raw.columns(table),
    isTimestamp: (table, column) => raw.isTimestamp?.(table, column) ?? false,
    ref(table) {
      const ts = rawTimestamp(config, d, raw, table);
      const partitions = partitionFilter(config, d, raw, table, cutoff);
      return `(SELECT * FROM ${raw.ref(table)} AS raw_rows WHERE (${ts} >= ${timestampLiteral(d, cutoff)} OR ${ts} IS NULL)${partitions ? ` AND ${partitions}` : ''})`;
    },
  };
}

/**
 * The first partition an incremental run reads of a raw table partitioned on a load or receive time: the day of the
 * cutoff minus incremental.load_margin_hours. Nothing new is left out: a row is loaded (and received) after it
 * happens, and the cutoff lies at least the lookback before the last run started (its watermark never passes its
 * start), so every row loaded since that run read the table is in a partition read here; the rows of older
 * partitions were there for the last run, which read those at or after its own cutoff. The margin covers a load
 * job that ran across midnight, loaders that file rows under an earlier day, and clocks a little ahead. Undefined
 * when the cutoff is too early for one (every partition is read).
 */
export function loadedSince(cutoff: string, marginHours: number): string | undefined {
  const from = subtractHours(cutoff, marginHours);
  return from.slice(0, 4) < '1970' ? undefined : `${from.slice(0, 10)} 00:00:00`;
}

/**
 * For a raw table partitioned on another column than its event time: the filter that keeps the partitions since
 * loadedSince, and the rows without a partition (BigQuery's streaming buffer, a NULL partitioning value).
 */
function partitionFilter(config: Config, d: Dialect, raw: RawSources, table: RawTable, cutoff: string): string | undefined {
  const column = raw.partitionColumn?.(table);
  const from = column && loadedSince(cutoff, config.incremental.load_margin_hours);
  if (!column || !from) return undefined;
  const ref = `raw_rows.${column.pseudo ? column.name : d.quoteIdent(column.name)}`;
  const bound =
    column.type === 'DATE'
      ? `CAST(${d.stringLiteral(from.slice(0, 10))} AS DATE)`
      : column.type === 'DATETIME'
        ? `CAST(${d.stringLiteral(from)} AS DATETIME)`
        : timestampLiteral(d, from);
  return `(${ref} >= ${bound} OR ${ref} IS NULL)`;
}

/** A raw row's time as staging reads it (`raw_rows` aliases the raw table). */
export function rawTimestamp(config: Config, d: Dialect, raw: RawSources, table: RawTable): string {
  const column = rawTimestampColumn(config, table);
  const bare = `raw_rows.${d.quoteIdent(column)}`;
  return raw.isTimestamp?.(table, column) ? bare : d.safeTimestamp(bare);
}

/**
 * The raw rows, of every raw table, whose time is before `instant`: the rows an incremental run from that cutoff
 * does not read. Two counts at the same instant at two runs differ by the rows that arrived late in between.
 * `from` adds tables the instant is read from (joined, so the count is no correlated subquery, which BigQuery
 * accepts only when it can rewrite it as a join).
 */
export function rawRowsBefore(ctx: ModelContext, instant: string, from = ''): string {
  const { config, d, raw } = ctx;
  const counts = rawTableSpecs(config).map(
    (s) =>
      `(SELECT COUNT(*) FROM ${ctx.source(s.logical)} AS raw_rows${from} WHERE ${rawTimestamp(config, d, raw, s.logical)} < ${instant})`,
  );
  return `(${counts.join(' + ')})`;
}

/** `watermark` minus `hours`, both 'YYYY-MM-DD HH:MM:SS[.ffffff]' UTC (microseconds kept exactly). */
export function subtractHours(watermark: string, hours: number): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?$/.exec(watermark);
  if (!m)
    throw new JourneyStitchError(
      `incremental: the last run's watermark '${watermark}' (journey_stitch_runs) is not a timestamp; run a full stitch (without --incremental), which writes a fresh one`,
    );
  const [, y, mo, da, h, mi, s, frac = ''] = m;
  // Not Date.UTC(y, ...): it reads years 0-99 as 1900-1999.
  const at = new Date(0);
  at.setUTCFullYear(+y, +mo - 1, +da);
  at.setUTCHours(+h, +mi, +s, 0);
  const micros = frac.padEnd(6, '0');
  const iso = new Date(at.getTime() - hours * 3_600_000).toISOString(); // YYYY-MM-DDTHH:MM:SS.000Z
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}${micros === '000000' ? '' : `.${micros}`}`;
}
