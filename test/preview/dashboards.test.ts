/**
 * The dashboard pages' pure parts: where tiles go on the newspaper grid, each tile's query, and what a tile shows
 * (single value, table, vega-lite spec) from a json_detail answer. The pages themselves, vega compiling and
 * drawing the specs, run in Chromium in test/e2e/dashboard-pages.test.ts (vega is ESM, which jest does not load).
 */
import { layout, NEWSPAPER_COLUMNS } from '../../src/lookml/dashboards';
import { tileQuery, type DashboardDoc, type DashboardElement } from '../../src/preview/dashboards/query';
import { colorScale, formatValue, tileView, type FieldMeta, type QueryDetail } from '../../src/preview/dashboards/render';

const field = (name: string, extra: Partial<FieldMeta> = {}): FieldMeta => ({
  name,
  label_short: name.split('.')[1],
  is_numeric: false,
  is_timeframe: false,
  type: 'string',
  value_format_name: null,
  ...extra,
});
const measure = (name: string, extra: Partial<FieldMeta> = {}) => field(name, { is_numeric: true, type: 'count', ...extra });
const element = (e: Partial<DashboardElement>): DashboardElement =>
  ({
    name: 't',
    title: 'T',
    model: 'journey_stitch',
    explore: 'events',
    type: 'looker_grid',
    fields: [],
    row: 0,
    col: 0,
    width: 12,
    height: 6,
    ...e,
  }) as DashboardElement;
const detail = (dims: FieldMeta[], measures: FieldMeta[], rows: Record<string, unknown>[]): QueryDetail => ({
  fields: { dimensions: dims, measures },
  data: rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, { value: v as string | number | null }]))),
});
const SIZE = { width: 400, height: 300 };

describe('layout', () => {
  it('fills rows left to right and starts a row below the tallest tile of the last one', () => {
    expect(layout([{ width: 12 }, { width: 12 }, { width: 6, height: 3 }, { width: 24 }])).toEqual([
      { row: 0, col: 0, width: 12, height: 6 },
      { row: 0, col: 12, width: 12, height: 6 },
      { row: 6, col: 0, width: 6, height: 3 },
      { row: 9, col: 0, width: 24, height: 6 },
    ]);
  });

  it('never leaves the 24 columns', () => {
    for (const at of layout([{ width: 30 }, { width: 10 }, { width: 20 }]))
      expect(at.col + at.width).toBeLessThanOrEqual(NEWSPAPER_COLUMNS);
  });
});

describe('tileQuery', () => {
  const d: DashboardDoc = {
    dashboard: 'q',
    title: 'Q',
    filters: [
      { name: 'date', title: 'Date', default_value: '90 days', explore: 'events', field: 'stitched_events.occurred_date' },
      { name: 'reason', title: 'Reason', default_value: '', explore: 'rejected_rows', field: 'rejected_rows.reason_kind' },
    ],
    elements: [],
  };
  const e = element({
    fields: ['stitched_events.source', 'stitched_events.count'],
    pivots: ['stitched_events.source'],
    filters: { 'stitched_events.event_type': 'offsite' },
    listen: { date: 'stitched_events.occurred_date' },
    limit: 50,
  });

  it('the tile filters, the listened dashboard filters (default or set), no pivots', () => {
    expect(tileQuery(d, e)).toEqual({
      model: 'journey_stitch',
      view: 'events',
      fields: ['stitched_events.source', 'stitched_events.count'],
      sorts: undefined,
      filters: { 'stitched_events.event_type': 'offsite', 'stitched_events.occurred_date': '90 days' },
      limit: '50',
    });
    expect(tileQuery(d, e, { date: '7 days', reason: 'duplicate' }).filters).toEqual({
      'stitched_events.event_type': 'offsite',
      'stitched_events.occurred_date': '7 days',
    });
  });
});

describe('tileView', () => {
  it('single value: the first field, formatted as its value_format_name says, the others under it', () => {
    const share = measure('persons.identified_share', { value_format_name: 'percent_1', label_short: 'Identified Share' });
    const view = tileView(
      element({ type: 'single_value', fields: ['persons.identified_share', 'persons.count'] }),
      detail([], [share, measure('persons.count')], [{ 'persons.identified_share': 0.16294, 'persons.count': 1313 }]),
      SIZE,
    );
    expect(view).toEqual({ kind: 'single', value: '16.3%', label: 'Identified Share', others: [{ label: 'count', value: '1,313' }] });
  });

  it('table: columns in the tile order, nulls as ∅', () => {
    const view = tileView(
      element({ fields: ['journey_paths.step_1', 'journey_paths.count'] }),
      detail(
        [field('journey_paths.step_1')],
        [measure('journey_paths.count')],
        [{ 'journey_paths.step_1': null, 'journey_paths.count': 3 }],
      ),
      SIZE,
    );
    expect(view).toEqual({
      kind: 'table',
      columns: [
        { label: 'step_1', numeric: false },
        { label: 'count', numeric: true },
      ],
      rows: [['∅', '3']],
    });
  });

  it('a field the user may not see is left out; none left and no rows say so', () => {
    const e = element({ fields: ['persons.person_id', 'persons.count'] });
    expect(tileView(e, detail([], [measure('persons.count')], [{ 'persons.count': 2 }]), SIZE)).toMatchObject({
      kind: 'table',
      columns: [{ label: 'count' }],
    });
    expect(tileView(e, detail([], [], [{}]), SIZE).kind).toBe('empty');
    expect(tileView(e, detail([], [measure('persons.count')], []), SIZE)).toEqual({ kind: 'empty', message: 'No results' });
  });

  it("a pivot is a coloured series; a bar chart puts categories on y in the rows' order", () => {
    const e = element({
      type: 'looker_bar',
      fields: ['rejected_rows.reason_kind', 'rejected_rows.source_table', 'rejected_rows.count'],
      pivots: ['rejected_rows.source_table'],
    });
    const rows = [
      { 'rejected_rows.reason_kind': 'no identifier', 'rejected_rows.source_table': 'pages', 'rejected_rows.count': 30 },
      { 'rejected_rows.reason_kind': 'duplicate', 'rejected_rows.source_table': 'tracks', 'rejected_rows.count': 5 },
    ];
    const view = tileView(
      e,
      detail([field('rejected_rows.reason_kind'), field('rejected_rows.source_table')], [measure('rejected_rows.count')], rows),
      SIZE,
    );
    if (view.kind !== 'chart') throw new Error(view.kind);
    const spec = view.spec as any;
    expect(spec.data.values).toEqual([
      { category: 'no identifier', series: 'pages', value: 30 },
      { category: 'duplicate', series: 'tracks', value: 5 },
    ]);
    expect(spec.encoding.y).toMatchObject({ field: 'category', sort: null });
    expect(spec.encoding.x).toMatchObject({ field: 'value', stack: 'zero' });
    expect(spec.encoding.color).toMatchObject({ field: 'series', title: 'source_table' });
    expect(spec.autosize).toEqual({ type: 'fit', contains: 'padding' });
  });

  it('two measures without a pivot are two series, one per measure; weeks on a line are a UTC time axis', () => {
    const week = field('stitched_events.occurred_week', { is_timeframe: true, type: 'date_week', label_short: 'Occurred Week' });
    const e = element({
      type: 'looker_line',
      fields: ['stitched_events.occurred_week', 'stitched_events.conversion_count', 'stitched_events.person_count'],
    });
    const view = tileView(
      e,
      detail(
        [week],
        [
          measure('stitched_events.conversion_count', { label_short: 'Conversions' }),
          measure('stitched_events.person_count', { label_short: 'Persons' }),
        ],
        [{ 'stitched_events.occurred_week': '2026-11-30', 'stitched_events.conversion_count': 2, 'stitched_events.person_count': 20 }],
      ),
      SIZE,
    );
    const spec = (view as { spec: any }).spec;
    expect(spec.data.values).toEqual([
      { category: '2026-11-30', series: 'Conversions', value: 2 },
      { category: '2026-11-30', series: 'Persons', value: 20 },
    ]);
    expect(spec.encoding.x).toMatchObject({ type: 'temporal', scale: { type: 'utc' } });
    expect(spec.encoding.y.stack).toBeNull();
  });

  it('two measures in columns stand side by side, not stacked', () => {
    const day = field('runs.refreshed_date', { is_timeframe: true, type: 'date_date' });
    const e = element({ type: 'looker_column', fields: ['runs.refreshed_date', 'runs.late', 'runs.new'] });
    const spec = (
      tileView(
        e,
        detail(
          [day],
          [measure('runs.late'), measure('runs.new')],
          [{ 'runs.refreshed_date': '2026-12-06', 'runs.late': 7, 'runs.new': 9000 }],
        ),
        SIZE,
      ) as { spec: any }
    ).spec;
    expect(spec.encoding.y.stack).toBeNull();
    expect(spec.encoding.xOffset).toEqual({ field: 'series', sort: null });
    expect(spec.encoding.x.axis.labelExpr).toContain('utcFormat');
  });

  it('a chart left without its category (a field the user may not see) shows its rows as a table', () => {
    const e = element({ type: 'looker_bar', fields: ['persons.name', 'persons.count'] });
    expect(tileView(e, detail([], [measure('persons.count')], [{ 'persons.count': 4 }]), SIZE)).toMatchObject({
      kind: 'table',
      rows: [['4']],
    });
  });

  it('a pivoted area fills a missing series with zero; an empty category shows as ∅', () => {
    const week = field('e.week', { is_timeframe: true, type: 'date_week' });
    const e = element({ type: 'looker_area', fields: ['e.week', 'e.status', 'e.count'], pivots: ['e.status'] });
    const spec = (
      tileView(
        e,
        detail([week, field('e.status')], [measure('e.count')], [{ 'e.week': '2026-11-30', 'e.status': 'confirmed', 'e.count': 3 }]),
        SIZE,
      ) as { spec: any }
    ).spec;
    expect(spec.encoding.y.impute).toEqual({ value: 0 });
    const bar = element({ type: 'looker_bar', fields: ['e.reason', 'e.count'] });
    const barSpec = (
      tileView(bar, detail([field('e.reason')], [measure('e.count')], [{ 'e.reason': null, 'e.count': 1 }]), SIZE) as { spec: any }
    ).spec;
    expect(barSpec.data.values).toEqual([{ category: '∅', series: 'count', value: 1 }]);
  });

  it('pie: the category is the colour, the value the angle', () => {
    const e = element({ type: 'looker_pie', fields: ['stitched_events.identity_status', 'stitched_events.count'] });
    const view = tileView(
      e,
      detail(
        [field('stitched_events.identity_status')],
        [measure('stitched_events.count')],
        [{ 'stitched_events.identity_status': 'confirmed', 'stitched_events.count': 9 }],
      ),
      SIZE,
    );
    const spec = (view as { spec: any }).spec;
    expect(spec.mark.type).toBe('arc');
    expect(spec.encoding.theta.field).toBe('value');
    expect(spec.encoding.color.field).toBe('category');
  });
});

describe('colours', () => {
  it('an identity status keeps its hue whichever statuses a tile shows', () => {
    const all = colorScale('stitched_events.identity_status', ['anonymous', 'confirmed', 'inferred', 'unmatched']);
    const two = colorScale('persons.identity_status', ['inferred', 'confirmed']);
    expect(all.domain).toEqual(['confirmed', 'inferred', 'anonymous', 'unmatched']);
    expect(two.domain).toEqual(['confirmed', 'inferred']);
    expect(two.range).toEqual(all.range.slice(0, 2));
    expect(new Set(all.range).size).toBe(4);
  });

  it('other series are sorted, so one value has one hue across tiles', () => {
    expect(colorScale('rejected_rows.source_table', ['tracks', 'pages']).domain).toEqual(['pages', 'tracks']);
  });

  it('values as Looker shows them', () => {
    expect([
      formatValue(null),
      formatValue(1234567),
      formatValue(0.5, { value_format_name: 'percent_1', is_numeric: true }),
      formatValue(true),
      formatValue(2.345, { value_format_name: 'decimal_1', is_numeric: true }),
    ]).toEqual(['∅', '1,234,567', '50.0%', 'Yes', '2.3']);
  });
});
