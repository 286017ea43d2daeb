/**
 * The semantic model of one LookML model, built from lookml-parser's output: explores, joins, views and their
 * fields (dimension groups expanded into one field per timeframe). Only the subset journey-stitch generates is
 * understood; everything else is rejected with a message naming the view, field and parameter.
 */
import type { LookmlNode } from '../project/load';

export type FieldKind = 'dimension' | 'measure' | 'filter';

export const DIMENSION_TYPES = ['string', 'number', 'yesno', 'date', 'time'] as const;
export const MEASURE_TYPES = ['count', 'count_distinct', 'sum', 'average', 'median', 'min', 'max', 'number'] as const;
export const FILTER_TYPES = ['string', 'number', 'yesno', 'date', 'date_time'] as const;
export const TIMEFRAMES = ['raw', 'time', 'date', 'week', 'month', 'quarter', 'year', 'hour', 'minute', 'day_of_week', 'hour_of_day', 'month_name'] as const;
export type Timeframe = (typeof TIMEFRAMES)[number];

/** Parameters that change no SQL (labels, formatting, drills): accepted and only shown in json_detail. */
const DISPLAY_PARAMS = new Set([
  'label', 'description', 'hidden', 'group_label', 'group_item_label', 'view_label', 'value_format', 'value_format_name',
  'drill_fields', 'html', 'link', 'tags', 'suggest_dimension', 'suggest_explore', 'suggestable', 'suggestions',
  'can_filter', 'full_suggestions', 'skip_drill_filter', 'primary_key', 'required_access_grants', 'type', 'sql',
  'timeframes', 'convert_tz', 'datatype', 'filters', 'label_from_parameter', 'case_sensitive',
]);

export interface FieldDef {
  /** "view.field" as queried (dimension groups: "view.group_timeframe"). */
  name: string;
  view: string;
  /** Name inside the view (what `${name}` refers to). */
  shortName: string;
  kind: FieldKind;
  type: string;
  /** Raw SQL template (`${TABLE}` etc. not yet substituted); undefined means `${TABLE}.<name>`. */
  sql?: string;
  label: string;
  description?: string;
  hidden: boolean;
  primaryKey: boolean;
  /** case_sensitive: no makes its string filters ignore case (Looker's ILIKE or equivalent). */
  caseSensitive: boolean;
  requiredAccessGrants: string[];
  /** dimension_group members. */
  timeframe?: Timeframe;
  group?: string;
  /** Measure filters: field (same view unless qualified) → Looker filter expression. */
  measureFilters: Record<string, string>;
  /** value_format_name, for json_detail. */
  valueFormatName?: string;
}

export interface ViewDef {
  name: string;
  /** sql_table_name (constants not yet substituted). */
  sqlTableName?: string;
  /** derived_table sql (templated). */
  derivedSql?: string;
  /** The derived table is persisted (datagroup, persist_for, sql_trigger_value, create_process): built by stitch. */
  persisted: boolean;
  fields: Map<string, FieldDef>;
  requiredAccessGrants: string[];
  label: string;
}

export interface JoinDef {
  /** Alias (join name). */
  name: string;
  view: string;
  sqlOn: string;
  relationship: 'many_to_one' | 'one_to_one' | 'one_to_many' | 'many_to_many';
  type: 'left_outer' | 'inner' | 'full_outer';
  requiredAccessGrants: string[];
  /** The join's `fields:` list (view.field names): the only fields of the join a query may select or filter on. */
  fields?: string[];
}

export interface ExploreDef {
  name: string;
  /** Alias of the base view in SQL and field names. */
  alias: string;
  view: string;
  joins: JoinDef[];
  /** always_filter defaults: field → filter expression. */
  alwaysFilter: Record<string, string>;
  /** conditionally_filter: defaults applied unless the query filters one of `unless`. */
  conditionallyFilter: { filters: Record<string, string>; unless: string[] };
  sqlAlwaysWhere?: string;
  requiredAccessGrants: string[];
}

export interface AccessGrant {
  name: string;
  userAttribute: string;
  allowedValues: string[];
}

export interface SemanticModel {
  name: string;
  explores: Map<string, ExploreDef>;
  views: Map<string, ViewDef>;
  accessGrants: Map<string, AccessGrant>;
}

const EXPLORE_PARAMS = new Set(['$type', '$name', 'label', 'description', 'group_label', 'hidden', 'view_name', 'from', 'join', 'always_filter', 'conditionally_filter', 'sql_always_where', 'required_access_grants', 'tags', 'view_label', 'persist_with', 'fields']);
const JOIN_PARAMS = new Set(['$type', '$name', 'from', 'sql_on', 'relationship', 'type', 'required_access_grants', 'view_label', 'fields']);
const VIEW_PARAMS = new Set(['$type', '$name', 'sql_table_name', 'derived_table', 'dimension', 'dimension_group', 'measure', 'filter', 'label', 'required_access_grants', 'drill_fields', 'set']);
const DERIVED_PARAMS = new Set(['$type', 'sql', 'datagroup_trigger', 'persist_for', 'sql_trigger_value', 'create_process', 'increment_key', 'publish_as_db_view', 'partition_keys', 'cluster_keys', 'indexes', 'distribution_style', 'sortkeys', 'interval_trigger']);

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : []);
const humanize = (name: string) => name.split('_').filter(Boolean).map((w) => w[0].toUpperCase() + w.slice(1)).join(' ');

function rejectUnknown(node: LookmlNode, allowed: Set<string>, where: string) {
  for (const key of Object.keys(node)) {
    if (key.startsWith('$')) continue;
    if (!allowed.has(key)) throw new Error(`${where}: LookML parameter '${key}' is not supported by the preview (it supports what journey-stitch generate emits)`);
  }
}

function field(view: string, node: LookmlNode, kind: FieldKind, extra: Partial<FieldDef> = {}): FieldDef {
  const where = `view ${view}, ${node.$type} ${node.$name}`;
  rejectUnknown(node, DISPLAY_PARAMS, where);
  const shortName = extra.shortName ?? node.$name;
  return {
    name: `${view}.${shortName}`,
    view,
    shortName,
    kind,
    type: typeof node.type === 'string' ? node.type : kind === 'measure' ? 'count' : 'string',
    sql: typeof node.sql === 'string' ? node.sql.trim() : undefined,
    label: typeof node.label === 'string' ? node.label : humanize(shortName),
    description: typeof node.description === 'string' ? node.description : undefined,
    hidden: node.hidden === true,
    primaryKey: node.primary_key === true,
    caseSensitive: node.case_sensitive !== false,
    requiredAccessGrants: strings(node.required_access_grants),
    measureFilters: filterMap(node, where),
    valueFormatName: typeof node.value_format_name === 'string' ? node.value_format_name : undefined,
    ...extra,
  };
}

function buildView(node: LookmlNode): ViewDef {
  const name: string = node.$name;
  rejectUnknown(node, VIEW_PARAMS, `view ${name}`);
  const fields = new Map<string, FieldDef>();
  const add = (f: FieldDef) => {
    if (fields.has(f.shortName)) throw new Error(`view ${name}: field ${f.shortName} is defined twice`);
    fields.set(f.shortName, f);
  };
  /** Dimensions, measures or filters of the view, each of a type the preview can compile. */
  const addTyped = (kind: 'dimension' | 'measure' | 'filter', nodes: LookmlNode | undefined, supported: readonly string[]) => {
    for (const n of Object.values<LookmlNode>(nodes ?? {})) {
      const f = field(name, n, kind);
      if (!supported.includes(f.type)) throw new Error(`view ${name}, ${kind} ${n.$name}: type ${f.type} is not supported by the preview (supported: ${supported.join(', ')})`);
      add(f);
    }
  };
  addTyped('dimension', node.dimension, DIMENSION_TYPES);
  for (const g of Object.values<LookmlNode>(node.dimension_group ?? {})) {
    if (g.type !== 'time') throw new Error(`view ${name}, dimension_group ${g.$name}: only type: time is supported by the preview (got ${g.type})`);
    const timeframes = strings(g.timeframes);
    if (!timeframes.length) throw new Error(`view ${name}, dimension_group ${g.$name}: list its timeframes`);
    for (const tf of timeframes) {
      if (!(TIMEFRAMES as readonly string[]).includes(tf)) throw new Error(`view ${name}, dimension_group ${g.$name}: timeframe ${tf} is not supported by the preview (supported: ${TIMEFRAMES.join(', ')})`);
      const label = `${typeof g.label === 'string' ? g.label : humanize(g.$name)} ${humanize(tf)}`;
      add(field(name, g, 'dimension', { shortName: `${g.$name}_${tf}`, type: 'time', timeframe: tf as Timeframe, group: g.$name, label }));
    }
  }
  addTyped('measure', node.measure, MEASURE_TYPES);
  addTyped('filter', node.filter, FILTER_TYPES);
  let derivedSql: string | undefined;
  let persisted = false;
  if (node.derived_table) {
    const dt: LookmlNode = node.derived_table;
    rejectUnknown(dt, DERIVED_PARAMS, `view ${name}, derived_table`);
    persisted = ['datagroup_trigger', 'persist_for', 'sql_trigger_value', 'create_process', 'interval_trigger'].some((k) => dt[k] !== undefined);
    if (typeof dt.sql === 'string') derivedSql = dt.sql;
    else if (!persisted) throw new Error(`view ${name}, derived_table: only sql: derived tables are supported by the preview (explore_source is not)`);
  }
  if (!derivedSql && !persisted && typeof node.sql_table_name !== 'string') throw new Error(`view ${name}: has neither sql_table_name nor derived_table`);
  return {
    name,
    sqlTableName: typeof node.sql_table_name === 'string' ? node.sql_table_name.trim() : undefined,
    derivedSql,
    persisted,
    fields,
    requiredAccessGrants: strings(node.required_access_grants),
    label: typeof node.label === 'string' ? node.label : humanize(name),
  };
}

/**
 * The `filters: [field: "expr", other: "expr"]` of a node (a measure, always_filter, conditionally_filter), parsed
 * to an object keyed by field.
 */
function filterMap(node: LookmlNode | undefined, where: string): Record<string, string> {
  if (!node) return {};
  const filters = node.filters ?? {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(filters)) {
    if (k.startsWith('$')) continue;
    if (typeof v !== 'string') throw new Error(`${where}: filters must be written as [field: "expression", ...]`);
    out[k] = v;
  }
  return out;
}

function buildExplore(node: LookmlNode): ExploreDef {
  const name: string = node.$name;
  rejectUnknown(node, EXPLORE_PARAMS, `explore ${name}`);
  if (node.fields !== undefined) throw new Error(`explore ${name}: fields: is not supported by the preview`);
  const alias = typeof node.from === 'string' ? name : typeof node.view_name === 'string' ? node.view_name : name;
  const view = typeof node.from === 'string' ? node.from : typeof node.view_name === 'string' ? node.view_name : name;
  const joins = Object.values<LookmlNode>(node.join ?? {}).map((j): JoinDef => {
    const where = `explore ${name}, join ${j.$name}`;
    rejectUnknown(j, JOIN_PARAMS, where);
    // Only a list of fields of the joined view (no sets or ALL_FIELDS*).
    const fields = j.fields === undefined ? undefined : strings(j.fields).map((f) => (f.includes('.') ? f : `${j.$name}.${f}`));
    if (fields?.some((f) => f.includes('*') || !f.startsWith(`${j.$name}.`))) throw new Error(`${where}: fields: only a list of ${j.$name}'s own fields is supported by the preview`);
    if (typeof j.sql_on !== 'string') throw new Error(`${where}: sql_on is required (the preview supports sql_on joins only)`);
    const relationship = j.relationship ?? 'many_to_one';
    if (!['many_to_one', 'one_to_one', 'one_to_many', 'many_to_many'].includes(relationship)) throw new Error(`${where}: unknown relationship ${relationship}`);
    const type = j.type ?? 'left_outer';
    if (!['left_outer', 'inner', 'full_outer'].includes(type)) throw new Error(`${where}: join type ${type} is not supported by the preview (left_outer, inner, full_outer)`);
    return { name: j.$name, view: typeof j.from === 'string' ? j.from : j.$name, sqlOn: j.sql_on.trim(), relationship, type, requiredAccessGrants: strings(j.required_access_grants), ...(fields ? { fields } : {}) };
  });
  return {
    name,
    alias,
    view,
    joins,
    alwaysFilter: filterMap(node.always_filter, `explore ${name}, always_filter`),
    conditionallyFilter: { filters: filterMap(node.conditionally_filter, `explore ${name}, conditionally_filter`), unless: strings(node.conditionally_filter?.unless) },
    sqlAlwaysWhere: typeof node.sql_always_where === 'string' ? node.sql_always_where.trim() : undefined,
    requiredAccessGrants: strings(node.required_access_grants),
  };
}

/** Named objects of a collection; `+name` entries are refinements lookml-parser has already merged into `name`. */
const declared = (collection: LookmlNode | undefined): LookmlNode[] =>
  Object.entries<LookmlNode>(collection ?? {})
    .filter(([key]) => !key.startsWith('+'))
    .map(([, v]) => v);

export function buildSemanticModel(name: string, node: LookmlNode): SemanticModel {
  const views = new Map<string, ViewDef>();
  for (const v of declared(node.view)) views.set(v.$name, buildView(v));
  const explores = new Map<string, ExploreDef>();
  for (const e of declared(node.explore)) {
    const explore = buildExplore(e);
    for (const v of [explore.view, ...explore.joins.map((j) => j.view)])
      if (!views.has(v)) throw new Error(`model ${name}, explore ${explore.name}: view ${v} is not included in the model`);
    explores.set(explore.name, explore);
  }
  const accessGrants = new Map<string, AccessGrant>();
  for (const g of Object.values<LookmlNode>(node.access_grant ?? {})) {
    if (typeof g.user_attribute !== 'string') throw new Error(`model ${name}, access_grant ${g.$name}: user_attribute is required`);
    accessGrants.set(g.$name, { name: g.$name, userAttribute: g.user_attribute, allowedValues: strings(g.allowed_values) });
  }
  return { name, explores, views, accessGrants };
}
