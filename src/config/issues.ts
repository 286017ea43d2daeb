/**
 * Turns zod issues into messages a person can act on: the key path, what was wrong, what is allowed,
 * and a did-you-mean for misspelt keys and enum values (edit distance over what the schema allows there).
 */
import type { z } from 'zod';

export type Path = ReadonlyArray<PropertyKey>;

/** `source.columns.pages.timestamp`, `offsite[0].name`. */
export function formatPath(path: Path): string {
  return path.reduce<string>(
    (out, part) => (typeof part === 'number' ? `${out}[${part}]` : out ? `${out}.${String(part)}` : String(part)),
    '',
  );
}

/** Levenshtein distance (insertions, deletions, substitutions), plus adjacent swaps counted as one edit. */
export function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/** The closest candidate when it is close enough to be a typo (case-insensitive), else undefined. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  const limit = Math.max(2, Math.floor(word.length / 3));
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (distance <= limit && (!best || distance < best.distance)) best = { candidate, distance };
  }
  return best?.candidate;
}

// ---- walking the schema ----

interface Def {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  in?: z.ZodType;
  element?: z.ZodType;
  options?: z.ZodType[];
  discriminator?: string;
  entries?: Record<string, string | number>;
  values?: unknown[];
}
const defOf = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

const WRAPPERS = new Set(['optional', 'nullable', 'default', 'prefault', 'readonly', 'catch', 'nonoptional']);

function unwrap(schema: z.ZodType): z.ZodType {
  let s = schema;
  for (let def = defOf(s); ; def = defOf(s)) {
    if (WRAPPERS.has(def.type) && def.innerType) s = def.innerType;
    else if (def.type === 'pipe' && def.in) s = def.in;
    else return s;
  }
}

/** Values a literal or enum schema accepts. */
function acceptedValues(schema: z.ZodType): unknown[] {
  const def = defOf(unwrap(schema));
  if (def.type === 'enum' && def.entries) return Object.values(def.entries);
  if (def.type === 'literal' && def.values) return def.values;
  return [];
}

/** The union member whose discriminator accepts the data's value (all members when it matches none). */
function unionMembers(schema: z.ZodType, data: unknown): z.ZodType[] {
  const def = defOf(schema);
  const options = (def.options ?? []).map(unwrap);
  if (def.discriminator && data && typeof data === 'object') {
    const value = (data as Record<string, unknown>)[def.discriminator];
    const match = options.filter((o) => acceptedValues(defOf(o).shape?.[def.discriminator!] ?? o).includes(value));
    if (match.length) return match;
  }
  return options;
}

/** The schemas that can describe the value at `path` of `data` (several when a union is undecided). */
export function schemasAt(root: z.ZodType, path: Path, data: unknown): z.ZodType[] {
  let current: Array<{ schema: z.ZodType; data: unknown }> = [{ schema: root, data }];
  for (const part of path) {
    const next: typeof current = [];
    for (const { schema, data: value } of current) {
      const s = unwrap(schema);
      const members = defOf(s).type === 'union' ? unionMembers(s, value) : [s];
      for (const member of members) {
        const def = defOf(unwrap(member));
        const child = (value as Record<PropertyKey, unknown> | undefined)?.[part];
        if (def.type === 'object' && typeof part === 'string' && def.shape?.[part]) next.push({ schema: def.shape[part], data: child });
        if (def.type === 'array' && typeof part === 'number' && def.element) next.push({ schema: def.element, data: child });
      }
    }
    current = next;
  }
  return current.map((c) => c.schema);
}

/** The keys an object at `path` may have. */
export function allowedKeys(root: z.ZodType, path: Path, data: unknown): string[] {
  const keys = new Set<string>();
  for (const schema of schemasAt(root, path, data)) {
    const s = unwrap(schema);
    const members = defOf(s).type === 'union' ? unionMembers(s, valueAt(data, path)) : [s];
    for (const m of members) for (const k of Object.keys(defOf(unwrap(m)).shape ?? {})) keys.add(k);
  }
  return [...keys];
}

export function valueAt(data: unknown, path: Path): unknown {
  return path.reduce<unknown>((v, part) => (v && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[part] : undefined), data);
}

// ---- messages ----

/** A value as the user wrote it, shortened. */
export function show(value: unknown): string {
  const text = typeof value === 'string' ? `'${value}'` : (JSON.stringify(value) ?? String(value));
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

const typeName = (value: unknown) =>
  value === null ? 'null' : Array.isArray(value) ? 'a list' : typeof value === 'object' ? 'a mapping' : typeof value;

function notAllowed(value: unknown, allowed: readonly unknown[]): string {
  const options = allowed.map((v) => String(v));
  const guess = typeof value === 'string' ? closest(value, options) : undefined;
  return `${show(value)} is not allowed; use one of: ${options.join(', ')}` + (guess ? ` (did you mean '${guess}'?)` : '');
}

export interface Problem {
  /** Where in the document (for line numbers): the key itself for unknown keys, else the value. */
  path: Path;
  /** For unknown keys: the key name (its position is the key's, not the value's). */
  key?: string;
  /** For unknown keys: the allowed key it probably meant. */
  suggestion?: string;
  /** For required keys that are absent. */
  missing?: boolean;
  message: string;
}

/** One message per problem (an unrecognized_keys issue with several keys gives several). */
export function describeIssue(issue: z.core.$ZodIssue, root: z.ZodType, data: unknown): Problem[] {
  const path = issue.path;
  const at = (message: string, p: Path = path): Problem => ({ path: p, message: p.length ? `${formatPath(p)}: ${message}` : message });
  const value = valueAt(data, path);
  switch (issue.code) {
    case 'unrecognized_keys': {
      const allowed = allowedKeys(root, path, data);
      return issue.keys.map((key) => {
        const guess = closest(key, allowed);
        const hint = guess ? ` — did you mean '${guess}'?` : allowed.length ? ` — allowed keys here: ${allowed.join(', ')}` : '';
        return { ...at(`unknown key${hint}`, [...path, key]), key, suggestion: guess };
      });
    }
    case 'invalid_value':
      return [at(notAllowed(value, issue.values))];
    case 'invalid_union': {
      const options = (issue as { options?: unknown[] }).options;
      if (options && value !== undefined) return [at(notAllowed(value, options))];
      if (options) return [at(`required; use one of: ${options.join(', ')}`)];
      return [at(`${show(value)} does not match any allowed form`)];
    }
    case 'invalid_type':
      if (value === undefined) return [{ ...at('required key is missing'), missing: true }];
      return [
        at(
          `expected ${issue.expected === 'object' ? 'a mapping' : issue.expected === 'array' ? 'a list' : `a ${issue.expected}`}, got ${typeName(value)} ${show(value)}`,
        ),
      ];
    case 'too_small':
    case 'too_big': {
      const bound = issue.code === 'too_small' ? issue.minimum : issue.maximum;
      const word = issue.code === 'too_small' ? 'at least' : 'at most';
      const what = issue.origin === 'string' ? ` characters long` : issue.origin === 'array' ? ` items` : '';
      const relation = issue.inclusive === false ? (issue.code === 'too_small' ? 'more than' : 'less than') : word;
      return [at(`${show(value)} is out of range; must be ${relation} ${String(bound)}${what}`)];
    }
    case 'invalid_format':
      return [at(`${show(value)}: ${issue.message}`)];
    default:
      return [at(issue.message)];
  }
}

/**
 * Every problem of a failed parse. A required key reported missing because it was misspelt (`sources:` for
 * `source:`) is left out: the unknown-key message already says what to rename.
 */
export function describeIssues(issues: readonly z.core.$ZodIssue[], root: z.ZodType, data: unknown): Problem[] {
  const problems = issues.flatMap((issue) => describeIssue(issue, root, data));
  const misspelt = new Set(problems.filter((p) => p.suggestion).map((p) => formatPath([...p.path.slice(0, -1), p.suggestion!])));
  return problems.filter((p) => !(p.missing && misspelt.has(formatPath(p.path))));
}
