/**
 * Staging: every raw source table read into one event shape, identifiers cleaned, rows that cannot be used
 * given a reject reason (kept, never dropped). Then `events`: one row per event id.
 */
import {
  OFFSITE_NAME_COLUMNS,
  offsiteAction,
  offsiteDateFormat,
  offsiteRequired,
  SEGMENT_REQUIRED,
  SNOWPLOW_COLUMNS,
  SNOWPLOW_REQUIRED,
  type OffsiteConfig,
  type SnowplowTrait,
} from '../config/schema';
import { REJECTS_TABLE, type ColumnType } from '../contract/tables';
import type { SqlStep } from '../sql/pipeline';
import type { ModelContext } from './context';
import { SourceColumnError } from './types';

/** The staged columns quoted for a SELECT list, each prefixed with `alias.` when one is given. */
export function stagedColumnList(ctx: ModelContext, alias?: string): string {
  return stagedColumns(ctx)
    .map((c) => `${alias ? `${alias}.` : ''}${ctx.d.quoteIdent(c)}`)
    .join(', ');
}

/** Columns of the common event shape, in UNION order. `crm_<name>` columns follow `carried`. */
export function stagedColumns(ctx: ModelContext): string[] {
  return [
    'event_id',
    'event_type',
    'event_name',
    'occurred_at',
    'anonymous_id',
    'user_id',
    'email',
    'name',
    'carried_anonymous_id',
    'linked_anonymous_id',
    ...crmColumns(ctx),
    'source',
    'page_path',
    'page_title',
    'page_url',
    'referrer',
    'ip',
    'utm_source',
    'utm_medium',
    'utm_campaign',
    'offsite_action',
    'profile_url',
    'content_url',
    'headline',
    'company',
    'location',
    'source_table',
    'source_order',
  ];
}

/** SQL type of a staged column (every column not named here is a string). */
export function stagedColumnType(column: string): Extract<ColumnType, 'string' | 'int' | 'timestamp'> {
  return column === 'occurred_at' ? 'timestamp' : column === 'source_order' ? 'int' : 'string';
}

export function crmColumns(ctx: ModelContext): string[] {
  return ctx.config.identity.crm_ids.map((c) => `crm_${c.name}`);
}

/** Reads columns of one raw table through the config's column mapping. */
class RawColumns {
  /** The physical columns read, in the order first read: a rejected row keeps these (row_data), not the whole row. */
  readonly read: string[] = [];
  /** The logical name each physical column was read as (which decides whether row_data shows it or its hash). */
  readonly logicalOf = new Map<string, string>();

  constructor(
    private readonly ctx: ModelContext,
    readonly table: string,
    private readonly mapping: Record<string, string | undefined>,
    private readonly required: readonly string[],
  ) {
    const present = ctx.raw.columns(table);
    for (const logical of required) {
      const physical = this.physical(logical);
      if (present && !present.has(physical)) throw new SourceColumnError(table, physical, logical);
    }
  }

  physical(logical: string): string {
    return this.mapping[logical] ?? logical;
  }

  /** `r.<column>` when the table has it, else a typed NULL (optional columns may be missing). */
  col(logical: string): string {
    const physical = this.physical(logical);
    const present = this.ctx.raw.columns(this.table);
    if (present && !present.has(physical)) {
      if (this.required.includes(logical)) throw new SourceColumnError(this.table, physical, logical);
      return this.ctx.d.nullOf('string');
    }
    if (!this.read.includes(physical)) {
      this.read.push(physical);
      this.logicalOf.set(physical, logical);
    }
    return `r.${this.ctx.d.quoteIdent(physical)}`;
  }

  /** The column as a string (NULL when missing). */
  str(logical: string): string {
    return this.ctx.d.castString(this.col(logical));
  }

  /** The column as trimmed text, NULL when missing or empty. */
  text(logical: string): string {
    return `NULLIF(${this.ctx.d.trim(this.str(logical))}, '')`;
  }

  has(logical: string): boolean {
    const present = this.ctx.raw.columns(this.table);
    return !present || present.has(this.physical(logical));
  }
}

/**
 * Why staging rejects a row, each with the logical raw columns whose values decide it (any source's names): when
 * most of a file is rejected for one reason, the run summary points at the config's mapping of those columns.
 */
export const REJECT_REASON_COLUMNS = {
  'missing event id': ['id', 'event_id'],
  'invalid timestamp': ['timestamp', 'derived_tstamp'],
  'implausible timestamp': ['timestamp', 'derived_tstamp'],
  'missing event name': ['event'],
  'no identifier': ['anonymous_id', 'user_id', 'domain_userid', 'email', 'full_name', 'profile_url'],
} as const satisfies Record<string, readonly string[]>;
export type RejectReason = keyof typeof REJECT_REASON_COLUMNS;

/**
 * The raw columns a rejected row shows in clear (logical names, any source): ids, times, event names, anonymous
 * ids, pages and campaigns, which decide rejects and show nobody. Every other column read (user id, email, names,
 * IP, URLs, profile URL, CRM ids, carried ids) is kept as its keyed hash: rejected_rows sits outside the personal
 * data grant, and a hash still tells a value from a missing one.
 */
const CLEAR_REJECT_COLUMNS: ReadonlySet<string> = new Set([
  'id',
  'event_id',
  'timestamp',
  'derived_tstamp',
  'event',
  'event_name',
  'se_action',
  'action',
  'anonymous_id',
  'domain_userid',
  'network_userid',
  'context_page_path',
  'page_urlpath',
  'context_page_title',
  'page_title',
  'context_campaign_source',
  'context_campaign_medium',
  'context_campaign_name',
  'mkt_source',
  'mkt_medium',
  'mkt_campaign',
  'content_url',
]);

interface StagedRow {
  /** SQL expression per staged column (missing ones become NULL). */
  [column: string]: string;
}

/**
 * Wraps one source's expressions into a SELECT with the reject reason and, for rejected rows only, the raw row's
 * columns that staging reads (`rc.read`: a whole-row reference would read, and on BigQuery bill, every column of
 * the raw table, and Segment's have dozens), personal ones as keyed hashes (CLEAR_REJECT_COLUMNS). Two layers so every cleaning expression is computed once;
 * `rejectTests` refer to the staged column names.
 */
function stagingSelect(ctx: ModelContext, rc: RawColumns, from: string, row: StagedRow, rejectTests: [string, RejectReason][]): string {
  const { d } = ctx;
  const names = stagedColumns(ctx).map((c) => d.quoteIdent(c));
  const cols = stagedColumns(ctx).map((c, i) => `${row[c] ?? d.nullOf(stagedColumnType(c))} AS ${names[i]}`);
  const reason = `CASE ${rejectTests.map(([test, why]) => `WHEN ${test} THEN ${ctx.lit(why)}`).join(' ')} END`;
  // The raw columns pass through under their own aliases, and are packed (personal ones hashed) only in the branch
  // rejected rows take: a struct of them packed for every row read cost 0.1 s of 1 s at 1M events.
  const raw = rc.read.map((c, i) => ({ column: c, alias: d.quoteIdent(`raw_column_${i + 1}`) }));
  const shown = d.structOf(
    raw.map(({ column, alias }) => [
      column,
      CLEAR_REJECT_COLUMNS.has(rc.logicalOf.get(column)!) ? alias : ctx.keyedMd5(d.castString(alias)),
    ]),
  );
  return [
    `SELECT ${names.join(', ')}, reject_reason,`,
    `  CASE WHEN reject_reason IS NOT NULL THEN ${d.rowToJson(shown)} END AS row_data`,
    'FROM (',
    `SELECT *, ${reason} AS reject_reason`,
    'FROM (',
    'SELECT',
    `  ${[...cols, ...raw.map(({ column, alias }) => `r.${d.quoteIdent(column)} AS ${alias}`)].join(',\n  ')}`,
    `FROM ${from} AS r`,
    ') AS cleaned',
    ') AS checked',
  ].join('\n');
}

/** `name`, else first and last name joined (trimmed; empty is NULL): identify traits and offsite exports alike. */
function personName(ctx: ModelContext, rc: RawColumns, fullName: string): string {
  const composed = `NULLIF(TRIM(${ctx.d.concat(`COALESCE(${rc.str('first_name')}, '')`, `' '`, `COALESCE(${rc.str('last_name')}, '')`)}), '')`;
  return `COALESCE(${rc.text(fullName)}, ${composed})`;
}

/**
 * True for an event time outside the plausible window (config timestamps): a device clock at 1970 or in 2099. The
 * window is relative to the run and at most MAX_TIMESTAMP_AGE_DAYS long, so the day-partitioned tables never need
 * more than BigQuery's 4,000 partitions in one job.
 */
function implausibleTime(ctx: ModelContext): string {
  const { d } = ctx;
  const { max_age_days: days, max_future_hours: hours } = ctx.config.timestamps;
  return `(occurred_at < ${d.minusHours(d.currentTimestamp(), days * 24)} OR occurred_at > ${d.minusHours(d.currentTimestamp(), -hours)})`;
}

function emailFromUrl(ctx: ModelContext, url: string): string | undefined {
  const params = ctx.config.identity.email_query_params;
  if (params.length === 0) return undefined;
  const decoded = (param: string) =>
    `REPLACE(REPLACE(LOWER(${ctx.d.regexpExtract(url, `[?&]${param}=([^&#]*)`)}), '%40', '@'), '%2b', '+')`;
  return params.length === 1 ? decoded(params[0]) : `COALESCE(${params.map(decoded).join(', ')})`;
}

const SEGMENT_TABLES = ['pages', 'tracks', 'identifies'] as const;

function segmentSelects(ctx: ModelContext): string[] {
  const { d } = ctx;
  const source = ctx.config.source;
  if (source.type === 'snowplow') throw new Error('unreachable');
  return SEGMENT_TABLES.map((kind, i) => {
    const table = kind;
    const rc = new RawColumns(ctx, table, source.columns[kind], SEGMENT_REQUIRED[kind]);
    const col = (logical: string) => rc.col(logical);
    const str = (logical: string) => rc.str(logical);
    const text = (logical: string) => rc.text(logical);
    const carried = ctx.config.identity.carried_anonymous_id_column;
    const urlEmail = kind === 'pages' ? emailFromUrl(ctx, str('context_page_url')) : undefined;
    const traitsEmail = kind === 'identifies' ? col('email') : undefined;
    const fullName = kind === 'identifies' ? personName(ctx, rc, 'name') : undefined;
    const row: StagedRow = {
      event_id: ctx.clean(col('id')),
      event_type: ctx.lit(kind === 'pages' ? 'page' : kind === 'tracks' ? 'track' : 'identify'),
      event_name: kind === 'pages' ? text('context_page_title') : kind === 'tracks' ? text('event') : ctx.lit('identify'),
      occurred_at: d.safeTimestamp(col('timestamp')),
      anonymous_id: ctx.clean(col('anonymous_id')),
      user_id: ctx.clean(col('user_id')),
      email: traitsEmail ? ctx.cleanEmail(traitsEmail) : urlEmail ? ctx.cleanEmail(urlEmail) : d.nullOf('string'),
      name: fullName ?? d.nullOf('string'),
      carried_anonymous_id: carried && rc.has(carried) ? ctx.clean(rc.col(carried)) : d.nullOf('string'),
      source: ctx.lit('web'),
      page_path: text('context_page_path'),
      page_title: text('context_page_title'),
      page_url: text('context_page_url'),
      referrer: text('context_page_referrer'),
      ip: ctx.clean(col('context_ip')),
      utm_source: text('context_campaign_source'),
      utm_medium: text('context_campaign_medium'),
      utm_campaign: text('context_campaign_name'),
      company: kind === 'identifies' ? text('company') : d.nullOf('string'),
      source_table: ctx.lit(source.tables[kind]),
      source_order: String(i + 1),
    };
    for (const crm of ctx.config.identity.crm_ids) {
      row[`crm_${crm.name}`] = kind === 'identifies' && rc.has(crm.column) ? ctx.clean(rc.col(crm.column)) : d.nullOf('string');
    }
    const rejects: [string, RejectReason][] = [
      [`event_id IS NULL`, 'missing event id'],
      [`occurred_at IS NULL`, 'invalid timestamp'],
      [implausibleTime(ctx), 'implausible timestamp'],
    ];
    if (kind === 'tracks') rejects.push([`event_name IS NULL`, 'missing event name']);
    rejects.push([`anonymous_id IS NULL AND user_id IS NULL AND email IS NULL`, 'no identifier']);
    return stagingSelect(ctx, rc, ctx.source(table), row, rejects);
  });
}

/** Snowplow's atomic events: page_view is a page; anything else a track named se_action, event_name or event. */
function snowplowSelect(ctx: ModelContext): string {
  const { d } = ctx;
  const source = ctx.config.source;
  if (source.type !== 'snowplow') throw new Error('unreachable');
  const rc = new RawColumns(ctx, 'events', source.columns, SNOWPLOW_REQUIRED);
  const str = (logical: string) => rc.str(logical);
  const text = (logical: string) => rc.text(logical);
  const isPage = `COALESCE(${str('event')}, '') = 'page_view'`;
  // The Segment-named carried column maps onto Snowplow's marketing term.
  // User traits (source.user_traits): a column, or a JSON path into one.
  const trait = (t: SnowplowTrait | undefined) =>
    t === undefined ? undefined : typeof t === 'string' ? rc.text(t) : `NULLIF(${d.trim(d.jsonValue(rc.col(t.column), t.path))}, '')`;
  const traitEmail = trait(source.user_traits.email);
  const urlEmail = emailFromUrl(ctx, str('page_url'));
  const pageEmail = urlEmail ? `CASE WHEN ${isPage} THEN ${urlEmail} END` : undefined;
  const emails = [traitEmail, pageEmail].filter((e): e is string => e !== undefined);
  const carriedLogical = ctx.config.identity.carried_anonymous_id_column?.replace(/^context_campaign_/, 'mkt_');
  const carried = carriedLogical && (SNOWPLOW_COLUMNS as readonly string[]).includes(carriedLogical) ? carriedLogical : undefined;
  const row: StagedRow = {
    event_id: ctx.clean(rc.col('event_id')),
    event_type: `CASE WHEN ${isPage} THEN 'page' ELSE 'track' END`,
    event_name: `CASE WHEN ${isPage} THEN ${text('page_title')} ELSE COALESCE(${text('se_action')}, ${text('event_name')}, ${text('event')}) END`,
    occurred_at: d.safeTimestamp(rc.col('derived_tstamp')),
    anonymous_id: ctx.clean(rc.col('domain_userid')),
    user_id: ctx.clean(rc.col('user_id')),
    email: emails.length === 0 ? d.nullOf('string') : ctx.cleanEmail(emails.length === 1 ? emails[0] : `COALESCE(${emails.join(', ')})`),
    name: trait(source.user_traits.name) ?? d.nullOf('string'),
    carried_anonymous_id: carried ? ctx.clean(rc.col(carried)) : d.nullOf('string'),
    // The network (third-party cookie) id ties the domain ids of one browser together.
    linked_anonymous_id: ctx.clean(rc.col('network_userid')),
    source: ctx.lit('web'),
    page_path: text('page_urlpath'),
    page_title: text('page_title'),
    page_url: text('page_url'),
    referrer: text('page_referrer'),
    ip: ctx.clean(rc.col('user_ipaddress')),
    utm_source: text('mkt_source'),
    utm_medium: text('mkt_medium'),
    utm_campaign: text('mkt_campaign'),
    source_table: ctx.lit(source.tables.events),
    source_order: '1',
  };
  const rejects: [string, RejectReason][] = [
    [`event_id IS NULL`, 'missing event id'],
    [`occurred_at IS NULL`, 'invalid timestamp'],
    [implausibleTime(ctx), 'implausible timestamp'],
    [`anonymous_id IS NULL AND user_id IS NULL AND email IS NULL`, 'no identifier'],
  ];
  return stagingSelect(ctx, rc, ctx.source('events'), row, rejects);
}

export function offsiteLabel(o: OffsiteConfig): string {
  return o.label ?? o.name.charAt(0).toUpperCase() + o.name.slice(1);
}

function offsiteSelect(ctx: ModelContext, o: OffsiteConfig, order: number): string {
  const { d } = ctx;
  const table = `offsite:${o.name}`;
  const rc = new RawColumns(ctx, table, o.columns, offsiteRequired(o));
  if (!OFFSITE_NAME_COLUMNS.some((c) => rc.has(c))) throw new SourceColumnError(table, rc.physical('full_name'), 'full_name');
  const str = (logical: string) => rc.str(logical);
  const text = (logical: string) => rc.text(logical);
  const name = personName(ctx, rc, 'full_name');
  // An export with full_name keeps the ids it always had; one with only first and last names uses the joined name.
  const constantAction = offsiteAction(o);
  const action = constantAction === undefined ? text('action') : ctx.lit(constantAction);
  // Dates such as LinkedIn's 05 Dec 2024, where the format has them; ISO timestamps always parse.
  const dateFormat = offsiteDateFormat(o);
  const occurredAt = dateFormat
    ? `COALESCE(${d.safeTimestamp(rc.col('timestamp'))}, ${d.safeTimestampFormat(d.trim(str('timestamp')), dateFormat)})`
    : d.safeTimestamp(rc.col('timestamp'));
  const fingerprint = [
    rc.has('full_name') ? str('full_name') : name,
    constantAction === undefined ? str('action') : action,
    ...['timestamp', 'profile_url', 'content_url'].map(str),
  ]
    .map((c) => `COALESCE(${c}, '')`)
    .join(` || '|' || `);
  const row: StagedRow = {
    event_id: rc.has('id') ? ctx.clean(rc.col('id')) : d.concat(ctx.lit(`${o.name}:`), ctx.md5(fingerprint)),
    event_type: ctx.lit('offsite'),
    event_name: action,
    occurred_at: occurredAt,
    email: ctx.cleanEmail(rc.col('email')),
    name,
    source: ctx.lit(o.name),
    offsite_action: action,
    profile_url: ctx.clean(rc.col('profile_url')),
    content_url: text('content_url'),
    headline: text('headline'),
    company: text('company'),
    location: text('location'),
    source_table: ctx.lit(o.table ?? o.name),
    source_order: String(10 + order),
  };
  const rejects: [string, RejectReason][] = [
    [`event_id IS NULL`, 'missing event id'],
    [`occurred_at IS NULL`, 'invalid timestamp'],
    [implausibleTime(ctx), 'implausible timestamp'],
    [`name IS NULL AND email IS NULL AND profile_url IS NULL`, 'no identifier'],
  ];
  return stagingSelect(ctx, rc, ctx.source(table), row, rejects);
}

/** The columns that rank copies of one event id: all a stored copy needs to be ranked against a new one. */
export const DEDUPE_COLUMNS = ['occurred_at', 'source_order', 'anonymous_id', 'user_id', 'email', 'event_name', 'page_url'] as const;
/** Which copy of a duplicated event id wins (the first under this order); the incremental refresh reuses it. */
export const DEDUPE_ORDER = DEDUPE_COLUMNS.map((c) => (c === 'occurred_at' || c === 'source_order' ? c : `${c} ASC NULLS LAST`)).join(', ');

/**
 * SQL that is true when the row aliased `a` comes strictly before the row aliased `b` under DEDUPE_ORDER (nulls
 * last; occurred_at and source_order are never null in staged rows). Ranks two copies of one event id without a
 * window over whole rows.
 */
export function dedupeBefore(a: string, b: string): string {
  return DEDUPE_COLUMNS.reduceRight((rest, c) => {
    const before = `(${a}.${c} IS NOT NULL AND (${b}.${c} IS NULL OR ${a}.${c} < ${b}.${c}))`;
    return rest === '' ? before : `${before} OR (${a}.${c} IS NOT DISTINCT FROM ${b}.${c} AND (${rest}))`;
  }, '');
}

/** rejected_rows.reason of a copy of an event id that lost the dedupe order to another copy (DEDUPE_ORDER). */
export const DUPLICATE_REASON = 'duplicate';

export interface DuplicateRejectsOptions {
  /**
   * A table of (event_id, source_table): copies that come before every staged copy of their id (an incremental
   * run's stored copies from before its cutoff). Every staged copy of those ids loses to it.
   */
  earlier?: string;
  /** Also select the losing copy's occurred_at (the incremental state keeps rejects by time). */
  occurredAt?: boolean;
}

/**
 * The staged copies that lose the dedupe order as rejected rows: the losing copy's table, the event id (the id of the
 * copy that won, which stitched_events holds), reason 'duplicate', and as row_data the losing copy's time and the
 * table of the copy that won. `duplicateIds` holds the ids staged more than once.
 */
export function duplicateRejectsSql(ctx: ModelContext, staged: string, duplicateIds: string, opts: DuplicateRejectsOptions = {}): string {
  const { d } = ctx;
  const ids = opts.earlier
    ? `(s.event_id IN (SELECT event_id FROM ${duplicateIds}) OR s.event_id IN (SELECT event_id FROM ${opts.earlier}))`
    : `s.event_id IN (SELECT event_id FROM ${duplicateIds})`;
  const kept = opts.earlier ? 'COALESCE(e.source_table, c.kept_source_table)' : 'c.kept_source_table';
  const rowData = d.rowToJson(
    d.structOf([
      ['occurred_at', 'c.occurred_at'],
      ['kept_source_table', kept],
    ]),
  );
  return `SELECT c.source_table, c.event_id, ${ctx.lit(DUPLICATE_REASON)} AS reason, ${rowData} AS row_data${opts.occurredAt ? ', c.occurred_at' : ''}
FROM (
  SELECT s.source_table, s.event_id, s.occurred_at,
    ROW_NUMBER() OVER (PARTITION BY s.event_id ORDER BY ${DEDUPE_ORDER}) AS copy_number,
    -- Copies tied on the whole order come from one table (source_order): any of them names it.
    FIRST_VALUE(s.source_table) OVER (PARTITION BY s.event_id ORDER BY ${DEDUPE_ORDER}) AS kept_source_table
  FROM ${staged} AS s
  WHERE s.reject_reason IS NULL AND ${ids}
) AS c
${opts.earlier ? `LEFT JOIN ${opts.earlier} AS e ON e.event_id = c.event_id\nWHERE c.copy_number > 1 OR e.event_id IS NOT NULL` : 'WHERE c.copy_number > 1'}`;
}

export function stagingSteps(ctx: ModelContext): SqlStep[] {
  const firstParty = () => (ctx.config.source.type === 'snowplow' ? [snowplowSelect(ctx)] : segmentSelects(ctx));
  const offsite = () => ctx.config.offsite.map((o, i) => offsiteSelect(ctx, o, i));
  const cols = stagedColumnList(ctx);
  const duplicated = () => `event_id IN (SELECT event_id FROM ${ctx.ref('js_duplicate_ids')})`;
  const events = ctx.tableName('js_events');
  return [
    // Every staged row first, rejected ones and every copy of a duplicated id included. The statements below set those
    // aside and leave js_events one row per accepted event, in place: copying the accepted rows into a table of their
    // own took 0.57 s at 1M events, the DELETE takes 0.05 s, and only one copy of the events is ever held.
    ctx.scratchTable('js_events', () => [...firstParty(), ...offsite()].join('\nUNION ALL\n')),
    // At-least-once delivery: keep one row per event id, the earliest; ties broken on content so reruns agree.
    // Only the ids delivered more than once are ranked (a hash aggregate finds them): sorting every event by id
    // was the costliest step at 10M events.
    ctx.scratchTable(
      'js_duplicate_ids',
      () => `SELECT event_id FROM ${ctx.ref('js_events')} WHERE reject_reason IS NULL GROUP BY event_id HAVING COUNT(*) > 1`,
    ),
    // The rows that leave js_events: rejected ones, and every copy of a duplicated id (the first goes back below).
    ctx.scratchTable('js_set_aside', () => `SELECT * FROM ${ctx.ref('js_events')} WHERE reject_reason IS NOT NULL OR ${duplicated()}`),
    ctx.table(
      REJECTS_TABLE,
      'output',
      () => `SELECT source_table, event_id, reject_reason AS reason, row_data FROM ${ctx.ref('js_set_aside')} WHERE reject_reason IS NOT NULL
UNION ALL
${duplicateRejectsSql(ctx, ctx.ref('js_set_aside'), ctx.ref('js_duplicate_ids'))}`,
      {},
    ),
    ctx.statement(
      'js_events_drop_set_aside',
      () => `DELETE FROM ${ctx.ref('js_events')} WHERE reject_reason IS NOT NULL OR ${duplicated()}`,
      {
        writes: [events],
      },
    ),
    ctx.statement(
      'js_events_restore_first_copies',
      () => `INSERT INTO ${ctx.ref('js_events')} (${cols})
SELECT ${cols} FROM (
  SELECT s.*, ROW_NUMBER() OVER (PARTITION BY s.event_id ORDER BY ${DEDUPE_ORDER}) AS copy_number
  FROM ${ctx.ref('js_set_aside')} AS s
  WHERE s.reject_reason IS NULL
) AS deduped
WHERE copy_number = 1`,
      { writes: [events] },
    ),
  ];
}
