/**
 * LookML dashboards (`lookml/dashboards/*.dashboard.lookml`, newspaper layout) over the generated explores, for
 * analysts who do not open the extension: journeys, identity coverage and offsite engagement. Each tile is one
 * explore query (fields, pivots, sorts, filters), its dashboard's date filter wired to the explore's date field with
 * `listen`. Pure data: serialised as YAML, the format of LookML dashboards; the validator checks every tile.
 */
import { stringify } from 'yaml';
import { EXPLORES, LOOKER_MODEL } from '../contract/looker';
import type { GeneratedFile } from './document';

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
const dateFilter = (explore: string, field: string): DashboardFilter => ({ name: DATE, title: 'Date', default_value: '90 days', explore, field });
const OFFSITE = { 'stitched_events.event_type': 'offsite' };

export const DASHBOARDS: Dashboard[] = [
  {
    name: 'journey_stitch_journeys',
    title: 'Journeys',
    description: 'Where journeys start, the paths people take, how many steps conversion takes, and conversions over time.',
    filters: [dateFilter(EXPLORES.events, 'stitched_events.occurred_date')],
    tiles: [
      {
        name: 'top_entry_pages',
        title: 'Top entry pages (sessions)',
        explore: EXPLORES.sessionJourneys,
        type: 'looker_bar',
        fields: ['session_paths.step_1', 'session_paths.count'],
        sorts: ['session_paths.count desc'],
        limit: 10,
        listen: { [DATE]: 'session_paths.date_filter' },
      },
      {
        name: 'top_paths',
        title: 'Top paths (first three steps per person)',
        explore: EXPLORES.journeys,
        type: 'looker_grid',
        fields: ['journey_paths.step_1', 'journey_paths.step_2', 'journey_paths.step_3', 'journey_paths.count', 'journey_paths.conversion_rate'],
        sorts: ['journey_paths.count desc'],
        limit: 20,
        listen: { [DATE]: 'journey_paths.date_filter' },
      },
      {
        name: 'steps_to_conversion',
        title: 'Steps to conversion',
        explore: EXPLORES.journeys,
        type: 'looker_column',
        fields: ['journey_paths.steps_to_conversion', 'journey_paths.count'],
        filters: { 'journey_paths.converted': 'Yes' },
        sorts: ['journey_paths.steps_to_conversion'],
        limit: 50,
        listen: { [DATE]: 'journey_paths.date_filter' },
      },
      {
        name: 'conversions_over_time',
        title: 'Conversions by week',
        explore: EXPLORES.events,
        type: 'looker_line',
        fields: ['stitched_events.occurred_week', 'stitched_events.conversion_count', 'stitched_events.person_count'],
        sorts: ['stitched_events.occurred_week'],
        limit: 500,
        listen: { [DATE]: 'stitched_events.occurred_date' },
      },
    ],
  },
  {
    name: 'journey_stitch_identity_coverage',
    title: 'Identity coverage',
    description: 'How much of the traffic is tied to a known person, by what evidence, and what stays unmatched.',
    filters: [dateFilter(EXPLORES.events, 'stitched_events.occurred_date')],
    tiles: [
      {
        name: 'identified_share',
        title: 'Identified share of persons',
        explore: EXPLORES.persons,
        type: 'single_value',
        fields: ['persons.identified_share', 'persons.identified_count', 'persons.count'],
        listen: { [DATE]: 'persons.last_seen_date' },
      },
      {
        name: 'unmatched_profiles',
        title: 'Unmatched offsite profiles',
        explore: EXPLORES.persons,
        type: 'single_value',
        fields: ['persons.unmatched_count'],
        listen: { [DATE]: 'persons.last_seen_date' },
      },
      {
        name: 'events_by_status',
        title: 'Events by identity status, by week',
        explore: EXPLORES.events,
        type: 'looker_area',
        fields: ['stitched_events.occurred_week', 'stitched_events.identity_status', 'stitched_events.count'],
        pivots: ['stitched_events.identity_status'],
        sorts: ['stitched_events.occurred_week'],
        limit: 500,
        listen: { [DATE]: 'stitched_events.occurred_date' },
      },
      {
        name: 'persons_by_status',
        title: 'Persons by identity status, by week first seen',
        explore: EXPLORES.persons,
        type: 'looker_column',
        fields: ['persons.first_seen_week', 'persons.identity_status', 'persons.count'],
        pivots: ['persons.identity_status'],
        sorts: ['persons.first_seen_week'],
        limit: 500,
        listen: { [DATE]: 'persons.first_seen_date' },
      },
      {
        name: 'inferred_vs_confirmed',
        title: 'Inferred vs confirmed events',
        explore: EXPLORES.events,
        type: 'looker_pie',
        fields: ['stitched_events.identity_status', 'stitched_events.count'],
        filters: { 'stitched_events.identity_status': 'confirmed,inferred' },
        sorts: ['stitched_events.count desc'],
        listen: { [DATE]: 'stitched_events.occurred_date' },
      },
      {
        name: 'persons_by_link_reason',
        title: 'Persons per link reason',
        explore: EXPLORES.events,
        type: 'looker_bar',
        fields: ['stitched_events.link_reason', 'stitched_events.person_count'],
        sorts: ['stitched_events.person_count desc'],
        listen: { [DATE]: 'stitched_events.occurred_date' },
      },
    ],
  },
  {
    name: 'journey_stitch_offsite',
    title: 'Offsite engagement',
    description: 'Offsite actions (LinkedIn likes, comments, follows) by identity status and week, and the visitors they were matched to.',
    filters: [dateFilter(EXPLORES.events, 'stitched_events.occurred_date')],
    tiles: [
      {
        name: 'actions_by_status',
        title: 'Offsite actions by identity status',
        explore: EXPLORES.events,
        type: 'looker_bar',
        fields: ['stitched_events.offsite_action', 'stitched_events.identity_status', 'stitched_events.count'],
        pivots: ['stitched_events.identity_status'],
        filters: OFFSITE,
        sorts: ['stitched_events.offsite_action'],
        limit: 50,
        listen: { [DATE]: 'stitched_events.occurred_date' },
      },
      {
        name: 'actions_by_week',
        title: 'Offsite actions by week and source',
        explore: EXPLORES.events,
        type: 'looker_column',
        fields: ['stitched_events.occurred_week', 'stitched_events.source', 'stitched_events.count'],
        pivots: ['stitched_events.source'],
        filters: OFFSITE,
        sorts: ['stitched_events.occurred_week'],
        limit: 500,
        listen: { [DATE]: 'stitched_events.occurred_date' },
      },
      {
        name: 'matched_visitors',
        title: 'Visitors matched to offsite actions',
        explore: EXPLORES.events,
        type: 'looker_grid',
        fields: ['persons.person_id', 'persons.identity_status', 'stitched_events.count', 'stitched_events.inferred_event_count'],
        filters: { ...OFFSITE, 'stitched_events.identity_status': 'confirmed,inferred' },
        sorts: ['stitched_events.count desc'],
        limit: 50,
        listen: { [DATE]: 'stitched_events.occurred_date' },
      },
    ],
  },
];

/** Two tiles a row, each half the width. */
function placed(tiles: Tile[]): Record<string, unknown>[] {
  const width = NEWSPAPER_COLUMNS / 2;
  const height = 6;
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
    row: Math.floor(i / 2) * height,
    col: (i % 2) * width,
    width,
    height,
  }));
}

export function dashboardFiles(header: readonly string[]): GeneratedFile[] {
  return DASHBOARDS.map((d) => ({
    path: `${DASHBOARDS_DIR}/${d.name}.dashboard.lookml`,
    content:
      header.map((l) => `# ${l}`).join('\n') +
      '\n' +
      stringify([
        {
          dashboard: d.name,
          title: d.title,
          description: d.description,
          layout: 'newspaper',
          preferred_viewer: 'dashboards-next',
          filters: d.filters.map((f) => ({ name: f.name, title: f.title, type: 'field_filter', default_value: f.default_value, allow_multiple_values: true, required: false, model: LOOKER_MODEL, explore: f.explore, field: f.field })),
          elements: placed(d.tiles),
        },
      ]),
  }));
}
