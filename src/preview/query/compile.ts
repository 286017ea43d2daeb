/**
 * Compiles a Looker WriteQuery (model, view = explore, fields, filters, sorts, limit) against the semantic model
 * into one SELECT in a Dialect (DuckDB for the preview; BigQuery too), the way Looker would: only the joins the fields need, dimensions grouped, measure filters
 * in HAVING, always_filter defaults, templated filters rendered into derived tables, access grants enforced.
 */
import { substituteConstants } from '../project/manifest';
import { filterToSql, type FilterKind } from './filters';
import { renderLiquid } from './liquid';
import type { ExploreDef, FieldDef, JoinDef, SemanticModel, ViewDef } from './model';
import type { Dialect } from '../../sql/dialect';
import { TIMEFRAMES } from '../../lookml/vocabulary';
import { dialects } from '../../sql/dialects';
import { JourneyStitchError } from '../../contract/errors';

/** The WriteQuery fields the preview understands (the rest must be empty). */
export interface WriteQuery {
  model: string;
  view: string;
  fields?: string[];
  filters?: Record<string, string>;
  sorts?: string[];
  limit?: string | number | null;
  [other: string]: unknown;
}

export interface QueryUser {
  /** User attribute values, e.g. { can_see_pii: 'yes' }. */
  attributes: Record<string, string>;
}

export interface CompiledQuery {
  sql: string;
  /** Selected fields in order; column i of the result is fields[i]. */
  fields: FieldDef[];
  /** Fields ignored because the user lacks an access grant (Looker's warning text). */
  warnings: string[];
}

/** A query the preview cannot compile against the model (unknown field, unsupported option); the API answers it with the message. */
export class QueryCompileError extends JourneyStitchError {
  constructor(message: string) {
    super(message);
    this.name = 'QueryCompileError';
  }
}

/** Looker's default row limit for run_inline_query. */
export const DEFAULT_LIMIT = 500;

const UNSUPPORTED_QUERY_KEYS = [
  'pivots',
  'fill_fields',
  'dynamic_fields',
  'filter_expression',
  'total',
  'row_total',
  'subtotals',
  'column_limit',
];

interface Scope {
  dialect: Dialect;
  explore: ExploreDef;
  model: SemanticModel;
  constants: Record<string, string>;
  /** alias → view */
  aliases: Map<string, ViewDef>;
  filters: Record<string, string>;
  /** Aliases whose rows the query's joins repeat: their measures need distinct counting (symmetric aggregates). */
  fanout: Set<string>;
}

function viewOfAlias(scope: Scope, alias: string, where: string): ViewDef {
  const view = scope.aliases.get(alias);
  if (!view)
    throw new QueryCompileError(
      `${where}: ${alias} is not a view of explore ${scope.explore.name} (views: ${[...scope.aliases.keys()].join(', ')})`,
    );
  return view;
}

export function lookupField(scope: Scope, name: string, where = `explore ${scope.explore.name}`): { alias: string; field: FieldDef } {
  const dot = name.indexOf('.');
  if (dot < 1) throw new QueryCompileError(`${where}: field "${name}" must be written view.field`);
  const alias = name.slice(0, dot);
  const view = viewOfAlias(scope, alias, where);
  const field = view.fields.get(name.slice(dot + 1));
  if (!field) throw new QueryCompileError(`${where}: field ${name} does not exist in view ${view.name}`);
  const listed = scope.explore.joins.find((j) => j.name === alias)?.fields;
  if (listed && !listed.includes(name))
    throw new QueryCompileError(`${where}: field ${name} is not in the explore (its join's fields: list leaves it out)`);
  return { alias, field };
}

/** `${TABLE}`, `${field}`, `${view.field}`, `${view.SQL_TABLE_NAME}`, then Liquid and `@{CONSTANT}`. */
function substitute(scope: Scope, template: string, alias: string, where: string, stack: string[]): string {
  const view = viewOfAlias(scope, alias, where);
  const withRefs = template.replace(/\$\{([^}]*)\}/g, (_, ref: string) => {
    ref = ref.trim();
    if (ref === 'TABLE') return scope.dialect.quoteIdent(alias);
    const parts = ref.split('.');
    if (parts.length === 2 && parts[1] === 'SQL_TABLE_NAME') return fromSource(scope, viewOfAlias(scope, parts[0], where), where);
    const target =
      parts.length === 1
        ? { alias, field: view.fields.get(parts[0]) }
        : { alias: parts[0], field: viewOfAlias(scope, parts[0], where).fields.get(parts[1]) };
    if (!target.field) throw new QueryCompileError(`${where}: \${${ref}} refers to no field`);
    return `(${fieldSql(scope, target.alias, target.field, stack)})`;
  });
  return renderTemplate(scope, withRefs, where);
}

function renderTemplate(scope: Scope, template: string, where: string): string {
  const liquid = renderLiquid(template, {
    dialectName: scope.dialect.lookerName,
    where,
    condition: (name, column) => {
      const { field } = lookupField(scope, name, where);
      const expression = scope.filters[name] ?? '';
      return filterToSql(filterKind(field), column, expression, name, field.caseSensitive, scope.dialect);
    },
  });
  return substituteConstants(liquid, scope.constants, where).trim();
}

/** Timeframes that are points in time are filtered on the raw timestamp, as Looker does; the others as plain values. */
const isTimePoint = (tf: FieldDef['timeframe']): boolean => tf !== undefined && TIMEFRAMES[tf] === 'time';

function filterKind(field: FieldDef): FilterKind {
  if (field.timeframe) {
    const value = TIMEFRAMES[field.timeframe];
    return value === 'time' ? 'date' : value;
  }
  if (field.type === 'yesno') return 'yesno';
  if (field.type === 'number' || (field.kind === 'measure' && field.type !== 'string')) return 'number';
  if (field.type === 'time' || field.type === 'date' || field.type === 'date_time') return 'date';
  return 'string';
}

/** The SQL of a field's value before timeframe formatting (dimensions) or its aggregate (measures). */
function fieldSql(scope: Scope, alias: string, field: FieldDef, stack: string[]): string {
  const key = `${alias}.${field.shortName}`;
  if (stack.includes(key)) throw new QueryCompileError(`view ${field.view}: circular reference ${[...stack, key].join(' -> ')}`);
  const next = [...stack, key];
  const where = `view ${field.view}, ${field.kind} ${field.group ?? field.shortName}`;
  if (field.kind === 'filter') throw new QueryCompileError(`${where}: a filter field has no value; it can only be used in filters`);
  const raw = () => substitute(scope, field.sql ?? `\${TABLE}.${field.group ?? field.shortName}`, alias, where, next);
  if (field.kind === 'dimension') return field.timeframe ? timeframeSql(scope.dialect, field.timeframe, raw()) : raw();
  return measureSql(scope, alias, field, where, next);
}

/** The SQL a filter on `field` tests: the raw timestamp for time-point timeframes, else the field's value. */
function filterColumn(scope: Scope, alias: string, field: FieldDef): string {
  if (isTimePoint(field.timeframe))
    return timeframeSql(scope.dialect, 'raw', substitute(scope, field.sql ?? `\${TABLE}.${field.group}`, alias, `view ${field.view}`, []));
  return `(${fieldSql(scope, alias, field, [])})`;
}

/** A timeframe of a dimension group as Looker shows it: text for points in time, integers for years and hours. */
function timeframeSql(d: Dialect, tf: FieldDef['timeframe'], sql: string): string {
  const ts = d.castTimestamp(sql);
  switch (tf) {
    case 'raw':
      return ts;
    case 'time':
      return d.timeFormat(ts, '%Y-%m-%d %H:%M:%S');
    case 'minute':
      return d.timeFormat(ts, '%Y-%m-%d %H:%M');
    case 'hour':
      return d.timeFormat(ts, '%Y-%m-%d %H');
    case 'date':
      return d.timeFormat(ts, '%Y-%m-%d');
    case 'week': // Looker weeks start on Monday by default, like ISO weeks.
      return d.timeFormat(d.timeTrunc(ts, 'week'), '%Y-%m-%d');
    case 'month':
      return d.timeFormat(ts, '%Y-%m');
    case 'quarter':
      return d.concat(d.timeFormat(ts, '%Y'), d.stringLiteral('-Q'), d.castString(d.timeExtract(ts, 'quarter')));
    case 'year':
      return d.timeExtract(ts, 'year');
    case 'day_of_week':
      return d.timeFormat(ts, '%A');
    case 'hour_of_day':
      return d.timeExtract(ts, 'hour');
    case 'month_name':
      return d.timeFormat(ts, '%B');
    default:
      throw new QueryCompileError(`timeframe ${tf} is not supported by the preview`);
  }
}

function primaryKey(view: ViewDef): FieldDef | undefined {
  return [...view.fields.values()].find((f) => f.primaryKey);
}

function measureSql(scope: Scope, alias: string, m: FieldDef, where: string, stack: string[]): string {
  const { dialect } = scope;
  const view = viewOfAlias(scope, alias, where);
  if (m.type === 'number') {
    if (!m.sql) throw new QueryCompileError(`${where}: a type: number measure needs sql`);
    if (Object.keys(m.measureFilters).length) throw new QueryCompileError(`${where}: filters on a type: number measure are not supported`);
    return substitute(scope, m.sql, alias, where, stack);
  }
  const conditions = Object.entries(m.measureFilters).map(([name, expr]) => {
    const qualified = name.includes('.') ? name : `${alias}.${name}`;
    const target = lookupField(scope, qualified, where);
    return filterToSql(
      filterKind(target.field),
      `(${fieldSql(scope, target.alias, target.field, stack)})`,
      expr,
      qualified,
      target.field.caseSensitive,
      dialect,
    );
  });
  const when = (value: string) => (conditions.length ? `CASE WHEN ${conditions.join(' AND ')} THEN ${value} END` : value);
  const pk = primaryKey(view);
  const pkSql = () => `(${fieldSql(scope, alias, pk!, stack)})`;
  switch (m.type) {
    case 'count':
      if (scope.fanout.has(alias) && !pk)
        throw new QueryCompileError(`${where}: count over a fanned-out join needs a primary_key in view ${view.name}`);
      if (pk && (scope.fanout.has(alias) || conditions.length)) return `COUNT(DISTINCT ${when(pkSql())})`;
      return conditions.length ? `COUNT(${when('1')})` : 'COUNT(*)';
    case 'count_distinct':
      return `COUNT(DISTINCT ${when(sqlOf(scope, alias, m, where, stack))})`;
    case 'min':
    case 'max':
      return `${m.type.toUpperCase()}(${when(sqlOf(scope, alias, m, where, stack))})`;
    case 'median': {
      // Looker's median over a repeated view needs a primary key (median_distinct); the preview has no such query.
      if (scope.fanout.has(alias))
        throw new QueryCompileError(`${where}: median of a view whose rows this query's joins repeat is not supported by the preview`);
      return dialect.median(when(sqlOf(scope, alias, m, where, stack)));
    }
    case 'sum':
    case 'average': {
      const value = sqlOf(scope, alias, m, where, stack);
      if (!scope.fanout.has(alias)) return `${m.type === 'sum' ? 'SUM' : 'AVG'}(${when(value)})`;
      // Symmetric aggregate: each row of the view counts once however often the joins repeat it.
      if (!pk)
        throw new QueryCompileError(
          `${where}: ${m.type} of a view whose rows this query's joins repeat needs a primary_key in view ${view.name}`,
        );
      return dialect.distinctKeyAggregate(m.type, pkSql(), value, conditions.length ? conditions.join(' AND ') : undefined);
    }
    default:
      throw new QueryCompileError(`${where}: measure type ${m.type} is not supported by the preview`);
  }
}

function sqlOf(scope: Scope, alias: string, m: FieldDef, where: string, stack: string[]): string {
  if (!m.sql) throw new QueryCompileError(`${where}: a type: ${m.type} measure needs sql`);
  return substitute(scope, m.sql, alias, where, stack);
}

const TABLE_NAME = /^("?[A-Za-z_][A-Za-z0-9_]*"?)(\.("?[A-Za-z_][A-Za-z0-9_]*"?))*$/;

/** Where a view's rows come from: its table, its persisted table (built by stitch), or its derived SQL. */
function fromSource(scope: Scope, view: ViewDef, where: string): string {
  if (view.persisted) return scope.dialect.quoteIdent(view.name);
  if (view.derivedSql !== undefined) return `(\n${renderViewSql(scope, view)}\n)`;
  const name = substituteConstants(view.sqlTableName!, scope.constants, `view ${view.name}, sql_table_name`);
  if (!TABLE_NAME.test(name))
    throw new QueryCompileError(`view ${view.name}: sql_table_name "${name}" is not a plain [dataset.]table name (${where})`);
  return name;
}

function renderViewSql(scope: Scope, view: ViewDef): string {
  const where = `view ${view.name}, derived_table sql`;
  // Derived SQL may reference ${other.SQL_TABLE_NAME}; resolve it against the model's views by name.
  const withRefs = view.derivedSql!.replace(/\$\{([^}]*)\}/g, (_, ref: string) => {
    const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)\.SQL_TABLE_NAME\s*$/.exec(ref);
    if (!m) throw new QueryCompileError(`${where}: \${${ref}} is not supported in derived table SQL (only \${view.SQL_TABLE_NAME})`);
    const other = scope.model.views.get(m[1]);
    if (!other) throw new QueryCompileError(`${where}: \${${ref}}: no view ${m[1]} in the model`);
    return fromSource(scope, other, where);
  });
  return renderTemplate(scope, withRefs, where).replace(/;\s*$/, '');
}

function hasAccess(model: SemanticModel, grants: string[], user: QueryUser): boolean {
  return grants.every((g) => {
    const grant = model.accessGrants.get(g);
    if (!grant) throw new QueryCompileError(`access grant ${g} is used but not defined in model ${model.name}`);
    const value = user.attributes[grant.userAttribute];
    return value !== undefined && grant.allowedValues.includes(value);
  });
}

/** Aliases referenced by `${alias.field}` in a SQL snippet. */
const referencedAliases = (sql: string) =>
  [...sql.matchAll(/\$\{\s*([A-Za-z_][A-Za-z0-9_]*)\.[A-Za-z_][A-Za-z0-9_]*\s*\}/g)].map((m) => m[1]);

function parseSort(scope: Scope, sort: string, positions: Map<string, number>): string {
  const m = /^\s*(\S+)(?:\s+(asc|desc))?\s*$/i.exec(sort);
  if (!m) throw new QueryCompileError(`sort "${sort}": write "view.field" or "view.field desc"`);
  const pos = positions.get(m[1]);
  if (pos === undefined) {
    lookupField(scope, m[1]);
    throw new QueryCompileError(`sort "${sort}": ${m[1]} is not one of the query's fields`);
  }
  return `${pos} ${(m[2] ?? 'asc').toUpperCase()}`;
}

function parseLimit(limit: WriteQuery['limit']): number | null {
  if (limit === undefined || limit === null || limit === '') return DEFAULT_LIMIT;
  const n = Number(limit);
  if (!Number.isInteger(n) || n < -1 || n === 0)
    throw new QueryCompileError(`limit "${limit}": use a positive whole number (or -1 for no limit)`);
  return n === -1 ? null : n;
}

/**
 * Aliases whose rows are repeated by the query's joins: the base view when something is joined to many, a joined
 * view on the "one" side of many_to_one (or many_to_many), and any joined view when another join is to many.
 */
function fannedOut(base: string, joins: JoinDef[]): Set<string> {
  const toMany = (j: JoinDef) => j.relationship === 'one_to_many' || j.relationship === 'many_to_many';
  const out = new Set<string>();
  if (joins.some(toMany)) out.add(base);
  for (const j of joins)
    if (j.relationship === 'many_to_one' || j.relationship === 'many_to_many' || joins.some((k) => k !== j && toMany(k))) out.add(j.name);
  return out;
}

/**
 * The joins a query needs, as Looker picks them: those of the views its fields (and filters) use, of the views
 * their SQL and measure filters refer to, and those each needed join's sql_on refers to.
 */
function neededJoins(scope: Scope, used: { alias: string; field: FieldDef }[]): JoinDef[] {
  const { explore, aliases } = scope;
  const joinByAlias = new Map(explore.joins.map((j) => [j.name, j]));
  const needed = new Set<string>();
  const need = (alias: string) => {
    if (needed.has(alias) || !aliases.has(alias)) return;
    needed.add(alias);
    const join = joinByAlias.get(alias);
    if (join) referencedAliases(join.sqlOn).forEach(need);
  };
  for (const { alias, field } of used) {
    if (field.kind === 'filter') continue; // templated filters act inside their derived table only
    need(alias);
    referencedAliases(field.sql ?? '').forEach(need);
    for (const name of Object.keys(field.measureFilters)) if (name.includes('.')) need(name.split('.')[0]);
  }
  if (explore.sqlAlwaysWhere) referencedAliases(explore.sqlAlwaysWhere).forEach(need);
  return explore.joins.filter((j) => needed.has(j.name));
}

/** ORDER BY positions; without sorts, Looker's default: the first measure descending, else the first dimension. */
function orderBy(scope: Scope, sorts: string[], requested: string[], selected: { name: string; field: FieldDef }[]): string[] {
  const positions = new Map(selected.map((s, i) => [s.name, i + 1]));
  // A sort on a field the user may not see is dropped with the field (its warning is already there).
  const hiddenFromUser = new Set(requested.filter((name) => !positions.has(name)));
  const out = sorts.filter((s) => s.trim() && !hiddenFromUser.has(s.trim().split(/\s+/)[0])).map((s) => parseSort(scope, s, positions));
  if (out.length) return out;
  const firstMeasure = selected.findIndex((s) => s.field.kind === 'measure');
  return [firstMeasure >= 0 ? `${firstMeasure + 1} DESC` : '1 ASC'];
}

/** The query's filters with Looker's defaults: always_filter, and conditionally_filter unless an `unless` field is filtered. */
function defaultFilters(explore: ExploreDef, filters: Record<string, string>): Record<string, string> {
  const filtered = (name: string) => filters[name] !== undefined && filters[name] !== '';
  const conditional = explore.conditionallyFilter.unless.some(filtered) ? {} : explore.conditionallyFilter.filters;
  return { ...conditional, ...explore.alwaysFilter, ...filters };
}

/** `dialect`: the SQL to write (the preview runs DuckDB; BigQuery is what Looker would run). */
export function compileQuery(
  model: SemanticModel,
  query: WriteQuery,
  user: QueryUser,
  constants: Record<string, string>,
  dialect: Dialect = dialects.duckdb,
): CompiledQuery {
  if (query.model !== model.name) throw new QueryCompileError(`model "${query.model}" not found (the preview serves model ${model.name})`);
  const explore = model.explores.get(query.view);
  if (!explore)
    throw new QueryCompileError(
      `explore "${query.view}" not found in model ${model.name} (explores: ${[...model.explores.keys()].join(', ')})`,
    );
  for (const key of UNSUPPORTED_QUERY_KEYS) {
    const v = query[key];
    if (v !== undefined && v !== null && v !== false && !(Array.isArray(v) && v.length === 0) && v !== '')
      throw new QueryCompileError(`query ${key} is not supported by the preview`);
  }
  if (!hasAccess(model, explore.requiredAccessGrants, user))
    throw new QueryCompileError(`explore "${query.view}" not found in model ${model.name}`);

  const aliases = new Map<string, ViewDef>([[explore.alias, model.views.get(explore.view)!]]);
  for (const j of explore.joins) aliases.set(j.name, model.views.get(j.view)!);
  const joinByAlias = new Map(explore.joins.map((j) => [j.name, j]));
  const scope: Scope = {
    dialect,
    explore,
    model,
    constants,
    aliases,
    filters: defaultFilters(explore, query.filters ?? {}),
    fanout: new Set(),
  };

  const warnings: string[] = [];
  const accessible = (name: string): boolean => {
    const { alias, field } = lookupField(scope, name);
    const view = aliases.get(alias)!;
    const join = joinByAlias.get(alias);
    const ok = hasAccess(model, [...field.requiredAccessGrants, ...view.requiredAccessGrants, ...(join?.requiredAccessGrants ?? [])], user);
    // Looker's warning for a field the user may not see; the field is dropped from the query.
    if (!ok) warnings.push(`${name} no longer exists on ${query.view}, or you do not have access to it, and it will be ignored`);
    return ok;
  };

  const requested = [...new Set(query.fields ?? [])];
  if (!requested.length) throw new QueryCompileError('the query selects no fields');
  const selected = requested.filter(accessible).map((name) => ({ name, ...lookupField(scope, name) }));
  for (const s of selected)
    if (s.field.kind === 'filter') throw new QueryCompileError(`${s.name} is a filter-only field; it cannot be selected`);
  if (!selected.length) throw new QueryCompileError(`none of the requested fields can be queried: ${warnings.join('; ')}`);
  const filterEntries = Object.entries(scope.filters).filter(([name]) => accessible(name));
  for (const name of Object.keys(scope.filters)) if (!filterEntries.some(([n]) => n === name)) delete scope.filters[name];

  const joins = neededJoins(scope, [...selected, ...filterEntries.map(([name]) => ({ name, ...lookupField(scope, name) }))]);
  scope.fanout = fannedOut(explore.alias, joins);

  const columns = selected.map((s, i) => {
    const sql = fieldSql(scope, s.alias, s.field, []);
    const value = s.field.type === 'yesno' ? `CASE WHEN ${sql} THEN 'Yes' ELSE 'No' END` : sql;
    return `  ${value} AS ${dialect.quoteIdent(`c${i}`)}`;
  });

  const where: string[] = [];
  const having: string[] = [];
  for (const [name, expression] of filterEntries) {
    const { alias, field } = lookupField(scope, name);
    if (field.kind === 'filter') continue; // templated filters act inside derived tables only
    (field.kind === 'measure' ? having : where).push(
      filterToSql(filterKind(field), filterColumn(scope, alias, field), expression, name, field.caseSensitive, dialect),
    );
  }
  if (explore.sqlAlwaysWhere)
    where.unshift(substitute(scope, explore.sqlAlwaysWhere, explore.alias, `explore ${explore.name}, sql_always_where`, []));

  const dims = selected.map((s, i) => (s.field.kind === 'dimension' ? i + 1 : 0)).filter(Boolean);
  const sorts = orderBy(scope, query.sorts ?? [], requested, selected);
  const limit = parseLimit(query.limit);

  const baseView = aliases.get(explore.alias)!;
  const sql = [
    'SELECT',
    columns.join(',\n'),
    `FROM ${fromSource(scope, baseView, `explore ${explore.name}`)} AS ${dialect.quoteIdent(explore.alias)}`,
    ...joins.map((j) => {
      const kind = { left_outer: 'LEFT JOIN', inner: 'INNER JOIN', full_outer: 'FULL OUTER JOIN' }[j.type];
      const on = substitute(scope, j.sqlOn, j.name, `explore ${explore.name}, join ${j.name}, sql_on`, []);
      return `${kind} ${fromSource(scope, aliases.get(j.name)!, `join ${j.name}`)} AS ${dialect.quoteIdent(j.name)} ON ${on}`;
    }),
    where.length ? `WHERE ${where.map((w) => `(${w})`).join('\n  AND ')}` : '',
    dims.length ? `GROUP BY ${dims.join(', ')}` : '',
    having.length ? `HAVING ${having.map((h) => `(${h})`).join('\n  AND ')}` : '',
    `ORDER BY ${sorts.join(', ')}`,
    limit === null ? '' : `LIMIT ${limit}`,
  ]
    .filter(Boolean)
    .join('\n');
  // Fields are named as queried: a view joined or based under another name (`from:`) answers as that alias.
  return { sql, fields: selected.map((s) => ({ ...s.field, name: s.name, view: s.alias })), warnings };
}
