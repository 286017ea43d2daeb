/**
 * Incremental refresh: stage only the raw rows newer than the last run (minus a lookback for late data), find
 * every person whose rows could differ from a full rebuild (the "affected closure"), recompute exactly those
 * persons with the same model SQL over their events, and replace the rows that differ.
 *
 * Persistent state, next to the output tables: the deduplicated events (`js_state_events`), every event's
 * identifiers written as identity_links link ids (`js_state_tokens`), the same identifiers per person
 * (`js_state_person_tokens`: the distinct person and token pairs of stitched_events, about a tenth of the event
 * pairs, so the closure below walks it instead of every event), the normalised names per person and status
 * (`js_state_person_names`, for the name-matching part of the closure, with each person's web flag), rejects
 * with their timestamp (`js_state_rejects`), and one row per run (`journey_stitch_runs`; its last `refreshed_at`
 * is the LookML datagroup trigger).
 *
 * Why the result equals a full rebuild (docs/semantics.md):
 * - Changed events C = new event ids, and known ids whose new copy wins the dedupe order (state wins ties).
 * - An event's deterministic attribution (component, shared-email guard, anonymous attachment, profile key and
 *   profile name) depends only on the events connected to it through shared identifiers ("tokens": known nodes,
 *   anonymous ids of all three columns, name-keyed profiles). So the closure starts from C and adds, to a
 *   fixpoint, every event sharing a token with an affected event and every event of an affected person
 *   (old person ids, from stitched_events). Events outside it keep their attribution; inside it the models see
 *   whole token components, so they compute the same components, guard, attachments and usage counts.
 * - Name matching is the one global step: a profile matches when exactly one identified person has its
 *   normalised name. The candidate set of a name changes only through events in the identity closure, so the
 *   names N on those events (old and new copies) are collected, kept when some profile can carry them (a row
 *   unmatched or inferred now, or an offsite row in the closure: other names decide no match) and dropped when
 *   two confirmed persons outside the identity closure hold them (ambiguous before and after, whatever the
 *   closure does), and every person holding a name in N or holding a profile row with a name in N is added (then
 *   closed again under tokens and persons). Uniqueness also counts the names of every person left outside
 *   (js_inc_outside_names), which are unchanged.
 * - Shared devices (§3): an anonymous event on a device seen with two or more persons goes to the identification
 *   on the device nearest in time, and the device's sessions decide which counts as near; so its attribution
 *   depends on every event of its anonymous component. Those all share its anonymous ids (tokens), so the
 *   closure holds the whole device, and its recomputation sees all of it. The backstitch window compares an
 *   event with its device's identifications only: the same argument.
 * - New plain events (a web event with only an anonymous id) of a person the closure leaves out only extend its
 *   history: they start no closure and are appended (incremental/append.ts). Except where the person a plain
 *   event lands on depends on its time: an anonymous id of a shared device (a new visit goes to the nearest
 *   identification, and may join two device sessions, moving its neighbours), or one left anonymous by the
 *   backstitch window (a later visit may fall within it). js_state_anon_persons leaves those ids out, so their
 *   new events are not append candidates: their anonymous ids seed the closure, and the device is recomputed.
 * - The affected persons are then complete in the recomputation (a profile in it matches a person in it), and
 *   their old rows are exactly the rows keyed by their old person ids (links: by the tokens of their events).
 * Corners that are not exact (also not deterministic in a full rebuild, or outside the model): two copies of an
 * event id tied on the whole dedupe order but differing elsewhere; rows arriving later than the lookback (not
 * read, but counted: journey_stitch_runs.late_rows); a person id equal across kinds (an anonymous id spelled like a
 * user id); the watermark is the newest event time but never later than the run itself (a future-dated event is
 * simply read again while it is ahead).
 */
import { nameMatching, type Config } from '../config/schema';
import { OUTPUT_TABLES, REJECTS_TABLE, outputTables, type OutputTable } from '../contract/tables';
import type { Dialect } from '../sql/dialect';
import { between, createsOf, readsOf, upstreamOf, type Pipeline, type SqlStep, type Step } from '../sql/pipeline';
import { ModelContext } from './context';
import { buildPipeline } from './index';
import { stitchedPersonColumns, webPersonsSql } from './attribution';
import {
  anonPersonsSql,
  APPEND,
  appendApplySteps,
  appendCandidatesSql,
  appendedLinksSql,
  appendSteps,
  APPENDED_TABLES,
  personTailSql,
} from './incremental/append';
import { rawTableSpecs } from './raw-tables';
import { DEDUPE_COLUMNS, dedupeBefore, duplicateRejectsSql, stagedColumns } from './staging';
import type { BuildOptions, RawSources, RawTable } from './types';

export { incrementalConfigSchema, type IncrementalConfig } from '../config/incremental';

export const STATE_TABLES = {
  events: 'js_state_events',
  tokens: 'js_state_tokens',
  personTokens: 'js_state_person_tokens',
  personNames: 'js_state_person_names',
  rejects: 'js_state_rejects',
  anonPersons: 'js_state_anon_persons',
  personTail: 'js_state_person_tail',
  matchParams: 'js_state_match_params',
  nameTokens: 'js_state_name_tokens',
  runs: 'journey_stitch_runs',
} as const;

/** Prefixes of the per-run scratch tables: newly staged rows, and the recomputed affected persons. */
const NEW = 'inc_new_';
const DELTA = 'inc_delta_';

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

export interface IncrementalOptions extends BuildOptions, RunRecord {
  /** Raw rows with a timestamp at or after this ('YYYY-MM-DD HH:MM:SS[.ffffff]' UTC), or none, are re-read. */
  cutoff: string;
}

/** The incremental plan: `prepare` only writes scratch tables; `apply` is DML only (one transaction). */
export interface IncrementalPlan {
  prepare: Step[];
  apply: SqlStep[];
  scratch: string[];
}

// ---------------------------------------------------------------- helpers

const scoredMatching = (config: Config) => nameMatching(config)?.method === 'scored';

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
    throw new Error(`incremental: '${value}' is not a UTC timestamp 'YYYY-MM-DD HH:MM:SS[.ffffff]'`);
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
function rawSince(config: Config, d: Dialect, raw: RawSources, cutoff: string): RawSources {
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
function rawTimestamp(config: Config, d: Dialect, raw: RawSources, table: RawTable): string {
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
function rawRowsBefore(ctx: ModelContext, instant: string, from = ''): string {
  const { config, d, raw } = ctx;
  const counts = rawTableSpecs(config).map(
    (s) =>
      `(SELECT COUNT(*) FROM ${ctx.source(s.logical)} AS raw_rows${from} WHERE ${rawTimestamp(config, d, raw, s.logical)} < ${instant})`,
  );
  return `(${counts.join(' + ')})`;
}

/**
 * Every identifier an event carries, written as `identifier_type:identifier` (its identity_links link_id is the
 * hash of that, ModelContext.linkId): known nodes, anonymous ids (all three
 * columns) and, for offsite rows with neither email nor profile URL, their name-keyed profile. With the event's
 * time, which partitions the state table (replacing a stored copy's tokens then touches only its day).
 */
function tokensSql(ctx: ModelContext, events: string): string {
  const { d } = ctx;
  const token = (type: string, value: string, where: string) =>
    `SELECT event_id, occurred_at, ${d.concat(ctx.lit(`${type}:`), value)} AS token FROM ${events} AS ev WHERE ${where}`;
  const crm = ctx.config.identity.crm_ids.map((c) => {
    const col = d.quoteIdent(`crm_${c.name}`);
    return token('crm_id', d.concat(ctx.lit(`${c.name}=`), col), `${col} IS NOT NULL`);
  });
  const parts = [
    token('user_id', 'user_id', 'user_id IS NOT NULL'),
    token('email', 'email', 'email IS NOT NULL'),
    ...crm,
    ...['anonymous_id', 'carried_anonymous_id', 'linked_anonymous_id'].map((c) => token('anonymous_id', c, `${c} IS NOT NULL`)),
    token('profile', d.concat('source', `':'`, 'profile_url'), `event_type = 'offsite' AND profile_url IS NOT NULL`),
    token('profile', ctx.nameProfileKey('ev'), `event_type = 'offsite' AND email IS NULL AND profile_url IS NULL`),
  ];
  return `SELECT DISTINCT event_id, occurred_at, token FROM (\n${parts.join('\nUNION ALL\n')}\n) AS tokens`;
}

/** Every identifier of every person: the distinct (person, token) pairs of stitched events and their tokens. */
function personTokensSql(stitched: string, tokens: string): string {
  return `SELECT DISTINCT se.person_id, k.token FROM ${stitched} AS se JOIN ${tokens} AS k ON k.event_id = se.event_id`;
}

/**
 * Every normalised name on a person's events, with the events' status, whether they are offsite rows, and whether
 * the person has a confirmed web event (a name-match target must: js_unique_names). An appended event cannot turn
 * that on: it is confirmed only when its anonymous id's stored web rows are.
 */
function personNamesSql(ctx: ModelContext, stitched: string, events: string): string {
  return `SELECT DISTINCT se.person_id, ${ctx.normalizeName('e.name')} AS norm_name, se.identity_status, e.event_type = 'offsite' AS offsite,
  web.person_id IS NOT NULL AS on_web
FROM ${events} AS e JOIN ${stitched} AS se ON se.event_id = e.event_id
LEFT JOIN (${webPersonsSql(stitched)}) AS web ON web.person_id = se.person_id
WHERE e.name IS NOT NULL`;
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

const KEYS = Object.fromEntries(outputTables().map((x) => [x.name, x.primaryKey])) as Record<OutputTable, string>;

const sql = (name: string, text: string): SqlStep => ({ kind: 'sql', name, sql: text, reads: [] });

// ---------------------------------------------------------------- full run

/** The full run's row of the run log before its late-row accounting (a scratch table: see withAccounting). */
const FULL_RUN_ROW = 'js_full_run';

/** After a full build: keep its deduplicated events, their identifiers and its rejects as state; record the run. */
export function fullStateSteps(opts: BuildOptions & RunRecord): SqlStep[] {
  const ctx = new ModelContext(opts);
  const { d } = ctx;
  const t = (x: string) => ctx.ref(x);
  const runs = STATE_TABLES.runs;
  return [
    ctx.stateTable(STATE_TABLES.events, () => `SELECT * FROM ${t('js_events')}`),
    ctx.stateTable(STATE_TABLES.tokens, () => tokensSql(ctx, t(STATE_TABLES.events))),
    ctx.stateTable(STATE_TABLES.personTokens, () => personTokensSql(t('stitched_events'), t(STATE_TABLES.tokens))),
    ctx.stateTable(STATE_TABLES.personNames, () => personNamesSql(ctx, t('stitched_events'), t(STATE_TABLES.events))),
    ctx.stateTable(
      STATE_TABLES.rejects,
      () => `SELECT source_table, event_id, reject_reason AS reason, row_data, occurred_at FROM ${t('js_staged')} WHERE reject_reason IS NOT NULL
UNION ALL
${duplicateRejectsSql(ctx, t('js_staged'), t('js_duplicate_ids'), { occurredAt: true })}`,
    ),
    ctx.stateTable(STATE_TABLES.anonPersons, () => anonPersonsSql(ctx, t('stitched_events'))),
    ctx.stateTable(STATE_TABLES.personTail, () => personTailSql(t('js_sessionized'))),
    // The name-matching parameters this run estimated: incremental runs score with them (models/matching.ts).
    ctx.stateTable(STATE_TABLES.matchParams, () =>
      scoredMatching(opts.config)
        ? `SELECT * FROM ${t('js_match_params')}`
        : `SELECT ${d.nullOf('float')} AS prior_web FROM (SELECT 1 AS x) AS none WHERE FALSE`,
    ),
    // The name word frequencies it counted, for the same reason.
    ctx.stateTable(STATE_TABLES.nameTokens, () =>
      scoredMatching(opts.config)
        ? `SELECT * FROM ${t('js_name_tokens')}`
        : `SELECT ${d.nullOf('string')} AS token FROM (SELECT 1 AS x) AS none WHERE FALSE`,
    ),
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

/** A full build that leaves the state an incremental run needs. */
export function buildFullPipeline(opts: BuildOptions & RunRecord): Pipeline {
  const state = fullStateSteps(opts);
  // The state is built from the models' tables: those stay tables whatever the materialization.
  const pipeline = buildPipeline({ ...opts, personTails: true, keep: [...(opts.keep ?? []), ...state.flatMap(readsOf)] });
  return {
    ...pipeline,
    steps: [...pipeline.steps, ...state],
    outputs: [...pipeline.outputs, ...Object.values(STATE_TABLES)],
    scratch: [...pipeline.scratch, FULL_RUN_ROW],
  };
}

/** The last run's watermark and config fingerprint, or other `columns` of it (no rows: no state yet). */
export function lastRunSql(opts: Pick<BuildOptions, 'out'>, columns = 'watermark, config_hash'): string {
  return `SELECT ${columns} FROM ${opts.out(STATE_TABLES.runs)} ORDER BY refreshed_at DESC, run_id DESC LIMIT 1`;
}

// ---------------------------------------------------------------- incremental run

export function buildIncrementalPlan(opts: IncrementalOptions): IncrementalPlan {
  const ctx = new ModelContext(opts);
  const { d, config } = ctx;
  const t = (x: string) => ctx.ref(x);
  const scratch = (name: string, select: () => string) => ctx.scratchTable(name, select);
  const cols = stagedColumns(ctx)
    .map((c) => d.quoteIdent(c))
    .join(', ');
  const state = () => t(STATE_TABLES.events);
  /** Raw rows from here on are staged again (see rawSince). */
  const since = timestampLiteral(d, opts.cutoff);
  const stitched = () => t('stitched_events');
  const changed = () => t('js_inc_changed');
  /** The stored rows the recomputation replaces: those of the affected persons, and the links of their identifiers. */
  const scope = (table: OutputTable) =>
    table === 'identity_links'
      ? `link_id IN (SELECT link_id FROM ${t('js_inc_links')})`
      : `person_id IN (SELECT person_id FROM ${t('js_inc_persons')})`;
  const personTokens = () => t(STATE_TABLES.personTokens);
  const personNames = () => t(STATE_TABLES.personNames);
  const seedTokens = () => t('js_inc_seed_tokens');
  const appended = () => t('js_inc_append');
  const recomputedPersons = () => `SELECT person_id FROM ${t('js_inc_persons')}`;
  /** Every person whose rows the run replaces: the recomputed ones (old ids) and the appended ones. */
  const rewrittenPersons = () => `${recomputedPersons()} UNION ALL SELECT person_id FROM ${appended()}`;
  // The append's inputs, by name (its models read them from their own namespace).
  const appendTables = { changed: 'js_inc_changed', anonPersons: STATE_TABLES.anonPersons, personTail: STATE_TABLES.personTail };
  // The stored rows the recomputation's check and the append's merges read, read once (BigQuery bills each read).
  const touched = (table: (typeof APPENDED_TABLES)[number]) => `js_inc_stored_${table}`;
  const append = appendSteps(opts, { ...appendTables, appended: 'js_inc_append', stored: touched });
  const recompute = recomputeSteps(opts);

  // 1. Stage the new raw rows with the models' own staging SQL.
  const raw = rawSince(config, d, opts.raw, opts.cutoff);
  const newOut = (x: string) => ctx.external(`${NEW}${x}`);
  // The sub-plan upstream of js_events (not rejected_rows: the apply reads the restaged rows' rejects itself).
  const staging = upstreamOf(buildPipeline({ ...opts, raw, namespace: NEW }).steps, [`${NEW}js_events`]);

  // 2. Rows that are new, or a copy of a known event that now wins the dedupe order (state wins ties). The state
  //    holds one copy per event id; of a stored copy only the columns that rank it are read (BigQuery bills columns).
  //    A new row's time is at or after the cutoff (rawSince keeps exactly those), so a stored copy from before the
  //    cutoff is earlier and always wins: of those only the event ids are read. Only copies since the cutoff are
  //    ranked, and only they can be replaced, so BigQuery reads the state's other columns for those days only.
  const changedStep = scratch(
    'js_inc_changed',
    () => `SELECT ${stagedColumns(ctx)
      .map((c) => `n.${d.quoteIdent(c)}`)
      .join(', ')}, s.event_id IS NOT NULL AS known_event
FROM ${newOut('js_events')} AS n
LEFT JOIN (SELECT event_id, ${DEDUPE_COLUMNS.join(', ')} FROM ${state()} WHERE occurred_at >= ${since}) AS s ON s.event_id = n.event_id
WHERE (s.event_id IS NULL OR ${dedupeBefore('n', 's')})
  -- NOT EXISTS, not NOT IN: DuckDB hashes the smaller side for it (NOT IN hashed the 10M stored ids, 0.7 s).
  AND NOT EXISTS (SELECT 1 FROM ${state()} AS o WHERE o.occurred_at < ${since} AND o.event_id = n.event_id)`,
  );
  /** The stored copies a new copy replaces: all from the days since the cutoff (BigQuery prunes the others). */
  const replacedCopies = () => `occurred_at >= ${since} AND event_id IN (SELECT event_id FROM ${changed()} WHERE known_event)`;

  /**
   * The affected persons, to a fixpoint: the persons holding an identifier of the changed events (old and new
   * copies) or of an affected person. Walks the person-level pairs (js_state_person_tokens): an event's person
   * holds the event's tokens, so this is the same set as walking every event's tokens, at a tenth of the rows.
   */
  const closure = (prefix: string, seed: () => string): Step[] => {
    const persons = () => t(`${prefix}_persons`);
    const next = () => t(`${prefix}_next`);
    const loop = ctx.loop(
      `${prefix}_closure`,
      config.identity.max_iterations,
      [
        scratch(
          `${prefix}_next`,
          () => `WITH affected_tokens AS (
  SELECT token FROM ${seedTokens()}
  UNION DISTINCT
  SELECT token FROM ${personTokens()} WHERE person_id IN (SELECT person_id FROM ${persons()})
)
SELECT person_id FROM ${persons()}
UNION DISTINCT
SELECT person_id FROM ${personTokens()} WHERE token IN (SELECT token FROM affected_tokens)`,
        ),
        scratch(`${prefix}_delta`, () => `SELECT (SELECT COUNT(*) FROM ${next()}) - (SELECT COUNT(*) FROM ${persons()}) AS changed`),
        scratch(`${prefix}_persons`, () => `SELECT person_id FROM ${next()}`),
      ],
      () => `SELECT changed FROM ${t(`${prefix}_delta`)}`,
    );
    return [scratch(`${prefix}_persons`, seed), loop];
  };

  const prepare: Step[] = [
    ...staging,
    changedStep,
    // The restaged copies that lose the dedupe order: to another restaged copy, or to a stored copy from before the
    // cutoff (which is earlier than every restaged one). Older losing copies stay in rejected_rows as they are.
    scratch('js_inc_duplicates', () =>
      duplicateRejectsSql(ctx, newOut('js_staged'), newOut('js_duplicate_ids'), {
        earlier: `(SELECT o.event_id, o.source_table FROM ${state()} AS o WHERE o.occurred_at < ${since} AND o.event_id IN (SELECT event_id FROM ${newOut('js_staged')}))`,
        occurredAt: true,
      }),
    ),
    scratch('js_inc_changed_tokens', () => tokensSql(ctx, changed())),
    // New plain events that may only extend their person's history (incremental/append.ts): they start no closure.
    scratch('js_inc_append_candidates', () => appendCandidatesSql(ctx, appendTables)),
    // The identifiers of the other changed events, new copies and stored ones: where the closure starts.
    scratch(
      'js_inc_seed_tokens',
      () => `SELECT token FROM ${t('js_inc_changed_tokens')} WHERE event_id NOT IN (SELECT event_id FROM ${t('js_inc_append_candidates')})
UNION DISTINCT
SELECT token FROM ${t(STATE_TABLES.tokens)} WHERE ${replacedCopies()}`,
    ),
    // 3. Persons whose identity may change: those holding an identifier of the changed events, closed under shared
    //    identifiers. Every event carries an identifier (staging rejects the others) and its person holds them all,
    //    so this includes the stored copies' persons without reading stitched_events.
    ...closure(
      'js_inc_identity',
      () => `SELECT DISTINCT person_id FROM ${personTokens()} WHERE token IN (SELECT token FROM ${seedTokens()})`,
    ),
    // 4. Their names (and the new events'): a name match with one of these names may flip. Only names some
    //    offsite profile can carry matter (rows unmatched or inferred now, or offsite rows among these events).
    scratch(
      'js_inc_names',
      () => `WITH affected AS (
  SELECT norm_name, offsite FROM ${personNames()} WHERE person_id IN (SELECT person_id FROM ${t('js_inc_identity_persons')})
  UNION ALL
  SELECT ${ctx.normalizeName('name')}, event_type = 'offsite' FROM ${changed()} WHERE name IS NOT NULL
)
SELECT DISTINCT norm_name FROM affected
WHERE norm_name IN (
  SELECT norm_name FROM ${personNames()} WHERE identity_status IN ('inferred', 'unmatched')
  UNION ALL
  SELECT norm_name FROM affected WHERE offsite
)${
        scoredMatching(config)
          ? ''
          : `
-- A name two persons outside the identity closure hold stays ambiguous before and after: it matches nobody either way.
-- (Not so when matches are scored: the evidence can single out one of several namesakes.)
AND norm_name NOT IN (
  SELECT norm_name FROM ${personNames()}
  WHERE identity_status = 'confirmed' AND person_id NOT IN (SELECT person_id FROM ${t('js_inc_identity_persons')})
  GROUP BY norm_name HAVING COUNT(DISTINCT person_id) > 1
)`
      }`,
    ),
    // 5. Add the holders of those names and the profiles carrying them (with the persons they are matched to).
    ...closure(
      'js_inc',
      () => `SELECT person_id FROM ${t('js_inc_identity_persons')}
UNION DISTINCT
SELECT person_id FROM ${personNames()}
WHERE identity_status IN ('confirmed', 'inferred', 'unmatched') AND norm_name IN (SELECT norm_name FROM ${t('js_inc_names')})`,
    ),
    // Candidates whose person the closure left out are appended; the others are recomputed with their person.
    scratch(
      'js_inc_append',
      () =>
        `SELECT event_id, person_id FROM ${t('js_inc_append_candidates')} WHERE person_id NOT IN (SELECT person_id FROM ${t('js_inc_persons')})`,
    ),
    // The stored person columns of the affected persons' events, read once: their event ids here, and the check
    // that leaves unchanged rows in place below.
    scratch(
      'js_inc_stored_events',
      () =>
        `SELECT ${['event_id', ...stitchedPersonColumns(ctx)].join(', ')} FROM ${stitched()} WHERE person_id IN (SELECT person_id FROM ${t('js_inc_persons')})`,
    ),
    scratch(
      'js_inc_events',
      () => `SELECT event_id FROM ${t('js_inc_stored_events')}
UNION DISTINCT
SELECT event_id FROM ${changed()} WHERE event_id NOT IN (SELECT event_id FROM ${appended()})`,
    ),
    // 6. The affected persons' events (new versions) are the recomputation's input.
    scratch(
      `${DELTA}js_events`,
      () => `SELECT ${cols} FROM ${state()} WHERE event_id IN (SELECT event_id FROM ${t('js_inc_events')}) AND event_id NOT IN (SELECT event_id FROM ${changed()})
UNION ALL
SELECT ${cols} FROM ${changed()} WHERE event_id NOT IN (SELECT event_id FROM ${appended()})`,
    ),
    // Names of everyone else count for name uniqueness too (their web flag is stored: stitched_events is not read).
    scratch(
      'js_inc_outside_names',
      () => `SELECT DISTINCT norm_name, person_id AS candidate_id, on_web FROM ${personNames()}
WHERE identity_status = 'confirmed' AND norm_name IS NOT NULL AND person_id NOT IN (SELECT person_id FROM ${t('js_inc_persons')})`,
    ),
    ...recompute,
    // The identifiers of the affected events (the persons' and the changed events'): their links are recomputed.
    scratch(
      'js_inc_links',
      () => `SELECT DISTINCT ${ctx.linkId('token')} AS link_id FROM (
  SELECT token FROM ${seedTokens()}
  UNION ALL
  SELECT token FROM ${personTokens()} WHERE person_id IN (SELECT person_id FROM ${t('js_inc_persons')})
) AS tokens`,
    ),
    // The stored rows of the recomputed and the appended persons (links: theirs and the appended anonymous ids').
    ...APPENDED_TABLES.map((table) =>
      scratch(`js_inc_stored_${table}`, () =>
        table === 'identity_links'
          ? `SELECT * FROM ${t(table)} WHERE link_id IN (SELECT link_id FROM ${t('js_inc_links')} UNION ALL ${appendedLinksSql(ctx, { ...appendTables, appended: 'js_inc_append' })})`
          : `SELECT * FROM ${t(table)} WHERE person_id IN (${rewrittenPersons()})`,
      ),
    ),
    ...append.steps,
    // Recomputed rows identical to the stored ones are left in place (the identity of most affected persons
    // does not change: a new page view only adds rows).
    ...OUTPUT_TABLES.map((table) => {
      const key = d.quoteIdent(KEYS[table]);
      // An event that did not change has the same own columns in both: only its person columns can differ, so
      // only those are read of the stored rows (under a third of the bytes). Changed events are always rewritten.
      const [columns, unchangedOnly, stored] =
        table === 'stitched_events'
          ? [
              ['event_id', ...stitchedPersonColumns(ctx)].join(', '),
              () => ` WHERE event_id NOT IN (SELECT event_id FROM ${changed()})`,
              () => t('js_inc_stored_events'),
            ]
          : ['*', () => '', () => `${t(touched(table))} WHERE ${scope(table)}`];
      return scratch(
        `js_inc_same_${table}`,
        () => `SELECT ${key} AS row_key FROM (
  SELECT ${columns} FROM ${ctx.external(`${DELTA}${table}`)}${unchangedOnly()}
  INTERSECT DISTINCT
  SELECT ${columns} FROM ${stored()}
) AS same_rows`,
      );
    }),
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

  /**
   * An output table's changed rows out, the recomputed ones in. One DELETE also takes out the appended persons'
   * rows (the append's inserts follow): on BigQuery every DELETE bills the table (or its modified partitions).
   */
  /** A statement changing `table` in place. */
  const dml = (name: string, table: string, text: () => string) => ctx.statement(name, text, { writes: [table] });
  const replaceRows = (table: OutputTable): SqlStep[] => {
    const key = d.quoteIdent(KEYS[table]);
    const same = () => `SELECT row_key FROM ${t(`js_inc_same_${table}`)}`;
    const appendedRows = () =>
      (APPENDED_TABLES as readonly string[]).includes(table)
        ? ` OR ${key} IN (SELECT ${key} FROM ${ctx.external(`${APPEND}${table}`)})`
        : '';
    return [
      dml(
        `${table} (delete changed)`,
        table,
        () => `DELETE FROM ${t(table)} WHERE (${scope(table)} AND ${key} NOT IN (${same()}))${appendedRows()}`,
      ),
      dml(
        `${table} (insert changed)`,
        table,
        () => `INSERT INTO ${t(table)} SELECT * FROM ${ctx.external(`${DELTA}${table}`)} WHERE ${key} NOT IN (${same()})`,
      ),
    ];
  };
  const deltaStitched = () => ctx.external(`${DELTA}stitched_events`);
  const deltaEvents = () => ctx.external(`${DELTA}js_events`);
  /**
   * A person-level state table: the rows of the recomputed persons (old ids) out, their new rows in; with
   * `appendedRows`, also the appended persons' rows out (in one DELETE) and their continued rows in.
   */
  const replaceAffectedPersons = (table: string, recomputedRows: () => string, appendedRows?: () => string): SqlStep[] => {
    const persons = appendedRows ? rewrittenPersons : recomputedPersons;
    return [
      dml(`${table} (delete replaced)`, table, () => `DELETE FROM ${t(table)} WHERE person_id IN (${persons()})`),
      dml(`${table} (insert recomputed)`, table, () => `INSERT INTO ${t(table)} ${recomputedRows()}`),
      ...(appendedRows ? [dml(`${table} (insert appended)`, table, () => `INSERT INTO ${t(table)} ${appendedRows()}`)] : []),
    ];
  };
  const apply: SqlStep[] = [
    ...OUTPUT_TABLES.flatMap(replaceRows),
    ...appendApplySteps(opts),
    dml(`${STATE_TABLES.events} (delete replaced)`, STATE_TABLES.events, () => `DELETE FROM ${state()} WHERE ${replacedCopies()}`),
    dml(`${STATE_TABLES.events} (insert new)`, STATE_TABLES.events, () => `INSERT INTO ${state()} SELECT ${cols} FROM ${changed()}`),
    dml(
      `${STATE_TABLES.tokens} (delete replaced)`,
      STATE_TABLES.tokens,
      () => `DELETE FROM ${t(STATE_TABLES.tokens)} WHERE ${replacedCopies()}`,
    ),
    dml(
      `${STATE_TABLES.tokens} (insert new)`,
      STATE_TABLES.tokens,
      () => `INSERT INTO ${t(STATE_TABLES.tokens)} SELECT event_id, occurred_at, token FROM ${t('js_inc_changed_tokens')}`,
    ),
    // The affected persons' pairs and names, from their recomputed events (every event of an old affected person is
    // among them) and those events' identifiers: the same function of the same rows as the stored tokens.
    ...replaceAffectedPersons(STATE_TABLES.personTokens, () => personTokensSql(deltaStitched(), `(${tokensSql(ctx, deltaEvents())})`)),
    ...replaceAffectedPersons(STATE_TABLES.personNames, () => personNamesSql(ctx, deltaStitched(), deltaEvents())),
    ...replaceAffectedPersons(STATE_TABLES.anonPersons, () => anonPersonsSql(ctx, deltaStitched())),
    // Tails: the recomputed persons' (old ids out) and the appended persons' (continued).
    ...replaceAffectedPersons(
      STATE_TABLES.personTail,
      () => personTailSql(ctx.external(`${DELTA}js_sessionized`)),
      () => personTailSql(ctx.external(`${APPEND}js_sessionized`)),
    ),
    // Rejects since the cutoff (and those without a timestamp) were staged again: replace them, in the state and in
    // rejected_rows. rejected_rows keeps the rows of the state rejects that stay (a raw row's source table and JSON
    // decide its time, so equal rows all stay or all go); the rows the runner added (unreadable lines, which it adds
    // again) go too. Only those rows are rewritten: the table grows with history, the run need not.
    dml(
      `${REJECTS_TABLE} (delete restaged)`,
      REJECTS_TABLE,
      () => `DELETE FROM ${t(REJECTS_TABLE)} AS r WHERE NOT EXISTS (
  SELECT 1 FROM ${t(STATE_TABLES.rejects)} AS s
  WHERE s.occurred_at < ${since} AND s.source_table = r.source_table AND s.row_data = r.row_data
)`,
    ),
    dml(
      `${STATE_TABLES.rejects} (delete restaged)`,
      STATE_TABLES.rejects,
      () => `DELETE FROM ${t(STATE_TABLES.rejects)} WHERE occurred_at IS NULL OR occurred_at >= ${since}`,
    ),
    dml(
      `${STATE_TABLES.rejects} (insert restaged)`,
      STATE_TABLES.rejects,
      () => `INSERT INTO ${t(STATE_TABLES.rejects)} SELECT source_table, event_id, reject_reason, row_data, occurred_at FROM ${newOut('js_staged')} WHERE reject_reason IS NOT NULL
UNION ALL
SELECT source_table, event_id, reason, row_data, occurred_at FROM ${t('js_inc_duplicates')}`,
    ),
    dml(
      `${REJECTS_TABLE} (insert restaged)`,
      REJECTS_TABLE,
      () => `INSERT INTO ${t(REJECTS_TABLE)} SELECT source_table, event_id, reject_reason, row_data FROM ${newOut('js_staged')} WHERE reject_reason IS NOT NULL
UNION ALL
SELECT source_table, event_id, reason, row_data FROM ${t('js_inc_duplicates')}`,
    ),
    dml(
      STATE_TABLES.runs,
      STATE_TABLES.runs,
      () => `INSERT INTO ${t(STATE_TABLES.runs)} (${RUN_COLUMNS.join(', ')}) SELECT ${RUN_COLUMNS.join(', ')} FROM ${t('js_inc_run')}`,
    ),
  ];

  // Every table the sub-plans make is this run's scratch (the recomputed outputs too).
  const subPlanScratch = [...staging, ...recompute].flatMap(createsOf);
  return { prepare, apply, scratch: [...new Set([...ctx.scratch, ...subPlanScratch, ...append.scratch])] };
}

/**
 * The models from the identity graph on, over the affected persons' events only (`inc_delta_js_events`). Name
 * uniqueness also counts the names of every other person (js_inc_outside_names), which are unchanged.
 */
function recomputeSteps(opts: IncrementalOptions): Step[] {
  const matchModel = scoredMatching(opts.config) ? { params: STATE_TABLES.matchParams, nameTokens: STATE_TABLES.nameTokens } : undefined;
  const recompute = {
    ...opts,
    namespace: DELTA,
    nameCandidates: 'js_inc_outside_names',
    matchModel,
    outputsAreScratch: true,
    personTails: true,
  };
  // The sub-plan downstream of the affected events (the plan makes inc_delta_js_events), up to the outputs.
  const external = [recompute.nameCandidates, ...(matchModel ? [matchModel.params, matchModel.nameTokens] : [])];
  return between(
    buildPipeline(recompute).steps,
    [`${DELTA}js_events`],
    OUTPUT_TABLES.map((t) => `${DELTA}${t}`),
    external,
  );
}

/** The plan as one Pipeline, the apply part inside a transaction (for toScript and the BigQuery runner). */
export function incrementalPipeline(plan: IncrementalPlan): Pipeline {
  return {
    steps: [...plan.prepare, sql('begin', 'BEGIN TRANSACTION'), ...plan.apply, sql('commit', 'COMMIT TRANSACTION')],
    outputs: [...OUTPUT_TABLES, REJECTS_TABLE, ...Object.values(STATE_TABLES)],
    scratch: plan.scratch,
  };
}

/** `watermark` minus `hours`, both 'YYYY-MM-DD HH:MM:SS[.ffffff]' UTC (microseconds kept exactly). */
export function subtractHours(watermark: string, hours: number): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?$/.exec(watermark);
  if (!m) throw new Error(`incremental: cannot read the watermark '${watermark}'`);
  const [, y, mo, da, h, mi, s, frac = ''] = m;
  // Not Date.UTC(y, ...): it reads years 0-99 as 1900-1999.
  const at = new Date(0);
  at.setUTCFullYear(+y, +mo - 1, +da);
  at.setUTCHours(+h, +mi, +s, 0);
  const micros = frac.padEnd(6, '0');
  const iso = new Date(at.getTime() - hours * 3_600_000).toISOString(); // YYYY-MM-DDTHH:MM:SS.000Z
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}${micros === '000000' ? '' : `.${micros}`}`;
}
