/**
 * A semantic validator for a LookML project, run on the files' text (what Looker will read), not on the
 * generator's objects. It checks what Looker's own validator would reject or a reviewer would catch:
 * syntax (lookml-parser), includes, references (`${view.field}`, `${field}`, `{% condition %}`, filters,
 * drill fields, sets), primary keys, duplicate names, types and timeframes, join targets and reachability,
 * personal data behind the access grant, the manifest's constants and extension entitlements, and every
 * name the extension relies on (src/contract/looker.ts).
 */
import {
  EVENT_FIELDS,
  EXPLORES,
  EXTENSION_CORE_API_METHODS,
  LOOKER_MODEL,
  PERSON_FIELDS,
  PII_ACCESS_GRANT,
  PII_USER_ATTRIBUTE,
  pathFields,
} from '../contract/looker';
import { outputTables, REJECTS_TABLE } from '../contract/tables';
import { KEPT_TABLE_PATH } from './quality';
import { parse as parseYaml } from 'yaml';
import { parseLookml } from './parser';

export interface SourceFile {
  path: string;
  content: string;
}

export interface ValidationIssue {
  file: string;
  message: string;
}

export interface ValidateOptions {
  /** The extension's source files: the manifest's entitlements must cover the calls they make. */
  extensionSources?: SourceFile[];
  /** Steps per path view (config journeys.steps): the contract's step fields must all exist. */
  steps?: number;
}

type LkmlValue = string | number | boolean | string[] | LkmlNode | LkmlNode[];
interface LkmlNode {
  [key: string]: LkmlValue | undefined;
}

// ---- Looker's allowed values ----------------------------------------------------------------------

export const TYPES: Record<string, ReadonlySet<string>> = {
  dimension: new Set(['string', 'number', 'yesno', 'tier', 'zipcode', 'date', 'date_time', 'time', 'location', 'distance', 'duration']),
  dimension_group: new Set(['time', 'duration']),
  measure: new Set([
    'count', 'count_distinct', 'sum', 'sum_distinct', 'average', 'average_distinct', 'min', 'max', 'median',
    'median_distinct', 'percentile', 'percentile_distinct', 'number', 'list', 'date', 'string', 'yesno', 'period_over_period',
  ]),
  filter: new Set(['string', 'number', 'date', 'date_time', 'yesno', 'zipcode', 'tier', 'location', 'distance']),
  parameter: new Set(['string', 'number', 'date', 'date_time', 'yesno', 'unquoted']),
};
export const TIMEFRAMES = new Set([
  'raw', 'time', 'time_of_day', 'hour', 'hour_of_day', 'hour2', 'hour3', 'hour4', 'hour6', 'hour8', 'hour12',
  'minute', 'minute2', 'minute3', 'minute4', 'minute5', 'minute6', 'minute10', 'minute12', 'minute15', 'minute20', 'minute30',
  'second', 'millisecond', 'millisecond2', 'millisecond4', 'millisecond5', 'millisecond8', 'millisecond10', 'millisecond20',
  'millisecond25', 'millisecond40', 'millisecond50', 'millisecond100', 'millisecond125', 'millisecond200', 'millisecond250',
  'millisecond500', 'microsecond', 'date', 'week', 'day_of_week', 'day_of_week_index', 'day_of_month', 'day_of_year',
  'week_of_year', 'month', 'month_name', 'month_num', 'quarter', 'quarter_of_year', 'fiscal_month_num', 'fiscal_quarter',
  'fiscal_quarter_of_year', 'fiscal_year', 'year', 'yesno',
]);
const RELATIONSHIPS = new Set(['many_to_one', 'one_to_one', 'one_to_many', 'many_to_many']);
const JOIN_TYPES = new Set(['left_outer', 'full_outer', 'inner', 'cross']);
const FIELD_KINDS = ['dimension', 'dimension_group', 'measure', 'filter', 'parameter'] as const;
type FieldKind = (typeof FIELD_KINDS)[number];
/** Keys whose values are SQL (or HTML) that may reference fields. */
const SQL_KEYS = ['sql', 'sql_on', 'sql_table_name', 'html', 'sql_trigger', 'sql_step', 'sql_distinct_key', 'expression'];
/** What masks personal data well enough to show it without the grant. */
const MASKS = [/\bMD5\s*\(/i, /\.\*\*\*\.\*\*\*\./];
/** extensionSDK calls that need an entitlement. */
const EXTENSION_ENTITLEMENTS: Record<string, string> = {
  updateLocation: 'navigation',
  openBrowserWindow: 'new_window',
  localStorageGetItem: 'local_storage',
  localStorageSetItem: 'local_storage',
  localStorageRemoveItem: 'local_storage',
  clipboardWrite: 'use_clipboard',
};

// ---- the parsed project -------------------------------------------------------------------------

interface Field {
  kind: FieldKind;
  name: string;
  node: LkmlNode;
  file: string;
}

interface View {
  name: string;
  file: string;
  nodes: { node: LkmlNode; file: string }[];
  /** Every addressable field name (dimension groups expanded) → the field. */
  fields: Map<string, Field>;
  sets: Map<string, string[]>;
}

const isNode = (v: unknown): v is LkmlNode => typeof v === 'object' && v !== null && !Array.isArray(v);
const asList = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
/** Named children of a node under `key` (lookml-parser keys them by name; refinements come as arrays). */
function children(node: LkmlNode, key: string): { name: string; node: LkmlNode }[] {
  const v = node[key];
  if (!isNode(v)) return [];
  return Object.entries(v).flatMap(([name, child]) => asList(child as LkmlNode | LkmlNode[]).filter(isNode).map((n) => ({ name, node: n })));
}
const str = (v: LkmlValue | undefined): string | undefined => (typeof v === 'string' ? v.trim() : undefined);
const strings = (v: LkmlValue | undefined): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' ? [v] : []);

interface Reference {
  /** What is referenced: `field`, `view.field`, `TABLE`, `SQL_TABLE_NAME`. */
  ref: string;
  /** As written, for messages: `${view.field}` or `{% condition view.field %}`. */
  text: string;
}

/** `${...}` references and `{% condition x %}` (and friends) fields in a piece of SQL. */
function references(sql: string): Reference[] {
  const refs = [...sql.matchAll(/\$\{([^}]*)\}/g)].map((m) => ({ ref: m[1].trim(), text: m[0] }));
  const liquid = [...sql.matchAll(/\{%-?\s*(condition|parameter|date_start|date_end)\s+([\w.]+)\s*-?%\}/g)].map((m) => ({
    ref: m[2],
    text: `{% ${m[1]} ${m[2]} %}`,
  }));
  return [...refs, ...liquid];
}

/** Names a dimension group exposes. */
function expandGroup(name: string, node: LkmlNode): string[] {
  if (str(node.type) === 'duration') return strings(node.intervals).map((i) => `${i}s_${name}`);
  return strings(node.timeframes).map((tf) => `${name}_${tf}`);
}

/**
 * A glob of an include (`/lookml/views/*.view.lkml`) as a regex over project paths. An imported project's files
 * (`//journey_stitch/lookml/...`) keep their `//<project>/` prefix, as the validator is given them.
 */
function includeRegex(pattern: string): RegExp {
  const body = pattern
    .replace(/^\/(?!\/)/, '')
    .split(/(\*\*\/?|\*)/)
    .map((part) => (part.startsWith('**') ? '(?:.*/)?' : part === '*' ? '[^/]*' : part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${body}$`);
}

export function validateProject(files: SourceFile[], options: ValidateOptions = {}): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const issue = (file: string, message: string) => issues.push({ file, message });

  // Syntax.
  const parsed = new Map<string, LkmlNode>();
  for (const f of files.filter((x) => x.path.endsWith('.lkml'))) {
    try {
      parsed.set(f.path, parseLookml(f.content) as LkmlNode);
    } catch (e) {
      issue(f.path, `does not parse: ${(e as Error).message}`);
    }
  }
  const lkmlPaths = [...parsed.keys()];
  const dashboards = files.filter((f) => f.path.endsWith('.dashboard.lookml'));

  // Manifest and constants.
  const manifest = parsed.get('manifest.lkml');
  if (!manifest) issue('manifest.lkml', 'missing: the project needs a manifest with project_name, constants and the application');
  const constants = new Set(manifest ? children(manifest, 'constant').map((c) => c.name) : []);
  const dependencies = manifest ? [...children(manifest, 'remote_dependency'), ...children(manifest, 'local_dependency')] : [];
  for (const dep of dependencies) for (const name of checkDependency(dep.name, dep.node, parsed, issue)) constants.add(name);
  for (const f of files) {
    for (const m of f.content.matchAll(/@\{(\w+)\}/g)) if (!constants.has(m[1])) issue(f.path, `uses constant @{${m[1]}}, which manifest.lkml does not define`);
  }
  // A project importing the block declares no extension of its own; the block's manifest does.
  if (manifest && !(dependencies.length && !children(manifest, 'application').length)) checkApplication(manifest, options.extensionSources ?? [], issue);

  // Views (with refinements merged in).
  const views = new Map<string, View>();
  const refinements: { name: string; node: LkmlNode; file: string }[] = [];
  for (const [file, doc] of parsed) {
    for (const { name, node } of children(doc, 'view')) {
      if (name.startsWith('+')) refinements.push({ name: name.slice(1), node, file });
      else if (views.has(name)) issue(file, `view ${name} is defined twice (also in ${views.get(name)!.file})`);
      else views.set(name, { name, file, nodes: [{ node, file }], fields: new Map(), sets: new Map() });
    }
  }
  for (const r of refinements) {
    const v = views.get(r.name);
    if (!v) issue(r.file, `refines view ${r.name}, which does not exist`);
    else v.nodes.push({ node: r.node, file: r.file });
  }
  for (const v of views.values()) collectFields(v, issue);
  for (const v of views.values()) checkView(v, views, issue);

  // Models: includes, grants, explores.
  // An imported project's models are not this project's: only its views and other files are included.
  const models = lkmlPaths.filter((p) => p.endsWith('.model.lkml') && !p.startsWith('//'));
  const included = new Set<string>();
  const grants = new Map<string, LkmlNode>();
  const datagroups = new Set<string>();
  /** Explore name → the view names it can query (base and joins). */
  const exploreViews = new Map<string, Set<string>>();
  for (const file of models) {
    const model = parsed.get(file)!;
    if (!str(model.connection)) issue(file, 'has no connection');
    for (const inc of strings(model.include)) {
      const re = includeRegex(inc);
      const matched = [...lkmlPaths, ...dashboards.map((d) => d.path)].filter((p) => re.test(p));
      if (!matched.length) issue(file, `include "${inc}" matches no file`);
      matched.forEach((p) => included.add(p));
    }
    for (const g of children(model, 'access_grant')) {
      grants.set(g.name, g.node);
      if (!str(g.node.user_attribute)) issue(file, `access_grant ${g.name} has no user_attribute`);
      if (!strings(g.node.allowed_values).length) issue(file, `access_grant ${g.name} has no allowed_values`);
    }
    for (const e of children(model, 'explore')) {
      checkExplore(file, e.name, e.node, views, issue);
      exploreViews.set(e.name, new Set([str(e.node.view_name) ?? str(e.node.from) ?? e.name, ...children(e.node, 'join').map((j) => j.name)]));
    }
    for (const d of children(model, 'datagroup')) datagroups.add(d.name);
    const persist = str(model.persist_with);
    if (persist && !children(model, 'datagroup').some((d) => d.name === persist)) issue(file, `persist_with: ${persist} is not a datagroup of this model`);
  }
  // Persistent derived tables rebuild on a datagroup that exists.
  for (const v of views.values()) {
    for (const { node, file } of v.nodes) {
      const dt = node.derived_table;
      const trigger = isNode(dt) ? str(dt.datagroup_trigger) : undefined;
      if (trigger && !datagroups.has(trigger)) issue(file, `view ${v.name}: datagroup_trigger ${trigger} is not a datagroup of any model`);
    }
  }
  for (const v of views.values()) {
    for (const { file } of v.nodes) if (!included.has(file) && !file.startsWith('//')) issue(file, `view ${v.name} is not included by any model`);
  }
  // suggest_explore names an explore that has the suggest_dimension's view.
  for (const v of views.values()) {
    for (const f of new Set(v.fields.values())) {
      const explore = str(f.node.suggest_explore);
      if (!explore) continue;
      const dimension = str(f.node.suggest_dimension) ?? '';
      const where = `view ${v.name}, ${f.kind} ${f.name}: suggest_explore ${explore}`;
      if (!exploreViews.has(explore)) issue(f.file, `${where} is not an explore`);
      else if (!exploreViews.get(explore)!.has(dimension.split('.')[0]) || !dimension.includes('.')) {
        issue(f.file, `${where} has no view for suggest_dimension ${dimension || '(missing)'} (write it as view.field)`);
      }
    }
  }

  for (const d of dashboards) {
    if (!included.has(d.path) && !d.path.startsWith('//')) issue(d.path, 'is not included by any model');
    checkDashboard(d, exploreViews, views, issue);
  }
  checkAccess(models[0] ?? `lookml/${LOOKER_MODEL}.model.lkml`, views, grants, issue);
  checkContract(parsed, models, views, options.steps, issue);
  return issues;
}

function collectFields(v: View, issue: (f: string, m: string) => void): void {
  for (const { node, file } of v.nodes) {
    for (const kind of FIELD_KINDS) {
      for (const { name, node: f } of children(node, kind)) {
        const names = kind === 'dimension_group' ? expandGroup(name, f) : [name];
        if (kind === 'dimension_group' && !names.length) issue(file, `view ${v.name}: dimension_group ${name} has no timeframes`);
        for (const n of names) {
          const prev = v.fields.get(n);
          // A refinement may redefine a field of the same kind (that is what refinements are for).
          if (prev && (prev.file === file || prev.kind !== kind)) issue(file, `view ${v.name}: duplicate field name ${n} (${prev.kind} and ${kind})`);
          v.fields.set(n, { kind, name, node: f, file });
        }
      }
    }
    for (const s of children(node, 'set')) v.sets.set(s.name, strings(s.node.fields));
  }
}

/** Resolve a field reference seen in `view` (`x`, `view.x`, `set*`); undefined when it resolves. */
function unresolved(ref: string, view: View, views: Map<string, View>, allowed?: ReadonlySet<string>): string | undefined {
  const [viewName, field] = ref.includes('.') ? ref.split('.', 2) : [view.name, ref];
  const target = views.get(viewName);
  if (!target) return `view ${viewName} does not exist`;
  if (allowed && !allowed.has(viewName)) return `view ${viewName} is not joined in this explore`;
  if (field.endsWith('*')) return target.sets.has(field.slice(0, -1)) ? undefined : `set ${field.slice(0, -1)} does not exist in view ${viewName}`;
  if (field === 'SQL_TABLE_NAME') return undefined;
  return target.fields.has(field) ? undefined : `field ${viewName}.${field} does not exist`;
}

function checkView(v: View, views: Map<string, View>, issue: (f: string, m: string) => void): void {
  const where = (file: string, what: string, m: string) => issue(file, `view ${v.name}, ${what}: ${m}`);
  const pks = [...new Set([...v.fields.values()].filter((f) => f.node.primary_key === true).map((f) => f.name))];
  // A view without fields only persists a table that other tables read (${view.SQL_TABLE_NAME}): no key to join on.
  const tableOnly = v.fields.size === 0 && v.nodes.some(({ node }) => isNode(node.derived_table));
  if (pks.length !== 1 && !tableOnly) issue(v.file, `view ${v.name} has ${pks.length} primary keys (${pks.join(', ') || 'none'}); it needs exactly one`);

  for (const { node, file } of v.nodes) {
    const tableSql = [str(node.sql_table_name), ...sqlIn(node.derived_table)].filter((s): s is string => !!s);
    for (const sql of tableSql) {
      for (const { ref, text } of references(sql)) {
        if (ref === 'SQL_TABLE_NAME' || ref === 'TABLE') continue;
        if (!ref.includes('.')) where(file, 'table', `${text} cannot be used in a table definition`);
        else {
          const why = unresolved(ref, v, views);
          if (why) where(file, 'table', `${text}: ${why}`);
        }
      }
    }
  }
  // A suggestion query renders templated filters as 1=1: a view built with them must not answer its own filter
  // suggestions, or each typeahead rebuilds it over all rows.
  const templated = v.nodes.some(({ node }) => sqlIn(node.derived_table).some((sql) => /\{%-?\s*condition\s/.test(sql)));
  const fields = new Set([...v.fields.values()]);
  for (const f of fields) {
    const what = `${f.kind} ${f.name}`;
    const type = str(f.node.type) ?? (f.kind === 'dimension' || f.kind === 'filter' ? 'string' : undefined);
    const ownSuggestions = type === 'string' && f.kind !== 'parameter' && !f.node.suggestions && f.node.suggestable !== false && !str(f.node.suggest_explore);
    if (templated && ownSuggestions) where(f.file, what, 'takes filter suggestions from its templated derived table: set suggestions, suggest_explore or suggestable: no');
    if (!type || !TYPES[f.kind].has(type)) where(f.file, what, `type ${type ?? '(missing)'} is not a valid ${f.kind} type`);
    // Looker filters a case_sensitive: no field on LOWER(column): no clustering or partition pruning, and two
    // queries filtering one id, one exactly and one not, can disagree.
    if (f.node.case_sensitive === false && (f.node.primary_key === true || /_id$/.test(f.name))) {
      where(f.file, what, 'is an id: ids filter exactly, remove case_sensitive: no');
    }
    if (f.kind === 'dimension_group') {
      for (const tf of strings(f.node.timeframes)) if (!TIMEFRAMES.has(tf)) where(f.file, what, `timeframe ${tf} is not valid`);
    }
    if (f.kind !== 'filter' && f.kind !== 'parameter' && type !== 'count' && !str(f.node.sql)) where(f.file, what, 'has no sql');
    if (!str(f.node.description)) where(f.file, what, 'has no description');
    for (const key of SQL_KEYS) {
      for (const sql of strings(f.node[key])) {
        for (const { ref, text } of references(sql)) {
          if (ref === 'TABLE') continue;
          const why = unresolved(ref, v, views);
          if (why) where(f.file, what, `${text}: ${why}`);
          else if (!ref.includes('.') && ref === f.name && f.kind !== 'dimension_group') where(f.file, what, 'refers to itself');
        }
      }
    }
    const filters = f.node.filters;
    for (const key of isNode(filters) ? Object.keys(filters).filter((k) => !k.startsWith('$')) : []) {
      const why = unresolved(key, v, views);
      if (why) where(f.file, what, `filter on ${key}: ${why}`);
    }
    for (const ref of [...strings(f.node.drill_fields), ...strings(f.node.suggest_dimension)]) {
      const why = unresolved(ref, v, views);
      if (why) where(f.file, what, `${ref}: ${why}`);
    }
  }
  for (const [name, members] of v.sets) {
    for (const ref of members) {
      const why = unresolved(ref, v, views);
      if (why) issue(v.file, `view ${v.name}, set ${name}: ${ref}: ${why}`);
    }
  }
}

function sqlIn(node: LkmlValue | undefined): string[] {
  if (!isNode(node)) return [];
  return Object.entries(node).flatMap(([k, v]) => (SQL_KEYS.includes(k) ? strings(v) : isNode(v) ? sqlIn(v) : []));
}

function checkExplore(file: string, name: string, node: LkmlNode, views: Map<string, View>, issue: (f: string, m: string) => void): void {
  const where = (m: string) => issue(file, `explore ${name}: ${m}`);
  const baseName = str(node.view_name) ?? str(node.from) ?? name;
  const base = views.get(baseName);
  if (!base) return where(`view ${baseName} does not exist`);
  if (base.fields.size === 0) where(`view ${baseName} has no fields to explore`);
  const joins = children(node, 'join');
  const inExplore = new Set([baseName, ...joins.map((j) => j.name)]);
  for (const j of joins) {
    const target = str(j.node.from) ?? j.name;
    if (!views.has(target)) {
      where(`join ${j.name}: view ${target} does not exist`);
      continue;
    }
    if (views.get(target)!.fields.size === 0) where(`join ${j.name}: view ${target} has no fields to join on`);
    const rel = str(j.node.relationship);
    if (!rel || !RELATIONSHIPS.has(rel)) where(`join ${j.name}: relationship ${rel ?? '(missing)'} is not one of ${[...RELATIONSHIPS].join(', ')}`);
    const type = str(j.node.type);
    if (type && !JOIN_TYPES.has(type)) where(`join ${j.name}: type ${type} is not valid`);
    const on = str(j.node.sql_on);
    if (!on && type !== 'cross') where(`join ${j.name}: has no sql_on`);
    for (const { ref, text } of on ? references(on) : []) {
      const why = ref.includes('.') ? unresolved(ref, base, views, inExplore) : 'a join condition must name the view of each field';
      if (why) where(`join ${j.name}: ${text}: ${why}`);
    }
  }
  // Every field's SQL must be answerable in this explore: cross-view references need their view joined.
  for (const viewName of inExplore) {
    const v = views.get(viewName);
    if (!v) continue;
    for (const f of new Set(v.fields.values())) {
      for (const key of SQL_KEYS) {
        for (const { ref, text } of strings(f.node[key]).flatMap(references)) {
          if (ref.includes('.') && !ref.endsWith('.SQL_TABLE_NAME') && !inExplore.has(ref.split('.')[0])) {
            where(`${v.name}.${f.name} uses ${text}, but view ${ref.split('.')[0]} is not joined`);
          }
        }
      }
    }
  }
  // Two measures of one explore with the same label read the same in the field picker and in results.
  const byLabel = new Map<string, string>();
  // A join's `fields:` list leaves the rest of its view out of the explore.
  const joinFields = new Map(joins.filter((j) => j.node.fields !== undefined).map((j) => [j.name, new Set(strings(j.node.fields))]));
  for (const viewName of inExplore) {
    for (const f of new Set(views.get(viewName)?.fields.values() ?? [])) {
      if (f.kind !== 'measure' || f.node.hidden === true) continue;
      const listed = joinFields.get(viewName);
      if (listed && !listed.has(`${viewName}.${f.name}`) && !listed.has(f.name)) continue;
      const label = str(f.node.label) ?? titleCase(f.name);
      const other = byLabel.get(label);
      if (other) where(`measures ${other} and ${viewName}.${f.name} are both labelled "${label}": give one a distinct label`);
      else byLabel.set(label, `${viewName}.${f.name}`);
    }
  }
  for (const key of ['always_filter', 'conditionally_filter']) {
    const block = node[key];
    if (!isNode(block)) continue;
    const filters = isNode(block.filters) ? Object.keys(block.filters).filter((k) => !k.startsWith('$')) : [];
    for (const ref of [...filters, ...strings(block.unless)]) {
      const why = unresolved(ref, base, views, inExplore);
      if (why) where(`${key} ${ref}: ${why}`);
    }
  }
}

/**
 * A LookML dashboard (YAML): newspaper layout, tiles inside its 24 columns, and every tile's explore, fields,
 * pivots, sorts, filters and listened dashboard filters resolving in that explore.
 */
function checkDashboard(file: SourceFile, exploreViews: Map<string, Set<string>>, views: Map<string, View>, issue: (f: string, m: string) => void): void {
  let docs: unknown;
  try {
    docs = parseYaml(file.content);
  } catch (e) {
    return issue(file.path, `does not parse as YAML: ${(e as Error).message}`);
  }
  if (!Array.isArray(docs)) return issue(file.path, 'must be a list of dashboards (- dashboard: name)');
  for (const d of docs as Record<string, unknown>[]) {
    const where = (m: string) => issue(file.path, `dashboard ${String(d.dashboard)}: ${m}`);
    if (d.layout !== 'newspaper') where(`layout ${String(d.layout)} is not newspaper`);
    /** Why `field` cannot be queried in `explore`, or undefined. */
    const unresolvedIn = (explore: string, field: string): string | undefined => {
      const inExplore = exploreViews.get(explore);
      if (!inExplore) return `explore ${explore} does not exist`;
      const [view, name] = field.split('.');
      if (!name || !inExplore.has(view)) return `${field}: view ${view} is not in explore ${explore}`;
      return views.get(view)?.fields.has(name) ? undefined : `${field}: field ${name} does not exist in view ${view}`;
    };
    const filters = new Map<string, Record<string, unknown>>();
    for (const f of (d.filters as Record<string, unknown>[] | undefined) ?? []) {
      filters.set(String(f.name), f);
      const why = unresolvedIn(String(f.explore), String(f.field));
      if (why) where(`filter ${String(f.name)}: ${why}`);
    }
    for (const e of (d.elements as Record<string, unknown>[] | undefined) ?? []) {
      const tile = (m: string) => where(`tile ${String(e.name)}: ${m}`);
      if (e.model !== LOOKER_MODEL) tile(`model ${String(e.model)} is not ${LOOKER_MODEL}`);
      const explore = String(e.explore);
      if (!exploreViews.has(explore)) {
        tile(`explore ${explore} does not exist`);
        continue;
      }
      const fields = strings(e.fields as string[]);
      if (!fields.length) tile('has no fields');
      for (const f of fields) {
        const why = unresolvedIn(explore, f);
        if (why) tile(why);
      }
      for (const p of strings(e.pivots as string[])) if (!fields.includes(p)) tile(`pivot ${p} is not one of its fields`);
      for (const s of strings(e.sorts as string[])) if (!fields.includes(s.replace(/\s+(desc|asc)$/i, ''))) tile(`sort ${s} is not one of its fields`);
      for (const f of Object.keys((e.filters as object) ?? {})) {
        const why = unresolvedIn(explore, f);
        if (why) tile(`filter ${why}`);
      }
      for (const [name, field] of Object.entries((e.listen as Record<string, string>) ?? {})) {
        if (!filters.has(name)) tile(`listens to ${name}, which is not a filter of the dashboard`);
        const why = unresolvedIn(explore, field);
        if (why) tile(`listen ${name}: ${why}`);
      }
      const [col, width] = [Number(e.col), Number(e.width)];
      if (!(col >= 0 && width > 0 && col + width <= 24)) tile(`col ${String(e.col)} + width ${String(e.width)} leaves the 24 newspaper columns`);
    }
    // A filter no tile listens to filters nothing: the viewer would change it to no effect.
    const listened = new Set(((d.elements as Record<string, unknown>[] | undefined) ?? []).flatMap((e) => Object.keys((e.listen as object) ?? {})));
    for (const name of filters.keys()) if (!listened.has(name)) where(`filter ${name}: no tile listens to it`);
  }
}

/** Looker's default label of a field: its name, words capitalised. */
const titleCase = (name: string) => name.split('_').map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join(' ');

/** Personal data: fields showing a PII column of the contract need the grant, unless they mask it. */
function checkAccess(modelFile: string, views: Map<string, View>, grants: Map<string, LkmlNode>, issue: (f: string, m: string) => void): void {
  const grant = grants.get(PII_ACCESS_GRANT);
  const file = modelFile;
  if (!grant) issue(file, `no model defines access_grant ${PII_ACCESS_GRANT}`);
  else if (str(grant.user_attribute) !== PII_USER_ATTRIBUTE) issue(file, `access_grant ${PII_ACCESS_GRANT} must use user attribute ${PII_USER_ATTRIBUTE}`);
  // rejected_rows.row_data holds anonymous ids in clear (the rest hashed): whole, it is personal data too; its
  // kept copy's table (one JSON path) is not.
  const guarded: { name: string; pii: string[]; masks: RegExp[] }[] = [
    ...outputTables().map((t) => ({ name: t.name as string, pii: t.columns.filter((c) => c.pii).map((c) => c.name), masks: MASKS })),
    { name: REJECTS_TABLE, pii: ['row_data'], masks: [...MASKS, new RegExp(`'${KEPT_TABLE_PATH.replace(/[$.]/g, '\\$&')}'`)] },
  ];
  for (const table of guarded) {
    const v = views.get(table.name);
    const pii = table.pii;
    if (!v || !pii.length) continue;
    for (const f of new Set(v.fields.values())) {
      const sql = [...SQL_KEYS.flatMap((k) => strings(f.node[k]))].join('\n');
      const shown = pii.filter((c) => new RegExp(`\\$\\{TABLE\\}\\.${c}\\b|\\$\\{${c}\\}`).test(sql) || f.name === c);
      if (!shown.length) continue;
      const granted = strings(f.node.required_access_grants);
      for (const g of granted) if (!grants.has(g)) issue(f.file, `view ${v.name}, ${f.kind} ${f.name}: access grant ${g} is not defined`);
      const masked = table.masks.some((m) => m.test(sql)) && f.name !== shown[0];
      if (!granted.includes(PII_ACCESS_GRANT) && !masked) {
        issue(f.file, `view ${v.name}, ${f.kind} ${f.name} shows personal data (${shown.join(', ')}) without required_access_grants: [${PII_ACCESS_GRANT}]`);
      }
    }
  }
}

/** The extension's application: entitlements list exactly the contract's core API methods and cover its calls. */
/**
 * An imported project (remote_dependency or local_dependency `name`): its manifest (given as `//<name>/manifest.lkml`)
 * must declare every override_constant, export it, and have every override_required constant set. Returns the
 * constants the import makes available.
 */
function checkDependency(name: string, dep: LkmlNode, parsed: Map<string, LkmlNode>, issue: (f: string, m: string) => void): string[] {
  const where = (m: string) => issue('manifest.lkml', `remote_dependency ${name}: ${m}`);
  if (dep.url !== undefined && !str(dep.ref)) where('has no ref: pin a commit or tag, or every push to the block reaches production');
  const imported = parsed.get(`//${name}/manifest.lkml`);
  if (!imported) {
    where(`the imported project's files were not given (//${name}/manifest.lkml)`);
    return [];
  }
  const declared = new Map(children(imported, 'constant').map((c) => [c.name, c.node]));
  const overridden = children(dep, 'override_constant');
  for (const o of overridden) {
    const c = declared.get(o.name);
    if (!c) where(`override_constant ${o.name}: the imported manifest has no constant ${o.name}`);
    else if (!['override_optional', 'override_required'].includes(str(c.export) ?? '')) where(`override_constant ${o.name}: the constant is not exported`);
    if (typeof o.node.value !== 'string') where(`override_constant ${o.name}: has no value`);
  }
  for (const [constant, c] of declared) {
    if (str(c.export) === 'override_required' && !overridden.some((o) => o.name === constant)) {
      where(`the imported project requires override_constant ${constant}`);
    }
  }
  return [...declared.keys()];
}

function checkApplication(manifest: LkmlNode, sources: SourceFile[], issue: (f: string, m: string) => void): void {
  const apps = children(manifest, 'application');
  if (apps.length !== 1) return issue('manifest.lkml', `expected one application, found ${apps.length}`);
  const app = apps[0].node;
  if (str(app.file) !== 'bundle.js') issue('manifest.lkml', `application ${apps[0].name}: file must be "bundle.js"`);
  const ent = isNode(app.entitlements) ? app.entitlements : {};
  const methods = new Set(strings(ent.core_api_methods));
  const expected = new Set<string>(EXTENSION_CORE_API_METHODS);
  const extra = [...methods].filter((m) => !expected.has(m));
  const missing = [...expected].filter((m) => !methods.has(m));
  if (extra.length || missing.length) {
    issue('manifest.lkml', `core_api_methods must be exactly ${[...expected].join(', ')}${missing.length ? `; missing ${missing.join(', ')}` : ''}${extra.length ? `; not used: ${extra.join(', ')}` : ''}`);
  }
  const used = new Set<string>();
  for (const src of sources) {
    for (const m of src.content.matchAll(/\b(?:core40SDK|coreSDK|sdk)\s*\.\s*([a-z][a-z0-9_]*)\s*\(/g)) {
      if (!methods.has(m[1])) issue('manifest.lkml', `${src.path} calls core API method ${m[1]}, which the entitlements do not list`);
    }
    for (const m of src.content.matchAll(/\bextensionSDK\s*\.\s*(\w+)\s*\(/g)) {
      const needed = EXTENSION_ENTITLEMENTS[m[1]];
      if (needed) used.add(needed);
      if (needed && ent[needed] !== true) issue('manifest.lkml', `${src.path} calls extensionSDK.${m[1]}, which needs entitlement ${needed}: yes`);
    }
  }
  // Least privilege: an entitlement granted but never needed is a permission an extension should not hold (known
  // only when the extension's sources are given).
  for (const granted of sources.length ? new Set(Object.values(EXTENSION_ENTITLEMENTS)) : []) {
    if (ent[granted] === true && !used.has(granted)) issue('manifest.lkml', `entitlement ${granted}: yes is not used by the extension; set it to no`);
  }
}

/** Every explore and field the extension queries (src/contract/looker.ts) exists in the right explore. */
function checkContract(
  parsed: Map<string, LkmlNode>,
  models: string[],
  views: Map<string, View>,
  steps: number | undefined,
  issue: (f: string, m: string) => void,
): void {
  const file = `lookml/${LOOKER_MODEL}.model.lkml`;
  const modelFile = models.find((m) => m.endsWith(`/${LOOKER_MODEL}.model.lkml`) || m === `${LOOKER_MODEL}.model.lkml`);
  if (!modelFile) return issue(file, `the extension queries model ${LOOKER_MODEL}, which does not exist`);
  const explores = new Map(children(parsed.get(modelFile)!, 'explore').map((e) => [e.name, e.node]));
  const fieldsOf = (explore: string): string[] => {
    const e = explores.get(explore)!;
    const base = str(e.view_name) ?? str(e.from) ?? explore;
    return [base, ...children(e, 'join').map((j) => j.name)];
  };
  const paths = (view: 'journey_paths' | 'session_paths') => {
    const p = pathFields(view);
    const n = steps ?? 10;
    const each = (f: (i: number) => string, count = n) => Array.from({ length: count }, (_, i) => f(i + 1));
    return [
      ...Object.values(p).filter((x): x is string => typeof x === 'string'),
      ...each(p.step),
      ...each(p.before),
      ...each(p.stepInferred),
      ...each(p.beforeInferred),
      ...each(p.medianStepToNext, n - 1),
      ...each(p.medianBeforeToNext),
    ];
  };
  const expectations: [string, string[]][] = [
    [EXPLORES.journeys, paths('journey_paths')],
    [EXPLORES.sessionJourneys, paths('session_paths')],
    [EXPLORES.persons, Object.values(PERSON_FIELDS)],
    [EXPLORES.events, Object.values(EVENT_FIELDS)],
    [EXPLORES.identityLinks, []],
  ];
  for (const [explore, fields] of expectations) {
    if (!explores.has(explore)) {
      issue(modelFile, `the extension queries explore ${explore}, which model ${LOOKER_MODEL} does not define`);
      continue;
    }
    const reachable = new Set(fieldsOf(explore));
    for (const ref of fields) {
      const [viewName, field] = ref.split('.');
      if (!reachable.has(viewName)) issue(modelFile, `explore ${explore} does not contain view ${viewName} (the extension queries ${ref})`);
      else if (!views.get(viewName)?.fields.has(field)) issue(views.get(viewName)?.file ?? modelFile, `the extension queries ${ref}, which does not exist`);
    }
  }
}
