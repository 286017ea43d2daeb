/**
 * Data-quality views and explores: the rows staging rejects (`rejected_rows`: keys, reasons and hashed
 * identifiers, duplicates among them) and, with `tables` and `lookml.run_history`, journey-stitch's run log
 * (`journey_stitch_runs`: every `stitch --incremental` run, its late rows). What exists depends on the
 * materialization, so the data-quality dashboard asks `qualityExplores` which of them the project has.
 */
import type { Config } from '../config/schema';
import { PII_ACCESS_GRANT } from '../contract/looker';
import { REJECTS_TABLE } from '../contract/tables';
import { DUPLICATE_REASON } from '../models/staging';
import { STATE_TABLES } from '../models/incremental';
import { named, pairs, type Named, type Node } from './document';
import { TIME_TIMEFRAMES } from './fields';
import { dialectSwitch, md5Hex } from './liquid';
import { SCRATCH_PREFIX } from './pdt';
import { count } from './views';

export const QUALITY_EXPLORES = { rejectedRows: 'rejected_rows', stitchRuns: 'stitch_runs' } as const;
export const RUNS_VIEW = STATE_TABLES.runs;

/** Whether the project reads journey-stitch's run log (tables + lookml.run_history: `stitch --incremental` writes it). */
export const hasRunLog = (config: Config) => config.lookml.materialization === 'tables' && config.lookml.run_history;

/**
 * Where the rejected rows are. tables: next to the stitched tables. pdt: the js_events build writes them to a fixed
 * name in @{SCRATCH}; the query names the stitched_events PDT (reading none of its columns, so BigQuery bills
 * nothing for it), which makes Looker build the PDTs, js_events first, before it reads them.
 */
function rejectsSource(config: Config): Node {
  if (config.lookml.materialization === 'tables') return { sql_table_name: `@{OUTPUT_DATASET}.${REJECTS_TABLE}` };
  return {
    derived_table: {
      sql: `SELECT r.source_table, r.event_id, r.reason, r.row_data
FROM @{SCRATCH}.${SCRATCH_PREFIX}${REJECTS_TABLE} AS r
-- Written by the PDT builds: naming the stitched_events PDT makes Looker build them first (none of its columns is read: no bytes billed for it).
WHERE NOT EXISTS (SELECT 1 FROM \${stitched_events.SQL_TABLE_NAME} WHERE FALSE)`,
    },
  };
}

/** A text field of row_data (JSON text on both warehouses); KEPT_TABLE_PATH is the one a field reads without the grant. */
export const KEPT_TABLE_PATH = '$.kept_source_table';
const rowDataField = (path: string) => dialectSwitch(`JSON_VALUE(\${TABLE}.row_data, '${path}')`, `json_extract_string(\${TABLE}.row_data, '${path}')`);

const DUPLICATE = [['is_duplicate', 'yes']] as [string, string][];
const NOT_DUPLICATE = [['is_duplicate', 'no']] as [string, string][];

export function rejectedRowsView(config: Config): Named {
  return named(REJECTS_TABLE, {
    ...rejectsSource(config),
    label: 'Rejected Rows',
    dimension: [
      named('row_key', {
        primary_key: true,
        hidden: true,
        type: 'string',
        description: 'A row key (a rejected row has none of its own: copies of one event id share it).',
        // row_data hashed: the key is selectable by everyone, row_data is behind the grant.
        sql: `CONCAT(COALESCE(\${TABLE}.source_table, ''), ':', COALESCE(\${TABLE}.event_id, ''), ':', COALESCE(\${TABLE}.reason, ''), ':', ${md5Hex("COALESCE(${TABLE}.row_data, '')")})`,
      }),
      named('source_table', { type: 'string', label: 'Source Table', description: 'The raw table (or file) the row came from.', sql: '${TABLE}.source_table' }),
      named('event_id', {
        type: 'string',
        label: 'Event ID',
        description: 'The row\'s event id (missing when that is why it was rejected); for a duplicate, the id of the copy stitched_events holds.',
        sql: '${TABLE}.event_id',
      }),
      named('reason', { type: 'string', description: 'Why the row was rejected; unreadable file lines name their line number.', sql: '${TABLE}.reason' }),
      named('reason_kind', {
        type: 'string',
        label: 'Reason Kind',
        description: "The reason without a file line's number: missing event id, invalid timestamp, duplicate, malformed JSON, ...",
        sql: "REGEXP_REPLACE(${TABLE}.reason, ' on line [0-9]+.*$', '')",
      }),
      named('is_duplicate', {
        type: 'yesno',
        label: 'Is Duplicate',
        description: `A copy of an event id that lost the dedupe order to another copy (reason '${DUPLICATE_REASON}').`,
        sql: `\${TABLE}.reason = '${DUPLICATE_REASON}'`,
      }),
      named('kept_source_table', {
        type: 'string',
        label: 'Kept Copy Source Table',
        description: 'For a duplicate: the table of the copy stitched_events holds (re-deliveries: the same table).',
        sql: rowDataField(KEPT_TABLE_PATH),
      }),
      // Ids, times and page paths in clear, the rest keyed hashes (docs/semantics.md §1): anonymous ids are
      // personal data here as in stitched_events, so the whole row stays behind the grant.
      named('row_data', {
        type: 'string',
        label: 'Row Data',
        description: 'The raw columns staging read, as JSON: ids, times, event names and page paths in clear, personal columns as keyed hashes.',
        required_access_grants: [PII_ACCESS_GRANT],
        sql: '${TABLE}.row_data',
      }),
    ],
    measure: [
      named('count', count('Rejected and Duplicate Rows', 'Rows kept out of stitched_events: rejected, or a losing copy of an event id.', 'reject_details')),
      named('rejected_count', count('Rejected Rows', 'Rows staging or the file reader rejected (duplicates not counted).', 'reject_details', NOT_DUPLICATE)),
      named('duplicate_count', count('Duplicate Copies', 'Copies of an event id that lost to another copy.', 'reject_details', DUPLICATE)),
      named('duplicated_event_count', {
        type: 'count_distinct',
        label: 'Duplicated Events',
        description: 'Distinct event ids delivered more than once.',
        sql: '${event_id}',
        filters: pairs(DUPLICATE),
        drill_fields: ['reject_details*'],
      }),
    ],
    set: [named('reject_details', { fields: ['source_table', 'event_id', 'reason', 'kept_source_table'] })],
  });
}

const runNumber = (name: string, label: string, description: string): Named => named(name, { type: 'number', label, description, sql: `\${TABLE}.${name}` });
const runSum = (name: string, column: string, label: string, description: string): Named =>
  named(name, { type: 'sum', label, description, sql: `\${${column}}` });
const runTime = (name: string, column: string, description: string): Named =>
  named(name, { type: 'time', description, timeframes: TIME_TIMEFRAMES, datatype: 'timestamp', sql: `\${TABLE}.${column}` });

/** journey_stitch_runs: one row per `stitch --incremental` run (its first, full, run included). */
export function runsView(): Named {
  return named(RUNS_VIEW, {
    sql_table_name: `@{OUTPUT_DATASET}.${RUNS_VIEW}`,
    label: 'Stitch Runs',
    dimension: [
      named('run_id', { primary_key: true, type: 'string', label: 'Run ID', description: 'The run.', sql: '${TABLE}.run_id' }),
      named('mode', { type: 'string', description: 'full (a rebuild that keeps state) or incremental.', sql: '${TABLE}.mode' }),
      runNumber('new_events', 'New Events', 'Events the run read that stitched_events did not hold.'),
      runNumber('affected_persons', 'Persons Re-stitched', 'Persons the run recomputed from all their events.'),
      runNumber('rows_rewritten', 'Rows Rewritten', 'Output rows the run replaced.'),
      runNumber('late_rows', 'Late Rows', 'Raw rows that arrived after the run that covered their time (not read: a full stitch includes them).'),
      // As `stitch` counts the late rows still missing from the output (warehouse/duckdb/incremental.ts outstandingLateRows).
      named('is_after_last_full_run', {
        type: 'yesno',
        label: 'Is After Last Full Run',
        description: 'Yes for the runs after the latest full one: their late rows are still missing from the stitched tables.',
        sql: `\${TABLE}.refreshed_at > (SELECT MAX(f.refreshed_at) FROM @{OUTPUT_DATASET}.${STATE_TABLES.runs} AS f WHERE f.mode = 'full')`,
      }),
    ],
    dimension_group: [
      runTime('refreshed', 'refreshed_at', 'When the run ended.'),
      runTime('watermark', 'watermark', 'The newest event time the run saw (never after the run).'),
      runTime('cutoff', 'cutoff', 'The run read raw rows newer than this (empty on a full run).'),
    ],
    measure: [
      named('count', count('Runs', 'Number of stitch runs.', 'run_details')),
      named('incremental_count', count('Incremental Runs', 'Runs that processed only new events.', 'run_details', [['mode', 'incremental']])),
      runSum('total_new_events', 'new_events', 'Total New Events', 'New events over the runs.'),
      runSum('total_late_rows', 'late_rows', 'Total Late Rows', 'Late rows over the runs: rows incremental runs did not read (a full stitch includes them).'),
      named('outstanding_late_rows', {
        type: 'sum',
        label: 'Late Rows Not Yet Stitched',
        description: 'Late rows found since the latest full run: missing from the stitched tables until the next full stitch.',
        sql: '${late_rows}',
        filters: pairs([['mode', 'incremental'], ['is_after_last_full_run', 'yes']]),
      }),
      runSum('total_rows_rewritten', 'rows_rewritten', 'Total Rows Rewritten', 'Output rows replaced over the runs.'),
    ],
    set: [named('run_details', { fields: ['refreshed_time', 'mode', 'new_events', 'affected_persons', 'rows_rewritten', 'late_rows'] })],
  });
}

/** The data-quality views the config's project has. */
export function qualityViews(config: Config): Named[] {
  return [rejectedRowsView(config), ...(hasRunLog(config) ? [runsView()] : [])];
}

/** The data-quality explores the config's project has. */
export function qualityExplores(config: Config): Named[] {
  return [
    named(QUALITY_EXPLORES.rejectedRows, {
      view_name: REJECTS_TABLE,
      label: 'Rejected Rows',
      description: 'Rows kept out of stitched_events and why: rejected by staging or the file reader, or a duplicate copy of an event id.',
    }),
    ...(hasRunLog(config)
      ? [
          named(QUALITY_EXPLORES.stitchRuns, {
            view_name: RUNS_VIEW,
            label: 'Stitch Runs',
            description: 'journey-stitch runs (stitch --incremental): new events, persons re-stitched, rows rewritten, rows that arrived late.',
          }),
        ]
      : []),
  ];
}
