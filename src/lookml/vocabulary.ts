/**
 * The LookML vocabulary journey-stitch writes and reads, in one place: every key with the form its value takes
 * (after the key tables of the community `lkml` serializer, lkml/simple.py), the keys each block may hold, the
 * field kinds and their types, the timeframes, and the parameters that change no SQL. The serializer
 * (serialize.ts), the validator (validate/) and the preview (src/preview/query) all read these tables.
 */

/** How a key's value is written: `key: value`, `key: "value"`, `key: SQL ;;`, lists, `[f: "v"]` pairs, blocks. */
export type Format = 'bare' | 'quoted' | 'sql' | 'list' | 'quoted_list' | 'pairs' | 'repeated_quoted' | 'repeated_sql' | 'block';

const words = (text: string): string[] => text.trim().split(/\s+/);

/** Every key we write or read → its format. An unknown key is an error in the serializer. */
export const KEY_FORMATS: Readonly<Record<string, Format>> = (() => {
  const keys: Record<string, Format> = {};
  const define = (format: Format, text: string) => words(text).forEach((k) => (keys[k] = format));
  define('sql', 'sql sql_on sql_table_name sql_trigger sql_trigger_value html expression sql_distinct_key sql_always_where');
  define('repeated_sql', 'sql_step');
  define('repeated_quoted', 'include');
  define(
    'quoted',
    'label description group_label group_item_label view_label file project_name value connection max_cache_age ' +
      'value_format interval_trigger url ref persist_for increment_key',
  );
  define(
    'bare',
    'type relationship primary_key hidden user_attribute datagroup_trigger from view_name value_format_name export ' +
      'datatype convert_tz persist_with navigation new_window use_embeds use_clipboard use_form_submit local_storage ' +
      'suggest_dimension suggest_explore suggestable case_sensitive publish_as_db_view can_filter full_suggestions ' +
      'skip_drill_filter label_from_parameter distribution_style',
  );
  define('list', 'timeframes intervals fields drill_fields required_access_grants unless partition_keys cluster_keys indexes sortkeys');
  define('pairs', 'filters');
  define('quoted_list', 'allowed_values core_api_methods suggestions tags external_api_urls');
  define(
    'block',
    'view explore join dimension dimension_group measure filter parameter set access_grant datagroup constant ' +
      'application entitlements derived_table create_process always_filter conditionally_filter ' +
      'remote_dependency local_dependency override_constant link explore_source',
  );
  return keys;
})();

/** Keys whose values are SQL (or HTML) that may reference fields: `${view.field}`, `{% condition f %}`. */
export const SQL_KEYS: readonly string[] = Object.keys(KEY_FORMATS).filter((k) => KEY_FORMATS[k] === 'sql' || KEY_FORMATS[k] === 'repeated_sql');

// ---- fields ---------------------------------------------------------------------------------------

export const FIELD_KINDS = ['dimension', 'dimension_group', 'measure', 'filter', 'parameter'] as const;
export type FieldKind = (typeof FIELD_KINDS)[number];

/** Looker's types of each field kind. */
export const FIELD_TYPES = {
  dimension: ['string', 'number', 'yesno', 'tier', 'zipcode', 'date', 'date_time', 'time', 'location', 'distance', 'duration'],
  dimension_group: ['time', 'duration'],
  measure: [
    'count', 'count_distinct', 'sum', 'sum_distinct', 'average', 'average_distinct', 'min', 'max', 'median',
    'median_distinct', 'percentile', 'percentile_distinct', 'number', 'list', 'date', 'string', 'yesno', 'period_over_period',
  ],
  filter: ['string', 'number', 'date', 'date_time', 'yesno', 'zipcode', 'tier', 'location', 'distance'],
  parameter: ['string', 'number', 'date', 'date_time', 'yesno', 'unquoted'],
} as const satisfies Record<FieldKind, readonly string[]>;
export type FieldType<K extends FieldKind> = (typeof FIELD_TYPES)[K][number];

/**
 * Looker's timeframes of a `type: time` dimension group, each with what its value is: a point in `time`
 * (filtered on the raw timestamp, as Looker does), a `number`, a `string`, or `yesno`.
 */
export const TIMEFRAMES = {
  raw: 'time', time: 'time', time_of_day: 'string', hour: 'time', hour_of_day: 'number',
  hour2: 'time', hour3: 'time', hour4: 'time', hour6: 'time', hour8: 'time', hour12: 'time',
  minute: 'time', minute2: 'time', minute3: 'time', minute4: 'time', minute5: 'time', minute6: 'time', minute10: 'time',
  minute12: 'time', minute15: 'time', minute20: 'time', minute30: 'time', second: 'time',
  millisecond: 'time', millisecond2: 'time', millisecond4: 'time', millisecond5: 'time', millisecond8: 'time',
  millisecond10: 'time', millisecond20: 'time', millisecond25: 'time', millisecond40: 'time', millisecond50: 'time',
  millisecond100: 'time', millisecond125: 'time', millisecond200: 'time', millisecond250: 'time', millisecond500: 'time',
  microsecond: 'time', date: 'time', week: 'time', day_of_week: 'string', day_of_week_index: 'number',
  day_of_month: 'number', day_of_year: 'number', week_of_year: 'number', month: 'time', month_name: 'string',
  month_num: 'number', quarter: 'time', quarter_of_year: 'string', fiscal_month_num: 'number', fiscal_quarter: 'string',
  fiscal_quarter_of_year: 'string', fiscal_year: 'number', year: 'number', yesno: 'yesno',
} as const satisfies Record<string, 'time' | 'number' | 'string' | 'yesno'>;
export type Timeframe = keyof typeof TIMEFRAMES;
export const isTimeframe = (tf: string): tf is Timeframe => Object.hasOwn(TIMEFRAMES, tf);

/** Parameters of a field that change no SQL (labels, formatting, drills, suggestions). */
export const DISPLAY_ONLY: readonly string[] = words(
  'label description hidden group_label group_item_label view_label value_format value_format_name drill_fields html ' +
    'link tags suggest_dimension suggest_explore suggestable suggestions can_filter full_suggestions skip_drill_filter ' +
    'label_from_parameter',
);

// ---- blocks ---------------------------------------------------------------------------------------

/** The keys each block holds (beyond its fields' display-only parameters): what we write and what the preview reads. */
export const BLOCK_KEYS = {
  field: [...DISPLAY_ONLY, ...words('type sql primary_key required_access_grants timeframes convert_tz datatype filters case_sensitive')],
  view: words('sql_table_name derived_table dimension dimension_group measure filter label required_access_grants drill_fields set'),
  derived_table: words(
    'sql datagroup_trigger persist_for sql_trigger_value create_process increment_key publish_as_db_view partition_keys ' +
      'cluster_keys indexes distribution_style sortkeys interval_trigger',
  ),
  explore: words(
    'label description group_label hidden view_name from join always_filter conditionally_filter sql_always_where ' +
      'required_access_grants tags view_label persist_with fields',
  ),
  join: words('from sql_on relationship type required_access_grants view_label fields'),
} as const satisfies Record<string, readonly string[]>;

/** derived_table keys that persist it (a PDT): its table is built, not inlined. */
export const PERSISTENCE_KEYS: readonly string[] = words('datagroup_trigger persist_for sql_trigger_value create_process interval_trigger');

export const RELATIONSHIPS = ['many_to_one', 'one_to_one', 'one_to_many', 'many_to_many'] as const;
export type Relationship = (typeof RELATIONSHIPS)[number];
export const JOIN_TYPES = ['left_outer', 'full_outer', 'inner', 'cross'] as const;
export type JoinType = (typeof JOIN_TYPES)[number];

// ---- the manifest ---------------------------------------------------------------------------------

/** A constant's `export:` values that let an importing project override it. */
export const EXPORTED_CONSTANT = ['override_optional', 'override_required'] as const;

/** extensionSDK calls that need an entitlement of the application. */
export const EXTENSION_ENTITLEMENTS: Readonly<Record<string, string>> = {
  updateLocation: 'navigation',
  openBrowserWindow: 'new_window',
  localStorageGetItem: 'local_storage',
  localStorageSetItem: 'local_storage',
  localStorageRemoveItem: 'local_storage',
  clipboardWrite: 'use_clipboard',
};
