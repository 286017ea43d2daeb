/**
 * LookML dashboards as the preview reads them (the generated `*.dashboard.lookml` files, YAML) and each tile's
 * query: its fields, sorts, limit and filters, plus the values of the dashboard filters it listens to. Pure: shared
 * by the server (which reads the files), the dashboard page (which runs the queries) and the tests.
 */
import type { Tile } from '../../lookml/dashboards';
import type { WriteQuery } from '../query/compile';

/** A tile as the dashboard file holds it: the generator's Tile, with its model and place on the grid. */
export type DashboardElement = Tile & { model: string; row: number; col: number; width: number; height: number };

export interface DashboardFilterDoc {
  name: string;
  title: string;
  default_value: string;
  explore: string;
  field: string;
}

export interface DashboardDoc {
  dashboard: string;
  title: string;
  description?: string;
  filters: DashboardFilterDoc[];
  elements: DashboardElement[];
}

/** The dashboard's filter values: what the user set, else each filter's default. */
export function filterValues(d: DashboardDoc, set: Readonly<Record<string, string>> = {}): Record<string, string> {
  return Object.fromEntries((d.filters ?? []).map((f) => [f.name, set[f.name] ?? f.default_value ?? '']));
}

/**
 * The tile's query. Pivots are not sent: the preview does not pivot, and the unpivoted query groups by the same
 * fields (the page draws a pivot as a series). A listened filter left empty filters nothing, as in Looker.
 */
export function tileQuery(d: DashboardDoc, e: DashboardElement, set: Readonly<Record<string, string>> = {}): WriteQuery {
  const values = filterValues(d, set);
  const listened = Object.fromEntries(Object.entries(e.listen ?? {}).map(([filter, field]) => [field, values[filter] ?? '']));
  return {
    model: e.model,
    view: e.explore,
    fields: e.fields,
    sorts: e.sorts,
    filters: { ...e.filters, ...listened },
    limit: String(e.limit ?? 500),
  };
}
