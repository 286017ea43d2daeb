/**
 * What a dashboard tile shows, from its LookML (type, fields, pivots) and its query's json_detail answer: a single
 * value, a table, or a vega-lite chart (bar, column, line, area, pie; a pivot or a second measure becomes a series,
 * coloured). Pure: the dashboard page draws the result, the tests check it without a browser.
 */
import type { TopLevelSpec } from 'vega-lite';
import { IDENTITY_STATUSES } from '../../contract/tables';
import { OKABE_ITO } from '../../extension/sankey/palette';
import type { DashboardElement } from './query';

/** The json_detail field metadata the tiles read (src/preview/query/results.ts). */
export interface FieldMeta {
  name: string;
  label_short: string;
  is_numeric: boolean;
  is_timeframe: boolean;
  type: string;
  value_format_name: string | null;
}

export interface QueryDetail {
  fields: { dimensions: FieldMeta[]; measures: FieldMeta[] };
  data: Record<string, { value: string | number | boolean | null }>[];
}

export type TileView =
  | { kind: 'single'; value: string; label: string; others: { label: string; value: string }[] }
  | { kind: 'table'; columns: { label: string; numeric: boolean }[]; rows: string[][] }
  | { kind: 'chart'; spec: TopLevelSpec }
  | { kind: 'empty'; message: string };

/** Chart types drawn with vega-lite; looker_grid is a table, single_value a number. */
export const CHART_TYPES = ['looker_bar', 'looker_column', 'looker_line', 'looker_area', 'looker_pie'] as const;

/** A value as Looker shows it: value_format_name honoured (percent_1, decimal_1), numbers grouped, empty as ∅. */
export function formatValue(v: unknown, meta?: Pick<FieldMeta, 'value_format_name' | 'is_numeric'>): string {
  if (v === null || v === undefined) return '∅';
  if (typeof v === 'number') {
    if (meta?.value_format_name === 'percent_1') return `${(v * 100).toFixed(1)}%`;
    if (meta?.value_format_name === 'decimal_1') return v.toFixed(1);
    return v.toLocaleString('en-US', { maximumFractionDigits: 3 });
  }
  if (typeof v === 'boolean') return v ? 'Yes' : 'No';
  return String(v);
}

/** The metadata of the tile's fields, in the tile's order (fields dropped for lack of a grant left out). */
function fieldsOf(e: DashboardElement, detail: QueryDetail): FieldMeta[] {
  const all = new Map([...detail.fields.dimensions, ...detail.fields.measures].map((f) => [f.name, f]));
  return e.fields.flatMap((name) => (all.has(name) ? [all.get(name)!] : []));
}

/**
 * The colour scale of a series: the extension's Okabe–Ito hues, each value keeping its hue in every tile (identity
 * statuses in their canonical order, other values sorted), whichever values a tile happens to show.
 */
export function colorScale(fieldName: string | undefined, values: readonly (string | null)[]): { domain: string[]; range: string[] } {
  const present = [...new Set(values.map((v) => formatValue(v)))];
  const order: readonly string[] = fieldName?.endsWith('.identity_status') ? IDENTITY_STATUSES : [...present].sort();
  const known = order.filter((v) => present.includes(v));
  const domain = [...known, ...present.filter((v) => !known.includes(v)).sort()];
  return {
    domain,
    range: domain.map((v) => OKABE_ITO[(order.includes(v) ? order.indexOf(v) : order.length + domain.indexOf(v)) % OKABE_ITO.length]),
  };
}

/** One datum per row and series: the category, the series (a pivot value or a measure's label) and the value. */
interface Datum {
  category: string | number | null;
  series: string;
  value: number | null;
}

function chartData(
  e: DashboardElement,
  detail: QueryDetail,
  dims: FieldMeta[],
  measures: FieldMeta[],
): { data: Datum[]; category: FieldMeta; series?: string; seriesField?: string } {
  const pivot = dims.find((d) => e.pivots?.includes(d.name));
  const category = dims.find((d) => d !== pivot) ?? dims[0];
  const num = (v: unknown) => (typeof v === 'number' ? v : v === null || v === undefined ? null : Number(v));
  // An empty category is a category of its own, shown as Looker shows it.
  const cat = (r: QueryDetail['data'][number]) => (r[category.name]?.value ?? '∅') as string | number;
  if (pivot) {
    const m = measures[0];
    return {
      category,
      series: pivot.label_short,
      seriesField: pivot.name,
      data: detail.data.map((r) => ({ category: cat(r), series: formatValue(r[pivot.name]?.value), value: num(r[m.name]?.value) })),
    };
  }
  return {
    category,
    series: measures.length > 1 ? 'Measure' : undefined,
    data: detail.data.flatMap((r) => measures.map((m) => ({ category: cat(r), series: m.label_short, value: num(r[m.name]?.value) }))),
  };
}

/** A vega-lite spec of `size` for a chart tile. */
export function chartSpec(e: DashboardElement, detail: QueryDetail, size: { width: number; height: number }): TopLevelSpec {
  const fields = fieldsOf(e, detail);
  const dims = fields.filter((f) => !detail.fields.measures.includes(f));
  const measures = fields.filter((f) => detail.fields.measures.includes(f));
  const { data, category, series, seriesField } = chartData(e, detail, dims, measures);
  const valueTitle = measures.length === 1 ? measures[0].label_short : undefined;
  const color = series
    ? {
        field: 'series',
        type: 'nominal' as const,
        title: series,
        scale: colorScale(
          seriesField,
          data.map((x) => x.series),
        ),
        legend: { orient: 'right' as const, labelLimit: 140 },
      }
    : undefined;
  const tooltip = [
    { field: 'category', title: category.label_short },
    ...(series ? [{ field: 'series', title: series }] : []),
    { field: 'value', title: valueTitle ?? 'Value', format: ',' },
  ];
  // The whole chart (axes and legend included) fits the tile.
  const base = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: size.width,
    height: size.height,
    autosize: { type: 'fit', contains: 'padding' },
    data: { values: data },
    config: { view: { stroke: null }, axis: { labelFontSize: 11, titleFontSize: 11 }, legend: { labelFontSize: 11, titleFontSize: 11 } },
  } as const;
  const counts = data.every((x) => x.value === null || Number.isInteger(x.value));
  if (e.type === 'looker_pie') {
    return {
      ...base,
      mark: { type: 'arc', innerRadius: Math.min(size.width, size.height) / 5, tooltip: true },
      encoding: {
        theta: { field: 'value', type: 'quantitative', stack: true },
        color: {
          field: 'category',
          type: 'nominal',
          title: category.label_short,
          sort: null,
          scale: colorScale(
            category.name,
            data.map((x) => String(x.category)),
          ),
          legend: { orient: 'right' },
        },
        tooltip,
      },
    } as TopLevelSpec;
  }
  const day = category.is_timeframe && /^date_(date|week|month|quarter)$/.test(category.type);
  // Rows come sorted by the tile's sorts: a category axis keeps that order (sort: null). Days on a line or an area
  // are a time scale; columns stay one band per row, labelled as dates.
  const categoryEnc =
    day && e.type !== 'looker_column' && e.type !== 'looker_bar'
      ? {
          field: 'category',
          type: 'temporal' as const,
          title: null,
          scale: { type: 'utc' as const },
          axis: { labelAngle: -45, labelOverlap: true, format: '%b %d' },
        }
      : {
          field: 'category',
          type: category.is_numeric && e.type === 'looker_column' ? ('ordinal' as const) : ('nominal' as const),
          // A bar tile's title names its categories; a column's axis says what they are.
          title: e.type === 'looker_bar' ? null : category.label_short,
          sort: null,
          axis: {
            labelLimit: 180,
            labelOverlap: true,
            ...(e.type === 'looker_column' ? { labelAngle: -45 } : {}),
            ...(day ? { labelExpr: "utcFormat(toDate(datum.value), '%b %d')" } : {}),
          },
        };
  const valueEnc = {
    field: 'value',
    type: 'quantitative' as const,
    title: valueTitle ?? null,
    // A pivot's values add up (stacked); different measures do not (side by side, or lines).
    stack: seriesField && e.type !== 'looker_line' ? ('zero' as const) : null,
    ...(counts ? { axis: { tickMinStep: 1, format: ',d' } } : {}),
    // A stacked area needs every series at every category: a week without a status is a zero, not a gap.
    ...(seriesField && e.type === 'looker_area' ? { impute: { value: 0 } } : {}),
  };
  const mark = { looker_bar: 'bar', looker_column: 'bar', looker_line: 'line', looker_area: 'area', looker_pie: 'arc' }[
    e.type as (typeof CHART_TYPES)[number]
  ];
  const grouped =
    series && !seriesField && mark === 'bar' ? { [e.type === 'looker_bar' ? 'yOffset' : 'xOffset']: { field: 'series', sort: null } } : {};
  const encoding = { ...(e.type === 'looker_bar' ? { y: categoryEnc, x: valueEnc } : { x: categoryEnc, y: valueEnc }), ...grouped };
  return {
    ...base,
    mark: { type: mark, tooltip: true, ...(mark === 'line' ? { point: true } : {}), ...(mark === 'area' ? { opacity: 0.85 } : {}) },
    encoding: { ...encoding, ...(color ? { color } : {}), tooltip },
  } as TopLevelSpec;
}

/** What a tile shows. */
export function tileView(e: DashboardElement, detail: QueryDetail, size: { width: number; height: number }): TileView {
  if (!detail.data.length) return { kind: 'empty', message: 'No results' };
  const fields = fieldsOf(e, detail);
  if (!fields.length) return { kind: 'empty', message: 'None of the fields can be shown to this user' };
  if (e.type === 'single_value') {
    const [first, ...rest] = fields;
    const row = detail.data[0];
    return {
      kind: 'single',
      value: formatValue(row[first.name]?.value, first),
      label: first.label_short,
      others: rest.map((f) => ({ label: f.label_short, value: formatValue(row[f.name]?.value, f) })),
    };
  }
  // A chart needs a category and a value; without them (a field dropped for the grant) the rows show as a table.
  const chartable = fields.some((f) => !detail.fields.measures.includes(f)) && fields.some((f) => detail.fields.measures.includes(f));
  if ((CHART_TYPES as readonly string[]).includes(e.type) && chartable) return { kind: 'chart', spec: chartSpec(e, detail, size) };
  return {
    kind: 'table',
    columns: fields.map((f) => ({ label: f.label_short, numeric: f.is_numeric })),
    rows: detail.data.map((r) => fields.map((f) => formatValue(r[f.name]?.value, f))),
  };
}
