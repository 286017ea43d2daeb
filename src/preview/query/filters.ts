/**
 * Looker filter expressions ("confirmed,inferred", "-unmatched", "%foo%", ">=5", "7 days", "2024-01-01 to
 * 2024-02-01", "yes") to predicates in a Dialect (DuckDB for the preview). Parsing is @looker/filter-expressions' (Looker's own grammar); this
 * file only turns the AST into SQL, with every value escaped by the dialect.
 */
import { parseFilterExpression, type FilterASTNode } from '@looker/filter-expressions';
import type { Dialect, TimeUnit } from '../../sql/dialect';
import { dialects } from '../../sql/dialects';
import { JourneyStitchError } from '../../contract/errors';

/** How a field is filtered: its values are strings, numbers, booleans (yesno) or times. */
export type FilterKind = 'string' | 'number' | 'yesno' | 'date';

export class FilterError extends JourneyStitchError {
  constructor(field: string, expression: string, reason: string) {
    super(`filter on ${field} ("${expression}"): ${reason}`);
    this.name = 'FilterError';
  }
}

/** The leaves of a comma-separated expression (the grammar nests them as ',' nodes). */
function leaves(node: FilterASTNode): FilterASTNode[] {
  return node.type === ',' ? [...leaves(node.left!), ...leaves(node.right!)] : [node];
}

/** Looker: positive terms are OR'd, negated terms AND'd, and the two groups must both hold. */
function combine(terms: { sql: string; is: boolean }[]): string {
  const pos = terms.filter((t) => t.is).map((t) => t.sql);
  const neg = terms.filter((t) => !t.is).map((t) => t.sql);
  const parts = [pos.length ? `(${pos.join(' OR ')})` : '', neg.length ? `(${neg.join(' AND ')})` : ''].filter(Boolean);
  return parts.length ? parts.join(' AND ') : '1=1';
}

function stringTerm(dialect: Dialect, col: string, n: FilterASTNode, fail: (r: string) => never): { sql: string; is: boolean } {
  const is = n.is !== false;
  const values: string[] = Array.isArray(n.value) ? n.value.map(String) : [];
  const any = (f: (v: string) => string) => values.map(f).join(' OR ');
  switch (n.type) {
    case 'match': {
      if (!values.length) return { sql: '1=1', is: true };
      const list = values.map((v) => dialect.stringLiteral(v)).join(', ');
      return is ? { sql: `${col} IN (${list})`, is } : { sql: `(${col} NOT IN (${list}) OR ${col} IS NULL)`, is };
    }
    case 'contains':
    case 'startsWith':
    case 'endsWith': {
      const fn = { contains: 'containsText', startsWith: 'startsWith', endsWith: 'endsWith' } as const;
      const test = `(${any((v) => dialect[fn[n.type as keyof typeof fn]](col, dialect.stringLiteral(v)))})`;
      return is ? { sql: test, is } : { sql: `(NOT ${test} OR ${col} IS NULL)`, is };
    }
    case 'other': {
      // Looker's wildcard patterns (F%OD, a_b): % any run, _ one character, a backslash escapes either.
      const test = `(${any((v) => dialect.likePattern(col, dialect.stringLiteral(v)))})`;
      return is ? { sql: test, is } : { sql: `(NOT ${test} OR ${col} IS NULL)`, is };
    }
    case 'null':
      return { sql: is ? `${col} IS NULL` : `${col} IS NOT NULL`, is };
    case 'blank':
      return { sql: is ? `(${col} IS NULL OR ${col} = '')` : `(${col} IS NOT NULL AND ${col} <> '')`, is };
    default:
      return fail(`the ${n.type} form of string filter is not supported by the preview`);
  }
}

function numberTerm(dialect: Dialect, col: string, n: FilterASTNode, fail: (r: string) => never): { sql: string; is: boolean } {
  const is = n.is !== false;
  const num = (v: unknown) => {
    const x = Number(v);
    if (!Number.isFinite(x)) fail(`${String(v)} is not a number`);
    return dialect.numberLiteral(x);
  };
  const values: unknown[] = Array.isArray(n.value) ? n.value : [];
  let test: string;
  switch (n.type) {
    case '=':
      test = `${col} IN (${values.map(num).join(', ')})`;
      break;
    case '>':
    case '<':
    case '>=':
    case '<=':
      test = `${col} ${n.type} ${num(values[0])}`;
      break;
    case 'between': {
      const bounds = String(n.bounds ?? '[]');
      test = `(${col} ${bounds[0] === '[' ? '>=' : '>'} ${num(n.low)} AND ${col} ${bounds[1] === ']' ? '<=' : '<'} ${num(n.high)})`;
      break;
    }
    case 'null':
      return { sql: is ? `${col} IS NULL` : `${col} IS NOT NULL`, is };
    default:
      return fail(`the ${n.type} form of number filter is not supported by the preview`);
  }
  return is ? { sql: test, is } : { sql: `(NOT ${test} OR ${col} IS NULL)`, is };
}

interface DateParts {
  year: string | number;
  month?: string | number;
  day?: string | number;
  hour?: string | number;
  minute?: string | number;
  second?: string | number;
}

function timestampLiteral(d: DateParts, fail: (r: string) => never): string {
  const part = (v: string | number | undefined, dflt: number, max: number) => {
    const x = v === undefined ? dflt : Number(v);
    if (!Number.isInteger(x) || x < 0 || x > max) fail(`invalid date part ${String(v)}`);
    return String(x).padStart(2, '0');
  };
  const year = part(d.year, 0, 9999).padStart(4, '0');
  return `TIMESTAMP '${year}-${part(d.month, 1, 12)}-${part(d.day, 1, 31)} ${part(d.hour, 0, 23)}:${part(d.minute, 0, 59)}:${part(d.second, 0, 59)}'`;
}

const TIME_UNITS: readonly string[] = ['second', 'minute', 'hour', 'day', 'week', 'month', 'quarter', 'year'] satisfies TimeUnit[];

function dateTerm(dialect: Dialect, col: string, n: FilterASTNode, fail: (r: string) => never): { sql: string; is: boolean } {
  const is = n.is !== false;
  const ts = (d: DateParts) => timestampLiteral(d, fail);
  let test: string;
  switch (n.type) {
    case 'anyvalue':
      return { sql: '1=1', is: true };
    case 'null':
      return { sql: is ? `${col} IS NULL` : `${col} IS NOT NULL`, is };
    case 'notnull':
      return { sql: `${col} IS NOT NULL`, is: true };
    case 'past': {
      const count = Number(n.value);
      if (!TIME_UNITS.includes(n.unit) || !Number.isInteger(count) || count < 1)
        fail(`"${n.value} ${n.unit}" is not supported by the preview`);
      // Looker counts the current unit in: "7 days" is today and the 6 days before it.
      const current = dialect.timeTrunc(dialect.currentTimestamp(), n.unit as TimeUnit);
      test = `(${col} >= ${dialect.timeAdd(current, 1 - count, n.unit as TimeUnit)} AND ${col} < ${dialect.timeAdd(current, 1, n.unit as TimeUnit)})`;
      break;
    }
    case 'range':
      test = `(${col} >= ${ts(n.start)} AND ${col} < ${ts(n.end)})`;
      break;
    case 'before':
      if (n.range !== 'absolute') fail('relative before/after dates are not supported by the preview');
      test = `${col} < ${ts(n.date)}`;
      break;
    case 'after':
      if (n.range !== 'absolute') fail('relative before/after dates are not supported by the preview');
      test = `${col} >= ${ts(n.date)}`;
      break;
    case 'on':
    case 'day': {
      const d: DateParts = n.date ?? n;
      test = `(${col} >= ${ts(d)} AND ${col} < ${dialect.timeAdd(ts(d), 1, 'day')})`;
      break;
    }
    case 'month':
      test = `(${col} >= ${ts({ year: n.year, month: n.month })} AND ${col} < ${dialect.timeAdd(ts({ year: n.year, month: n.month }), 1, 'month')})`;
      break;
    case 'year':
      test = `(${col} >= ${ts({ year: n.year })} AND ${col} < ${dialect.timeAdd(ts({ year: n.year }), 1, 'year')})`;
      break;
    default:
      return fail(`the ${n.type} form of date filter is not supported by the preview`);
  }
  return is ? { sql: test, is } : { sql: `(NOT ${test} OR ${col} IS NULL)`, is };
}

/**
 * The predicate for `expression` on the SQL expression `col`. `field` names the field in errors.
 * An empty expression filters nothing (`1=1`), as in Looker.
 */
export function filterToSql(
  kind: FilterKind,
  col: string,
  expression: string,
  field: string,
  caseSensitive = true,
  dialect: Dialect = dialects.duckdb,
): string {
  const fail = (reason: string): never => {
    throw new FilterError(field, expression, reason);
  };
  if (expression.trim() === '') return '1=1';
  if (kind === 'yesno') {
    const v = expression.trim().toLowerCase();
    if (v !== 'yes' && v !== 'no') fail('a yesno field is filtered with "yes" or "no"');
    return v === 'yes' ? `COALESCE(${col}, FALSE)` : `NOT COALESCE(${col}, FALSE)`;
  }
  let ast: FilterASTNode;
  try {
    ast = parseFilterExpression(kind, expression);
  } catch (e) {
    return fail(`not a valid Looker ${kind} filter expression (${(e as Error).message})`);
  }
  if (kind === 'string' && !caseSensitive) {
    // Looker compares lower-cased on both sides when a field is case_sensitive: no.
    const lower = (n: FilterASTNode): FilterASTNode =>
      Array.isArray(n.value) ? { ...n, value: n.value.map((v) => String(v).toLowerCase()) } : n;
    return combine(leaves(ast).map((n) => stringTerm(dialect, `LOWER(${col})`, lower(n), fail)));
  }
  const term = { string: stringTerm, number: numberTerm, date: dateTerm }[kind];
  return combine(leaves(ast).map((n) => term(dialect, col, n, fail)));
}
