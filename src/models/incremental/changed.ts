/**
 * The changed events: the raw rows since the cutoff staged with the models' own SQL, and of those the rows that are
 * new or a copy of a known event that now wins the dedupe order (state wins ties).
 */
import { upstreamOf, type SqlStep, type Step } from '../../sql/pipeline';
import { buildPipeline } from '../index';
import { DEDUPE_COLUMNS, dedupeBefore, duplicateRejectsSql, stagedColumnList } from '../staging';
import { NEW, type IncrementalContext } from './context';
import { rawSince } from './cutoff';
import { tokensSql } from './state';

/** 1. Stage the new raw rows with the models' own staging SQL. */
export function restagingSteps(x: IncrementalContext): Step[] {
  const { opts, config, d } = x;
  const raw = rawSince(config, d, opts.raw, opts.cutoff);
  // The sub-plan upstream of js_events (not rejected_rows: the apply reads the restaged rows' rejects itself).
  return upstreamOf(buildPipeline({ ...opts, raw, namespace: NEW }).steps, [`${NEW}js_events`]);
}

/**
 * 2. The changed events (js_inc_changed), the restaged copies that lose the dedupe order (js_inc_duplicates) and the
 * changed events' identifiers (js_inc_changed_tokens).
 */
export function changedSteps(x: IncrementalContext): SqlStep[] {
  const { ctx, scratch, since, state, changed, newOut } = x;
  // 2. Rows that are new, or a copy of a known event that now wins the dedupe order (state wins ties). The state
  //    holds one copy per event id; of a stored copy only the columns that rank it are read (BigQuery bills columns).
  //    A new row's time is at or after the cutoff (rawSince keeps exactly those), so a stored copy from before the
  //    cutoff is earlier and always wins: of those only the event ids are read. Only copies since the cutoff are
  //    ranked, and only they can be replaced, so BigQuery reads the state's other columns for those days only.
  const changedStep = scratch(
    'js_inc_changed',
    () => `SELECT ${stagedColumnList(ctx, 'n')}, s.event_id IS NOT NULL AS known_event
FROM ${newOut('js_events')} AS n
LEFT JOIN (SELECT event_id, ${DEDUPE_COLUMNS.join(', ')} FROM ${state()} WHERE occurred_at >= ${since}) AS s ON s.event_id = n.event_id
WHERE (s.event_id IS NULL OR ${dedupeBefore('n', 's')})
  -- NOT EXISTS, not NOT IN: DuckDB hashes the smaller side for it (NOT IN hashed the 10M stored ids, 0.7 s).
  AND NOT EXISTS (SELECT 1 FROM ${state()} AS o WHERE o.occurred_at < ${since} AND o.event_id = n.event_id)`,
  );
  return [
    changedStep,
    // The restaged copies that lose the dedupe order: to another restaged copy, or to a stored copy from before the
    // cutoff (which is earlier than every restaged one). Older losing copies stay in rejected_rows as they are.
    //    Every accepted restaged copy: a duplicated id's are set aside (staging.ts), any other is js_events' own row.
    scratch('js_inc_duplicates', () =>
      duplicateRejectsSql(
        ctx,
        `(SELECT * FROM ${newOut('js_set_aside')} WHERE reject_reason IS NULL
  UNION ALL
  SELECT * FROM ${newOut('js_events')} WHERE event_id NOT IN (SELECT event_id FROM ${newOut('js_duplicate_ids')}))`,
        newOut('js_duplicate_ids'),
        {
          earlier: `(SELECT o.event_id, o.source_table FROM ${state()} AS o WHERE o.occurred_at < ${since} AND o.event_id IN (SELECT event_id FROM ${newOut('js_events')}))`,
          occurredAt: true,
        },
      ),
    ),
    scratch('js_inc_changed_tokens', () => tokensSql(ctx, changed())),
  ];
}
