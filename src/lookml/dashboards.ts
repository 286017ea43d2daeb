/**
 * LookML dashboards (`lookml/dashboards/*.dashboard.lookml`, newspaper layout) over the generated explores, for
 * analysts who do not open the extension: journeys, identity coverage, offsite engagement and data quality. Each
 * tile is one explore query (fields, pivots, sorts, filters), its dashboard's filters wired to the explore's fields
 * with `listen`. Pure data: serialised as YAML, the format of LookML dashboards; the validator checks every tile.
 */
import { stringify } from 'yaml';
import type { Config } from '../config/schema';
import { EXPLORES, LOOKER_MODEL } from '../contract/looker';
import type { GeneratedFile } from './document';
import { hasRunLog, QUALITY_EXPLORES } from './quality';

export const DASHBOARDS_DIR = 'lookml/dashboards';
/** Looker's newspaper layout is 24 columns wide. */
export const NEWSPAPER_COLUMNS = 24;

export interface Tile {
  name: string;
  title: string;
  explore: string;
  type: string;
  fields: string[];
  pivots?: string[];
  sorts?: string[];
  filters?: Record<string, string>;
  limit?: number;
  /** Dashboard filter name → the explore field it filters. */
  listen?: Record<string, string>;
  /** Newspaper columns (of 24) and rows; default half the width, 6 rows. */
  width?: number;
  height?: number;
}

export interface DashboardFilter {
  name: string;
  title: string;
  default_value: string;
  explore: string;
  field: string;
}

export interface Dashboard {
  name: string;
  title: string;
  description: string;
  filters: DashboardFilter[];
  tiles: Tile[];
}

const DATE = 'date';
const dateFilter = (explore: string, field: string, default_value = '90 days', title = 'Date'): DashboardFilter => ({ name: DATE, title, default_value, explore, field });
const OFFSITE = { 'stitched_events.event_type': 'offsite' };

/** A tile's own parts; the explore and the dashboard filters it listens to come from `on`. */
type TileSpec = Omit<Tile, 'explore' | 'listen'>;

/** Tiles of one explore, each listening to the dashboard filters on its fields (filter name → field). */
const on =
  (explore: string, listen: Record<string, string> = {}) =>
  (t: TileSpec): Tile => ({ ...t, explore, ...(Object.keys(listen).length ? { listen } : {}) });

const events = on(EXPLORES.events, { [DATE]: 'stitched_events.occurred_date' });
const persons = (dateField: 'persons.last_seen_date' | 'persons.first_seen_date') => on(EXPLORES.persons, { [DATE]: dateField });
const journeys = on(EXPLORES.journeys, { [DATE]: 'journey_paths.date_filter' });
const sessionJourneys = on(EXPLORES.sessionJourneys, { [DATE]: 'session_paths.date_filter' });

const REASON = 'reason';
const SOURCE_TABLE = 'source_table';
const rejects = on(QUALITY_EXPLORES.rejectedRows, { [REASON]: 'rejected_rows.reason_kind', [SOURCE_TABLE]: 'rejected_rows.source_table' });
const runs = on(QUALITY_EXPLORES.stitchRuns, { [DATE]: 'journey_stitch_runs.refreshed_date' });
const DUPLICATES = { 'rejected_rows.is_duplicate': 'Yes' };

/** Single values share a row, each `1 / count` of it. */
const single = (count: number) => ({ width: NEWSPAPER_COLUMNS / count, height: 3 });

const journeysDashboard: Dashboard = {
  name: 'journey_stitch_journeys',
  title: 'Journeys',
  description: 'Where journeys start, the paths people take, how many steps conversion takes, and conversions over time.',
  filters: [dateFilter(EXPLORES.events, 'stitched_events.occurred_date')],
  tiles: [
    sessionJourneys({
      name: 'top_entry_pages',
      title: 'Top entry pages (sessions)',
      type: 'looker_bar',
      fields: ['session_paths.step_1', 'session_paths.count'],
      sorts: ['session_paths.count desc'],
      limit: 10,
    }),
    journeys({
      name: 'top_paths',
      title: 'Top paths (first three steps per person)',
      type: 'looker_grid',
      fields: ['journey_paths.step_1', 'journey_paths.step_2', 'journey_paths.step_3', 'journey_paths.count', 'journey_paths.conversion_rate'],
      sorts: ['journey_paths.count desc'],
      limit: 20,
    }),
    journeys({
      name: 'steps_to_conversion',
      title: 'Steps to conversion',
      type: 'looker_column',
      fields: ['journey_paths.steps_to_conversion', 'journey_paths.count'],
      filters: { 'journey_paths.converted': 'Yes' },
      sorts: ['journey_paths.steps_to_conversion'],
      limit: 50,
    }),
    events({
      name: 'conversions_over_time',
      title: 'Conversions by week',
      type: 'looker_line',
      fields: ['stitched_events.occurred_week', 'stitched_events.conversion_count', 'stitched_events.person_count'],
      sorts: ['stitched_events.occurred_week'],
      limit: 500,
    }),
  ],
};

const identityDashboard: Dashboard = {
  name: 'journey_stitch_identity_coverage',
  title: 'Identity coverage',
  description: 'How much of the traffic is tied to a known person, by what evidence, and what stays unmatched.',
  filters: [dateFilter(EXPLORES.events, 'stitched_events.occurred_date')],
  tiles: [
    persons('persons.last_seen_date')({
      name: 'identified_share',
      title: 'Identified share of persons',
      type: 'single_value',
      fields: ['persons.identified_share', 'persons.identified_count', 'persons.count'],
      ...single(2),
    }),
    persons('persons.last_seen_date')({ name: 'unmatched_profiles', title: 'Unmatched offsite profiles', type: 'single_value', fields: ['persons.unmatched_count'], ...single(2) }),
    events({
      name: 'events_by_status',
      title: 'Events by identity status, by week',
      type: 'looker_area',
      fields: ['stitched_events.occurred_week', 'stitched_events.identity_status', 'stitched_events.count'],
      pivots: ['stitched_events.identity_status'],
      sorts: ['stitched_events.occurred_week'],
      limit: 500,
    }),
    persons('persons.first_seen_date')({
      name: 'persons_by_status',
      title: 'Persons by identity status, by week first seen',
      type: 'looker_column',
      fields: ['persons.first_seen_week', 'persons.identity_status', 'persons.count'],
      pivots: ['persons.identity_status'],
      sorts: ['persons.first_seen_week'],
      limit: 500,
    }),
    events({
      name: 'inferred_vs_confirmed',
      title: 'Inferred vs confirmed events',
      type: 'looker_pie',
      fields: ['stitched_events.identity_status', 'stitched_events.count'],
      filters: { 'stitched_events.identity_status': 'confirmed,inferred' },
      sorts: ['stitched_events.count desc'],
    }),
    events({
      name: 'persons_by_link_reason',
      title: 'Persons per link reason',
      type: 'looker_bar',
      fields: ['stitched_events.link_reason', 'stitched_events.person_count'],
      sorts: ['stitched_events.person_count desc'],
    }),
  ],
};

const offsiteDashboard: Dashboard = {
  name: 'journey_stitch_offsite',
  title: 'Offsite engagement',
  description: 'Offsite actions (LinkedIn likes, comments, follows) by identity status and week, and the visitors they were matched to.',
  filters: [dateFilter(EXPLORES.events, 'stitched_events.occurred_date')],
  tiles: [
    events({
      name: 'actions_by_status',
      title: 'Offsite actions by identity status',
      type: 'looker_bar',
      fields: ['stitched_events.offsite_action', 'stitched_events.identity_status', 'stitched_events.count'],
      pivots: ['stitched_events.identity_status'],
      filters: OFFSITE,
      sorts: ['stitched_events.offsite_action'],
      limit: 50,
    }),
    events({
      name: 'actions_by_week',
      title: 'Offsite actions by week and source',
      type: 'looker_column',
      fields: ['stitched_events.occurred_week', 'stitched_events.source', 'stitched_events.count'],
      pivots: ['stitched_events.source'],
      filters: OFFSITE,
      sorts: ['stitched_events.occurred_week'],
      limit: 500,
    }),
    events({
      name: 'matched_visitors',
      title: 'Visitors matched to offsite actions',
      type: 'looker_grid',
      fields: ['persons.person_id', 'persons.identity_status', 'stitched_events.count', 'stitched_events.inferred_event_count'],
      filters: { ...OFFSITE, 'stitched_events.identity_status': 'confirmed,inferred' },
      sorts: ['stitched_events.count desc'],
      limit: 50,
    }),
  ],
};

/**
 * Data quality: the rejected rows (both materializations) and, where the project reads the run log (tables +
 * lookml.run_history), run history and late rows. pdt builds keep no run log and read every raw row on every build
 * (no late rows): System Activity's PDT Event Log lists their builds.
 */
function dataQualityDashboard(config: Config): Dashboard {
  const runLog = hasRunLog(config);
  const SINGLE = single(runLog ? 4 : 2);
  return {
    name: 'journey_stitch_data_quality',
    title: 'Data quality',
    description: runLog
      ? 'Rows kept out of the stitched tables (rejected, or duplicate copies of an event id), and the stitch runs: what each read, re-stitched and rewrote, and the rows that arrived late.'
      : 'Rows kept out of the stitched tables: rejected, or duplicate copies of an event id (as the latest build left them).',
    filters: [
      { name: REASON, title: 'Reason', default_value: '', explore: QUALITY_EXPLORES.rejectedRows, field: 'rejected_rows.reason_kind' },
      { name: SOURCE_TABLE, title: 'Source table', default_value: '', explore: QUALITY_EXPLORES.rejectedRows, field: 'rejected_rows.source_table' },
      ...(runLog ? [dateFilter(QUALITY_EXPLORES.stitchRuns, 'journey_stitch_runs.refreshed_date', '30 days', 'Run date')] : []),
    ],
    tiles: [
      rejects({ name: 'rejected_rows', title: 'Rejected rows', type: 'single_value', fields: ['rejected_rows.rejected_count'], ...SINGLE }),
      rejects({ name: 'duplicate_copies', title: 'Duplicate copies', type: 'single_value', fields: ['rejected_rows.duplicate_count'], ...SINGLE }),
      ...(runLog
        ? [
            // Since the last full run, whatever the run dates: what a full stitch would still add.
            on(QUALITY_EXPLORES.stitchRuns)({ name: 'late_rows', title: 'Late rows not yet stitched', type: 'single_value', fields: ['journey_stitch_runs.outstanding_late_rows'], ...SINGLE }),
            runs({ name: 'runs', title: 'Stitch runs', type: 'single_value', fields: ['journey_stitch_runs.count'], ...SINGLE }),
          ]
        : []),
      rejects({
        name: 'rejects_by_reason',
        title: 'Rejected rows by reason and source',
        type: 'looker_bar',
        fields: ['rejected_rows.reason_kind', 'rejected_rows.source_table', 'rejected_rows.count'],
        pivots: ['rejected_rows.source_table'],
        sorts: ['rejected_rows.reason_kind'],
        limit: 500,
      }),
      rejects({
        name: 'duplicates_by_table',
        title: 'Duplicate copies by table and table of the copy kept',
        type: 'looker_column',
        fields: ['rejected_rows.source_table', 'rejected_rows.kept_source_table', 'rejected_rows.duplicate_count'],
        pivots: ['rejected_rows.kept_source_table'],
        filters: DUPLICATES,
        sorts: ['rejected_rows.source_table'],
        limit: 500,
      }),
      rejects({
        name: 'duplicated_events',
        title: 'Duplicated events (the id stitched_events holds)',
        type: 'looker_grid',
        fields: ['rejected_rows.event_id', 'rejected_rows.source_table', 'rejected_rows.kept_source_table', 'rejected_rows.duplicate_count'],
        filters: DUPLICATES,
        sorts: ['rejected_rows.duplicate_count desc', 'rejected_rows.event_id'],
        limit: 50,
        width: NEWSPAPER_COLUMNS,
      }),
      ...(runLog
        ? [
            runs({
              name: 'late_rows_by_day',
              title: 'Late rows by run day',
              type: 'looker_column',
              fields: ['journey_stitch_runs.refreshed_date', 'journey_stitch_runs.total_late_rows'],
              sorts: ['journey_stitch_runs.refreshed_date'],
              limit: 500,
            }),
            runs({
              name: 'run_history',
              title: 'Run history',
              type: 'looker_grid',
              fields: [
                'journey_stitch_runs.refreshed_time',
                'journey_stitch_runs.mode',
                'journey_stitch_runs.new_events',
                'journey_stitch_runs.affected_persons',
                'journey_stitch_runs.rows_rewritten',
                'journey_stitch_runs.late_rows',
              ],
              sorts: ['journey_stitch_runs.refreshed_time desc'],
              limit: 50,
            }),
          ]
        : []),
    ],
  };
}

/** The dashboards of the config's project. */
export function dashboards(config: Config): Dashboard[] {
  return [journeysDashboard, identityDashboard, offsiteDashboard, dataQualityDashboard(config)];
}

/** A tile's size on the grid: half the width unless it says. */
const DEFAULT_SIZE = { width: NEWSPAPER_COLUMNS / 2, height: 6 };

/**
 * Tiles left to right in rows, in order; a tile that does not fit in what is left of a row starts the next one,
 * below the tallest tile of the row.
 */
export function layout(tiles: readonly Pick<Tile, 'width' | 'height'>[]): { row: number; col: number; width: number; height: number }[] {
  let [row, col, rowHeight] = [0, 0, 0];
  return tiles.map((t) => {
    const width = Math.min(t.width ?? DEFAULT_SIZE.width, NEWSPAPER_COLUMNS);
    const height = t.height ?? DEFAULT_SIZE.height;
    if (col + width > NEWSPAPER_COLUMNS) [row, col, rowHeight] = [row + rowHeight, 0, 0];
    const at = { row, col, width, height };
    col += width;
    rowHeight = Math.max(rowHeight, height);
    return at;
  });
}

function placed(tiles: Tile[]): Record<string, unknown>[] {
  const at = layout(tiles);
  return tiles.map((t, i) => ({
    title: t.title,
    name: t.name,
    model: LOOKER_MODEL,
    explore: t.explore,
    type: t.type,
    fields: t.fields,
    ...(t.pivots ? { pivots: t.pivots } : {}),
    ...(t.filters ? { filters: t.filters } : {}),
    ...(t.sorts ? { sorts: t.sorts } : {}),
    ...(t.limit ? { limit: t.limit } : {}),
    ...(t.listen ? { listen: t.listen } : {}),
    ...at[i],
  }));
}

export function dashboardFiles(config: Config, header: readonly string[]): GeneratedFile[] {
  return dashboards(config).map((d) => ({
    path: `${DASHBOARDS_DIR}/${d.name}.dashboard.lookml`,
    content:
      header.map((l) => `# ${l}`).join('\n') +
      '\n' +
      stringify(
        [
        {
          dashboard: d.name,
          title: d.title,
          description: d.description,
          layout: 'newspaper',
          preferred_viewer: 'dashboards-next',
          filters: d.filters.map((f) => ({ name: f.name, title: f.title, type: 'field_filter', default_value: f.default_value, allow_multiple_values: true, required: false, model: LOOKER_MODEL, explore: f.explore, field: f.field })),
          elements: placed(d.tiles),
        },
        ],
        // Tiles share their listen objects: written out in full, not as YAML anchors and aliases.
        { aliasDuplicateObjects: false },
      ),
  }));
}
