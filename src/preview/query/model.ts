/**
 * The semantic model of one LookML model, built from lookml-parser's output: explores, joins, views and their
 * fields (dimension groups expanded into one field per timeframe). Only the subset journey-stitch generates is
 * understood; everything else is rejected with a message naming the view, field and parameter.
 */
import { indexAssembledModel, type IndexedExplore, type IndexedField, type IndexedView } from '../../lookml/projectIndex';
import {
  BLOCK_KEYS,
  PERSISTENCE_KEYS,
  RELATIONSHIPS,
  type FieldType,
  type JoinType,
  type Relationship,
  type Timeframe as LookerTimeframe,
} from '../../lookml/vocabulary';
import type { LookmlNode } from '../project/load';
import { PreviewProjectError } from '../project/error';

export type FieldKind = 'dimension' | 'measure' | 'filter';

/** The part of Looker's vocabulary (src/lookml/vocabulary.ts) the preview compiles (compile.ts). */
export const DIMENSION_TYPES = ['string', 'number', 'yesno', 'date', 'time'] as const satisfies readonly FieldType<'dimension'>[];
export const MEASURE_TYPES = [
  'count',
  'count_distinct',
  'sum',
  'average',
  'median',
  'min',
  'max',
  'number',
] as const satisfies readonly FieldType<'measure'>[];
export const FILTER_TYPES = ['string', 'number', 'yesno', 'date', 'date_time'] as const satisfies readonly FieldType<'filter'>[];
export const TIMEFRAMES = [
  'raw',
  'time',
  'date',
  'week',
  'month',
  'quarter',
  'year',
  'hour',
  'minute',
  'day_of_week',
  'hour_of_day',
  'month_name',
] as const satisfies readonly LookerTimeframe[];
export type Timeframe = (typeof TIMEFRAMES)[number];
const SUPPORTED_JOIN_TYPES = ['left_outer', 'inner', 'full_outer'] as const satisfies readonly JoinType[];

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
  relationship: Relationship;
  type: (typeof SUPPORTED_JOIN_TYPES)[number];
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

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : []);
const humanize = (name: string) =>
  name
    .split('_')
    .filter(Boolean)
    .map((w) => w[0].toUpperCase() + w.slice(1))
    .join(' ');

function rejectUnknown(node: LookmlNode, allowed: readonly string[], where: string) {
  for (const key of Object.keys(node)) {
    if (key.startsWith('$')) continue;
    if (!allowed.includes(key))
      throw new PreviewProjectError(
        `${where}: LookML parameter '${key}' is not supported by the preview (it supports what journey-stitch generate emits)`,
      );
  }
}

function field(view: string, f: IndexedField, kind: FieldKind, extra: Partial<FieldDef> = {}): FieldDef {
  const { node } = f;
  const where = `view ${view}, ${f.kind} ${f.name}`;
  rejectUnknown(node, BLOCK_KEYS.field, where);
  const shortName = extra.shortName ?? f.name;
  return {
    name: `${view}.${shortName}`,
    view,
    shortName,
    kind,
    type: f.type ?? (kind === 'measure' ? 'count' : 'string'),
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

/** The types each kind of field may have in the preview. */
const SUPPORTED_TYPES: Record<FieldKind, readonly string[]> = { dimension: DIMENSION_TYPES, measure: MEASURE_TYPES, filter: FILTER_TYPES };

function buildView(view: IndexedView): ViewDef {
  const { name } = view;
  const node = view.nodes[0].node as LookmlNode;
  rejectUnknown(node, BLOCK_KEYS.view, `view ${name}`);
  const fields = new Map<string, FieldDef>();
  const add = (f: FieldDef) => {
    if (fields.has(f.shortName)) throw new PreviewProjectError(`view ${name}: field ${f.shortName} is defined twice`);
    fields.set(f.shortName, f);
  };
  for (const f of view.declarations) {
    if (f.kind === 'dimension_group') {
      if (f.type !== 'time')
        throw new PreviewProjectError(
          `view ${name}, dimension_group ${f.name}: only type: time is supported by the preview (got ${f.node.type})`,
        );
      const timeframes = strings(f.node.timeframes);
      if (!timeframes.length) throw new PreviewProjectError(`view ${name}, dimension_group ${f.name}: list its timeframes`);
      for (const tf of timeframes) {
        if (!(TIMEFRAMES as readonly string[]).includes(tf))
          throw new PreviewProjectError(
            `view ${name}, dimension_group ${f.name}: timeframe ${tf} is not supported by the preview (supported: ${TIMEFRAMES.join(', ')})`,
          );
        const label = `${typeof f.node.label === 'string' ? f.node.label : humanize(f.name)} ${humanize(tf)}`;
        add(field(name, f, 'dimension', { shortName: `${f.name}_${tf}`, type: 'time', timeframe: tf as Timeframe, group: f.name, label }));
      }
    } else if (f.kind !== 'parameter') {
      // (A parameter never gets here: the view's keys were checked above.)
      const def = field(name, f, f.kind);
      const supported = SUPPORTED_TYPES[f.kind];
      if (!supported.includes(def.type))
        throw new PreviewProjectError(
          `view ${name}, ${f.kind} ${f.name}: type ${def.type} is not supported by the preview (supported: ${supported.join(', ')})`,
        );
      add(def);
    }
  }
  let derivedSql: string | undefined;
  let persisted = false;
  if (node.derived_table) {
    const dt: LookmlNode = node.derived_table;
    rejectUnknown(dt, BLOCK_KEYS.derived_table, `view ${name}, derived_table`);
    persisted = PERSISTENCE_KEYS.some((k) => dt[k] !== undefined);
    if (typeof dt.sql === 'string') derivedSql = dt.sql;
    else if (!persisted)
      throw new PreviewProjectError(
        `view ${name}, derived_table: only sql: derived tables are supported by the preview (explore_source is not)`,
      );
  }
  if (!derivedSql && !persisted && typeof node.sql_table_name !== 'string')
    throw new PreviewProjectError(`view ${name}: has neither sql_table_name nor derived_table`);
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
    if (typeof v !== 'string') throw new PreviewProjectError(`${where}: filters must be written as [field: "expression", ...]`);
    out[k] = v;
  }
  return out;
}

function buildExplore(explore: IndexedExplore): ExploreDef {
  const { name } = explore;
  const node = explore.node as LookmlNode;
  rejectUnknown(node, BLOCK_KEYS.explore, `explore ${name}`);
  if (node.fields !== undefined) throw new PreviewProjectError(`explore ${name}: fields: is not supported by the preview`);
  const joins = explore.joins.map((join): JoinDef => {
    const j = join.node as LookmlNode;
    const where = `explore ${name}, join ${join.name}`;
    rejectUnknown(j, BLOCK_KEYS.join, where);
    // Only a list of fields of the joined view (no sets or ALL_FIELDS*).
    const fields = j.fields === undefined ? undefined : strings(j.fields).map((f) => (f.includes('.') ? f : `${join.name}.${f}`));
    if (fields?.some((f) => f.includes('*') || !f.startsWith(`${join.name}.`)))
      throw new PreviewProjectError(`${where}: fields: only a list of ${join.name}'s own fields is supported by the preview`);
    if (typeof j.sql_on !== 'string')
      throw new PreviewProjectError(`${where}: sql_on is required (the preview supports sql_on joins only)`);
    const relationship = j.relationship ?? 'many_to_one';
    if (!(RELATIONSHIPS as readonly string[]).includes(relationship))
      throw new PreviewProjectError(`${where}: unknown relationship ${relationship}`);
    const type = j.type ?? 'left_outer';
    if (!(SUPPORTED_JOIN_TYPES as readonly string[]).includes(type))
      throw new PreviewProjectError(`${where}: join type ${type} is not supported by the preview (${SUPPORTED_JOIN_TYPES.join(', ')})`);
    return {
      name: join.name,
      view: join.view,
      sqlOn: j.sql_on.trim(),
      relationship,
      type,
      requiredAccessGrants: strings(j.required_access_grants),
      ...(fields ? { fields } : {}),
    };
  });
  return {
    name,
    alias: explore.alias,
    view: explore.view,
    joins,
    alwaysFilter: filterMap(node.always_filter, `explore ${name}, always_filter`),
    conditionallyFilter: {
      filters: filterMap(node.conditionally_filter, `explore ${name}, conditionally_filter`),
      unless: strings(node.conditionally_filter?.unless),
    },
    sqlAlwaysWhere: typeof node.sql_always_where === 'string' ? node.sql_always_where.trim() : undefined,
    requiredAccessGrants: strings(node.required_access_grants),
  };
}

/** The semantic model of a model lookml-parser assembled (src/preview/project/load.ts), read through the project index. */
export function buildSemanticModel(name: string, node: LookmlNode): SemanticModel {
  const index = indexAssembledModel(name, node);
  const views = new Map([...index.views].map(([viewName, v]) => [viewName, buildView(v)]));
  const explores = new Map<string, ExploreDef>();
  for (const e of index.model.explores) {
    const explore = buildExplore(e);
    for (const v of [explore.view, ...explore.joins.map((j) => j.view)])
      if (!views.has(v)) throw new PreviewProjectError(`model ${name}, explore ${explore.name}: view ${v} is not included in the model`);
    explores.set(explore.name, explore);
  }
  const accessGrants = new Map<string, AccessGrant>();
  for (const g of index.model.accessGrants) {
    if (g.userAttribute === undefined) throw new PreviewProjectError(`model ${name}, access_grant ${g.name}: user_attribute is required`);
    accessGrants.set(g.name, { name: g.name, userAttribute: g.userAttribute, allowedValues: g.allowedValues });
  }
  return { name, explores, views, accessGrants };
}
