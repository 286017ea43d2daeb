/** What the checks share: the issue type, field references in SQL and how they resolve, include globs. */
import type { IndexedField, IndexedView, ProjectIndex, SourceFile } from '../projectIndex';

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

/** One concern of the validator: a pure function of the project index. */
export type Check = (index: ProjectIndex, options: ValidateOptions) => ValidationIssue[];

/** A list of issues and the function that adds to it: `const [issues, issue] = collect()`. */
export function collect(): [ValidationIssue[], (file: string, message: string) => void] {
  const issues: ValidationIssue[] = [];
  return [issues, (file, message) => issues.push({ file, message })];
}

export interface Reference {
  /** What is referenced: `field`, `view.field`, `TABLE`, `SQL_TABLE_NAME`. */
  ref: string;
  /** As written, for messages: `${view.field}` or `{% condition view.field %}`. */
  text: string;
}

/** `${...}` references and `{% condition x %}` (and friends) fields in a piece of SQL. */
export function references(sql: string): Reference[] {
  const refs = [...sql.matchAll(/\$\{([^}]*)\}/g)].map((m) => ({ ref: m[1].trim(), text: m[0] }));
  const liquid = [...sql.matchAll(/\{%-?\s*(condition|parameter|date_start|date_end)\s+([\w.]+)\s*-?%\}/g)].map((m) => ({
    ref: m[2],
    text: `{% ${m[1]} ${m[2]} %}`,
  }));
  return [...refs, ...liquid];
}

/** Resolve a field reference seen in `view` (`x`, `view.x`, `set*`); undefined when it resolves. */
export function unresolved(ref: string, view: IndexedView, views: Map<string, IndexedView>, allowed?: ReadonlySet<string>): string | undefined {
  const [viewName, field] = ref.includes('.') ? ref.split('.', 2) : [view.name, ref];
  const target = views.get(viewName);
  if (!target) return `view ${viewName} does not exist`;
  if (allowed && !allowed.has(viewName)) return `view ${viewName} is not joined in this explore`;
  if (field.endsWith('*')) return target.sets.has(field.slice(0, -1)) ? undefined : `set ${field.slice(0, -1)} does not exist in view ${viewName}`;
  if (field === 'SQL_TABLE_NAME') return undefined;
  return target.fields.has(field) ? undefined : `field ${viewName}.${field} does not exist`;
}

/** A view's fields, each once (a dimension group is addressed by several names). */
export const fieldsOf = (view: IndexedView): IndexedField[] => [...new Set(view.fields.values())];

/**
 * A glob of an include (`/lookml/views/*.view.lkml`) as a regex over project paths. An imported project's files
 * (`//journey_stitch/lookml/...`) keep their `//<project>/` prefix, as the validator is given them.
 */
export function includeRegex(pattern: string): RegExp {
  const body = pattern
    .replace(/^\/(?!\/)/, '')
    .split(/(\*\*\/?|\*)/)
    .map((part) => (part.startsWith('**') ? '(?:.*/)?' : part === '*' ? '[^/]*' : part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${body}$`);
}

/** Looker's default label of a field: its name, words capitalised. */
export const titleCase = (name: string) => name.split('_').map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join(' ');

/** A field's type, or Looker's default where it has one (a dimension or filter is a string). */
export const typeOf = (f: IndexedField): string | undefined => f.type ?? (f.kind === 'dimension' || f.kind === 'filter' ? 'string' : undefined);
