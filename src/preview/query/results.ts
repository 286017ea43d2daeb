/**
 * Query results in Looker's shapes: `json` (an array of objects keyed by field name) and `json_detail`
 * (`{ fields: { dimensions, measures, ... }, data: [{ field: { value } }], sql, ... }`).
 */
import type { CompiledQuery } from './compile';
import type { FieldDef } from './model';
import { TIMEFRAMES } from '../../lookml/vocabulary';

export type JsonValue = string | number | boolean | null;
export const RESULT_FORMATS = ['json', 'json_detail'] as const;
export type ResultFormat = (typeof RESULT_FORMATS)[number];

/** DuckDB values as JSON: BIGINT/HUGEINT → number, DECIMAL/timestamps → their text, the rest as is. */
export function toJsonValue(v: unknown): JsonValue {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v;
  return String(v);
}

function numeric(f: FieldDef): boolean {
  return f.kind === 'measure' || f.type === 'number' || (f.timeframe !== undefined && TIMEFRAMES[f.timeframe] === 'number');
}

/** The field metadata json_detail carries (the subset of Looker's LookmlModelExploreField an extension reads). */
export function fieldMetadata(f: FieldDef, viewLabel: string) {
  return {
    name: f.name,
    label: `${viewLabel} ${f.label}`,
    label_short: f.label,
    view: f.view,
    view_label: viewLabel,
    category: f.kind,
    type: f.timeframe ? `date_${f.timeframe}` : f.type,
    is_numeric: numeric(f),
    is_timeframe: f.timeframe !== undefined,
    dimension_group: f.group ?? null,
    description: f.description ?? null,
    hidden: f.hidden,
    primary_key: f.primaryKey,
    measure: f.kind === 'measure',
    value_format_name: f.valueFormatName ?? null,
    sortable: true,
  };
}

export function formatJson(query: CompiledQuery, rows: unknown[][]): Record<string, JsonValue>[] {
  return rows.map((row) => Object.fromEntries(query.fields.map((f, i) => [f.name, toJsonValue(row[i])])));
}

export function formatJsonDetail(query: CompiledQuery, rows: unknown[][], viewLabels: Map<string, string>, runtimeSeconds: number) {
  const meta = query.fields.map((f) => fieldMetadata(f, viewLabels.get(f.view) ?? f.view));
  return {
    fields: {
      dimensions: meta.filter((m) => m.category === 'dimension'),
      measures: meta.filter((m) => m.category === 'measure'),
      table_calculations: [],
      pivots: [],
    },
    data: rows.map((row) => Object.fromEntries(query.fields.map((f, i) => [f.name, { value: toJsonValue(row[i]) }]))),
    sql: query.sql,
    has_row_totals: false,
    has_totals: false,
    null_sort_treatment: 'low',
    ran_at: new Date().toISOString(),
    runtime: runtimeSeconds.toFixed(3),
    timezone: 'UTC',
    from_cache: false,
    // Fields dropped for lack of an access grant, with Looker's warning text.
    errors: query.warnings.map((message) => ({ level: 'warn', message })),
  };
}
