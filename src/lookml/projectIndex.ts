/**
 * A LookML project, parsed once (lookml-parser, one file at a time) into a typed index: the manifest and the
 * manifests of imported projects, views with their refinements and fields (dimension groups expanded), models
 * with their includes, explores and joins, access grants, datagroups, and the dashboards' YAML. Building it
 * reports nothing: the validator's checks (validate/) read what it records (syntax errors, every definition of
 * a view or field in order) and decide. The preview reads models lookml-parser has already assembled
 * (`indexModelNode`), through the same readers.
 */
import { parse as parseYaml } from 'yaml';
import { parseLookml } from './parser';
import { FIELD_KINDS, SQL_KEYS, type FieldKind } from './vocabulary';

export interface SourceFile {
  path: string;
  content: string;
}

export type LkmlValue = string | number | boolean | string[] | LkmlNode | LkmlNode[];
export interface LkmlNode {
  [key: string]: LkmlValue | undefined;
}

/** A node and the file it is written in. */
export interface Located {
  node: LkmlNode;
  file: string;
}

export interface IndexedField extends Located {
  kind: FieldKind;
  /** The declared name (a dimension group's own name). */
  name: string;
  /** The names it can be addressed by: its name, or a dimension group's `<name>_<timeframe>` / `<interval>s_<name>`. */
  names: string[];
  /** `type:` as written. */
  type?: string;
  /** Its SQL-ish values (sql, html, expression, ...), each a piece that may reference fields. */
  sql: string[];
}

export interface IndexedView {
  name: string;
  /** The file of its definition (refinements may add others to `nodes`). */
  file: string;
  /** The definition, then its refinements, in file order. */
  nodes: Located[];
  /** Every field declaration, in order (a refinement may declare a field again). */
  declarations: IndexedField[];
  /** Every addressable field name → the field (the last declaration wins). */
  fields: Map<string, IndexedField>;
  sets: Map<string, string[]>;
}

export interface IndexedJoin {
  /** The join's name: its alias in the explore. */
  name: string;
  /** The view it reads (`from:`, else its name). */
  view: string;
  node: LkmlNode;
}

export interface IndexedExplore extends Located {
  name: string;
  /** The view it reads: `from:`, else `view_name:`, else its name. */
  view: string;
  /** Its base view's name in SQL and field names. */
  alias: string;
  joins: IndexedJoin[];
  /** The names a field of this explore may be qualified with: the alias and every join. */
  inExplore: Set<string>;
}

export interface IndexedGrant extends Located {
  name: string;
  userAttribute?: string;
  allowedValues: string[];
}

export interface IndexedModel {
  file: string;
  /** The file name without `.model.lkml`. */
  name: string;
  node: LkmlNode;
  includes: string[];
  explores: IndexedExplore[];
  accessGrants: IndexedGrant[];
  datagroups: string[];
}

export interface Named {
  name: string;
  node: LkmlNode;
}

export interface IndexedManifest {
  node: LkmlNode;
  constants: Map<string, LkmlNode>;
  /** remote_dependency and local_dependency blocks. */
  dependencies: Named[];
  applications: Named[];
}

export interface IndexedDashboard {
  file: SourceFile;
  /** The parsed YAML, or why it does not parse. */
  yaml: { docs: unknown } | { error: string };
}

export interface ProjectIndex {
  files: SourceFile[];
  /** Every .lkml file that parses → its parse. */
  parsed: Map<string, LkmlNode>;
  syntaxErrors: { file: string; message: string }[];
  /** manifest.lkml, when given and it parses. */
  manifest?: IndexedManifest;
  /** Manifests of imported projects (`//<project>/manifest.lkml`), by project name. */
  imported: Map<string, IndexedManifest>;
  /** Every `view:` definition (not refinements), in file order, duplicates included. */
  viewDefinitions: (Located & { name: string })[];
  /** `view: +name` refinements, in file order. */
  refinements: (Located & { name: string })[];
  /** Views by name: the first definition, its refinements merged in. */
  views: Map<string, IndexedView>;
  /** This project's models (an imported project's are not: only its other files are included). */
  models: IndexedModel[];
  dashboards: IndexedDashboard[];
}

// ---- reading nodes --------------------------------------------------------------------------------

export const isNode = (v: unknown): v is LkmlNode => typeof v === 'object' && v !== null && !Array.isArray(v);
const asList = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
/** A value as trimmed text, when it is text. */
export const str = (v: LkmlValue | undefined): string | undefined => (typeof v === 'string' ? v.trim() : undefined);
/** A list's strings (a lone string as a list of one). */
export const strings = (v: LkmlValue | undefined): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' ? [v] : [];

/**
 * Named children of a node under `key` (lookml-parser keys them by name, with a `$name`; a name defined twice
 * in one file comes as an array).
 */
export function children(node: LkmlNode, key: string): Named[] {
  const v = node[key];
  if (!isNode(v)) return [];
  return Object.entries(v)
    .filter(([name]) => !name.startsWith('$'))
    .flatMap(([name, child]) => asList(child as LkmlNode | LkmlNode[]).filter(isNode).map((n) => ({ name, node: n })));
}

/** The field names of a `filters: [field: "expression"]` list. */
export const filterFields = (v: LkmlValue | undefined): string[] => (isNode(v) ? Object.keys(v).filter((k) => !k.startsWith('$')) : []);

/** Every SQL-ish value under a node, nested blocks included (a derived table's sql, create_process steps). */
export function sqlIn(node: LkmlValue | undefined): string[] {
  if (!isNode(node)) return [];
  return Object.entries(node).flatMap(([k, v]) => (SQL_KEYS.includes(k) ? strings(v) : isNode(v) ? sqlIn(v) : []));
}

/** Names a dimension group exposes. */
function expandGroup(name: string, node: LkmlNode): string[] {
  if (str(node.type) === 'duration') return strings(node.intervals).map((i) => `${i}s_${name}`);
  return strings(node.timeframes).map((tf) => `${name}_${tf}`);
}

/** A view from its definition and refinements: fields in declaration order (kind by kind in each node), sets. */
export function indexView(name: string, nodes: Located[]): IndexedView {
  const declarations: IndexedField[] = [];
  const fields = new Map<string, IndexedField>();
  const sets = new Map<string, string[]>();
  for (const { node, file } of nodes) {
    for (const kind of FIELD_KINDS) {
      for (const { name: fieldName, node: f } of children(node, kind)) {
        const names = kind === 'dimension_group' ? expandGroup(fieldName, f) : [fieldName];
        const field: IndexedField = { kind, name: fieldName, names, node: f, file, type: str(f.type), sql: SQL_KEYS.flatMap((k) => strings(f[k])) };
        declarations.push(field);
        for (const n of names) fields.set(n, field);
      }
    }
    for (const s of children(node, 'set')) sets.set(s.name, strings(s.node.fields));
  }
  return { name, file: nodes[0].file, nodes, declarations, fields, sets };
}

export function indexExplore(name: string, node: LkmlNode, file: string): IndexedExplore {
  const from = str(node.from);
  const view = from ?? str(node.view_name) ?? name;
  const alias = from ? name : (str(node.view_name) ?? name);
  const joins = children(node, 'join').map((j) => ({ name: j.name, view: str(j.node.from) ?? j.name, node: j.node }));
  return { name, node, file, view, alias, joins, inExplore: new Set([alias, ...joins.map((j) => j.name)]) };
}

/** A model's explores, access grants and datagroups (from one model file, or a model lookml-parser assembled). */
export function indexModelNode(name: string, node: LkmlNode, file: string): IndexedModel {
  return {
    file,
    name,
    node,
    includes: strings(node.include),
    explores: children(node, 'explore').map((e) => indexExplore(e.name, e.node, file)),
    accessGrants: children(node, 'access_grant').map((g) => ({
      name: g.name,
      node: g.node,
      file,
      userAttribute: str(g.node.user_attribute),
      allowedValues: strings(g.node.allowed_values),
    })),
    datagroups: children(node, 'datagroup').map((d) => d.name),
  };
}

/**
 * A model lookml-parser has assembled (includes followed, refinements merged into the views and explores they
 * refine, whose `+name` entries it leaves behind): its views and the model.
 */
export function indexAssembledModel(name: string, node: LkmlNode): { model: IndexedModel; views: Map<string, IndexedView> } {
  const file = `${name}.model.lkml`;
  const own = (key: string) => children(node, key).filter((c) => !c.name.startsWith('+'));
  const model = { ...indexModelNode(name, node, file), explores: own('explore').map((e) => indexExplore(e.name, e.node, file)) };
  return { model, views: new Map(own('view').map((v) => [v.name, indexView(v.name, [{ node: v.node, file }])])) };
}

/** A manifest's constants, imported projects and applications. */
export function indexManifest(node: LkmlNode): IndexedManifest {
  return {
    node,
    constants: new Map(children(node, 'constant').map((c) => [c.name, c.node])),
    dependencies: [...children(node, 'remote_dependency'), ...children(node, 'local_dependency')],
    applications: children(node, 'application'),
  };
}

// ---- the project ----------------------------------------------------------------------------------

/** Parse every file once and index what it defines. */
export function indexProject(files: SourceFile[]): ProjectIndex {
  const parsed = new Map<string, LkmlNode>();
  const syntaxErrors: ProjectIndex['syntaxErrors'] = [];
  for (const f of files.filter((x) => x.path.endsWith('.lkml'))) {
    try {
      parsed.set(f.path, parseLookml(f.content) as LkmlNode);
    } catch (e) {
      syntaxErrors.push({ file: f.path, message: `does not parse: ${(e as Error).message}` });
    }
  }
  const manifestNode = parsed.get('manifest.lkml');
  const imported = new Map<string, IndexedManifest>();
  for (const [path, node] of parsed) {
    const m = /^\/\/([^/]+)\/manifest\.lkml$/.exec(path);
    if (m) imported.set(m[1], indexManifest(node));
  }

  const viewDefinitions: ProjectIndex['viewDefinitions'] = [];
  const refinements: ProjectIndex['refinements'] = [];
  const nodesOf = new Map<string, Located[]>();
  for (const [file, doc] of parsed) {
    for (const { name, node } of children(doc, 'view')) {
      if (name.startsWith('+')) refinements.push({ name: name.slice(1), node, file });
      else {
        viewDefinitions.push({ name, node, file });
        if (!nodesOf.has(name)) nodesOf.set(name, [{ node, file }]);
      }
    }
  }
  for (const r of refinements) nodesOf.get(r.name)?.push({ node: r.node, file: r.file });
  const views = new Map([...nodesOf].map(([name, nodes]) => [name, indexView(name, nodes)]));

  const models = [...parsed]
    .filter(([p]) => p.endsWith('.model.lkml') && !p.startsWith('//'))
    .map(([file, node]) => indexModelNode(file.replace(/^.*\//, '').replace(/\.model\.lkml$/, ''), node, file));

  const dashboards = files
    .filter((f) => f.path.endsWith('.dashboard.lookml'))
    .map((file): IndexedDashboard => {
      try {
        return { file, yaml: { docs: parseYaml(file.content) } };
      } catch (e) {
        return { file, yaml: { error: (e as Error).message } };
      }
    });

  return {
    files,
    parsed,
    syntaxErrors,
    manifest: manifestNode ? indexManifest(manifestNode) : undefined,
    imported,
    viewDefinitions,
    refinements,
    views,
    models,
    dashboards,
  };
}

/** Every explore of the project's models, by name. */
export const exploresOf = (index: ProjectIndex): Map<string, IndexedExplore> => new Map(index.models.flatMap((m) => m.explores.map((e) => [e.name, e])));
