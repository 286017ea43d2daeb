/**
 * The run log, journey_stitch_runs: one row per run (full or incremental) with its watermark, cutoff, config
 * fingerprint, counts and late-row accounting. Its last watermark and config_hash decide the next run's cutoff and
 * whether it must be a full run; its last refreshed_at is the LookML datagroup trigger.
 */
import { OUTPUT_TABLES, type OutputTable } from '../../contract/tables';
import type { SqlStep } from '../../sql/pipeline';
import type { ModelContext } from '../context';
import type { BuildOptions } from '../types';
import { APPEND, APPENDED_TABLES } from './append';
import { DELTA, type IncrementalContext } from './context';
import { rawRowsBefore, timestampLiteral } from './cutoff';
import { STATE_TABLES } from './state';

export interface RunRecord {
  /** Identifies the run in journey_stitch_runs. */
  runId: string;
  /** When the run happened, 'YYYY-MM-DD HH:MM:SS[.ffffff]' UTC (recorded as refreshed_at). */
  refreshedAt: string;
  /** Fingerprint of the config the state was built with: a changed config needs a full run. */
  configHash: string;
  /**
   * The lookback of the next incremental run: its cutoff is this run's watermark minus these hours. The run counts
   * the raw rows before that instant, so the next run can tell how many arrived since (late rows it will not read).
   */
  lookbackHours: number;
}

/** journey_stitch_runs, column by column. */
const RUN_COLUMN_TYPES = {
  run_id: 'string',
  mode: 'string',
  refreshed_at: 'timestamp',
  watermark: 'timestamp',
  cutoff: 'timestamp',
  config_hash: 'string',
  new_events: 'int',
  affected_persons: 'int',
  rows_rewritten: 'int',
  next_cutoff: 'timestamp',
  rows_before_next_cutoff: 'int',
  late_rows: 'int',
} as const;
type RunColumn = keyof typeof RUN_COLUMN_TYPES;
const RUN_COLUMNS = Object.keys(RUN_COLUMN_TYPES) as RunColumn[];

function runColumnType(ctx: ModelContext, column: RunColumn): string {
  const type = RUN_COLUMN_TYPES[column];
  return type === 'string' ? ctx.d.stringType : type === 'timestamp' ? ctx.d.timestampType : ctx.d.intType;
}

function runsTableSql(ctx: ModelContext): string {
  return `CREATE TABLE IF NOT EXISTS ${ctx.ref(STATE_TABLES.runs)} (${RUN_COLUMNS.map((c) => `${c} ${runColumnType(ctx, c)}`).join(', ')})`;
}

/**
 * The run log's columns for rows that arrive late (added by a later version: a log written before gets them
 * added, empty, by the next full run). next_cutoff: the next incremental run's cutoff (this run's watermark
 * minus the lookback); rows_before_next_cutoff: the raw rows before it now; late_rows: how many more raw rows lie
 * before this run's cutoff than the last run counted there (rows that arrived after the run that covered their time:
 * not read; negative when rows were removed from the source).
 */
const RUN_ROW_ACCOUNTING = ['next_cutoff', 'rows_before_next_cutoff', 'late_rows'] as const satisfies readonly RunColumn[];

function addAccountingColumnSql(ctx: ModelContext, column: RunColumn): string {
  return `ALTER TABLE ${ctx.ref(STATE_TABLES.runs)} ADD COLUMN IF NOT EXISTS ${column} ${runColumnType(ctx, column)}`;
}

/**
 * The run row with the late-row accounting columns after it, from `runRow`: a one-row table of its first nine
 * columns (watermark among them).
 */
function withAccounting(ctx: ModelContext, lookbackHours: number, runRow: string, lateRows: string): string {
  const { d } = ctx;
  const nextCutoff = (row: string) => d.minusHours(`${row}.watermark`, lookbackHours);
  return `SELECT r.*, ${nextCutoff('r')} AS next_cutoff,
  ${rawRowsBefore(ctx, nextCutoff('k'), `\n  CROSS JOIN ${runRow} AS k`)} AS rows_before_next_cutoff,
  ${lateRows} AS late_rows
FROM ${runRow} AS r`;
}

/** Rows of the six output tables in a set of tables named by `ref`. */
function outputRowCount(ref: (t: OutputTable) => string): string {
  return OUTPUT_TABLES.map((t) => `(SELECT COUNT(*) FROM ${ref(t)})`).join(' + ');
}

/** The watermark never passes the run's own time: a future-dated event must not hold back the next runs. */
const notAfter = (watermark: string, now: string) => `CASE WHEN ${watermark} > ${now} THEN ${now} ELSE ${watermark} END`;

/** The full run's row of the run log before its late-row accounting (a scratch table: see withAccounting). */
export const FULL_RUN_ROW = 'js_full_run';

/** After a full build: create the run log (or add the columns it lacks) and record the run. */
export function fullRunLogSteps(ctx: ModelContext, opts: BuildOptions & RunRecord): SqlStep[] {
  const { d } = ctx;
  const t = (x: string) => ctx.ref(x);
  const runs = STATE_TABLES.runs;
  return [
    ctx.statement(`${runs} (create)`, () => runsTableSql(ctx), { writes: [runs] }),
    ...RUN_ROW_ACCOUNTING.map((c) => ctx.statement(`${runs} (add column ${c})`, () => addAccountingColumnSql(ctx, c), { writes: [runs] })),
    ctx.scratchTable(
      FULL_RUN_ROW,
      () => `SELECT ${ctx.lit(opts.runId)} AS run_id, 'full' AS mode, ${timestampLiteral(d, opts.refreshedAt)} AS refreshed_at,
  ${notAfter(`(SELECT MAX(occurred_at) FROM ${t(STATE_TABLES.events)})`, timestampLiteral(d, opts.refreshedAt))} AS watermark, ${d.nullOf('timestamp')} AS cutoff,
  ${ctx.lit(opts.configHash)} AS config_hash, (SELECT COUNT(*) FROM ${t(STATE_TABLES.events)}) AS new_events, (SELECT COUNT(*) FROM ${t('persons')}) AS affected_persons,
  ${outputRowCount((x) => t(x))} AS rows_rewritten`,
    ),
    ctx.statement(
      runs,
      () => `INSERT INTO ${t(runs)} (${RUN_COLUMNS.join(', ')})\n${withAccounting(ctx, opts.lookbackHours, t(FULL_RUN_ROW), '0')}`,
      { writes: [runs] },
    ),
  ];
}

/** The last run's watermark and config fingerprint, or other `columns` of it (no rows: no state yet). */
export function lastRunSql(opts: Pick<BuildOptions, 'out'>, columns = 'watermark, config_hash'): string {
  return `SELECT ${columns} FROM ${opts.out(STATE_TABLES.runs)} ORDER BY refreshed_at DESC, run_id DESC LIMIT 1`;
}

/** An incremental run's row of the run log: counted before the apply, inserted by it (runLogApplyStep). */
export function incrementalRunRowSteps(x: IncrementalContext): SqlStep[] {
  const { opts, ctx, d, t, scratch, since, changed, appended, newOut } = x;
  return [
    scratch(
      'js_inc_run_row',
      () => `SELECT ${ctx.lit(opts.runId)} AS run_id, 'incremental' AS mode, ${timestampLiteral(d, opts.refreshedAt)} AS refreshed_at,
  ${notAfter(`COALESCE(${d.greatest('w.previous', 'w.latest')}, w.previous, w.latest)`, timestampLiteral(d, opts.refreshedAt))} AS watermark,
  ${since} AS cutoff, ${ctx.lit(opts.configHash)} AS config_hash,
  (SELECT COUNT(*) FROM ${changed()}) AS new_events,
  -- Persons recomputed, and persons appended to.
  (SELECT COUNT(*) FROM ${t('js_inc_persons')}) + (SELECT COUNT(DISTINCT person_id) FROM ${appended()}) AS affected_persons,
  ${[
    ...OUTPUT_TABLES.map((x) => `(SELECT COUNT(*) FROM ${ctx.external(`${DELTA}${x}`)}) - (SELECT COUNT(*) FROM ${t(`js_inc_same_${x}`)})`),
    ...['stitched_events', ...APPENDED_TABLES].map((x) => `(SELECT COUNT(*) FROM ${ctx.external(`${APPEND}${x}`)})`),
  ].join('\n  + ')} AS rows_rewritten
FROM (
  SELECT (SELECT MAX(watermark) FROM ${t(STATE_TABLES.runs)}) AS previous, (SELECT MAX(occurred_at) FROM ${newOut('js_events')}) AS latest
) AS w`,
    ),
    scratch('js_inc_run', () =>
      withAccounting(
        ctx,
        opts.lookbackHours,
        t('js_inc_run_row'),
        // The last run counted the raw rows before its next cutoff, which is this run's cutoff.
        `${rawRowsBefore(ctx, since)} - (${lastRunSql({ out: (x) => ctx.external(x) }, 'rows_before_next_cutoff')})`,
      ),
    ),
  ];
}

/** The apply's last statement: the run row in. */
export function runLogApplyStep(x: IncrementalContext): SqlStep {
  const { t, dml } = x;
  return dml(
    STATE_TABLES.runs,
    STATE_TABLES.runs,
    () => `INSERT INTO ${t(STATE_TABLES.runs)} (${RUN_COLUMNS.join(', ')}) SELECT ${RUN_COLUMNS.join(', ')} FROM ${t('js_inc_run')}`,
  );
}
