/**
 * What every part of an incremental plan shares: its options, the plan's ModelContext, and the names of the tables
 * the parts hand to each other (see docs/incremental.md for the order they run in).
 */
import type { Config } from '../../config/schema';
import { outputTables, type OutputTable } from '../../contract/tables';
import type { Dialect } from '../../sql/dialect';
import type { SqlStep, Step } from '../../sql/pipeline';
import { ModelContext } from '../context';
import { stagedColumnList } from '../staging';
import type { BuildOptions } from '../types';
import type { APPENDED_TABLES } from './append';
import { timestampLiteral } from './cutoff';
import type { RunRecord } from './run-log';
import { STATE_TABLES } from './state';

/** Prefixes of the per-run scratch tables: newly staged rows, and the recomputed affected persons. */
export const NEW = 'inc_new_';
export const DELTA = 'inc_delta_';

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

export const KEYS = Object.fromEntries(outputTables().map((x) => [x.name, x.primaryKey])) as Record<OutputTable, string>;

export type IncrementalContext = ReturnType<typeof incrementalContext>;

/** The plan's context: one ModelContext for every step the plan writes itself, and the references they share. */
export function incrementalContext(opts: IncrementalOptions) {
  const ctx = new ModelContext(opts);
  const { d, config }: { d: Dialect; config: Config } = ctx;
  const t = (x: string) => ctx.ref(x);
  const scratch = (name: string, select: () => string) => ctx.scratchTable(name, select);
  const cols = stagedColumnList(ctx);
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
  /** The newly staged rows (the restaging sub-plan's tables). */
  const newOut = (x: string) => ctx.external(`${NEW}${x}`);
  /** The stored copies a new copy replaces: all from the days since the cutoff (BigQuery prunes the others). */
  const replacedCopies = () => `occurred_at >= ${since} AND event_id IN (SELECT event_id FROM ${changed()} WHERE known_event)`;
  /** A statement changing `table` in place. */
  const dml = (name: string, table: string, text: () => string) => ctx.statement(name, text, { writes: [table] });
  return {
    opts,
    ctx,
    d,
    config,
    t,
    scratch,
    cols,
    state,
    since,
    stitched,
    changed,
    scope,
    personTokens,
    personNames,
    seedTokens,
    appended,
    recomputedPersons,
    rewrittenPersons,
    appendTables,
    touched,
    newOut,
    replacedCopies,
    dml,
  };
}
