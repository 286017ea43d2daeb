/**
 * The apply: the stored rows the run replaces are read once (js_inc_stored_*), recomputed rows equal to stored ones
 * are left in place (js_inc_same_*), and one transaction of DML swaps the changed rows and updates the state.
 */
import { OUTPUT_TABLES, REJECTS_TABLE, type OutputTable } from '../../contract/tables';
import type { SqlStep } from '../../sql/pipeline';
import { stitchedPersonColumns } from '../attribution';
import { anonPersonsSql, APPEND, appendApplySteps, appendedLinksSql, APPENDED_TABLES, personTailSql } from './append';
import { DELTA, KEYS, type IncrementalContext } from './context';
import { runLogApplyStep } from './run-log';
import { personNamesSql, personTokensSql, STATE_TABLES, tokensSql } from './state';

/** The identifiers whose links are recomputed, and the stored rows of the recomputed and the appended persons. */
export function storedRowsSteps(x: IncrementalContext): SqlStep[] {
  const { ctx, t, scratch, personTokens, seedTokens, rewrittenPersons, appendTables } = x;
  return [
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
  ];
}

/** The recomputed rows identical to the stored ones, by key (left in place by the apply). */
export function unchangedRowsSteps(x: IncrementalContext): SqlStep[] {
  const { ctx, d, t, scratch, changed, scope, touched } = x;
  return [
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
  ];
}

/** The DML of the run, in one transaction: the outputs, the append, the state, the rejects and the run log. */
export function applySteps(x: IncrementalContext): SqlStep[] {
  const { opts, ctx, d, t, cols, state, since, changed, scope, recomputedPersons, rewrittenPersons, newOut, replacedCopies, dml } = x;
  /**
   * An output table's changed rows out, the recomputed ones in. One DELETE also takes out the appended persons'
   * rows (the append's inserts follow): on BigQuery every DELETE bills the table (or its modified partitions).
   */
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
  return [
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
      () => `INSERT INTO ${t(STATE_TABLES.rejects)} SELECT source_table, event_id, reject_reason, row_data, occurred_at FROM ${newOut('js_set_aside')} WHERE reject_reason IS NOT NULL
UNION ALL
SELECT source_table, event_id, reason, row_data, occurred_at FROM ${t('js_inc_duplicates')}`,
    ),
    dml(
      `${REJECTS_TABLE} (insert restaged)`,
      REJECTS_TABLE,
      () => `INSERT INTO ${t(REJECTS_TABLE)} SELECT source_table, event_id, reject_reason, row_data FROM ${newOut('js_set_aside')} WHERE reject_reason IS NOT NULL
UNION ALL
SELECT source_table, event_id, reason, row_data FROM ${t('js_inc_duplicates')}`,
    ),
    runLogApplyStep(x),
  ];
}
