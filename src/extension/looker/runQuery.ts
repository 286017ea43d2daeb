/**
 * The one place the extension talks to Looker: run_inline_query, with cancellation, the json_detail response
 * flattened to plain rows, and failures classified so each gets its own designed state.
 */
import type { ILooker40SDK } from '@looker/sdk';
import type { InlineQuery } from './queries';

export type Cell = string | number | boolean | null;
export type Row = Record<string, Cell>;

export interface QueryResult {
  rows: Row[];
  /** Field names Looker says it returned (json_detail metadata); fields the user may not see are missing here. */
  returnedFields: Set<string>;
  /**
   * Requested fields or filter fields Looker ignored: a field guarded by an access grant the user lacks is dropped
   * from the query (its filter too!) with a warning in json_detail.errors, or is simply absent from the metadata.
   */
  droppedFields: Set<string>;
  /** True when the server-side limit was reached: the rows are a prefix, not everything. */
  limitReached: boolean;
}

/**
 * entitlement: the extension's manifest does not allow the API method.
 * permission: the Looker user may not run this (no access to the model or a field, 403/404).
 * cancelled: the user stopped waiting.
 * failed: anything else (query error, network).
 */
export type QueryErrorKind = 'entitlement' | 'permission' | 'cancelled' | 'failed';

export class QueryError extends Error {
  constructor(
    readonly kind: QueryErrorKind,
    message: string,
    /** The core API method that failed (for the entitlement message). */
    readonly method = 'run_inline_query',
  ) {
    super(message);
    this.name = 'QueryError';
  }
}

export function classifyFailure(message: string): QueryErrorKind {
  if (/entitle/i.test(message)) return 'entitlement';
  // Looker answers 404 "Not found" for a model the user may not see; a database's "table not found" is a failure.
  if (/^\s*not found\s*$|\b(403|404)\b|forbidden|not authori[sz]ed|permission|access denied|inaccessible/i.test(message)) {
    return 'permission';
  }
  return 'failed';
}

/** Looker names the refused method: "Extension not entitled to use api method <name>". */
function entitlementMethod(message: string): string {
  return /api method (\w+)/i.exec(message)?.[1] ?? 'run_inline_query';
}

function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'string') return error;
  if (error && typeof error === 'object') {
    const e = error as { message?: unknown; errors?: Array<{ message?: unknown }> };
    const details = (e.errors ?? []).map((x) => x.message).filter(Boolean);
    return [e.message, ...details].filter(Boolean).join(': ') || JSON.stringify(error);
  }
  return String(error);
}

interface JsonDetail {
  data?: Array<Record<string, unknown>>;
  fields?: Record<string, Array<{ name: string }> | undefined>;
  errors?: Array<{ message?: string; level?: string }>;
}

/** json_detail cells are {value, rendered}; plain json cells are values. Accept both. */
function cellValue(cell: unknown): Cell {
  if (cell !== null && typeof cell === 'object' && 'value' in (cell as object)) return cellValue((cell as { value: unknown }).value);
  if (cell === undefined) return null;
  return cell as Cell;
}

export function parseQueryResponse(raw: unknown, query: InlineQuery): QueryResult {
  const body = (typeof raw === 'string' ? JSON.parse(raw) : raw) as JsonDetail | Array<Record<string, unknown>>;
  const data = Array.isArray(body) ? body : (body?.data ?? []);
  const rows = data.map((r) => {
    if (r && typeof r === 'object' && 'looker_error' in r) {
      const msg = String((r as { looker_error: unknown }).looker_error);
      throw new QueryError(classifyFailure(msg), msg);
    }
    return Object.fromEntries(Object.entries(r).map(([k, v]) => [k, cellValue(v)]));
  });
  const meta = Array.isArray(body) ? undefined : body?.fields;
  const returnedFields = meta
    ? new Set(Object.values(meta).flatMap((list) => (list ?? []).map((f) => f.name)))
    : new Set(rows.length > 0 ? Object.keys(rows[0]) : query.fields);
  const warnings = Array.isArray(body) ? [] : (body?.errors ?? []).map((e) => e.message ?? '');
  const mentioned = (field: string) => warnings.some((w) => new RegExp(`(^|[^\\w.])${field.replace('.', '\\.')}([^\\w]|$)`).test(w));
  const droppedFields = new Set(
    [...query.fields, ...Object.keys(query.filters ?? {})].filter(
      (f) => mentioned(f) || (meta !== undefined && query.fields.includes(f) && !returnedFields.has(f)),
    ),
  );
  const limit = Number(query.limit);
  return { rows, returnedFields, droppedFields, limitReached: Number.isFinite(limit) && limit > 0 && rows.length >= limit };
}

/**
 * Runs one query. The abort signal stops the wait at once (the promise rejects with kind 'cancelled' and a late
 * answer is ignored): the extension SDK sends requests to Looker over postMessage and cannot carry an AbortSignal,
 * and killing the server-side query would need more API methods than the extension is entitled to.
 */
export async function runInlineQuery(sdk: ILooker40SDK, query: InlineQuery, signal?: AbortSignal): Promise<QueryResult> {
  if (signal?.aborted) throw new QueryError('cancelled', 'Query cancelled.');
  const request = sdk.run_inline_query({ result_format: 'json_detail', body: query, apply_formatting: false });
  const cancelled = new Promise<never>((_, reject) => {
    signal?.addEventListener('abort', () => reject(new QueryError('cancelled', 'Query cancelled.')), { once: true });
  });
  let response: Awaited<typeof request>;
  try {
    response = await Promise.race([request, cancelled]);
  } catch (e) {
    if (e instanceof QueryError) throw e;
    const msg = messageOf(e);
    throw new QueryError(classifyFailure(msg), msg, entitlementMethod(msg));
  }
  if (!response.ok) {
    const msg = messageOf(response.error);
    throw new QueryError(classifyFailure(msg), msg, entitlementMethod(msg));
  }
  return parseQueryResponse(response.value, query);
}
